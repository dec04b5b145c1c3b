"""Evidence documents: text extraction, passages and language detection."""

"""The framework tagger: maps any text to GCM objectives, guiding principles, thematic clusters,
SDG goals and SDG targets, each with a calibrated score and the evidence spans behind it.

Pure Python (numpy and a sentence encoder shipped inside a wheel); no Django import, so the
services, the command line, background tasks and benchmarks all share it. See docs/tagger.md.
"""

from gcmhub.tagger.model import KINDS, Evidence, Exemplars, Tag, Tagger, get_tagger

__all__ = ["KINDS", "Evidence", "Exemplars", "Tag", "Tagger", "get_tagger"]

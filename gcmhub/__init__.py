"""gcmhub: follow-up and review of the Global Compact for Safe, Orderly and Regular Migration."""

__version__ = "0.1.0"

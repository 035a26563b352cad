"""Career Advisor: grounded career answers from a curated library of articles."""

__version__ = "0.2.0"

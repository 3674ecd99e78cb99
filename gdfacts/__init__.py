"""guangdong-facts: a citation-checked dataset of Guangdong's economy."""

__version__ = "0.1.0"

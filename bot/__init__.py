"""Jena Welcome Bot: a multilingual assistant for newcomers, answering from a curated knowledge base."""

__all__ = ["__version__"]

__version__ = "0.1.0"

"""digest: a static-site digest generator for saved news articles."""

__version__ = "0.1.0"

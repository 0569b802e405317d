"""coach: an open-source AI sales-practice coach."""

__version__ = "0.1.0"

__all__ = ["__version__"]

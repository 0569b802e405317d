"""The HTTP API (FastAPI); the UI is mounted beside it."""

from coach.api.app import create_app

__all__ = ["create_app"]

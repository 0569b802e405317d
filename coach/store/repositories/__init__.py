"""Repository functions: keyword-only, one module per aggregate, SQLite and PostgreSQL alike."""

from coach.store.repositories import assignments, clips, content, scorecards, sessions, users

__all__ = ["assignments", "clips", "content", "scorecards", "sessions", "users"]

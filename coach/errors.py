"""Errors the coach raises to its users, each saying what happened and where."""

from __future__ import annotations

from dataclasses import dataclass


class CoachError(Exception):
    """Base class for errors that are shown to a user as they are."""


@dataclass(frozen=True)
class ContentIssue:
    """One problem in a content file: which file, which field, which line, what is wrong."""

    file: str
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ContentError(CoachError):
    """A scenario, persona, clip or seed file that cannot be used, with every issue found."""

    def __init__(self, issues: list[ContentIssue]):
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class NotFoundError(CoachError):
    """A record the user asked for does not exist."""


class PermissionDenied(CoachError):
    """The acting user's role does not allow this action."""


class ModelUnavailableError(CoachError):
    """A model server (LLM, chroma server) could not be reached, timed out, or refused."""


class ConfigurationError(CoachError):
    """The settings are unusable or insecure for the chosen environment."""

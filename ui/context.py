"""What every page needs: the services, the page's language, and who is calling.

The acting user always comes from ``request.username``, which Gradio fills from the signed
session cookie (the app's ``auth_dependency``); never from a widget value.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gradio as gr

from coach.errors import CoachError, PermissionDenied
from coach.services.practice import PracticeService
from coach.services.runtime import Runtime
from ui.i18n import Translator

log = logging.getLogger(__name__)


@dataclass
class Context:
    """The services and the language of one mounted copy of the app."""

    runtime: Runtime
    practice: PracticeService
    language: str

    @property
    def t(self) -> Translator:
        """The message catalogue of this page's language."""
        return Translator(self.language)

    def limits(self) -> dict[str, Any]:
        """The upload limits, for error messages."""
        s = self.runtime.settings
        return {"mb": s.max_upload_mb, "seconds": s.max_audio_s}

    def message(self, error: Exception) -> str:
        """What to tell the user about ``error``, in the page's language."""
        if not isinstance(error, CoachError | ValueError):
            log.exception("unexpected error in a page callback", exc_info=error)
            return self.t("err.server_error")
        return self.t.error(error, **self.limits())


def actor(request: gr.Request | None) -> str:
    """The signed-in user's name; PermissionDenied when there is none."""
    name = getattr(request, "username", None) if request is not None else None
    if not name:
        raise PermissionDenied("sign in first")
    return str(name)

"""Practice: the four modes behind one session interface."""

from coach.practice.modes import (
    FreeformMode,
    ModeStep,
    PracticeMode,
    ReadAlongMode,
    RecitationMode,
    ScriptedMode,
    make_mode,
)

__all__ = [
    "FreeformMode",
    "ModeStep",
    "PracticeMode",
    "ReadAlongMode",
    "RecitationMode",
    "ScriptedMode",
    "make_mode",
]

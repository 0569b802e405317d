"""Personas: the simulated customers, and the engines that play them."""

from coach.personas.model import (
    ANSWER_TOPICS,
    MOVES,
    AgreeRule,
    Facts,
    HangUpRule,
    Objection,
    Persona,
    Voice,
)

__all__ = [
    "ANSWER_TOPICS",
    "MOVES",
    "AgreeRule",
    "Facts",
    "HangUpRule",
    "Objection",
    "Persona",
    "Voice",
]

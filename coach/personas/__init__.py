"""Personas: the simulated customers, and the engines that play them."""

from coach.personas.model import (
    MOVES,
    AgreeRule,
    Facts,
    HangUpRule,
    Objection,
    Persona,
    Voice,
)

__all__ = ["MOVES", "AgreeRule", "Facts", "HangUpRule", "Objection", "Persona", "Voice"]

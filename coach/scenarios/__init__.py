"""Scenarios: the sales situations reps practise, with their SOP key points."""

from coach.scenarios.model import (
    STAGES,
    Flow,
    FlowBranch,
    FlowNode,
    ForbiddenPhrase,
    KeyPoint,
    Scenario,
)

__all__ = ["STAGES", "Flow", "FlowBranch", "FlowNode", "ForbiddenPhrase", "KeyPoint", "Scenario"]

"""The scenario: a sales situation with its SOP key points, script and scripted flow.

The fields documented in DESIGN.md are a public contract: files written to it must load.
Required: ``id``, ``title``, ``language``, ``key_points`` (each with ``id`` and
``description``). Everything else is optional.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from coach.domain import Ident, Language, Slug, Strict, Text

STAGES = ("opening", "discovery", "pitch", "objection", "closing", "delivery")
"""The ability-profile stages; a key point's free-text stage is mapped onto these."""


PartAct = Literal[
    "question",
    "open_question",
    "concrete_time",
    "two_times",
    "figure",
    "acknowledgement",
    "customer_words",
    "time_check",
    "self_intro",
]
"""Built-in act checks a key point part can name (see ``coach.evaluator.parts``)."""


class KeyPointPart(Strict):
    """One element of a multi-part key point (a branch of the key event tree).

    A part is present when the rep says any of its ``any`` phrases (normalised; for Chinese
    also by toneless pinyin, so recogniser homophones count) or performs its ``act``.
    """

    id: Ident
    description: str = ""
    any: list[Text] = Field(default_factory=list)
    act: PartAct | None = None

    @model_validator(mode="after")
    def _has_a_check(self) -> KeyPointPart:
        if not self.any and self.act is None:
            raise ValueError(f"part {self.id!r} needs 'any' phrases or an 'act'")
        return self


class KeyPoint(Strict):
    """One SOP key point the rep is expected to cover.

    ``parts`` (optional) lists the elements the point needs, e.g. the rep's name, the
    company and a time check in a greeting; the point is hit only when ``parts_needed`` of
    them (all by default) are present in the passage or the rep's next turn.
    """

    id: Ident
    description: Text
    stage: str = "general"
    examples: list[Text] = Field(default_factory=list)
    weight: float = Field(default=1.0, gt=0, le=100)
    required: bool = False
    parts: list[KeyPointPart] = Field(default_factory=list)
    parts_needed: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _parts_consistent(self) -> KeyPoint:
        ids = [part.id for part in self.parts]
        if len(ids) != len(set(ids)):
            raise ValueError(f"key point {self.id!r} uses a part id twice")
        if self.parts_needed is not None and self.parts_needed > len(self.parts):
            raise ValueError(
                f"parts_needed is {self.parts_needed} but key point {self.id!r} has "
                f"{len(self.parts)} parts"
            )
        return self

    @property
    def needed_parts(self) -> int:
        """How many parts must be present (all of them unless ``parts_needed`` says fewer)."""
        return self.parts_needed if self.parts_needed is not None else len(self.parts)


class ForbiddenPhrase(Strict):
    """A phrase the rep must not say, and why."""

    phrase: Text
    reason: str = ""
    variants: list[Text] = Field(default_factory=list)


class FlowBranch(Strict):
    """A branch of a scripted flow, taken when the rep's answer shows any of ``when``.

    ``when`` holds key point ids of the scenario, or intent words and phrases to look for
    in the rep's answer.
    """

    when: list[Text] = Field(min_length=1)
    next: Ident


class FlowNode(Strict):
    """One step of a scripted dialogue: the customer speaks, the rep must answer."""

    id: Ident
    customer: Text
    expects: list[Ident] = Field(default_factory=list)
    hint: str = ""
    branches: list[FlowBranch] = Field(default_factory=list)
    next: Ident | None = None
    end: bool = False


class Flow(Strict):
    """A scripted dialogue: nodes walked from ``start``, branching on what the rep said."""

    start: Ident
    nodes: list[FlowNode] = Field(min_length=1)

    def node(self, node_id: str) -> FlowNode:
        """Return the node with this id (KeyError if there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


class Scenario(Strict):
    """A practice scenario: who is called about what, and what a good call covers."""

    id: Slug
    title: Text
    language: Language
    description: str = ""
    product: str = ""
    facts: dict[str, str] = Field(default_factory=dict)
    key_points: list[KeyPoint] = Field(min_length=1)
    forbidden: list[ForbiddenPhrase] = Field(default_factory=list)
    must_say: list[Text] = Field(default_factory=list)
    script: list[Text] = Field(default_factory=list)
    personas: list[Slug] = Field(default_factory=list)
    flow: Flow | None = None
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_key_point_ids(self) -> Scenario:
        seen: set[str] = set()
        for point in self.key_points:
            if point.id in seen:
                raise ValueError(f"key point id {point.id!r} is used twice")
            seen.add(point.id)
        return self

    def key_point(self, point_id: str) -> KeyPoint:
        """Return the key point with this id (KeyError if there is none)."""
        for point in self.key_points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    @property
    def stages(self) -> list[str]:
        """The stages of the key points, in the order they first appear."""
        return list(dict.fromkeys(point.stage for point in self.key_points))

    def reference_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Check the flow's internal references; return (field path, message) pairs."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        if self.flow is None:
            return problems
        node_ids = [node.id for node in self.flow.nodes]
        point_ids = {point.id for point in self.key_points}
        if self.flow.start not in node_ids:
            problems.append((("flow", "start"), f"no flow node has id {self.flow.start!r}"))
        seen: set[str] = set()
        for n, node in enumerate(self.flow.nodes):
            base: tuple[str | int, ...] = ("flow", "nodes", n)
            if node.id in seen:
                problems.append(((*base, "id"), f"flow node id {node.id!r} is used twice"))
            seen.add(node.id)
            for e, expected in enumerate(node.expects):
                if expected not in point_ids:
                    problems.append(
                        ((*base, "expects", e), f"{expected!r} is not a key point of this scenario")
                    )
            if node.next is not None and node.next not in node_ids:
                problems.append(((*base, "next"), f"no flow node has id {node.next!r}"))
            for b, branch in enumerate(node.branches):
                if branch.next not in node_ids:
                    problems.append(
                        ((*base, "branches", b, "next"), f"no flow node has id {branch.next!r}")
                    )
            if not node.end and node.next is None and not node.branches:
                problems.append(
                    (base, f"node {node.id!r} has no next node, no branches and is not an end")
                )
        if not any(node.end for node in self.flow.nodes):
            problems.append((("flow", "nodes"), "the flow has no end node (set end: true on one)"))
        return problems

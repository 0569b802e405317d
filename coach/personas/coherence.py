"""Coherence checks on a played call: whether the customer follows the conversation.

Run on any transcript (rep and customer turns in order), independent of how the customer's
lines were made, so the same checks judge the built-in engine, the LLM-voiced persona or an
old transcript. They catch what a rep notices at once:

- ``re-greeting``: the customer says hello again in the middle of the call;
- ``identity``: the customer asks who is calling after the rep said who they are;
- ``unoffered``: the customer reacts to a price, a slot, a video call, a trial or a figure
  that nobody mentioned;
- ``repeat``: the customer says the same thing again as if it were new;
- ``not-understood``: gibberish, silence, the other language or a cut-off turn answered as
  if it had made sense.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from coach.personas.dialogue import (
    DialogueState,
    analyse,
    asks_identity,
    greets,
    is_repeat_request,
    line_problem,
    numbers,
    states_something,
)
from coach.personas.model import Persona
from coach.scenarios.model import Scenario
from coach.text.normalize import compact

_AS_I_SAID = ("like i said", "as i said", "i told you", "我刚才也说了", "我刚才说了", "刚才说了")


@dataclass(frozen=True)
class Incoherence:
    """One reply that does not follow the call."""

    check: str
    turn: int
    rep: str
    customer: str
    why: str

    def __str__(self) -> str:
        return f"[{self.check}] turn {self.turn}: rep {self.rep[:60]!r} -> customer {self.customer!r} ({self.why})"


def _company_names(scenario: Scenario) -> list[str]:
    names = []
    for key in ("company", "clinic", "product_name", "brand"):
        value = str(scenario.facts.get(key, ""))
        if value:
            names.append(value)
            head = value.split("（")[0].split(",")[0]
            names.append(head[:2] if scenario.language == "zh" else head.split()[0])
    return names


def check_call(
    turns: list[tuple[str, str]],
    persona: Persona,
    scenario: Scenario,
    *,
    ended_by: str | None = None,
) -> list[Incoherence]:
    """Every incoherent customer reply in a call of (speaker, text) turns, in order.

    ``ended_by="agreement"``: the last customer line agreed; the slot it names must be one the
    rep offered.
    """
    language = scenario.language
    state = DialogueState()
    card = " ".join(
        [persona.background, persona.role, persona.company, *persona.hidden_needs]
        + [str(v) for v in persona.facts.model_dump().values()]
        + [line for lines in persona.answers.values() for line in lines]
    )
    own = numbers(card, language)
    own_lines = sorted(
        (line for lines in persona.answers.values() for line in lines), key=len, reverse=True
    )
    found: list[Incoherence] = []
    said: list[str] = []
    rep_so_far: list[str] = []
    last_rep, last_heard, rep_turns = "", "ok", 0
    customer_index = 0
    for index, (speaker, text) in enumerate(turns):
        if speaker != "customer":
            rep_turns += 1
            last_rep = text
            rep_so_far.append(text)
            turn = analyse(text, language, _company_names(scenario), set())
            last_heard = turn.heard
            state.observe(turn)
            # Any statement of substance (not only questions) is something to react to.
            state.pitched |= states_something(text, language)
            continue
        customer_index += 1
        if rep_turns == 0:
            said.append(text)
            continue  # the customer picking up

        def flag(
            check: str, why: str, text: str = text, index: int = index, rep: str = last_rep
        ) -> None:
            found.append(Incoherence(check, index, rep, text, why))

        final = ended_by is not None and index == len(turns) - 1
        if last_heard != "ok":
            if not (is_repeat_request(text, language) or (final and ended_by == "hangup")):
                flag("not-understood", f"the rep's turn was {last_heard}")
        if rep_turns > 1 and greets(text, language):
            flag("re-greeting", "greets again mid-call")
        if state.introduced and asks_identity(text, language):
            flag("identity", "asks who is calling after the rep said so")
        # The persona's own answers state its facts; they react to nothing.
        reacting = text
        for own_line in own_lines:
            reacting = reacting.replace(own_line, " ")
        problem = line_problem(
            reacting,
            language,
            state,
            turn=2,
            rep_text_so_far=" ".join(rep_so_far),
            own_numbers=own,
            name_tokens=[],
            counter_ok=not (final and ended_by == "agreement"),
        )
        if problem is not None and "greets" not in problem and "who is calling" not in problem:
            if "what the call is about" not in problem:
                flag("unoffered", problem)
        low = text.lower()
        if not any(marker in low for marker in _AS_I_SAID):
            mine = compact(text, language)
            for earlier in said:
                if len(mine) > 8 and fuzz.ratio(mine, compact(earlier, language)) >= 90:
                    flag("repeat", "says an earlier line again as if new")
                    break
        said.append(text)
    return found


__all__ = ["Incoherence", "check_call"]

"""Small builders for repository tests."""

from coach.accounts import Role
from coach.personas.model import Persona
from coach.scenarios.model import Scenario
from coach.store.repositories import content, users

SCENARIO = Scenario.model_validate(
    {
        "id": "tiny",
        "title": "Tiny scenario",
        "language": "en",
        "key_points": [
            {"id": "greeting", "description": "Greets", "stage": "opening"},
            {
                "id": "next_step",
                "description": "Books a next step",
                "stage": "closing",
                "required": True,
            },
        ],
        "personas": ["pat"],
    }
)
PERSONA = Persona.model_validate(
    {
        "id": "pat",
        "name": "Pat",
        "role": "Buyer",
        "company": "Acme",
        "language": "en",
        "difficulty": 3,
        "agree_when": {"needs": ["next_step"], "lines": ["OK, send the invite."]},
        "hang_up_when": {"lines": ["I have to go."]},
    }
)


def make_rep(session, username="rep1", team_id=None):
    return users.create_user(
        session=session,
        username=username,
        display_name=username,
        password_hash="x",
        role=Role.REP,
        team_id=team_id,
    )


def add_content(session):
    content.upsert_persona(session=session, persona=PERSONA)
    content.upsert_scenario(session=session, scenario=SCENARIO)

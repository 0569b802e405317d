"""The README stays true: every setting is documented, every documented one exists."""

import re

from coach.settings import Settings
from tests.conftest import ROOT


def test_readme_configuration_table_matches_settings():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `(COACH_[A-Z0-9_]+)` \|", readme, flags=re.M))
    actual = {f"COACH_{name.upper()}" for name in Settings.model_fields}
    assert documented == actual


def test_env_example_names_only_real_settings():
    names = set(
        re.findall(r"^# (COACH_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M)
    )
    assert names and names <= {f"COACH_{name.upper()}" for name in Settings.model_fields}


def test_readme_shows_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    assert "./scripts/start" in readme and "./scripts/test" in readme
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()

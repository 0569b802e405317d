import json
import re

import pytest
from typer.testing import CliRunner

from coach.backends.fake import FakeEmbedder, InMemoryClipIndex
from coach.cli import app
from coach.services import clips
from coach.settings import Settings
from tests.conftest import SEEDS

runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_clip_engine():
    """`coach init` builds the clip index: with the fake embedder here, not the real model."""
    embedder = FakeEmbedder()
    engine = clips.ClipEngine(embedder, InMemoryClipIndex(embedder), refresh_s=0)
    settings = Settings()
    clips.set_engine(settings, engine)
    yield engine
    clips.set_engine(settings, None)


def run(*args, **kwargs):
    return runner.invoke(app, list(args), **kwargs)


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["init"],
        ["serve"],
        ["scenarios"],
        ["scenarios", "list"],
        ["scenarios", "validate"],
        ["scenarios", "delete"],
        ["users"],
        ["users", "add"],
        ["users", "list"],
    ],
)
def test_help_everywhere(command):
    result = run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_validate_seeds_ok():
    result = run("scenarios", "validate", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_validate_malformed_file_names_file_field_line(tmp_path):
    bad = tmp_path / "scenarios" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "id: bad\ntitle: Bad\nlanguage: en\nkey_points:\n  - id: k\n    description: d\n    weigth: 2\n"
    )
    result = run("scenarios", "validate", str(tmp_path))
    assert result.exit_code == 1
    assert "bad.yaml:7: key_points[0].weigth: unknown field" in result.output
    report = json.loads(run("scenarios", "validate", str(tmp_path), "--json").stdout)
    assert report["ok"] is False and report["issues"][0]["line"] == 7


def test_init_list_and_users_round_trip():
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "scenarios: " in result.output and "created" in result.output
    again = run("init")
    assert again.exit_code == 0 and "created" not in again.output
    listed = json.loads(run("scenarios", "list", "--json").stdout)
    assert {row["language"] for row in listed} == {"en", "zh"}
    assert "crm-logistics-discovery" in run("scenarios", "list").output
    added = run(
        "users",
        "add",
        "casey",
        "--role",
        "manager",
        "--team",
        "West",
        "--password",
        "long enough pass",
    )
    assert added.exit_code == 0, added.output
    users = {u["username"]: u for u in json.loads(run("users", "list", "--json").stdout)}
    assert users["casey"]["team"] == "West" and users["rep"]["is_demo"]
    assert "password" not in json.dumps(users)


def test_users_add_errors_are_clear():
    assert run("init", "--no-seeds").exit_code == 0
    weak = run("users", "add", "dan", "--password", "short")
    assert "至少" in weak.output
    assert weak.exit_code == 1 and "at least" in weak.output
    role = run("users", "add", "dan", "--role", "boss", "--password", "long enough pass")
    assert role.exit_code == 1 and "unknown role" in role.output
    prompted = run("users", "add", "dan", input="long enough pass\nlong enough pass\n")
    assert prompted.exit_code == 0, prompted.output
    dup = run("users", "add", "dan", "--password", "long enough pass")
    assert dup.exit_code == 1 and "taken" in dup.output


def test_users_commands_check_the_acting_user():
    assert run("init").exit_code == 0
    assert "local operator, acting as admin" in run("users", "list", "--help").output
    denied = run("users", "add", "dan", "--password", "long enough pass", "--user", "trainer")
    assert denied.exit_code == 1 and "a trainer may not" in denied.output
    added = run("users", "add", "dan", "--password", "long enough pass", "--user", "admin")
    assert added.exit_code == 0, added.output
    team = json.loads(run("users", "list", "--json", "--user", "manager").stdout)
    assert "dan" not in {u["username"] for u in team} and len(team) == 5
    assert "dan" in run("users", "list").stdout
    denied = run("users", "list", "--user", "rep")
    assert denied.exit_code == 1 and "a rep may not" in denied.output
    other = run("users", "list", "--team", "Elsewhere", "--user", "trainer")
    assert other.exit_code == 1 and "only their own team" in other.output


def test_scenarios_delete_removes_saved_content_and_keeps_seeds():
    from coach.services import content
    from coach.services.runtime import open_runtime

    assert run("init").exit_code == 0
    text = content.template_text("persona", "en")
    runtime = open_runtime()
    try:
        saved = content.save_document(runtime, actor="trainer", kind="persona", text=text)
    finally:
        runtime.close()
    denied = run("scenarios", "delete", saved.item_id, "--persona", "--user", "rep")
    assert denied.exit_code == 1 and "a rep may not" in denied.output
    deleted = run("scenarios", "delete", saved.item_id, "--persona", "--user", "trainer")
    assert deleted.exit_code == 0, deleted.output
    assert f"deleted persona {saved.item_id}" in deleted.output
    seed = run("scenarios", "delete", "crm-logistics-discovery")
    assert seed.exit_code == 1 and "built-in" in seed.output and "内置" in seed.output
    assert "crm-logistics-discovery" in run("scenarios", "list").output


def test_commands_before_init_say_what_to_do():
    result = run("scenarios", "list")
    assert result.exit_code == 1 and "coach init" in result.output


def test_version():
    assert run("--version").output.startswith("coach ")


def one_error_line(result):
    """The command failed with exit code 1 and said why in one line, without a traceback."""
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_init_builds_the_clip_index_so_no_search_waits(fake_clip_engine):
    first = run("init")
    assert first.exit_code == 0, first.output
    clip_count = int(re.search(r"^clips: (\d+) created", first.stdout, re.M).group(1))
    assert f"clip index: {clip_count} clips ready ({clip_count} embedded now)" in first.stdout
    assert "indexing the clip library" in first.stderr
    assert fake_clip_engine.index.count() == clip_count > 10
    again = run("init")
    assert f"clip index: {clip_count} clips ready (0 embedded now)" in again.stdout
    skipped = run("init", "--no-index")
    assert skipped.exit_code == 0 and "clip index" not in skipped.output


def test_init_gives_the_demo_team_a_practice_history_once(monkeypatch):
    """What ./scripts/start runs: real calls, scored, shown by `coach report`; then skipped."""
    first = run("init", "--demo-history")
    assert first.exit_code == 0, first.output
    assert "demo history: 48 practice sessions (" in first.stdout
    assert "4 demo teammates added" in first.stdout
    assert "recording the demo team's practice calls" in first.stderr
    report = run("report", "team", "Demo Team", "--json", "--user", "manager")
    assert report.exit_code == 0, report.output
    volume = {row["rep"]: row["sessions"] for row in json.loads(report.stdout)["volume"]}
    team = {"rep", "rep-zh", "jordan", "sam", "wang-fang", "zhao-lei"}
    assert sum(volume.values()) > 0 and set(volume) <= team
    again = run("init", "--demo-history")
    assert "demo history: skipped (the Demo Team has practised already)" in again.stdout
    monkeypatch.setenv("COACH_ENV", "production")
    monkeypatch.setenv("COACH_SECRET_KEY", "HyWFXuOjn7aVSPs15mZEbTY0f6a-cNq1B0iNon_I")
    prod = run("init", "--demo-history")
    assert prod.exit_code == 0, prod.output
    assert "demo history: skipped (demo users only exist in dev mode" in prod.stdout


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("COACH_ENV", "prod", "COACH_ENV='prod' is not valid"),
        ("COACH_PORT", "abc", "COACH_PORT='abc' is not valid"),
        ("COACH_SECRET_KEY", "a" * 36, "COACH_SECRET_KEY is too weak"),
        ("COACH_SECRET_KEY", " " * 40, "COACH_SECRET_KEY is too weak"),
    ],
)
@pytest.mark.parametrize(
    "command", [["init"], ["scenarios", "list"], ["users", "list"], ["clips", "calls"], ["serve"]]
)
def test_a_bad_setting_is_one_line_for_every_command(monkeypatch, command, variable, value, said):
    if variable == "COACH_SECRET_KEY":
        monkeypatch.setenv("COACH_ENV", "production")
    monkeypatch.setenv(variable, value)
    line = one_error_line(run(*command))
    assert said in line
    if variable == "COACH_SECRET_KEY":
        assert "secrets.token_urlsafe(48)" in line


def test_bad_speech_arguments_are_one_line_before_any_model_loads(tmp_path):
    assert "is a folder" in one_error_line(
        run("speak", "hi", "--language", "en", "--out", str(tmp_path))
    )
    assert "does not exist" in one_error_line(
        run("speak", "hi", "--language", "en", "--out", str(tmp_path / "no" / "x.wav"))
    )
    assert "use en (English) or zh (Mandarin)" in one_error_line(
        run("speak", "hi", "--language", "fr", "--out", str(tmp_path / "x.wav"))
    )
    assert "no such audio file" in one_error_line(run("transcribe", str(tmp_path / "none.wav")))
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.parametrize(
    "name", ["   ", "../../etc", "a\x1b]0;pwned\x07", "x" * 5000, "@local"]
)
def test_users_add_refuses_bad_names_before_asking_for_a_password(name):
    assert run("init", "--no-seeds", "--no-index").exit_code == 0
    result = run("users", "add", name, input="a long passphrase\na long passphrase\n")
    line = one_error_line(result)
    assert "is not allowed: use 2-32 characters" in line and "password" not in result.output
    assert "\x1b" not in result.output and len(line) < 400
    assert json.loads(run("users", "list", "--json").stdout) == []


def test_users_add_refuses_a_bad_language_and_weak_passwords():
    assert run("init", "--no-seeds", "--no-index").exit_code == 0
    assert "unknown language 'fr'" in one_error_line(
        run("users", "add", "dana", "--language", "fr", "--password", "long enough pass")
    )
    for weak in ("aaaaaaaaaa", "1234567890", "password123"):
        line = one_error_line(run("users", "add", "dana", "--password", weak))
        assert "the password" in line and "密码" in line


def test_users_add_checks_the_role_before_prompting_for_a_password():
    assert run("init", "--no-index").exit_code == 0
    result = run("users", "add", "dan", "--user", "rep", input="long enough pass\nlong enough pass\n")
    assert "a rep may not" in one_error_line(result)
    assert "password" not in result.output


def test_the_last_admin_cannot_be_demoted_or_disabled_from_the_cli():
    assert run("init", "--no-index").exit_code == 0
    assert "last active admin" in one_error_line(run("users", "role", "admin", "rep"))
    assert "last active admin" in one_error_line(run("users", "disable", "admin"))
    assert run("users", "add", "boss", "--role", "admin", "--password", "long enough pass").exit_code == 0
    assert run("users", "disable", "admin", "--user", "boss").stdout == "admin is disabled\n"
    assert "(disabled)" in run("users", "list").stdout
    assert "last active admin" in one_error_line(run("users", "role", "boss", "rep"))
    assert run("users", "enable", "admin").stdout == "admin is enabled\n"
    assert run("users", "role", "boss", "manager").stdout == "boss is now manager\n"
    assert "a rep may not" in one_error_line(run("users", "disable", "boss", "--user", "rep"))

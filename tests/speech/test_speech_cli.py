"""``coach transcribe`` / ``coach speak`` without models: errors, help, the fake voice."""

import wave

import numpy as np
import pytest
from typer.testing import CliRunner

from coach.cli import app
from tests.speech.helpers import tone, write

runner = CliRunner()


@pytest.mark.parametrize("command", [["transcribe"], ["speak"]])
def test_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_corrupt_audio_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"this is not an mp3" * 50)
    result = runner.invoke(app, ["transcribe", str(bad)])
    assert result.exit_code == 1
    assert "error: 'bad.mp3' is not a readable audio file" in result.stderr
    assert result.stdout == ""


def test_silent_audio_says_no_speech_heard(tmp_path):
    silent = write(tmp_path / "silent.wav", np.zeros(16000, np.float32), rate=16000)
    result = runner.invoke(app, ["transcribe", str(silent), "--json"])
    assert result.exit_code == 1 and "no speech heard" in result.stderr


def test_missing_file_and_limits(tmp_path, monkeypatch):
    result = runner.invoke(app, ["transcribe", str(tmp_path / "nope.wav")])
    assert result.exit_code == 1 and "no such audio file" in result.stderr
    monkeypatch.setenv("COACH_MAX_AUDIO_S", "1")
    long = write(tmp_path / "long.flac", tone(4.0), rate=16000, kind="flac")
    result = runner.invoke(app, ["transcribe", str(long)])
    assert result.exit_code == 1 and "COACH_MAX_AUDIO_S" in result.stderr


def test_bad_language(tmp_path):
    clip = write(tmp_path / "a.wav", tone(1.0), rate=16000)
    result = runner.invoke(app, ["transcribe", str(clip), "--language", "fr"])
    assert result.exit_code == 1 and "use en (English) or zh (Mandarin)" in result.stderr
    result = runner.invoke(
        app, ["speak", "Bonjour.", "--language", "fr", "--out", str(tmp_path / "o.wav")]
    )
    assert result.exit_code == 1 and "not offered" in result.stderr


def test_speak_with_the_fake_voice_writes_a_wav(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_TTS_EN", "fake")
    out = tmp_path / "hello.wav"
    result = runner.invoke(
        app, ["speak", "Hello. How are you?", "--language", "en", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stdout and "2 sentence(s)" in result.stdout
    with wave.open(str(out)) as wav:
        assert wav.getnframes() > 0 and wav.getsampwidth() == 2

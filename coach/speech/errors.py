"""Errors of the speech layer: each says what happened to the audio and what to do about it."""

from __future__ import annotations

from coach.errors import CoachError


class SpeechError(CoachError):
    """Base class for speech problems shown to the user."""


class AudioError(SpeechError):
    """Audio that cannot be used as it is."""


class CorruptAudioError(AudioError):
    """The bytes are not a readable audio file (damaged, truncated or not audio at all)."""


class UnsupportedAudioError(AudioError):
    """A readable file without a usable audio track, or in a codec this build cannot decode."""


class AudioTooLargeError(AudioError):
    """The file is bigger than the upload limit."""


class AudioTooLongError(AudioError):
    """The audio lasts longer than the duration limit."""


class NoSpeechError(AudioError):
    """The audio is silent or empty: nothing was said that could be recognised."""


class SpeechModelError(SpeechError):
    """A speech model or voice cannot be found, assembled or loaded."""


class UnsupportedLanguageError(SpeechError):
    """A language or voice this synthesizer or recogniser does not offer."""


class UnsupportedVoiceError(SpeechError):
    """A voice name that no installed synthesizer has."""

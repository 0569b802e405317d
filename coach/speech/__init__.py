"""Speech plumbing shared by the adapters and services: audio I/O, languages, model files."""

from coach.speech.audio import SAMPLE_RATE, decode_audio, resample, wav_bytes, write_wav
from coach.speech.errors import (
    AudioError,
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    NoSpeechError,
    SpeechError,
    SpeechModelError,
    UnsupportedAudioError,
    UnsupportedLanguageError,
    UnsupportedVoiceError,
)

__all__ = [
    "SAMPLE_RATE",
    "AudioError",
    "AudioTooLargeError",
    "AudioTooLongError",
    "CorruptAudioError",
    "NoSpeechError",
    "SpeechError",
    "SpeechModelError",
    "UnsupportedAudioError",
    "UnsupportedLanguageError",
    "UnsupportedVoiceError",
    "decode_audio",
    "resample",
    "wav_bytes",
    "write_wav",
]

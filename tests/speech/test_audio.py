import wave

import numpy as np
import pytest

from coach.errors import CoachError
from coach.speech.audio import (
    decode_audio,
    ensure_sound,
    resample,
    to_pcm16,
    wav_bytes,
    write_wav,
)
from coach.speech.errors import (
    AudioError,
    AudioTooLargeError,
    AudioTooLongError,
    CorruptAudioError,
    NoSpeechError,
    UnsupportedAudioError,
)
from tests.speech.helpers import FORMATS, dominant_frequency, encode, tone, video_only, write


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize("channels", [1, 2])
def test_decodes_every_promised_format_to_16k_mono(tmp_path, kind, channels):
    _, _, rate, suffix = FORMATS[kind]
    path = write(
        tmp_path / f"a{suffix}", tone(2.0, rate=rate), rate=rate, kind=kind, channels=channels
    )
    for source in (path, str(path), path.read_bytes()):
        samples = decode_audio(source)
        assert samples.dtype == np.float32 and samples.ndim == 1
        assert abs(len(samples) / 16000 - 2.0) < 0.1
        assert abs(dominant_frequency(samples) - 440) < 5
        assert 0.2 < float(np.max(np.abs(samples))) <= 1.0


def test_other_sample_rates(tmp_path):
    samples = decode_audio(encode(tone(1.0, rate=8000), rate=8000), sample_rate=16000)
    assert len(samples) == 16000
    assert len(decode_audio(encode(tone(1.0), rate=16000), sample_rate=24000)) == 24000


@pytest.mark.parametrize("kind", ["wav", "flac", "ogg-opus"])
def test_silence_is_no_speech(kind):
    rate = FORMATS[kind][2]
    data = encode(np.zeros(rate * 2, np.float32), rate=rate, kind=kind)
    with pytest.raises(NoSpeechError, match="no speech heard"):
        decode_audio(data)
    assert len(decode_audio(data, require_sound=False)) == 32000


def test_empty_inputs_are_no_speech(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(NoSpeechError, match="empty"):
        decode_audio(empty)
    with pytest.raises(NoSpeechError):
        decode_audio(b"")
    with pytest.raises(NoSpeechError, match="no speech heard"):
        decode_audio(wav_bytes(np.zeros(0, np.float32), 16000))
    with pytest.raises(NoSpeechError):
        ensure_sound(np.zeros(0, np.float32))


def test_quiet_speech_is_not_silence():
    ensure_sound(tone(0.5, amp=0.01))


@pytest.mark.parametrize(
    "data",
    [b"not audio at all" * 100, bytes(range(256)) * 40, b"RIFF\x00\x00\x00\x00WAVEfmt "],
    ids=["text", "binary", "wav-header-only"],
)
def test_garbage_is_corrupt(data):
    with pytest.raises(CorruptAudioError, match="WAV, FLAC, MP3"):
        decode_audio(data)


@pytest.mark.parametrize("kind", ["wav", "flac", "mp3", "ogg-opus", "webm-opus", "m4a-aac"])
def test_truncated_files_decode_what_is_there_or_say_corrupt(kind):
    rate = FORMATS[kind][2]
    data = encode(tone(3.0, rate=rate), rate=rate, kind=kind)
    for cut in (len(data) // 2, 40):
        try:
            samples = decode_audio(data[:cut])
        except AudioError as error:
            assert isinstance(error, CorruptAudioError | NoSpeechError), error
        else:
            assert 0 < len(samples) <= 3.1 * 16000


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CorruptAudioError, match="no such audio file"):
        decode_audio(tmp_path / "nope.wav")
    with pytest.raises(CorruptAudioError, match="not a file"):
        decode_audio(tmp_path)


def test_file_without_audio_track_is_unsupported(tmp_path):
    with pytest.raises(UnsupportedAudioError, match="no audio track"):
        decode_audio(video_only(tmp_path / "video.mp4"))


def test_size_limit_is_checked_before_decoding(tmp_path):
    data = encode(tone(2.0), rate=16000)
    with pytest.raises(AudioTooLargeError, match="COACH_MAX_UPLOAD_MB"):
        decode_audio(data, max_bytes=1000)
    path = tmp_path / "big.wav"
    path.write_bytes(b"\x00" * 5000)  # not even audio: the size check comes first
    with pytest.raises(AudioTooLargeError, match="upload a shorter recording"):
        decode_audio(path, max_bytes=4096)
    assert len(decode_audio(data, max_bytes=len(data))) == 32000


@pytest.mark.parametrize("kind", ["wav", "ogg-opus", "mp3"])
def test_duration_limit(kind):
    rate = FORMATS[kind][2]
    data = encode(tone(5.0, rate=rate), rate=rate, kind=kind)
    with pytest.raises(AudioTooLongError, match="COACH_MAX_AUDIO_S"):
        decode_audio(data, max_seconds=2)
    assert len(decode_audio(data, max_seconds=5)) >= 4.9 * 16000


def test_errors_are_coach_errors_with_advice():
    for cls in (
        CorruptAudioError,
        UnsupportedAudioError,
        AudioTooLargeError,
        AudioTooLongError,
        NoSpeechError,
    ):
        assert issubclass(cls, AudioError) and issubclass(cls, CoachError)


def test_write_wav_is_16_bit_mono_pcm(tmp_path):
    samples = np.array([0.0, 0.5, -0.5, 1.5, -2.0], np.float32)
    path = write_wav(tmp_path / "sub" / "out.wav", samples, 22050)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (
            1,
            2,
            22050,
            5,
        )
        frames = np.frombuffer(wav.readframes(5), "<i2")
    assert frames.tolist() == [0, 16384, -16384, 32767, -32767]
    assert path.read_bytes() == wav_bytes(samples, 22050)
    assert to_pcm16(samples) == frames.tobytes()


def test_wav_round_trip_through_the_decoder():
    samples = tone(1.0, freq=300)
    back = decode_audio(wav_bytes(samples, 16000))
    assert np.max(np.abs(back - samples)) < 1e-3


def test_resample():
    samples = tone(1.0, rate=24000, freq=500)
    out = resample(samples, 24000, 16000)
    assert abs(len(out) - 16000) <= 64 and abs(dominant_frequency(out) - 500) < 5
    assert (
        resample(samples, 24000, 24000) is not None
        and len(resample(samples, 24000, 24000)) == 24000
    )
    assert len(resample(np.zeros(0, np.float32), 22050, 16000)) == 0

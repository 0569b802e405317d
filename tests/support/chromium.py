"""The headless Chromium the browser tests and the voice benchmark drive (Debian's package).

One list of flags for all of them: what this machine's Chromium needs to run headless and
offline, a fake microphone playing a WAV file, and autoplay without a click (the customer's
voice starts by itself).
"""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


def installed() -> bool:
    """Whether Debian's Chromium is on this machine."""
    return Path(CHROMIUM).exists() and shutil.which("chromium") is not None


def launch_args(microphone: Path | None = None) -> list[str]:
    """The flags, with ``microphone`` (a WAV, played once) as the fake microphone."""
    if microphone is None:
        return list(ARGS)
    return [*ARGS, f"--use-file-for-fake-audio-capture={microphone}%noloop"]

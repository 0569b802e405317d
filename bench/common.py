"""Timing helpers shared by the benchmarks: repeat, take medians, write results."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def measure(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> dict[str, float]:
    """Run ``fn`` ``warmup`` + ``repeat`` times; return median, p90, min in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p90_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.9))], 3),
        "min_ms": round(samples[0], 3),
        "runs": repeat,
    }


def write_results(name: str, results: dict[str, Any]) -> Path:
    """Write results with machine details to bench/results/NAME.json."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        "results": results,
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    return path

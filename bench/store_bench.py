"""Storage benchmark: what the foundation costs on the paths every session takes.

- loading and validating the seed content (startup and `coach scenarios validate`);
- `coach init` on a fresh SQLite file (migrate + seed), and again (idempotent re-run);
- persisting a 20-turn session turn by turn, each turn its own transaction (what the app
  does so a crash loses at most one turn), against the baseline of writing all 20 turns in
  one transaction at the end; on a SQLite file and on a private PostgreSQL cluster.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import measure, write_results
from coach.accounts import Role
from coach.content.catalog import load_catalog
from coach.services import setup
from coach.services.runtime import Runtime, open_runtime
from coach.settings import Settings
from coach.store.db import migrate
from coach.store.repositories import sessions, users

ROOT = Path(__file__).resolve().parent.parent
TURNS = 20


def _runtime(url: str, data: Path) -> Runtime:
    rt = open_runtime(Settings(data_dir=data, database_url=url))
    migrate(rt.engine)
    setup.initialise(rt, seeds=ROOT / "seeds")
    with rt.transaction() as s:
        if users.get_user_by_username(session=s, username="bench") is None:
            users.create_user(
                session=s, username="bench", display_name="b", password_hash="x", role=Role.REP
            )
    return rt


def _new_session(rt: Runtime) -> str:
    with rt.transaction() as s:
        user = users.get_user_by_username(session=s, username="bench")
        assert user is not None
        return sessions.create_session(
            session=s,
            user_id=user.id,
            scenario_id="crm-logistics-discovery",
            mode="freeform",
            language="en",
        ).id


def _turn_by_turn(rt: Runtime) -> None:
    session_id = _new_session(rt)
    for i in range(TURNS):
        with rt.transaction() as s:
            sessions.add_turn(
                session=s,
                session_id=session_id,
                speaker="rep" if i % 2 else "customer",
                text=f"turn {i}",
            )


def _all_at_end(rt: Runtime) -> None:
    session_id = _new_session(rt)
    with rt.transaction() as s:
        for i in range(TURNS):
            sessions.add_turn(
                session=s,
                session_id=session_id,
                speaker="rep" if i % 2 else "customer",
                text=f"turn {i}",
            )


def _persist(label: str, rt: Runtime, repeat: int) -> dict[str, object]:
    per_turn = measure(lambda: _turn_by_turn(rt), repeat=repeat)
    batch = measure(lambda: _all_at_end(rt), repeat=repeat)
    ratio = per_turn["median_ms"] / batch["median_ms"]
    print(
        f"{label:<10} 20 turns, one transaction each: median {per_turn['median_ms']:8.1f} ms "
        f"({per_turn['median_ms'] / TURNS:.2f} ms/turn) | baseline, one transaction: "
        f"{batch['median_ms']:8.1f} ms | ratio {ratio:.2f}x"
    )
    return {"turn_by_turn": per_turn, "baseline_one_transaction": batch, "ratio": round(ratio, 2)}


def main() -> int:
    results: dict[str, object] = {}
    catalog = measure(lambda: load_catalog([ROOT / "seeds"]), repeat=10)
    print(
        f"load + validate seeds ({len(load_catalog([ROOT / 'seeds']).files)} files): median {catalog['median_ms']:.1f} ms"
    )
    results["validate_seeds"] = catalog

    with tempfile.TemporaryDirectory() as tmp:

        def fresh_init() -> None:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            rt = open_runtime(Settings(data_dir=folder))
            setup.initialise(rt)
            rt.close()

        first = measure(fresh_init, repeat=3, warmup=0)
        rt = open_runtime(Settings(data_dir=Path(tmp) / "again"))
        setup.initialise(rt)
        again = measure(lambda: setup.initialise(rt), repeat=5)
        rt.close()
        print(
            f"coach init, fresh SQLite: median {first['median_ms']:.0f} ms | re-run (no changes): {again['median_ms']:.0f} ms"
        )
        results["init_fresh_sqlite"] = first
        results["init_rerun_sqlite"] = again

        sqlite_rt = _runtime(f"sqlite:///{tmp}/bench.db", Path(tmp))
        results["persist_sqlite"] = _persist("SQLite", sqlite_rt, repeat=15)
        sqlite_rt.close()

    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import start_cluster

    try:
        cluster = start_cluster()
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"PostgreSQL: skipped ({exc})")
        results["persist_postgres"] = {"skipped": str(exc)}
    else:
        try:
            with tempfile.TemporaryDirectory() as tmp:
                pg_rt = _runtime(cluster.new_database(), Path(tmp))
                results["persist_postgres"] = _persist("PostgreSQL", pg_rt, repeat=15)
                pg_rt.close()
        finally:
            cluster.stop()
    path = write_results("store", results)
    print(f"results written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

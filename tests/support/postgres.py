"""Start a private PostgreSQL cluster in a temporary folder, listening on 127.0.0.1 only."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.net import free_port


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise FileNotFoundError(f"PostgreSQL's {name} was not found (Debian package: postgresql)")


def _as_owner(command: list[str]) -> list[str]:
    # initdb refuses to run as root; run the server as the 'postgres' system user then.
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise FileNotFoundError("no 'postgres' system user to run the server as") from exc
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresCluster:
    """A running private cluster; ``new_database()`` gives each test its own database."""

    folder: Path
    port: int

    @property
    def admin_url(self) -> str:
        """URL of the maintenance database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"coach_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """Restart the server in place (``-m fast``: open connections are cut), same port.

        Its output goes to the log file: a server holding our pipe open would never let
        ``subprocess.run`` return.
        """
        subprocess.run(
            _as_owner(
                [
                    _pg_bin("pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    "fast",
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.folder / "server.log"),
                    "restart",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        subprocess.run(
            _as_owner(
                [_pg_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """Create and start a cluster (trust auth, loopback only, socket in its own folder)."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres", group="postgres")
    data = folder / "data"
    port = free_port()
    subprocess.run(
        _as_owner(
            [initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"]
        ),
        check=True,
        capture_output=True,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off"
    )
    result = subprocess.run(
        _as_owner(
            [
                pg_ctl,
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        ),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        log = (
            (folder / "server.log").read_text(errors="replace")
            if (folder / "server.log").exists()
            else ""
        )
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    return PostgresCluster(folder=folder, port=port)

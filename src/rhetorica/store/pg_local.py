"""A throwaway PostgreSQL server on 127.0.0.1, for tests, benchmarks and trying the backend.

Why this exists: the PostgreSQL store must pass the same contract tests as SQLite, in CI and
on a laptop, without anyone configuring a server. When the PostgreSQL binaries are
installed (Debian puts them in ``/usr/lib/postgresql/<version>/bin``), :class:`LocalPostgres`
runs ``initdb`` in a temporary folder, starts the server on a free loopback port with trust
authentication (nothing listens beyond 127.0.0.1), and removes everything on ``stop()``.
``initdb`` refuses to run as root, so as root it runs the server as the ``postgres`` system
user (``runuser``), with the folder owned by that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start; callers skip or explain."""


def find_bindir() -> Path | None:
    """Folder holding ``initdb`` and ``pg_ctl``: on PATH, else the newest Debian install."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPostgres:
    """Start with :meth:`start`, get a database URL with :meth:`create_database`, then :meth:`stop`.

    ``fsync=False`` makes tests fast; benchmarks keep the default (on) so ingest figures mean
    something.
    """

    def __init__(self, fsync: bool = True, user: str = "rhetorica") -> None:
        self.fsync = fsync
        self.user = user
        self.bindir = find_bindir()
        self.port = 0
        self.root: Path | None = None
        self._run_as: list[str] = []

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._run_as, *args], capture_output=True, text=True,
                              timeout=120, check=False)

    def start(self) -> LocalPostgres:
        if self.bindir is None:
            raise PostgresUnavailable("PostgreSQL is not installed (no initdb/pg_ctl found); "
                                      "install the 'postgresql' package")
        self.root = Path(tempfile.mkdtemp(prefix="rhetorica-pg-"))
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no 'postgres' user to "
                                          "run the server as") from None
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            runuser = shutil.which("runuser")
            if not runuser:
                raise PostgresUnavailable("running as root without 'runuser' to drop to the "
                                          "'postgres' user")
            self._run_as = [runuser, "-u", "postgres", "--"]
        data, sock = self.root / "data", self.root
        self.port = _free_port()
        init = self._cmd(str(self.bindir / "initdb"), "-D", str(data), "-U", self.user,
                         "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
        if init.returncode != 0:
            self.stop()
            raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-400:]}")
        opts = f"-p {self.port} -h 127.0.0.1 -k {sock}" + ("" if self.fsync else " -F")
        start = self._cmd(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                          "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        if start.returncode != 0:
            log = (self.root / "server.log")
            tail = log.read_text(errors="replace")[-400:] if log.exists() else start.stderr
            self.stop()
            raise PostgresUnavailable(f"PostgreSQL did not start: {tail.strip()}")
        return self

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.root is None:
            return
        data = self.root / "data"
        if (data / "postmaster.pid").exists() and self.bindir is not None:
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                      "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

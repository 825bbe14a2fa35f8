"""Run the ``rhetorica`` CLI in a child process with a fault or a limit injected.

Used by the reliability tests (``python -m tests.reliability.child [options] -- ARGS``) so a
fault hits the real command, in its own process, where kill -9 and memory limits are real:

- ``--as-limit BYTES``: cap the address space (RLIMIT_AS); memory growth becomes MemoryError.
- ``--fsize-limit BYTES``: cap the size of any file the process writes (RLIMIT_FSIZE, SIGXFSZ
  ignored): the OS refuses writes past it, the way a full disk does.
- ``--report FILE``: at exit, write JSON ``{"maxrss_kb": ..., "socket_events": [...]}``.
- ``--fault pause-in-save``: after the first document is written inside the store transaction,
  touch ``RHETORICA_FAULT_MARK`` and sleep, so the parent can kill -9 mid-transaction.
- ``--fault pause-before-commit``: the same for any store transaction (``corpus add`` too),
  once all its writes are done and just before COMMIT.
- ``--fault disk-full``: SQLite's ``max_page_count`` is pinned to the pages in use after
  migration, so the first write fails with SQLITE_FULL exactly as on a full disk.
- ``--fault read-only``: the store connects through a ``mode=ro`` URI (works as root, who
  ignores file permissions).
- ``--no-network``: an audit hook records and refuses every socket creation, connect and DNS
  lookup; it sees calls from any library, however they imported ``socket``.

Nothing here is imported by the package; it only exists for tests and ``scripts/fuzz.py``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import signal
import sys
import time

NETWORK_EVENTS = ("socket.__new__", "socket.connect", "socket.getaddrinfo", "socket.bind",
                  "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto")


def _peak_rss_kb() -> int:
    """This process's own peak. ru_maxrss is not it on Linux: it keeps the peak of the process
    that forked us from before exec (a large pytest run reads as ~900 MB), VmHWM does not."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _install_faults(fault: str | None) -> None:
    if fault is None:
        return
    import sqlite3

    from rhetorica.store import sqlite as store_sqlite

    if fault == "pause-in-save":
        original = store_sqlite.SQLiteStore._save_one
        state = {"n": 0}

        def slow_save(self, conn, doc, version):  # type: ignore[no-untyped-def]
            res = original(self, conn, doc, version)
            state["n"] += 1
            if state["n"] == 1:
                with open(os.environ["RHETORICA_FAULT_MARK"], "w") as fh:
                    fh.write("in transaction\n")
                time.sleep(600)
            return res

        store_sqlite.SQLiteStore._save_one = slow_save
    elif fault == "pause-before-commit":
        from contextlib import contextmanager

        original_tx = store_sqlite.SQLiteStore.transaction

        @contextmanager
        def paused_tx(self):  # type: ignore[no-untyped-def]
            with original_tx(self) as conn:
                before = conn.total_changes
                yield conn
                if conn.total_changes > before:  # all writes done, COMMIT not yet run
                    with open(os.environ["RHETORICA_FAULT_MARK"], "w") as fh:
                        fh.write("before commit\n")
                    time.sleep(600)

        store_sqlite.SQLiteStore.transaction = paused_tx
    elif fault == "disk-full":
        original_migrate = store_sqlite.SQLiteStore.migrate

        def migrate_then_fill(self):  # type: ignore[no-untyped-def]
            version = original_migrate(self)
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            self.conn.execute(f"PRAGMA max_page_count = {pages}")
            return version

        store_sqlite.SQLiteStore.migrate = migrate_then_fill
    elif fault == "read-only":
        real_connect = sqlite3.connect

        def ro_connect(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["uri"] = True
            return real_connect(f"file:{path}?mode=ro", *args, **kwargs)

        sqlite3.connect = ro_connect  # this child process only
    else:
        raise SystemExit(f"unknown fault {fault!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-limit", type=int)
    parser.add_argument("--fsize-limit", type=int)
    parser.add_argument("--report")
    parser.add_argument("--fault")
    parser.add_argument("--no-network", action="store_true")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)
    args = opts.args[1:] if opts.args[:1] == ["--"] else opts.args

    events: list[str] = []
    if opts.no_network:
        def hook(event: str, hook_args: tuple) -> None:
            if event in NETWORK_EVENTS:
                frame = sys._getframe(1)
                while frame is not None and frame.f_code.co_filename.endswith("socket.py"):
                    frame = frame.f_back
                caller = (f"{frame.f_code.co_filename}:{frame.f_code.co_name}"
                          if frame is not None else "?")
                events.append(f"{event} {hook_args!r} from {caller}"[:400])
                raise PermissionError(f"network access attempted: {event}")

        sys.addaudithook(hook)
    if opts.report:
        def write_report() -> None:
            with open(opts.report, "w") as fh:
                json.dump({"maxrss_kb": _peak_rss_kb(), "socket_events": events}, fh)

        atexit.register(write_report)
    if opts.as_limit:
        resource.setrlimit(resource.RLIMIT_AS, (opts.as_limit, opts.as_limit))
    if opts.fsize_limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (opts.fsize_limit, opts.fsize_limit))
    _install_faults(opts.fault)

    from rhetorica.cli.main import main as cli_main

    sys.argv = ["rhetorica", *args]
    cli_main()


if __name__ == "__main__":
    main()

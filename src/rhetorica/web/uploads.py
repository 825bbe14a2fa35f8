"""Uploaded files: their names checked, corpus files parsed in a bounded worker process.

A corpus upload may be a PDF, an HTML page or a feed: formats whose parsers can be made to
work far harder than the file's size suggests (a 1.5 KB PDF that draws one form 400 times
becomes 80 million characters). Such a file is never parsed inside the server process: each
upload is read by a fresh process (``spawn``: it inherits no thread, socket or store of the
server) under an address-space limit, killed when it runs past its time, and whatever it
extracted comes back only if it stays under a character bound. At most ``workers`` uploads
are read at once; a further one waits briefly, then gets 503 with ``Retry-After``.

Only this module's light imports happen in the child; the reader is imported there by name.
"""

from __future__ import annotations

import contextlib
import json
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from rhetorica.ingest.errors import InputError

MAX_NAME_BYTES = 255  # what ext4, APFS and NTFS allow for one file name
DEFAULT_NAME = "upload"
CORPUS_READER = "rhetorica.ingest.corpus:read_corpus_file"


def upload_name(filename: str | None) -> str | None:
    """The file name an upload is known by, or None when the client sent none.

    Folders in the name are dropped (browsers send the bare name; anything else is not ours
    to follow). A name that cannot be a file is an :class:`InputError` (400), not a crash.
    """
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    shown = repr(filename[:60] + ("…" if len(filename) > 60 else ""))
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        what = "NUL" if bad == "\x00" else f"U+{ord(bad):04X}"
        raise InputError("upload", f"file name {shown} contains a control character ({what})")
    if name in ("", ".", ".."):
        raise InputError("upload", f"file name {shown} does not name a file")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InputError("upload", f"file name is longer than {MAX_NAME_BYTES} bytes "
                                   f"({len(name.encode('utf-8')):,}); rename the file")
    return name


@dataclass(frozen=True)
class ParseLimits:
    seconds: float = 60.0  # wall clock for the whole read, process start included
    memory_bytes: int = 2 * 1024**3  # address space of the reading process
    max_chars: int = 20_000_000  # characters of text all documents of one file may hold


class UploadParser:
    """Reads corpus uploads in worker processes, ``workers`` at a time."""

    def __init__(self, limits: ParseLimits | None = None, workers: int = 1,
                 wait_s: float = 10.0) -> None:
        self.limits = limits or ParseLimits()
        self.wait_s = wait_s
        self._slots = threading.BoundedSemaphore(max(1, workers))

    def read_corpus(self, data: bytes, filename: str | None, source: str | None, *,
                    target: str = CORPUS_READER) -> list[Any]:
        """Corpus documents of one uploaded file; bad or hostile input is an InputError.

        ``source`` fills in where the file names none; without it, the file's name (or
        "upload") is the source. ``target`` ("module:function", called with the file's path
        and ``source=``) is the reader; tests pass misbehaving ones.
        """
        from rhetorica.ingest.corpus import CorpusDocument
        from rhetorica.web.services import ServiceBusy

        name = upload_name(filename)
        shown = name or DEFAULT_NAME
        if not self._slots.acquire(timeout=self.wait_s):
            raise ServiceBusy("another upload is being read; retry in a few seconds")
        try:
            kind, *payload = _run_worker(target, data, name or f"{DEFAULT_NAME}.txt", shown,
                                         source or shown, self.limits)
        finally:
            self._slots.release()
        if kind == "ok":
            return [CorpusDocument(**fields) for fields in payload[0]]
        if kind == "input":
            origin, message, line = payload
            raise InputError(origin, message, line)
        lim = self.limits
        message = {
            "timeout": f"took longer than {lim.seconds:g} s to read; not added",
            "memory": f"needs more memory than the {lim.memory_bytes / 1024**2:,.0f} MB "
                      "allowed for reading one upload; not added",
            "too_long": f"holds more than {lim.max_chars:,} characters of text; split it "
                        "or add it with `rhetorica corpus add`",
            "died": f"the reader process died ({payload[0] if payload else '?'}); not added",
            "error": f"cannot read: {payload[0] if payload else '?'}",
        }.get(kind, f"cannot read ({kind})")
        raise InputError(shown, message)


def _run_worker(target: str, data: bytes, name: str, shown: str, source: str,
                limits: ParseLimits) -> tuple[Any, ...]:
    """Start the reader, wait at most ``limits.seconds``, and always reap it."""
    import multiprocessing
    import time

    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, target, data, name, shown, source, limits),
                       name="rhetorica-upload-reader", daemon=True)
    deadline = time.monotonic() + limits.seconds
    proc.start()
    send.close()  # ours: EOF on `receive` once the child is gone
    try:
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            return ("timeout",)
        try:
            # The child checked the size already; this bound holds even if it did not.
            raw = receive.recv_bytes(maxlength=12 * limits.max_chars + 4_000_000)
        except EOFError:
            proc.join(5)
            return ("died", f"exit code {proc.exitcode}")
        except OSError:  # longer than maxlength
            return ("too_long",)
        return tuple(json.loads(raw.decode("utf-8")))
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receive.close()
        with contextlib.suppress(ValueError, AttributeError):
            proc.close()


def _child(conn: Any, target: str, data: bytes, name: str, shown: str, source: str,
           limits: ParseLimits) -> None:
    """In the worker process: limit memory, read the file, send back one JSON message."""
    import importlib
    import tempfile
    from pathlib import Path

    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    try:
        module, _, func = target.partition(":")
        reader = getattr(importlib.import_module(module), func)
        with tempfile.TemporaryDirectory(prefix="rhetorica-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            del data
            where = str(path)

            def named(value: Any) -> Any:  # the temporary path is ours, not the user's
                return value.replace(where, shown) if isinstance(value, str) else value

            try:
                docs = reader(path, source=source)
            except InputError as exc:
                reply: tuple[Any, ...] = ("input", named(exc.origin), named(exc.message),
                                          exc.line)
            else:
                if sum(len(d.text) for d in docs) > limits.max_chars:
                    reply = ("too_long",)
                else:
                    reply = ("ok", [{k: named(v) for k, v in vars(d).items()} for d in docs])
        # ASCII JSON: a lone surrogate in extracted text travels escaped and arrives as it
        # would have in process (the store's own checks then apply).
        payload = json.dumps(reply, default=str).encode("ascii")
    except MemoryError:
        payload = b'["memory"]'
    except RecursionError:
        payload = json.dumps(["input", shown, "nested too deeply to read", None]).encode()
    except Exception as exc:  # reported as one line, never a traceback
        payload = json.dumps(["error", f"{type(exc).__name__}: {exc}"[:500]]).encode()
    try:
        conn.send_bytes(payload)
    except MemoryError:
        conn.send_bytes(b'["memory"]')
    finally:
        conn.close()

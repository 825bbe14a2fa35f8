"""Web server settings, kept apart from the core :class:`~rhetorica.config.Settings`."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field

from rhetorica.config import Settings

ENV_TOKEN = "RHETORICA_TOKEN"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")


def is_loopback_address(host: str) -> bool:
    """True for an IP literal in 127.0.0.0/8 or ::1 (also IPv4-mapped, ``::ffff:127.x``).

    Only literals: a name is loopback only if it is one of ``LOOPBACK_NAMES``, because a
    name (unlike an address) can be re-pointed by whoever controls its DNS.
    """
    try:
        ip = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or bool(mapped is not None and mapped.is_loopback)


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (the default, token-free case)."""
    host = host.strip()
    return host.strip("[]").lower() in LOOPBACK_NAMES or is_loopback_address(host)


def normalise_host(name: str) -> str:
    """How a Host name is compared: lower case, no brackets, no trailing dot."""
    return name.strip().strip("[]").rstrip(".").lower()


def valid_host_name(name: str) -> bool:
    """A DNS name (labels of letters, digits, ``-``, ``_``) or an IP literal; no wildcard,
    port, scheme or path: ``--allow-host`` names exactly one host."""
    if not name or name != name.strip():
        return False
    try:
        ipaddress.ip_address(name.strip("[]"))
        return True
    except ValueError:
        pass
    bare = name[:-1] if name.endswith(".") else name
    return (0 < len(bare) <= 253 and
            all(_HOST_LABEL.fullmatch(label) for label in bare.split(".")))


class UnsafeBindError(ValueError):
    """Binding beyond loopback without a token would expose the store to the network."""


@dataclass(frozen=True)
class WebSettings:
    core: Settings = field(default_factory=Settings)
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = field(default_factory=lambda: os.environ.get(ENV_TOKEN) or None)
    # The whole HTTP body (JSON, form or upload); the core text limit applies inside it.
    max_body_bytes: int = 2_000_000
    # spaCy copes with long texts, but a web request should not tie the worker up for minutes.
    max_text_chars: int = 1_000_000
    max_batch: int = 32  # requests analysed together by the pipeline worker
    # 0: analyse in the server process; N: in N worker processes (other cores than HTTP).
    analysis_processes: int = 0
    job_workers: int = 1  # background jobs (batch ingest) run one at a time by default
    job_batch: int = 16  # documents per step of a background ingest (progress granularity)
    # Background jobs not yet finished (queued or running), and the characters of text they
    # hold: past either cap a new job gets 503 + Retry-After instead of growing memory.
    max_pending_jobs: int = 32
    max_pending_job_chars: int = 50_000_000
    # Analyses waiting for the pipeline worker: how many, and their characters in total.
    max_queued_analyses: int = 2000
    max_queued_chars: int = 50_000_000
    # Corpus uploads (PDF, HTML, feeds...) are read in a separate process with these bounds.
    upload_parse_seconds: float = 60.0
    upload_parse_memory: int = 2 * 1024**3
    upload_max_chars: int = 20_000_000
    upload_workers: int = 1
    # Extra Host header names to accept (``--allow-host``). Bound to loopback, only loopback
    # names/addresses and these are answered (DNS-rebinding defence); bound beyond loopback,
    # giving any makes the same check apply there too.
    allowed_hosts: tuple[str, ...] = ()

    def check(self) -> None:
        if not is_loopback(self.host) and not self.token:
            raise UnsafeBindError(
                f"refusing to listen on {self.host}: anyone on the network could read and write "
                f"the store; pass --token or set {ENV_TOKEN} (or bind to 127.0.0.1)")
        if self.token is not None and len(self.token) < 8:
            raise UnsafeBindError("the token must be at least 8 characters long")
        if self.token is not None and not re.fullmatch(r"[A-Za-z0-9._~+/=-]+", self.token):
            raise UnsafeBindError("the token may only use letters, digits and . _ ~ + / = - "
                                  "(it travels in headers and a cookie)")
        for name in self.allowed_hosts:
            if not valid_host_name(name):
                raise UnsafeBindError(
                    f"--allow-host {name!r} is not a host name or IP address (give one name, "
                    "without scheme, port, path or wildcard)")
        if self.max_body_bytes < 1024:
            raise UnsafeBindError("max_body_bytes must be at least 1024")

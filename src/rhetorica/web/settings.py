"""Web server settings, kept apart from the core :class:`~rhetorica.config.Settings`."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field

from rhetorica.config import Settings

ENV_TOKEN = "RHETORICA_TOKEN"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (the default, token-free case)."""
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    # Extra Host header names to accept when bound to loopback (DNS-rebinding defence).
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
        if self.max_body_bytes < 1024:
            raise UnsafeBindError("max_body_bytes must be at least 1024")

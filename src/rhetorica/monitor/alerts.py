"""Alert sinks: where an alert goes once the watcher has committed it.

An alert is first written to the store *in the same transaction* as the item that caused it;
only then is it handed to the sinks, and each sink that accepts it is recorded. A sink that
fails (webhook down, SMTP refused) is retried on the next poll and after a restart, so
alerts are delivered at least once and never lost. Every record carries the alert's ``id``
so a consumer can drop the rare duplicate left by a crash between sending and recording.

Network sinks exist only when the user configures them; nothing is sent anywhere by default.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

SEVERITY_STYLE = {"low": "cyan", "medium": "yellow", "high": "bold red",
                  "critical": "bold white on red", "info": "cyan"}


@dataclass
class Alert:
    id: int
    kind: str  # indicator_first | intensity_jump
    subject: str  # indicator id or speaker
    date: str | None
    severity: str
    message: str
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "subject": self.subject, "date": self.date,
                "severity": self.severity, "message": self.message, **self.payload}


class SinkError(RuntimeError):
    """A sink could not take the alert now; the watcher retries later."""


class Sink(Protocol):
    name: str

    def send(self, alert: Alert) -> None: ...


class ConsoleSink:
    """Prints one line per alert (markup and control characters made inert: alert text
    comes from documents)."""

    name = "console"

    def __init__(self, console: Any = None) -> None:
        if console is None:
            from rich.console import Console

            console = Console(stderr=True, soft_wrap=True)
        self.console = console

    def send(self, alert: Alert) -> None:
        from rhetorica.cli.common import safe  # markup and control characters made inert

        style = SEVERITY_STYLE.get(alert.severity, "")
        self.console.print(
            f"[{style}]ALERT[/] {safe(alert.date or '?', oneline=True)} "
            f"\\[{safe(alert.severity, oneline=True)}] {safe(alert.message, oneline=True)}",
            highlight=False)


class JsonlSink:
    """Appends one JSON object per line and fsyncs, so a crash never leaves half a line."""

    name = "jsonl"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot create the folder: {exc.strerror}") from None

    def send(self, alert: Alert) -> None:
        line = json.dumps(alert.to_dict(), ensure_ascii=False, default=str) + "\n"
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise SinkError(f"{self.path}: cannot append: {exc.strerror}") from None


class WebhookSink:
    """POSTs the alert as JSON (Slack/Mattermost-compatible ``text`` field included)."""

    name = "webhook"

    def __init__(self, url: str, timeout: float = 10.0, headers: dict[str, str] | None = None
                 ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"webhook URL must start with http:// or https://, got {url!r}")
        self.url = url
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json", "User-Agent": "rhetorica-watch",
                        **(headers or {})}

    def send(self, alert: Alert) -> None:
        import http.client

        from rhetorica.ingest.deadline import Deadline
        from rhetorica.monitor.sources import http_opener

        body = {**alert.to_dict(), "text": f"[{alert.severity}] {alert.message}"}
        req = urllib.request.Request(self.url, data=json.dumps(body, default=str).encode(),
                                     headers=self.headers, method="POST")
        # Only the configured URL: no redirect is followed (nor any scheme but http(s)), and
        # one deadline covers the whole delivery, however slowly the server answers.
        deadline = Deadline(self.timeout)
        try:
            with http_opener(deadline).open(req, timeout=deadline.remaining()) as resp:
                if deadline.expired:  # an answer cut short by the deadline is no answer
                    raise OSError("deadline")
                if resp.status >= 300:
                    raise SinkError(f"webhook answered HTTP {resp.status}")
        except urllib.error.HTTPError as exc:
            exc.close()
            if 300 <= exc.code < 400:
                raise SinkError(f"webhook answered HTTP {exc.code}, a redirect to "
                                f"{exc.headers.get('Location')!r}; redirects are not "
                                "followed: configure the URL it points to") from None
            raise SinkError(f"webhook answered HTTP {exc.code}") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if deadline.expired or isinstance(reason, TimeoutError):
                raise SinkError(f"webhook {self.url} took longer than {self.timeout:g} s; "
                                "gave up") from None
            raise SinkError(f"webhook {self.url} unreachable: {reason}") from None
        finally:
            deadline.cancel()


@dataclass
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "rhetorica@localhost"
    to: tuple[str, ...] = ()
    user: str | None = None
    password: str | None = None  # from RHETORICA_SMTP_PASSWORD, never a flag
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 15.0

    @classmethod
    def parse(cls, server: str, to: list[str], sender: str | None = None,
              user: str | None = None, starttls: bool = False, use_ssl: bool = False
              ) -> SmtpConfig:
        """``server`` is ``host`` or ``host:port``; the password comes from the environment."""
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "")
        if not host:
            raise ValueError(f"--smtp must be HOST or HOST:PORT, got {server!r}")
        try:
            port_n = int(port) if port else (465 if use_ssl else 25)
        except ValueError:
            raise ValueError(f"--smtp port must be a number, got {port!r}") from None
        if not to:
            raise ValueError("--smtp needs at least one --smtp-to address")
        return cls(host, port_n, sender or "rhetorica@localhost", tuple(to), user,
                   os.environ.get("RHETORICA_SMTP_PASSWORD"), starttls, use_ssl)


class SmtpSink:
    """Sends one plain-text e-mail per alert."""

    name = "smtp"

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, alert: Alert) -> None:
        c = self.config
        msg = EmailMessage()
        msg["Subject"] = f"[rhetorica {alert.severity}] {alert.message}"[:200]
        msg["From"] = c.sender
        msg["To"] = ", ".join(c.to)
        msg.set_content(json.dumps(alert.to_dict(), ensure_ascii=False, indent=2, default=str))
        try:
            if c.use_ssl:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=c.timeout, context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            with client:
                if c.starttls:
                    client.starttls(context=ssl.create_default_context())
                if c.user:
                    client.login(c.user, c.password or "")
                client.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            raise SinkError(f"SMTP {c.host}:{c.port}: {exc}") from None

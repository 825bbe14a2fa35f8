"""Alert sinks (webhook and SMTP against servers on 127.0.0.1), retries, and the jump rule."""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from rhetorica.monitor.alerts import Alert, SinkError, SmtpConfig, SmtpSink, WebhookSink
from rhetorica.monitor.watcher import JumpRule, normalize_date
from rhetorica.monitor.watchlist import load_watchlist
from tests.monitor.conftest import STREAM
from tests.monitor.test_replay import EXPECTED


class _Hook:
    """A local webhook receiver; fail_first makes the first N requests answer HTTP 500."""

    def __init__(self, fail_first: int = 0) -> None:
        self.bodies: list[dict] = []
        self.fail_left = fail_first
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.fail_left > 0:
                    hook.fail_left -= 1
                    self.send_response(500)
                else:
                    hook.bodies.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Smtp:
    """Just enough SMTP (HELO/EHLO, MAIL, RCPT, DATA, QUIT) to receive messages."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        box = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 test ESMTP\r\n")
                env = {"rcpt": []}
                while line := self.rfile.readline():
                    cmd = line.decode().strip()
                    verb = cmd.split(" ")[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.wfile.write(b"250 test\r\n")
                    elif verb == "MAIL":
                        env["from"] = cmd
                        self.wfile.write(b"250 ok\r\n")
                    elif verb == "RCPT":
                        env["rcpt"].append(cmd)
                        self.wfile.write(b"250 ok\r\n")
                    elif verb == "DATA":
                        self.wfile.write(b"354 go\r\n")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk)
                        box.messages.append({**env, "data": b"".join(data).decode()})
                        env = {"rcpt": []}
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


ALERT = Alert(7, "indicator_first", "curfew", "2025-06-22T17:00:00Z", "high",
              "first 'Curfew imposed' (curfew)", {"evidence": "A curfew takes effect tonight."})


def test_webhook_posts_json():
    hook = _Hook()
    try:
        WebhookSink(hook.url).send(ALERT)
    finally:
        hook.close()
    (body,) = hook.bodies
    assert body["id"] == 7 and body["subject"] == "curfew"
    assert body["text"] == "[high] first 'Curfew imposed' (curfew)"
    assert body["evidence"] == "A curfew takes effect tonight."


def test_webhook_errors_are_sink_errors():
    hook = _Hook(fail_first=1)
    try:
        with pytest.raises(SinkError, match="HTTP 500"):
            WebhookSink(hook.url).send(ALERT)
    finally:
        hook.close()
    with pytest.raises(SinkError, match="unreachable"):
        WebhookSink(hook.url, timeout=2).send(ALERT)  # server is gone
    with pytest.raises(ValueError, match="http"):
        WebhookSink("ftp://example.org")


def test_smtp_sends_one_mail_per_alert():
    smtp = _Smtp()
    try:
        cfg = SmtpConfig.parse(f"127.0.0.1:{smtp.port}", ["desk@example.org"],
                               sender="watch@example.org")
        SmtpSink(cfg).send(ALERT)
    finally:
        smtp.close()
    (msg,) = smtp.messages
    assert "desk@example.org" in msg["rcpt"][0]
    assert "Subject: [rhetorica high] first 'Curfew imposed' (curfew)" in msg["data"]
    assert '"subject": "curfew"' in msg["data"]
    with pytest.raises(ValueError, match="--smtp-to"):
        SmtpConfig.parse("localhost", [])
    with pytest.raises(SinkError, match=r"SMTP 127\.0\.0\.1"):
        SmtpSink(SmtpConfig("127.0.0.1", smtp.port, to=("x@y",), timeout=2)).send(ALERT)


def test_failed_webhook_is_retried_without_duplicating_other_sinks(make_watcher, tmp_path):
    from rhetorica.monitor.alerts import JsonlSink

    hook = _Hook(fail_first=100)  # down for the whole first run
    smtp = _Smtp()
    log = tmp_path / "alerts.jsonl"
    try:
        sinks = [JsonlSink(log), WebhookSink(hook.url),
                 SmtpSink(SmtpConfig("127.0.0.1", smtp.port, to=("desk@example.org",)))]
        watcher, store = make_watcher([STREAM], sinks=sinks)
        stats = watcher.run(once=True)
        assert len(stats.alerts) == len(EXPECTED) and hook.bodies == []
        pending = store.query("SELECT sinks_done FROM alerts WHERE delivered_at IS NULL")
        assert len(pending) == len(EXPECTED)
        assert all(json.loads(r[0]) == ["jsonl", "smtp"] for r in pending)
        hook.fail_left = 0  # the webhook comes back
        assert watcher.deliver_pending() == len(EXPECTED)
        assert [b["id"] for b in hook.bodies] == list(range(1, len(EXPECTED) + 1))
        assert len(log.read_text("utf-8").splitlines()) == len(EXPECTED)  # not written twice
        assert len(smtp.messages) == len(EXPECTED)
        assert watcher.deliver_pending() == 0
    finally:
        hook.close()
        smtp.close()


@pytest.mark.parametrize(("value", "previous", "fires"), [
    (96.0, [0, 0, 0, 0, 0], True),        # z-score and rise
    (30.0, [0, 0, 0], True),              # z = 6 with the std floor, rise 30 >= 15
    (12.0, [0, 0, 0], False),             # z high but the rise is tiny
    (64.7, [0.0, 39.8, 36.0], False),     # within a heated speaker's range
    (90.0, [40, 45, 50], True),           # absolute rise of 45 points
    (99.0, [0, 0], False),                # too little history to judge
])
def test_jump_rule(value, previous, fires):
    assert (JumpRule().check(value, previous) is not None) is fires


def test_normalize_date():
    assert normalize_date("2025-06-02") == "2025-06-02"
    assert normalize_date("2025-06-02T09:00:00Z") == "2025-06-02T09:00:00Z"
    assert normalize_date("2025-06-02T11:00:00+02:00") == "2025-06-02T09:00:00Z"
    assert normalize_date("Tue, 03 Jun 2025 20:00:00 GMT") == "2025-06-03T20:00:00Z"
    assert normalize_date("1748937600") == "2025-06-03T08:00:00Z"
    assert normalize_date("last tuesday") is None


def test_an_alert_says_whose_words_hold_the_hit(make_watcher, tmp_path):
    """New-user trial: every alert had "speaker": null, even the Insurrection Act threat a
    reporter quoted from the president."""
    from rhetorica.config import Settings
    from rhetorica.monitor.watcher import watch_pipeline

    feed = tmp_path / "items.jsonl"
    feed.write_text(json.dumps({
        "id": "a1", "date": "2026-06-08", "text":
        'The president wrote: "We will invoke the Insurrection Act if the Governor does not '
        'restore order!" Governor Ana Ruiz said the city was calm.'}) + "\n", "utf-8")
    pipe = watch_pipeline(load_watchlist(), Settings(pipeline=(
        "parse", "segment", "entities", "actors", "quotes", "rhetoric", "tone")))
    watcher, store = make_watcher([feed], pipeline=pipe)
    watcher.run(once=True)
    (payload, message), = store.query(
        "SELECT payload_json, message FROM alerts WHERE kind = 'indicator_first'")
    said = json.loads(payload)
    assert said["indicator"] == "insurrection_act:threatened"
    assert "Trump" in said["voice"] and "in the words of" in message

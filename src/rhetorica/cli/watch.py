"""``rhetorica watch``: monitor feeds, folders and post exports for escalation indicators.

``rhetorica watch SOURCE...`` is shorthand for ``rhetorica watch run SOURCE...``; the other
sub-commands (``timeline``, ``alerts``, ``indicators``) read what the watcher stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import typer
from typer.core import TyperGroup

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    cli_settings,
    err,
    fail,
    out,
    print_json,
    safe,
    say,
    warn,
)


class _DefaultRunGroup(TyperGroup):
    """Routes ``watch SOURCE...`` (first word not a sub-command) to ``watch run SOURCE...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in {"--help", "-h"}:
            args = ["run", *args]
        return super().parse_args(ctx, args)


watch_app = typer.Typer(
    cls=_DefaultRunGroup, no_args_is_help=True,
    help="Watch feeds, folders and JSONL exports for escalation indicators and alert. "
         "`rhetorica watch SOURCE...` = `rhetorica watch run SOURCE...`.")
DB_OPT = typer.Option(None, "--db", help="Store path (default: RHETORICA_DB or user data dir).")
JSON_OPT = typer.Option(False, "--json", help="Machine-readable output.")


def register(app: typer.Typer) -> None:
    app.add_typer(watch_app, name="watch")


def _log_line(message: str) -> None:
    """The watcher's log lines are plain text: shown as written, warnings in yellow."""
    if message.startswith("warning: "):
        warn(message[len("warning: "):])
    else:
        say(message)


def _open(db: str | None) -> Any:
    from rhetorica.store import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)


@watch_app.command("run")
def run(
    sources: list[str] = typer.Argument(
        ..., help="Folders, .jsonl exports, RSS/Atom files or http(s) feed URLs (prefix jsonl:, "
                  "folder: or feed: to force a type)."),
    watchlist: Path | None = typer.Option(
        None, "--watchlist", "-w", help="Indicator watchlist YAML (default: bundled "
                                        "domestic-deployment list)."),
    interval: float = typer.Option(300.0, "--interval", min=1.0,
                                   help="Seconds between polls."),
    once: bool = typer.Option(False, "--once", help="Poll every source once and exit "
                              "(exit 1 when new alerts fired)."),
    alerts_log: Path | None = typer.Option(None, "--alerts-log",
                                           help="Append alerts as JSON lines to this file."),
    webhook: str | None = typer.Option(None, "--webhook", help="POST each alert as JSON here."),
    smtp: str | None = typer.Option(None, "--smtp", help="SMTP server HOST[:PORT] for e-mail "
                                    "alerts (password from RHETORICA_SMTP_PASSWORD)."),
    smtp_to: list[str] = typer.Option([], "--smtp-to", help="Recipient (repeatable)."),
    smtp_from: str | None = typer.Option(None, "--smtp-from", help="Sender address."),
    smtp_user: str | None = typer.Option(None, "--smtp-user", help="SMTP login user."),
    smtp_starttls: bool = typer.Option(False, "--smtp-starttls", help="Upgrade with STARTTLS."),
    smtp_ssl: bool = typer.Option(False, "--smtp-ssl", help="Connect with implicit TLS."),
    speaker: list[str] = typer.Option([], "--speaker",
                                      help="Track only these speakers' intensity (repeatable)."),
    jump_z: float = typer.Option(2.5, "--jump-z", help="z-score that counts as a jump."),
    jump_rise: float = typer.Option(15.0, "--jump-rise",
                                    help="Points above the mean needed with the z-score."),
    jump_abs: float = typer.Option(45.0, "--jump-abs",
                                   help="Points above the mean that fire on their own."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print alerts on stderr."),
    batch_size: int = typer.Option(16, "--batch-size", min=1,
                                   help="Items analysed and committed together."),
    settle: float = typer.Option(2.0, "--settle", min=0.0,
                                 help="Folders: leave files modified less than this many "
                                      "seconds ago for the next poll (still being written)."),
    pipeline: str | None = typer.Option(None, "--pipeline",
                                        help="Comma-separated components (default: all)."),
    db: str | None = DB_OPT,
) -> None:
    """Poll sources, analyse new items, match indicators, track intensity and alert."""
    from rhetorica import __version__
    from rhetorica.ingest.errors import InputError
    from rhetorica.monitor.alerts import (
        ConsoleSink,
        JsonlSink,
        SinkError,
        SmtpConfig,
        SmtpSink,
        WebhookSink,
    )
    from rhetorica.monitor.sources import make_source
    from rhetorica.monitor.watcher import JumpRule, Watcher
    from rhetorica.monitor.watchlist import load_watchlist
    from rhetorica.store import StoreError

    settings = cli_settings(db, pipeline)
    try:
        wl = load_watchlist(watchlist)
        srcs = [make_source(s, settle_s=settle, max_bytes=settings.max_input_bytes)
                for s in sources]
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    sinks: list[Any] = [] if quiet else [ConsoleSink(err)]
    try:
        if alerts_log:
            sinks.append(JsonlSink(alerts_log))
        if webhook:
            sinks.append(WebhookSink(webhook))
        if smtp:
            sinks.append(SmtpSink(SmtpConfig.parse(smtp, smtp_to, smtp_from, smtp_user,
                                                   smtp_starttls, smtp_ssl)))
        elif smtp_to:
            raise ValueError("--smtp-to needs --smtp HOST[:PORT]")
    except (ValueError, SinkError) as exc:
        fail(str(exc), EXIT_USAGE)

    store = _open(settings.db)
    try:
        watcher = Watcher(
            store, srcs, wl, settings=settings, sinks=sinks, speakers=speaker,
            jump=JumpRule(z=jump_z, min_rise=jump_rise, abs_rise=jump_abs),
            batch_size=batch_size, log=_log_line,
            version=__version__)
        watcher.pipeline  # noqa: B018 - build now: model and watchlist errors surface here
        if not once:
            say(f"watching {len(srcs)} source(s) every {interval:g}s with "
                f"{len(wl.indicators)} indicators ({wl.name}); Ctrl-C to stop")
        stats = watcher.run(interval=interval, once=once)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    finally:
        store.close()
    err.print(f"{stats.processed} new item(s), {stats.skipped} already seen, "
              f"{len(stats.alerts)} alert(s), {len(stats.errors)} problem(s)", highlight=False)
    if once and stats.errors and not stats.processed and len(stats.errors) >= len(srcs):
        raise typer.Exit(EXIT_INPUT)
    if once and stats.alerts:
        raise typer.Exit(EXIT_FINDINGS)


@watch_app.command("timeline")
def timeline(
    topic: str | None = typer.Option(None, "--topic", help="Only this topic's indicators."),
    since: str | None = typer.Option(None, "--since", help="ISO date, inclusive."),
    until: str | None = typer.Option(None, "--until", help="ISO date, inclusive."),
    speaker: list[str] = typer.Option([], "--speaker", help="Only these speakers (repeatable)."),
    chart: Path | None = typer.Option(None, "--chart", help="Write a chart (.png or .svg)."),
    html: Path | None = typer.Option(None, "--html", help="Write a self-contained HTML page."),
    as_json: bool = JSON_OPT,
    db: str | None = DB_OPT,
) -> None:
    """Indicator hits per day (with document ids) and speakers' intensity over time."""
    from rhetorica.monitor.timeline import build_timeline, render_html, write_chart
    from rhetorica.monitor.watcher import row_to_alert

    if chart is not None and chart.suffix.lower() not in {".png", ".svg"}:
        fail(f"{chart}: chart file must end in .png or .svg", EXIT_USAGE)
    with _open(db) as st:
        tl = build_timeline(st, topic=topic, since=since, until=until, speakers=speaker or None)
        alerts = [row_to_alert(r).to_dict() for r in st.query(
            "SELECT * FROM alerts ORDER BY date, id")] if html else []
    try:
        if chart is not None:
            write_chart(tl, chart)
            say(f"wrote {chart}")
        if html is not None:
            tmp = html.with_name(html.name + ".part")
            tmp.write_text(render_html(tl, alerts), encoding="utf-8")
            tmp.replace(html)
            say(f"wrote {html}")
    except OSError as exc:
        fail(f"cannot write: {exc.strerror} ({exc.filename})", EXIT_INPUT)
    if as_json:
        print_json(tl.to_dict())
    elif chart is None and html is None:
        _timeline_tables(tl)
    if tl.empty:
        raise typer.Exit(EXIT_FINDINGS)


def _timeline_tables(tl: Any) -> None:
    from rich.table import Table

    table = Table(title="Indicator hits" + (f" — {safe(tl.topic)}" if tl.topic else ""))
    for col in ("indicator", "topic", "severity", "first", "last", "hits", "per day (documents)"):
        table.add_column(col, overflow="fold")
    for s in tl.indicators:
        days = ", ".join(f"{d.day}: {d.count} ({' '.join(map(str, d.document_ids))})"
                         for d in s.days)
        table.add_row(safe(s.indicator), safe(s.topic), safe(s.severity), safe(s.first),
                      safe(s.last), str(s.total), safe(days))
    out.print(table)
    st = Table(title="Rhetoric intensity by speaker")
    for col in ("speaker", "statements", "mean", "max", "latest"):
        st.add_column(col)
    for speaker, pts in tl.speakers.items():
        vals = [p.intensity for p in pts]
        st.add_row(safe(speaker), str(len(vals)), f"{sum(vals) / len(vals):.0f}",
                   f"{max(vals):.0f}", f"{vals[-1]:.0f} ({safe(pts[-1].date[:10])})")
    out.print(st)


@watch_app.command("alerts")
def alerts(
    kind: str | None = typer.Option(None, "--kind", help="indicator_first or intensity_jump."),
    since: str | None = typer.Option(None, "--since", help="ISO date, inclusive."),
    pending: bool = typer.Option(False, "--pending", help="Only alerts not yet delivered to "
                                 "every sink."),
    limit: int = typer.Option(100, "--limit"),
    as_json: bool = JSON_OPT,
    db: str | None = DB_OPT,
) -> None:
    """The latest alerts the watcher raised, oldest first (exit 1 when there are none)."""
    from rich.table import Table

    from rhetorica.monitor.watcher import row_to_alert

    clauses, params = [], []
    if kind:
        if kind not in {"indicator_first", "intensity_jump"}:
            fail("--kind must be indicator_first or intensity_jump", EXIT_USAGE)
        clauses.append("kind = ?")
        params.append(kind)
    if since:
        clauses.append("date >= ?")
        params.append(since)
    if pending:
        clauses.append("delivered_at IS NULL")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with _open(db) as st:
        # the latest `limit` alerts, shown oldest first
        rows = st.query(f"SELECT * FROM (SELECT * FROM alerts {where} ORDER BY date DESC, "
                        "id DESC LIMIT ?) ORDER BY date, id", [*params, limit])
        items = [{**row_to_alert(r).to_dict(), "delivered_at": r["delivered_at"]} for r in rows]
    if as_json:
        print_json(items)
    else:
        table = Table(title="Alerts")
        for col in ("id", "date", "kind", "severity", "alert", "document"):
            table.add_column(col, overflow="fold")
        for a in items:
            table.add_row(str(a["id"]), safe((a["date"] or "")[:16]), safe(a["kind"]),
                          safe(a["severity"]), safe(a["message"]),
                          str(a.get("document_id") or ""))
        out.print(table)
    if not items:
        raise typer.Exit(EXIT_FINDINGS)


@watch_app.command("sources")
def sources_(as_json: bool = JSON_OPT, db: str | None = DB_OPT) -> None:
    """Watched sources with their cursor, items processed, problems and last poll."""
    from rich.table import Table

    with _open(db) as st:
        rows = [dict(r) for r in st.query(
            "SELECT s.id, s.uri, s.kind, s.cursor_json, s.last_polled_at, "
            "(SELECT count(*) FROM watch_items w WHERE w.source_id = s.id "
            "  AND w.document_id IS NOT NULL) AS processed, "
            "(SELECT count(*) FROM watch_items w WHERE w.source_id = s.id "
            "  AND w.document_id IS NULL) AS skipped FROM watch_sources s ORDER BY s.id")]
        pending = st.query("SELECT count(*) FROM alerts WHERE delivered_at IS NULL")[0][0]
    for r in rows:
        cursor = json.loads(r.pop("cursor_json") or "{}")
        r["cursor"] = ({"files": len(cursor["files"])} if "files" in cursor else cursor)
    if as_json:
        print_json({"sources": rows, "pending_alerts": pending})
    else:
        table = Table(title="Watched sources")
        for col in ("id", "source", "processed", "skipped", "cursor", "last poll"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(str(r["id"]), safe(r["uri"]), str(r["processed"]), str(r["skipped"]),
                          safe(json.dumps(r["cursor"])), safe(r["last_polled_at"]))
        out.print(table)
        out.print(f"alerts waiting for a sink: {pending}", highlight=False)
    if not rows:
        raise typer.Exit(EXIT_FINDINGS)


@watch_app.command("indicators")
def indicators(
    watchlist: Path | None = typer.Option(None, "--watchlist", "-w",
                                          help="Watchlist YAML (default: bundled)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Validate a watchlist and list its indicators (exit 3 with the reason when invalid)."""
    from rich.table import Table

    from rhetorica.ingest.errors import InputError
    from rhetorica.monitor.watchlist import load_watchlist

    try:
        wl = load_watchlist(watchlist)
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    rows = [{"id": i.id, "title": i.title, "topic": i.topic, "severity": i.severity,
             "regexes": len(i.regexes), "token_patterns": len(i.token_patterns),
             "examples": len(i.examples), "threshold": i.threshold} for i in wl.indicators]
    if as_json:
        print_json({"name": wl.name, "origin": wl.origin, "indicators": rows})
        return
    table = Table(title=f"Watchlist {safe(wl.name)} ({safe(wl.origin)})")
    for col in ("id", "title", "topic", "severity", "patterns", "examples"):
        table.add_column(col)
    for r in rows:
        table.add_row(safe(r["id"]), safe(r["title"]), safe(r["topic"]), safe(r["severity"]),
                      str(r["regexes"] + r["token_patterns"]), str(r["examples"]))
    out.print(table)

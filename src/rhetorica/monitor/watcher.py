"""The watcher: poll sources, analyse what is new, match indicators, track intensity, alert.

Exactly-once processing rests on one rule: for each batch, the items' records, their
documents and analyses, their indicator hits, the alerts they raise and the source's new
cursor are written in ONE store transaction. A crash (even ``kill -9``) before the commit
leaves the previous cursor and no trace of the batch, so the batch is simply read again;
after the commit nothing of it is read again. Item keys are also recorded with
``INSERT OR IGNORE``, so two watchers on one store cannot process an item twice either.

Alerts are delivered to sinks *after* the commit and marked per sink; undelivered alerts are
retried at the start of every poll (see :mod:`rhetorica.monitor.alerts`).

Log lines are plain text (warnings start with ``"warning: "``; the CLI escapes and styles
them) and are written only after the batch's transaction has ended: a slow or failing log
sink never holds the write lock and never rolls a poll back. An item whose data cannot be
stored is rolled back alone (a savepoint), recorded as skipped and reported.
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from rhetorica.config import Settings
from rhetorica.document import Document
from rhetorica.ingest.errors import InputError
from rhetorica.monitor.alerts import Alert, Sink, SinkError
from rhetorica.monitor.sources import Item, Source
from rhetorica.monitor.watchlist import LAYER, IndicatorMatcher, Watchlist
from rhetorica.store.base import Store, StoreError

Log = Callable[[str], None]  # one plain-text line; warnings start with "warning: "

# An item's own data can fail to store (text SQLite or JSON cannot hold, a value out of
# range): that item is skipped and reported. Anything else from the store is the store's
# problem and stops the batch (nothing of it is kept).
ITEM_DATA_ERRORS = (ValueError, TypeError, OverflowError, RecursionError, sqlite3.DataError)


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_date(value: str | None) -> str | None:
    """ISO 8601 for anything a feed or export may carry (ISO, RFC 2822, epoch seconds)."""
    if not value:
        return None
    v = value.strip()
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        dt = None
        if v.isdigit() and len(v) in (10, 13):
            dt = datetime.fromtimestamp(int(v[:10]), tz=timezone.utc)
        else:
            try:
                dt = parsedate_to_datetime(v)
            except (TypeError, ValueError, IndexError):
                return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    if len(v) == 10:  # a bare date stays a date
        return dt.strftime("%Y-%m-%d")
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


def watch_pipeline(watchlist: Watchlist, settings: Settings | None = None) -> Any:
    """The configured analysis pipeline plus the watchlist's indicator matcher at the end
    (it needs the parse and the sentence layer the earlier components leave)."""
    from rhetorica.pipeline import Pipeline

    pipe = Pipeline(settings=settings or Settings())
    pipe.components.append(("indicators", IndicatorMatcher(watchlist)))
    pipe.names.append("indicators")
    return pipe


@dataclass(frozen=True)
class JumpRule:
    """When a speaker's rhetoric intensity (0-100, from the ``tone`` component) 'jumps'.

    Needs at least ``min_history`` earlier statements (one or two short posts say little about
    a speaker's normal register). Then either the z-score against them is >= ``z`` AND the
    value is at least ``min_rise`` points above their mean (a z-score alone fires on tiny
    wobbles of a very steady speaker), or the value is ``abs_rise`` points above the mean.
    ``min_std`` floors the spread so a speaker who always scored 0 does not divide by zero.
    """

    z: float = 2.5
    min_rise: float = 15.0
    abs_rise: float = 45.0
    min_history: int = 3
    window: int = 20
    min_std: float = 5.0

    def check(self, value: float, previous: list[float]) -> dict[str, float] | None:
        if len(previous) < self.min_history:
            return None
        mean = sum(previous) / len(previous)
        var = sum((p - mean) ** 2 for p in previous) / len(previous)
        std = max(math.sqrt(var), self.min_std)
        rise = value - mean
        z = rise / std
        if not ((z >= self.z and rise >= self.min_rise) or rise >= self.abs_rise):
            return None
        return {"value": round(value, 1), "mean": round(mean, 1), "z": round(z, 2),
                "rise": round(rise, 1), "history": len(previous)}


@dataclass
class PollStats:
    items: int = 0
    processed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def add(self, other: PollStats) -> None:
        self.items += other.items
        self.processed += other.processed
        self.skipped += other.skipped
        self.errors += other.errors
        self.alerts += other.alerts


class Watcher:
    def __init__(
        self,
        store: Store,
        sources: list[Source],
        watchlist: Watchlist,
        *,
        settings: Settings | None = None,
        sinks: Iterable[Sink] = (),
        jump: JumpRule | None = None,
        speakers: Iterable[str] | None = None,
        batch_size: int = 16,
        pipeline: Any = None,
        log: Log | None = None,
        version: str = "",
    ) -> None:
        from rhetorica.store.sqlite import SQLiteStore

        if not isinstance(store, SQLiteStore):  # the state tables use SQLite SQL for now
            raise StoreError(f"{store.url}: `rhetorica watch` needs the SQLite store for now")
        self.store = store
        self.sources = sources
        self.watchlist = watchlist
        self.settings = settings or Settings()
        self.sinks = list(sinks)
        self.jump = jump or JumpRule()
        tracked = list(speakers or []) or list(watchlist.speakers)
        self.speakers = {s.casefold() for s in tracked}
        self.batch_size = max(1, batch_size)
        self._log: Log = log or (lambda _m: None)
        self.version = version
        self._pipeline = pipeline
        self.stop_event = threading.Event()
        self._stop_signal: str | None = None

    # -- logging -------------------------------------------------------------------------
    def log(self, message: str) -> None:
        """Write one log line; never inside a store transaction (callers make sure), and a
        log sink that fails (a closed terminal, a full disk) costs the line, not the poll."""
        with contextlib.suppress(Exception):  # logging must not stop the watcher
            self._log(message)

    def warn(self, message: str) -> None:
        self.log(f"warning: {message}")

    # -- analysis ------------------------------------------------------------------------
    @property
    def pipeline(self) -> Any:
        """The analysis pipeline with the indicator matcher appended (built on first use)."""
        if self._pipeline is None:
            self._pipeline = watch_pipeline(self.watchlist, self.settings)
        return self._pipeline

    # -- state ---------------------------------------------------------------------------
    def _source_row(self, source: Source) -> tuple[int, dict[str, Any]]:
        with self.store.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO watch_sources(uri, kind) VALUES (?, ?)",
                         (source.uri, source.kind))
            row = conn.execute("SELECT id, cursor_json FROM watch_sources WHERE uri = ?",
                               (source.uri,)).fetchone()
        return int(row[0]), json.loads(row[1] or "{}")

    def _seen(self, source_id: int, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        marks = ",".join("?" * len(keys))
        rows = self.store.query(f"SELECT item_key FROM watch_items WHERE source_id = ? AND "
                                f"item_key IN ({marks})", [source_id, *keys])
        return {r[0] for r in rows}

    # -- polling -------------------------------------------------------------------------
    def poll_once(self) -> PollStats:
        """Deliver pending alerts, then read every source once; returns what happened."""
        stats = PollStats()
        self.deliver_pending()
        for source in self.sources:
            if self.stop_event.is_set():
                break
            try:
                stats.add(self._poll_source(source))
            except InputError as exc:
                stats.errors.append(str(exc))
                self.warn(str(exc))
        return stats

    def _poll_source(self, source: Source) -> PollStats:
        stats = PollStats()
        source_id, cursor = self._source_row(source)
        for batch in _batches(source.poll(cursor), self.batch_size):
            stats.add(self._process_batch(source, source_id, batch))
            if self.stop_event.is_set():
                break
        with self.store.transaction() as conn:
            conn.execute("UPDATE watch_sources SET last_polled_at = ? WHERE id = ?",
                         (utc_now(), source_id))
        if stats.processed or stats.errors:
            self.log(f"{source.uri}: {stats.processed} new, {stats.skipped} skipped, "
                     f"{len(stats.alerts)} alert(s)")
        return stats

    def _process_batch(self, source: Source, source_id: int, batch: list[Item]) -> PollStats:
        stats = PollStats(items=len(batch))
        notes: list[str] = []  # warnings, written once the transaction has ended
        for item in batch:
            if item.key == "" and item.error:  # transient: warn, record nothing
                stats.errors.append(item.error)
                notes.append(item.error)
        records = [it for it in batch if it.key]
        seen = self._seen(source_id, [it.key for it in records])
        todo = [it for it in records if it.key not in seen and it.doc is not None]
        analysed = self._analyse(todo)
        cursor = next((it.cursor for it in reversed(batch) if it.cursor is not None), None)
        new_alerts: list[int] = []
        with self.store.transaction() as conn:
            for it in records:
                if it.key in seen:
                    stats.skipped += 1
                    continue
                if it.doc is not None and id(it) in analysed:
                    conn.execute("SAVEPOINT watch_item")
                    try:
                        alert_ids = self._record(conn, source, source_id, it, analysed[id(it)])
                        conn.execute("RELEASE watch_item")
                    except ITEM_DATA_ERRORS as exc:
                        conn.execute("ROLLBACK TO watch_item")
                        conn.execute("RELEASE watch_item")
                        it.error = (f"{it.doc.meta.origin or source.location}: item "
                                    f"{it.key!r} cannot be stored ({type(exc).__name__}: "
                                    f"{exc})")
                    else:
                        if alert_ids is None:  # another watcher took it first
                            stats.skipped += 1
                            continue
                        stats.processed += 1
                        new_alerts += alert_ids
                        continue
                if it.error:
                    stats.errors.append(it.error)
                    notes.append(f"skipped {it.error}")
                    conn.execute("INSERT OR IGNORE INTO watch_items(source_id, item_key, date)"
                                 " VALUES (?,?,?)", (source_id, it.key, utc_now()))
            if cursor is not None:
                conn.execute("UPDATE watch_sources SET cursor_json = ?, items_seen = items_seen "
                             "+ ? WHERE id = ?", (json.dumps(cursor), stats.processed, source_id))
        for note in notes:
            self.warn(note)
        stats.alerts = self._load_alerts(new_alerts)
        self._deliver(stats.alerts)
        return stats

    def _analyse(self, todo: list[Item]) -> dict[int, Document]:
        """Analyse a batch; if that fails, item by item, so one document that breaks a
        component is skipped with a warning instead of blocking its source for ever.

        A failure that is not the document's fault (a model file missing, a component bug
        that hits every text) must stop the watcher instead of silently skipping the whole
        stream: a plain canary sentence is analysed, and if it fails too the error is raised
        and nothing of the batch is recorded.
        """
        if not todo:
            return {}
        pipeline = self.pipeline  # construction errors propagate: nothing is recorded
        try:
            docs = list(pipeline.pipe([it.doc for it in todo]))
            return {id(it): doc for it, doc in zip(todo, docs, strict=True)}
        except (MemoryError, KeyboardInterrupt, SystemExit):
            raise
        except Exception:  # find the culprit below
            pass
        out: dict[int, Document] = {}
        canary_ok: bool | None = None
        for it in todo:
            try:
                out[id(it)] = next(iter(pipeline.pipe([it.doc])))
            except (MemoryError, KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:
                if canary_ok is None:
                    try:
                        list(pipeline.pipe([Document("The council met on Monday.")]))
                        canary_ok = True
                    except Exception:
                        canary_ok = False
                if not canary_ok:
                    raise
                it.error = (f"{it.doc.meta.origin or it.key}: analysis failed "
                            f"({type(exc).__name__}: {exc})")
        return out

    def _record(self, conn: Any, source: Source, source_id: int, item: Item, doc: Document
                ) -> list[int] | None:
        date = normalize_date(doc.meta.date) or utc_now()
        speaker = doc.meta.speaker
        intensity = (doc.results.get("tone") or {}).get("intensity")
        cur = conn.execute("INSERT OR IGNORE INTO watch_items(source_id, item_key, speaker, date, "
                           "intensity) VALUES (?,?,?,?,?)",
                           (source_id, item.key, speaker, date, intensity))
        if cur.rowcount == 0:
            return None
        item_id = int(cur.lastrowid)
        saved = self.store._save_one(conn, doc, self.version)  # type: ignore[attr-defined]
        conn.execute("UPDATE watch_items SET document_id = ? WHERE id = ?",
                     (saved.document_id, item_id))
        base = {"document_id": saved.document_id, "item_key": item.key, "source": source.uri,
                "speaker": speaker, "url": doc.meta.url, "title": doc.meta.title}
        alerts: list[int] = []
        from rhetorica.voices.component import VoiceIndex

        voices = VoiceIndex(doc)  # whose words hold each hit: the item's author or a quote
        for span in doc.layer(LAYER):
            base_id, _, status = span.label.partition(":")
            ind = self.watchlist.get(base_id)
            evidence = span.text_in(doc.text)
            conn.execute(
                'INSERT OR IGNORE INTO indicator_hits(item_id, document_id, indicator, topic, '
                'severity, date, start, "end", method, score, evidence) '
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (item_id, saved.document_id, span.label, span.attrs.get("topic", ""),
                 span.attrs.get("severity", "medium"), date, span.start, span.end,
                 span.attrs.get("method", ""), span.score, evidence))
            title = (ind.title if ind else base_id) + (f" ({status})" if status else "")
            voice = voices.voice(*(span.attrs.get("at") or (span.start, span.end)))
            said = f" — in the words of {voice}" if voice not in ("author", "mention") \
                else (f" — {speaker}" if speaker else "")
            payload = {**base, "voice": voice, "indicator": span.label, "title": title,
                       "topic": span.attrs.get("topic"), "evidence": evidence,
                       "method": span.attrs.get("method"), "score": span.score,
                       "start": span.start, "end": span.end}
            cur = conn.execute(
                "INSERT OR IGNORE INTO alerts(kind, subject, date, item_id, document_id, severity, "
                "message, payload_json) VALUES ('indicator_first',?,?,?,?,?,?,?)",
                (span.label, date, item_id, saved.document_id,
                 span.attrs.get("severity", "medium"),
                 f"first {title!r} ({span.label})" + said,
                 json.dumps(payload, ensure_ascii=False, default=str)))
            if cur.rowcount:
                alerts.append(int(cur.lastrowid))
        if speaker and intensity is not None and self._tracked(speaker):
            prev = [r[0] for r in conn.execute(
                "SELECT intensity FROM watch_items WHERE speaker = ? AND intensity IS NOT NULL "
                "AND id < ? ORDER BY id DESC LIMIT ?", (speaker, item_id, self.jump.window))]
            jump = self.jump.check(float(intensity), prev)
            if jump:
                payload = {**base, **jump, "evidence": doc.text[:300]}
                cur = conn.execute(
                    "INSERT INTO alerts(kind, subject, date, item_id, document_id, severity, "
                    "message, payload_json) VALUES ('intensity_jump',?,?,?,?,?,?,?)",
                    (speaker, date, item_id, saved.document_id,
                     "high" if jump["rise"] >= self.jump.abs_rise else "medium",
                     f"{speaker}: rhetoric intensity jumped to {jump['value']:.0f} (mean "
                     f"{jump['mean']:.0f} over {jump['history']} earlier statement(s), "
                     f"z={jump['z']:.1f})",
                     json.dumps(payload, ensure_ascii=False, default=str)))
                alerts.append(int(cur.lastrowid))
        return alerts

    def _tracked(self, speaker: str) -> bool:
        return not self.speakers or speaker.casefold() in self.speakers

    # -- alerts --------------------------------------------------------------------------
    def _load_alerts(self, ids: list[int], pending: bool = False) -> list[Alert]:
        if pending:
            rows = self.store.query("SELECT * FROM alerts WHERE delivered_at IS NULL ORDER BY id")
        elif ids:
            rows = self.store.query(f"SELECT * FROM alerts WHERE id IN ({','.join('?' * len(ids))})"
                                    " ORDER BY id", ids)
        else:
            return []
        return [row_to_alert(r) for r in rows]

    def deliver_pending(self) -> int:
        """Retry alerts some sink has not yet taken (after a crash or a failed webhook)."""
        pending = self._load_alerts([], pending=True)
        self._deliver(pending)
        return len(pending)

    def _deliver(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            row = self.store.query("SELECT sinks_done FROM alerts WHERE id = ?", (alert.id,))
            done = set(json.loads(row[0][0])) if row else set()
            for sink in self.sinks:
                if sink.name in done:
                    continue
                try:
                    sink.send(alert)
                    done.add(sink.name)
                except SinkError as exc:
                    self.warn(f"alert {alert.id} not sent to {sink.name} (will retry): {exc}")
            complete = all(s.name in done for s in self.sinks)
            with self.store.transaction() as conn:
                conn.execute("UPDATE alerts SET sinks_done = ?, delivered_at = ? WHERE id = ?",
                             (json.dumps(sorted(done)), utc_now() if complete else None,
                              alert.id))

    # -- loop ----------------------------------------------------------------------------
    def run(self, interval: float = 300.0, once: bool = False) -> PollStats:
        """Poll until stopped (SIGINT/SIGTERM finish the current batch, then return)."""
        total = PollStats()
        previous: dict[int, Any] = {}

        def stop(signum: int, _frame: Any) -> None:
            if self.stop_event.is_set():  # second signal: stop now, the transaction rolls back
                raise KeyboardInterrupt
            # Noted here, logged by the loop: a signal may arrive inside a transaction.
            self._stop_signal = signal.Signals(signum).name
            self.stop_event.set()

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, stop)
        try:
            while not self.stop_event.is_set():
                try:
                    total.add(self.poll_once())
                except StoreError as exc:
                    if once:
                        raise
                    # e.g. locked by a long writer: the daemon keeps going, nothing was lost
                    self.warn(f"{exc}; retrying in {interval:g}s")
                if self._stop_signal:
                    self.log(f"received {self._stop_signal}; stopped after the current batch")
                    self._stop_signal = None
                if once:
                    break
                self.stop_event.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return total


def row_to_alert(r: Any) -> Alert:
    return Alert(id=r["id"], kind=r["kind"], subject=r["subject"], date=r["date"],
                 severity=r["severity"], message=r["message"],
                 payload=json.loads(r["payload_json"] or "{}"))


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
    for it in items:
        batch.append(it)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch

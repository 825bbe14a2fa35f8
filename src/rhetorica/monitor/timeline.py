"""Timelines: each indicator's hits per day with the documents behind them, and speakers'
rhetoric intensity over time; charts (PNG/SVG) and a self-contained HTML page.

Everything is read back from the store tables the watcher writes, so a timeline can be drawn
while a watcher is running (SQLite WAL: readers never block the writer).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from rhetorica.store.base import Store

SEVERITY_COLOUR = {"low": "#4c9be8", "medium": "#e8a33d", "high": "#e0583d",
                   "critical": "#8e1b1b"}


@dataclass
class DayCount:
    day: str
    count: int
    document_ids: list[int]
    evidence: list[str] = field(default_factory=list)


@dataclass
class IndicatorSeries:
    indicator: str
    topic: str
    severity: str
    first: str
    last: str
    total: int
    days: list[DayCount]


@dataclass
class IntensityPoint:
    date: str
    intensity: float
    document_id: int | None


@dataclass
class Timeline:
    topic: str | None
    indicators: list[IndicatorSeries]
    speakers: dict[str, list[IntensityPoint]]
    jumps: list[dict[str, Any]] = field(default_factory=list)  # intensity_jump alerts
    since: str | None = None
    until: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def empty(self) -> bool:
        return not self.indicators and not any(self.speakers.values())


def build_timeline(store: Store, topic: str | None = None, since: str | None = None,
                   until: str | None = None, speakers: list[str] | None = None) -> Timeline:
    """Read hits and intensities from the store (dates are ISO, compared as text)."""
    clauses, params = [], []
    if topic:
        clauses.append("topic = ?")
        params.append(topic)
    if since:
        clauses.append("date >= ?")
        params.append(since)
    if until:
        clauses.append("substr(date, 1, 10) <= ?")
        params.append(until[:10])
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = store.query(  # type: ignore[attr-defined]
        "SELECT indicator, topic, severity, substr(date, 1, 10) AS day, document_id, evidence "
        f"FROM indicator_hits {where} ORDER BY date, id", params)
    grouped: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = grouped.setdefault(r["indicator"], {"topic": r["topic"], "severity": r["severity"],
                                                "days": defaultdict(list)})
        g["days"][r["day"]].append((r["document_id"], r["evidence"]))
    series = []
    for ind, g in grouped.items():
        days = [DayCount(day, len(v), [d for d, _ in v if d is not None], [e for _, e in v])
                for day, v in sorted(g["days"].items())]
        series.append(IndicatorSeries(ind, g["topic"], g["severity"], days[0].day, days[-1].day,
                                      sum(d.count for d in days), days))
    series.sort(key=lambda s: (s.first, s.indicator))

    sclauses, sparams = ["speaker IS NOT NULL", "intensity IS NOT NULL"], []
    if since:
        sclauses.append("date >= ?")
        sparams.append(since)
    if until:
        sclauses.append("substr(date, 1, 10) <= ?")
        sparams.append(until[:10])
    if speakers:
        sclauses.append(f"speaker IN ({','.join('?' * len(speakers))})")
        sparams.extend(speakers)
    srows = store.query(  # type: ignore[attr-defined]
        "SELECT speaker, date, intensity, document_id FROM watch_items "
        f"WHERE {' AND '.join(sclauses)} ORDER BY date, id", sparams)
    by_speaker: dict[str, list[IntensityPoint]] = defaultdict(list)
    for r in srows:
        by_speaker[r["speaker"]].append(IntensityPoint(r["date"], float(r["intensity"]),
                                                       r["document_id"]))
    jumps = []
    for r in store.query(  # type: ignore[attr-defined]
            "SELECT subject, date, document_id, payload_json FROM alerts "
            "WHERE kind = 'intensity_jump' ORDER BY date, id"):
        if r["subject"] in by_speaker and (not since or (r["date"] or "") >= since) and (
                not until or (r["date"] or "")[:10] <= until[:10]):
            value = json.loads(r["payload_json"] or "{}").get("value")
            jumps.append({"speaker": r["subject"], "date": r["date"], "value": value,
                          "document_id": r["document_id"]})
    return Timeline(topic, series, dict(sorted(by_speaker.items())), jumps, since, until)


def render_chart(timeline: Timeline, fmt: str = "png", width: float = 10.0) -> bytes:
    """Two panels on one time axis: indicator hits (one row each, dot size = hits that day,
    colour = severity) above speakers' intensity lines. Returns PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from rhetorica.report.charts import chart_date, chart_text

    if fmt not in {"png", "svg"}:
        raise ValueError(f"chart format must be png or svg, got {fmt!r}")
    n_ind = max(1, len(timeline.indicators))
    fig, (ax1, ax2) = plt.subplots(
        2, 1, figsize=(width, 2.2 + 0.35 * n_ind + 2.6), sharex=True,
        gridspec_kw={"height_ratios": [max(1.5, 0.35 * n_ind + 0.8), 2.6]})
    try:
        for row, s in enumerate(reversed(timeline.indicators)):
            # Days matplotlib cannot draw (year 9999 from a feed) are left off the chart.
            days = [(x, d) for d in s.days if (x := chart_date(d.day)) is not None]
            if not days:
                continue
            ax1.scatter([x for x, _ in days], [row] * len(days),
                        s=[40 + 40 * (d.count - 1) for _, d in days],
                        color=SEVERITY_COLOUR.get(s.severity, "#555555"), zorder=3)
            ax1.annotate("first", (days[0][0], row), textcoords="offset points",
                         xytext=(0, 7), ha="center", fontsize=7)
        ax1.set_yticks(range(len(timeline.indicators)))
        ax1.set_yticklabels([chart_text(s.indicator) for s in reversed(timeline.indicators)],
                            fontsize=8)
        ax1.set_ylim(-0.7, max(0.7, len(timeline.indicators) - 0.3))
        ax1.grid(axis="x", alpha=0.3)
        title = "Escalation indicators" + (f" — {chart_text(timeline.topic)}"
                                           if timeline.topic else "")
        ax1.set_title(title if timeline.indicators else title + " (no hits)", fontsize=10)
        for speaker, points in timeline.speakers.items():
            drawn = [(x, p.intensity) for p in points if (x := chart_date(p.date)) is not None]
            ax2.plot([x for x, _ in drawn], [y for _, y in drawn],
                     marker="o", markersize=3, linewidth=1.2,
                     label=chart_text(speaker, legend=True))
        for j in timeline.jumps:
            when = chart_date(j.get("date"))
            if j.get("value") is not None and when is not None:
                ax2.scatter([when], [j["value"]], marker="^", s=90,
                            facecolors="none", edgecolors="#c0392b", linewidths=1.5, zorder=4)
                ax2.annotate(f"jump: {chart_text(j['speaker'])}", (when, j["value"]),
                             textcoords="offset points", xytext=(6, -3), fontsize=7,
                             color="#c0392b")
        ax2.set_ylim(0, 105)
        ax2.set_ylabel("rhetoric intensity", fontsize=8)
        ax2.grid(alpha=0.3)
        if timeline.speakers:
            ax2.legend(fontsize=7, loc="upper left", ncol=2)
        ax2.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
        fig.autofmt_xdate()
        fig.tight_layout()
        buf = io.BytesIO()
        # SVG without embedded fonts or dates stays small and byte-stable.
        fig.savefig(buf, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
        return buf.getvalue()
    finally:
        plt.close(fig)


def write_chart(timeline: Timeline, path: Path) -> Path:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg"}:
        raise ValueError(f"{path}: chart file must end in .png or .svg")
    data = render_chart(timeline, fmt)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def render_html(timeline: Timeline, alerts: list[dict[str, Any]] | None = None) -> str:
    """One self-contained page: inline SVG chart, hits per indicator with their evidence,
    alerts. Every piece of document text is escaped."""
    svg = render_chart(timeline, "svg").decode("utf-8")
    svg = svg[svg.find("<svg"):]  # drop the XML prolog and doctype inside HTML
    suffix = f" — {timeline.topic}" if timeline.topic else ""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape('Rhetorica watch timeline' + suffix)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
        "padding:0 1em;color:#222}table{border-collapse:collapse;width:100%;margin:1em 0}"
        "td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;"
        "font-size:14px}.sev-critical{color:#8e1b1b;font-weight:bold}.sev-high{color:#c0392b}"
        "q{color:#333}svg{max-width:100%;height:auto}</style></head><body>",
        f"<h1>Watch timeline{escape(suffix)}</h1>",
        f"<figure>{svg}</figure>",
    ]
    if alerts:
        parts.append("<h2>Alerts</h2><table><thead><tr><th>date</th><th>severity</th>"
                     "<th>alert</th></tr></thead><tbody>")
        for a in alerts:
            sev = escape(str(a.get("severity", "")))
            parts.append(f"<tr><td>{escape(str(a.get('date') or ''))}</td>"
                         f"<td class='sev-{sev}'>{sev}</td>"
                         f"<td>{escape(str(a['message']))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("<h2>Indicator hits</h2>")
    if not timeline.indicators:
        parts.append("<p>No indicator has fired.</p>")
    for s in timeline.indicators:
        sev = escape(s.severity)
        parts.append(f"<h3>{escape(s.indicator)} <small class='sev-{sev}'>{sev}</small></h3>"
                     "<table><thead><tr><th>day</th><th>hits</th><th>documents</th>"
                     "<th>evidence</th></tr></thead><tbody>")
        for d in s.days:
            ev = "<br>".join(f"<q>{escape(e)}</q>" for e in d.evidence[:5])
            ids = escape(", ".join(map(str, d.document_ids)))
            parts.append(f"<tr><td>{escape(d.day)}</td><td>{d.count}</td>"
                         f"<td>{ids}</td><td>{ev}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "".join(parts)

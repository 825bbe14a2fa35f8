"""The speaker's own baseline: is this statement a shift, or how they always talk?

A loud statement from a habitually loud speaker is news of a different kind than the same
words from someone usually measured. So intensity is compared with the speaker's *own*
earlier statements (z-score), the mix of techniques with their usual mix (Jensen-Shannon
distance), and the whole series is scanned for change points (binary segmentation on the
mean, written here to avoid a heavy dependency). The verdict is one sentence a reader can
quote.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MIN_HISTORY = 3  # fewer earlier statements than this: no z-score, say so
Z_SHIFT = 2.0
JS_SHIFT = 0.5
STD_FLOOR = 3.0  # intensity points; a speaker who always scored 40 is not "infinitely" off at 45


@dataclass
class ChangePoint:
    index: int  # first statement of the new segment
    date: str | None
    before: float
    after: float

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "date": self.date, "mean_before": round(self.before, 1),
                "mean_after": round(self.after, 1)}


@dataclass
class Baseline:
    speaker: str
    statement_id: int | None
    date: str | None
    intensity: float | None
    history_n: int
    mean: float | None = None
    std: float | None = None
    z: float | None = None
    js_distance: float | None = None
    technique_changes: list[dict[str, Any]] = field(default_factory=list)
    change_points: list[ChangePoint] = field(default_factory=list)
    # Against the speaker's latest level only (since the last change point before this one).
    z_recent: float | None = None
    recent_n: int = 0
    series: list[dict[str, Any]] = field(default_factory=list)
    # Earlier statements known only from others' quotes of the speaker (not their own text).
    reported_n: int = 0
    shift: bool = False
    verdict: str = ""

    def to_dict(self) -> dict[str, Any]:
        r = lambda v, n=2: None if v is None else round(v, n)  # noqa: E731
        return {"speaker": self.speaker, "statement_id": self.statement_id, "date": self.date,
                "intensity": self.intensity, "history_n": self.history_n,
                "reported_n": self.reported_n,
                "mean": r(self.mean, 1), "std": r(self.std, 1), "z": r(self.z),
                "js_distance": r(self.js_distance, 3),
                "technique_changes": self.technique_changes,
                "change_points": [c.to_dict() for c in self.change_points],
                "z_recent": r(self.z_recent), "recent_n": self.recent_n,
                "shift": self.shift, "verdict": self.verdict, "series": self.series}


def js_distance(p: dict[str, float], q: dict[str, float]) -> float | None:
    """Jensen-Shannon distance (base 2, 0 = same mix, 1 = nothing in common)."""
    keys = sorted(set(p) | set(q))
    a = np.array([max(0.0, p.get(k, 0.0)) for k in keys], dtype=float)
    b = np.array([max(0.0, q.get(k, 0.0)) for k in keys], dtype=float)
    if a.sum() == 0 or b.sum() == 0:
        return None
    a, b = a / a.sum(), b / b.sum()
    m = (a + b) / 2

    def kl(x: np.ndarray, y: np.ndarray) -> float:
        mask = x > 0
        return float(np.sum(x[mask] * np.log2(x[mask] / y[mask])))

    return math.sqrt(max(0.0, (kl(a, m) + kl(b, m)) / 2))


def change_points(values: list[float], min_size: int = 3, penalty: float | None = None
                  ) -> list[int]:
    """Binary segmentation on the mean: split where it cuts squared error by more than a
    BIC-like penalty. Segments hold at least ``min_size`` statements, so a change point is a
    sustained change of level (means *and* medians differ); a single outburst is what the
    z-score is for. The penalty is
    2·σ²·ln n, with σ estimated robustly from successive differences."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2 * min_size:
        return []
    diffs = np.abs(np.diff(x))
    sigma = max(float(np.median(diffs)) / (0.6745 * math.sqrt(2)), STD_FLOOR)
    if penalty is None:
        penalty = 2.0 * sigma**2 * math.log(n)

    def cost(seg: np.ndarray) -> float:
        return float(((seg - seg.mean()) ** 2).sum()) if len(seg) else 0.0

    found: list[int] = []

    def split(lo: int, hi: int) -> None:
        seg = x[lo:hi]
        if len(seg) < 2 * min_size:
            return
        base = cost(seg)
        best, best_k = 0.0, None
        for k in range(min_size, len(seg) - min_size + 1):
            gain = base - cost(seg[:k]) - cost(seg[k:])
            if gain > best:
                best, best_k = gain, k
        # The medians must differ too, so one outlier inside a segment cannot fake a shift.
        if best_k is not None and best > penalty and abs(
                float(np.median(seg[:best_k])) - float(np.median(seg[best_k:]))) > 2 * sigma:
            found.append(lo + best_k)
            split(lo, lo + best_k)
            split(lo + best_k, hi)

    split(0, n)
    return sorted(found)


def _mix(tone: dict[str, Any]) -> dict[str, float]:
    return {k: float(v) for k, v in (tone.get("techniques_per_100_words") or {}).items()}


def compare(history: list[dict[str, Any]], speaker: str,
            statement_id: int | None = None) -> Baseline:
    """``history`` as returned by ``Store.speaker_history`` (oldest first). The statement
    compared is ``statement_id`` or, by default, the latest; only statements before it form
    the baseline."""
    rows = [h for h in history if h.get("intensity") is not None]
    if not rows:
        b = Baseline(speaker, None, None, None, 0)
        b.verdict = f"No analysed statements by {speaker} in the store."
        return b
    idx = len(rows) - 1
    if statement_id is not None:
        ids = [h["id"] for h in rows]
        if statement_id not in ids:
            raise KeyError(f"statement {statement_id} is not an analysed statement by {speaker}")
        idx = ids.index(statement_id)
    current, previous = rows[idx], rows[:idx]
    b = Baseline(speaker, current["id"], current.get("date"), float(current["intensity"]),
                 len(previous))
    b.series = [{"id": h["id"], "date": h.get("date"), "intensity": float(h["intensity"]),
                 "reported_by": h.get("reported_by")} for h in rows]
    b.reported_n = sum(bool(h.get("reported_by")) for h in previous)
    values = [float(h["intensity"]) for h in previous]
    if values:
        b.mean = float(np.mean(values))
        b.std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    if len(values) >= MIN_HISTORY and b.mean is not None and b.std is not None:
        b.z = (b.intensity - b.mean) / max(b.std, STD_FLOOR)
    if previous:
        usual: dict[str, float] = {}
        for h in previous:
            for k, v in _mix(h.get("tone") or {}).items():
                usual[k] = usual.get(k, 0.0) + v / len(previous)
        now = _mix(current.get("tone") or {})
        b.js_distance = js_distance(now, usual)
        changes = [{"technique": k, "now": round(now.get(k, 0.0), 2),
                    "usual": round(usual.get(k, 0.0), 2),
                    "delta": round(now.get(k, 0.0) - usual.get(k, 0.0), 2)}
                   for k in set(now) | set(usual)]
        b.technique_changes = sorted(changes, key=lambda c: -abs(c["delta"]))[:5]
    series = [s["intensity"] for s in b.series]
    b.change_points = [ChangePoint(i, b.series[i]["date"], float(np.mean(series[:i])),
                                   float(np.mean(series[i:]))) for i in change_points(series)]
    earlier = [c.index for c in b.change_points if c.index < idx]
    if earlier:
        recent = values[earlier[-1]:]
        b.recent_n = len(recent)
        if len(recent) >= MIN_HISTORY:
            sd = float(np.std(recent, ddof=1))
            b.z_recent = (b.intensity - float(np.mean(recent))) / max(sd, STD_FLOOR)
    b.verdict, b.shift = _verdict(b)
    if b.reported_n:
        b.verdict += (f" ({b.reported_n} of the earlier statements are {b.speaker}'s words as "
                      "quoted in others' reporting.)")
    if current.get("reported_by"):
        b.verdict += f" (This statement is {b.speaker}'s words as quoted by " \
                     f"{current['reported_by']}.)"
    return b


def _verdict(b: Baseline) -> tuple[str, bool]:
    who = b.speaker
    if b.history_n < MIN_HISTORY or b.z is None:
        return (f"Too little history to judge: {who} has {b.history_n} earlier analysed "
                f"statement(s) (need {MIN_HISTORY}); this one scores {b.intensity:.0f}/100.",
                False)
    direction = "more" if b.z > 0 else "less"
    mix_shift = b.js_distance is not None and b.js_distance >= JS_SHIFT
    top = next((c for c in b.technique_changes if c["delta"] > 0), None)
    mix_note = (f", and the technique mix has changed (JS distance {b.js_distance:.2f}"
                + (f", most of all more {top['technique'].replace('_', ' ')}" if top else "")
                + ")") if mix_shift else ""
    recent_note = (f"; against their level since the last change point, z = {b.z_recent:+.1f}"
                   if b.z_recent is not None else "")
    if abs(b.z) >= Z_SHIFT:
        return (f"A shift: at {b.intensity:.0f}/100 this statement is markedly {direction} "
                f"intense than {who}'s usual {b.mean:.0f} ± {b.std:.0f} over {b.history_n} "
                f"earlier statements (z = {b.z:+.1f}{recent_note}){mix_note}.", True)
    if mix_shift:
        return (f"A shift in style rather than heat: intensity {b.intensity:.0f}/100 is within "
                f"{who}'s usual range (z = {b.z:+.1f}){mix_note}.", True)
    if b.z_recent is not None and abs(b.z_recent) >= Z_SHIFT:
        return (f"A shift from {who}'s recent level: at {b.intensity:.0f}/100 this statement is "
                f"within their long-run range (z = {b.z:+.1f}) but not their level since the "
                f"last change point (z = {b.z_recent:+.1f}, {b.recent_n} statements).", True)
    return (f"No shift: at {b.intensity:.0f}/100 this statement is in line with {who}'s usual "
            f"{b.mean:.0f} ± {b.std:.0f} over {b.history_n} earlier statements "
            f"(z = {b.z:+.1f}{recent_note}).", False)


def chart(b: Baseline, path: str | Path) -> Path:
    """PNG or SVG (by suffix) of the speaker's intensity over time, with the usual band,
    change points and the compared statement marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rhetorica.report.charts import chart_date, chart_text

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"{path}: chart must end in .png or .svg")
    ys = [s["intensity"] for s in b.series]
    xs: list[Any] = [chart_date(s["date"]) for s in b.series]
    if any(x is None for x in xs):  # undated, or a year matplotlib cannot draw: by position
        xs = list(range(1, len(ys) + 1))
    fig, ax = plt.subplots(figsize=(8, 3.5), dpi=110)
    ax.plot(xs, ys, marker="o", color="#444", linewidth=1.2, label="intensity")
    if b.mean is not None and b.std is not None and b.history_n:
        ax.axhspan(b.mean - b.std, b.mean + b.std, color="#9ecae1", alpha=0.35,
                   label="usual (mean ± 1 sd)")
    for cp in b.change_points:
        ax.axvline(xs[cp.index], color="#e6550d", linestyle="--", linewidth=1)
    if b.change_points:
        ax.plot([], [], color="#e6550d", linestyle="--", label="change point")
    reported = [i for i, s in enumerate(b.series) if s.get("reported_by")]
    if reported:  # words known only from others' quotes: hollow
        ax.scatter([xs[i] for i in reported], [ys[i] for i in reported], s=46,
                   facecolors="white", edgecolors="#444", zorder=4,
                   label="quoted in others' reporting")
    if b.statement_id is not None:
        i = [s["id"] for s in b.series].index(b.statement_id)
        ax.scatter([xs[i]], [ys[i]], s=90, color="#d62728" if b.shift else "#31a354",
                   zorder=5, label="this statement")
    ax.set_ylim(0, 100)
    ax.set_ylabel("intensity (0-100)")
    ax.set_title(f"{chart_text(b.speaker)}: rhetoric intensity over time")
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=path.suffix.lower().lstrip("."))
    plt.close(fig)
    return path

"""From retrieved passages to an honest verdict with a calibrated confidence and its reasons.

Each claim gets candidate passages from the hybrid index; the stance cross-encoder reads each
(context + passage, claim) pair and returns supports / refutes / unrelated probabilities; the
explicit checks (:mod:`rhetorica.evidence.checks`: figures, changes, negation, opposite
predicates, quantifiers) compare the claim with the passage's closest sentence. A conflict
found by the checks vetoes that passage's support (a passage that says *fell by a third*
cannot support *tripled*, however alike the sentences read) and counts as refutation; each
finding is a reason on the card.

The verdict is a rule a reader can check (:class:`VerdictModel`): **supported** only when a
passage supports the claim with at least ``tau_support`` and none refutes it with
``tau_refute``; **refuted** the other way round; **disputed** only when strong evidence
stands on both sides; otherwise **not enough evidence**. The thresholds are fitted on held-out
CLIMATE-FEVER claims with a floor, so weak evidence never settles a claim; the confidence is
a logistic model of "is this verdict right", fitted on *other* held-out claims, with its
expected calibration error (ECE) on the test split in the model card. The summary sentence is
written from the passages listed under it, so the two never disagree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.evidence.checks import (
    Finding,
    claims_record,
    compare,
    missing_names,
    off_topic,
    other_period,
    quantities,
    quoted,
    states_record,
    unmeasured,
    years_in,
)
from rhetorica.evidence.cross_encoder import STANCES, artefact_dir
from rhetorica.ingest.passages import passage_context

VERDICTS = ("supported", "refuted", "disputed", "not_enough_evidence")
NO_EVIDENCE = "No report in the corpus supports this claim."
# Below this probability of "unrelated" a passage is about the claim (checks may compare
# figures across different wording; the passage is listed as relevant).
RELATED = 0.5
# Share of support a conflict found by the checks moves to refutation.
VETO = 0.9
# Findings about figures, which settle a refutation on their own (see :func:`adjust`).
FIGURE_KINDS = frozenset({"quantity", "direction", "quantifier", "placing"})
# Findings that name the claim's own subject in the passage (its speaker, the holder of its
# superlative): the passage is about the claim even where its words are not.
SUBJECT_KINDS = frozenset({"attribution", "superlative", "placing"})


def adjust(probs: np.ndarray, findings: list[list[Finding]],
           figures: bool = False, elsewhere: list[bool] | None = None,
           no_record: list[bool] | None = None,
           unmeasured: list[bool] | None = None) -> np.ndarray:
    """Stance probabilities after the explicit checks.

    * A passage with a conflict keeps 10 % of its support; the rest moves to *refutes*; half
      of its *unrelated* mass moves to *refutes* as well (the checks compared the claim's own
      words or figures), all of it when the conflict is between figures (a count, a change,
      a share of a group: :data:`FIGURE_KINDS`), which the checks read more surely than the
      model does; "homicides fell by a third" answers "crime tripled" however unalike the
      two sentences look to the model.
    * ``figures``: the claim states a figure (a count, a percentage, a multiplier, a
      fraction). Then a passage supports it only by stating an agreeing figure: without an
      ``agree`` finding its support moves to *unrelated*, since a passage that talks about
      the subject without the figure does not confirm the figure.
    * The other way round, a passage that states the claim's figure about the same measure
      (and the same direction of change), with no conflict, has its *unrelated* mass and
      most of its *refutes* mass moved to *supports*: the figure is what the claim asserts,
      and the checks read it more surely than the model, which reads "about 6%" against
      "6.1%", or "around 400 jobs" against "420 jobs", as a contradiction.
    * A passage that denies what the claim denies ("no deaths were reported" for "nobody
      was killed": a ``negation`` agreement) has most of its *refutes* mass moved to
      *supports*: the model reads two negations as a contradiction.
    * ``elsewhere[i]``: passage *i* never names a place, person or body the claim names
      ("homicides in Norbridge rose" says nothing about Harlow Bay), or shares none of its
      topic words (:func:`rhetorica.evidence.checks.off_topic`). It can neither support nor
      refute the claim (a report about the Westport harbour says nothing about a ban in
      Lindholm): both move to *unrelated*, unless a check found the claim's own speaker or
      the holder of its superlative in it (:data:`SUBJECT_KINDS`).
    * A passage that only tells what someone meant or said would happen (a ``moot``
      finding: :func:`rhetorica.evidence.checks.intention`), where the claim tells what
      happened, neither supports nor refutes it: both move to *unrelated*.
    * ``no_record[i]``: the claim asserts a record or a superlative ("a record number of
      visitors", "the biggest city") and passage *i* states none. Its support moves to
      *unrelated*: "410,000 visitors, up 7%" is on the subject, but does not say it was a
      record. So does the support of a passage in which someone other than the claim's
      speaker says it (an ``unconfirmed`` attribution finding).
    """
    out = probs.copy()
    for i, fs in enumerate(findings):
        s, r, u = out[i]
        conflicts = {f.kind for f in fs if f.relation == "conflict"}
        # a results table names the claim's candidate where its words are not the claim's
        placed = any(f.kind == "placing" for f in fs)
        # another year than the claim's is another period, except for the date of an event
        # that happens once: "was built in 1986" answers "was built in 1968"
        if elsewhere is not None and elsewhere[i] and not conflicts & SUBJECT_KINDS \
                and not placed and "date" not in conflicts:
            out[i] = [s * (1 - VETO), r * (1 - VETO), u + VETO * (s + r)]
            continue
        agrees = {f.kind for f in fs if f.relation == "agree"}
        if any(f.relation == "moot" for f in fs) and not conflicts and not agrees:
            out[i] = [s * (1 - VETO), r * (1 - VETO), u + VETO * (s + r)]
        elif conflicts:
            moved = VETO * s + (u if conflicts & FIGURE_KINDS else 0.5 * u)
            out[i] = [s - VETO * s, r + moved, u - (moved - VETO * s)]
        elif agrees & FIGURE_KINDS:
            out[i] = [s + u + VETO * r, r * (1 - VETO), 0.0]
        elif "negation" in agrees and not figures:
            out[i] = [s + VETO * r, r * (1 - VETO), u]  # both deny it
        elif figures and not agrees and unmeasured is not None and unmeasured[i]:
            out[i] = [s * (1 - VETO), r * (1 - VETO), u + VETO * (s + r)]
        elif (figures and not agrees) or (no_record is not None and no_record[i]) \
                or any(f.relation == "unconfirmed" for f in fs):
            out[i] = [s * (1 - VETO), r, u + VETO * s]
    return out


# A report that says it corrects, revises or reverses an earlier one.
_REVISES = re.compile(r"\b(correct(?:s|ed|ing|ion)|revis(?:e|es|ed|ing|ion)|revers(?:e|es|ed|"
                      r"ing)|retract(?:s|ed|ing|ion)?|final (?:tally|count|result|figures?)|"
                      r"recount)\b", re.I)


# A correction in so many words: later than what it corrects, whether dated or not.
_CORRECTS = re.compile(r"\b(correction|correcting|wrongly (?:stated|reported|said)|"
                       r"incorrectly (?:stated|reported|said)|misstated|erroneously|"
                       r"retract(?:s|ed|ion))\b", re.I)


def supersede(probs: np.ndarray, dates: list[str | None],
              texts: list[str]) -> tuple[np.ndarray, dict[int, int]]:
    """Later corrections win: a dated passage that says it corrects, revises or reverses an
    earlier report, and reads the claim one way, voids the opposite reading of every
    *earlier* passage (its stance moves to *unrelated*). An undated passage that says in so
    many words that it corrects a report ("Correction: an article ... wrongly stated",
    "correcting earlier reports that two firefighters had been injured") is later than
    every other. Where it voids one, it answers the claim: its own *unrelated* mass moves to
    its reading. Returns the probabilities and {superseded passage: the passage that
    superseded it}."""
    out, gone = probs.copy(), {}
    for j, (dj, tj) in enumerate(zip(dates, texts, strict=True)):
        if not (_REVISES.search(tj) if dj else _CORRECTS.search(tj)):
            continue
        side = 0 if out[j, 0] > out[j, 1] else 1
        if out[j, side] < out[j, 2] and out[j, side] < 0.5:
            continue  # the correction is not about this claim
        corrected = False
        for i, di in enumerate(dates):
            earlier = (di and di < dj) if dj else (not di or not _CORRECTS.search(texts[i]))
            if i != j and earlier and out[i, 1 - side] > out[i, side]:
                out[i, 2] += out[i, 1 - side]
                out[i, 1 - side] = 0.0
                gone[i] = j
                corrected = True
        if corrected:  # it corrects a report about this claim, so it is about it too
            out[j, side] += out[j, 2]
            out[j, 2] = 0.0
    return out, gone


def newer_figures(claim: str, probs: np.ndarray, findings: list[list[Finding]]
                  ) -> tuple[np.ndarray, dict[int, int]]:
    """The latest figures answer a claim that gives no end to its period.

    "Killings are down by a third from their 2021 level" is about now: a report of the
    change to 2024 answers it, and an older one of the change to 2022 no longer does, though
    its figure differs. Where passages give the claim's figure for periods ending in
    different years, the readings of those ending earlier move to *unrelated*. A claim that
    names two years (or none) is left alone: its period is fixed, and figures of other
    periods were never compared with it. Returns the probabilities and {older passage: the
    passage with the latest figures}.
    """
    if len(years_in(claim)) != 1:
        return probs, {}
    ends = {i: _figures_end(fs) for i, fs in enumerate(findings)
            if any(f.kind in FIGURE_KINDS and f.years for f in fs)}
    if len(set(ends.values())) < 2:
        return probs, {}
    latest = max(ends, key=lambda i: ends[i])
    out, older = probs.copy(), {}
    for i, end in ends.items():
        if end < ends[latest]:
            out[i] = [0.0, 0.0, 1.0]
            older[i] = latest
    return out, older


# Findings explicit enough to outweigh the model elsewhere: a figure, a share, a placing
# (not a bare direction of change, which scientific prose mixes within one passage).
_EXPLICIT = frozenset({"quantity", "quantifier", "placing"})


def _claimed(f: Finding) -> str:
    """Which of the claim's figures a finding is about ("claim: 12%; passage: ...")."""
    return f.reason.split(";", 1)[0]


def explained(probs: np.ndarray, findings: list[list[Finding]]) -> np.ndarray:
    """An explicit contradiction outweighs unexplained support: where the checks found one of
    the claim's figures, shares or placings contradicted in some passage and confirmed in
    none, the support of every passage that does not confirm that figure moves to
    *unrelated*. "Selma Korhonen was elected, beating Desmond Achterberg" answers
    "Achterberg was elected"; the model's support from "Achterberg led in the polls" does
    not make it disputed; "71.3 per cent of patients within four hours" answers "more than
    three quarters within four hours", whatever the passages agreeing on the four hours.
    (The other way round, an agreeing figure does not void unexplained refutations: a claim
    can state the right figure about the wrong person or event, and on a fresh set nobody
    had tuned to, voiding them labelled two more false claims supported.)
    """
    sides: dict[str, set[str]] = {}
    for fs in findings:
        for f in fs:
            if f.kind in _EXPLICIT and f.relation in ("agree", "conflict"):
                # a figure someone is quoted saying is their claim, not a confirmation
                side = "quoted" if f.relation == "agree" and quoted(f) else f.relation
                sides.setdefault(_claimed(f), set()).add(side)
    contradicted = {k for k, rel in sides.items() if "conflict" in rel and "agree" not in rel}
    if not contradicted:
        return probs
    out = probs.copy()
    for i, fs in enumerate(findings):
        confirms = any(f.relation == "agree" and _claimed(f) in contradicted and not quoted(f)
                       for f in fs)
        if not confirms and not any(f.relation == "conflict" for f in fs):
            out[i, 2] += out[i, 0]
            out[i, 0] = 0.0
    return out


def _figures_end(findings: list[Finding]) -> int:
    """The last year of a passage's figures (only figure findings carry years)."""
    return max(y for f in findings if f.kind in FIGURE_KINDS for y in f.years)


def read_with_checks(claim: str, texts: list[str], probs: np.ndarray,
                     contexts: list[str] | None = None,
                     published: list[str | None] | None = None,
                     elsewhere: list[bool] | None = None,
                     ) -> tuple[np.ndarray, list[list[Finding]]]:
    """The checks of one claim against its passages, and the probabilities they adjust.

    One place for what ``verify``, the verdict fit and ``eval stance`` all do, so the
    thresholds are fitted on exactly what ``verify`` computes. ``elsewhere``: what
    :func:`about_elsewhere` says of these passages, where the caller has it already.
    """
    contexts = contexts or [""] * len(texts)
    published = published or [None] * len(texts)
    findings = [compare(claim, t, related=bool(pr[2] < RELATED), context=c, published=d)
                for t, c, d, pr in zip(texts, contexts, published, probs, strict=True)]
    record = claims_record(claim)
    no_record = [record and not states_record(f"{c} {t}")
                 for t, c in zip(texts, contexts, strict=True)]
    if elsewhere is None:
        elsewhere = about_elsewhere(claim, texts, contexts, published)
    figures = claim_states_figure(claim)
    blind = [figures and unmeasured(claim, t) for t in texts]
    return explained(adjust(probs, findings, figures, elsewhere, no_record, blind),
                     findings), findings


def about_elsewhere(claim: str, texts: list[str], contexts: list[str],
                    published: list[str | None] | None = None) -> list[bool]:
    """Per passage: it never names a place, person or body the claim names, shares none of
    its topic words, or is about other years than the claim's, so it can neither support
    nor refute the claim."""
    published = published or [None] * len(texts)
    return [bool(missing_names(claim, f"{c} {t}")) or off_topic(claim, t)
            or other_period(claim, f"{c} {t}", d)
            for t, c, d in zip(texts, contexts, published, strict=True)]


def claim_states_figure(claim: str) -> bool:
    """A count, percentage, multiplier or fraction (years and dates are not figures)."""
    return any(q.value is not None or q.ratio is not None for q in quantities(claim))


def evidence_strength(probs: np.ndarray) -> tuple[float, float]:
    """(strongest support, strongest refutation) over the passages."""
    if len(probs) == 0:
        return 0.0, 0.0
    return float(probs[:, 0].max()), float(probs[:, 1].max())


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               bins: int = 10) -> float:
    """ECE of stated confidences (equal-width bins): how far "right 70 % of the time" is
    from how often the verdicts stated with 70 % were right."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=float)
    ece = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        m = (conf > lo) & (conf <= lo + 1 / bins)
        if m.any():
            ece += m.mean() * abs(ok[m].mean() - conf[m].mean())
    return float(ece)


class VerdictModel:
    """Transparent aggregation with thresholds fitted on data, and a calibrated confidence.

    ``decide``: support ``S`` and refutation ``R`` are the strongest adjusted probabilities
    over the passages. ``S >= tau_support`` and ``R >= tau_refute``: disputed; only one of
    them: that side; neither: not enough evidence. ``fit`` grid-searches both thresholds for
    macro-F1 on held-out claims, never below ``floor`` (0.6: "strong" evidence means the
    model gives that reading clearly better-than-even odds), and where possible only among
    thresholds whose settling verdicts are precise (see :meth:`fit`). ``calibrate`` fits a
    logistic model of "the verdict is right" on *other* held-out claims, so ``confidence`` is
    a probability.
    """

    def __init__(self, tau_support: float = 0.7, tau_refute: float = 0.7, seed: int = 0,
                 floor: float = 0.6) -> None:
        self.tau_support, self.tau_refute, self.seed, self.floor = \
            tau_support, tau_refute, seed, floor
        self.cal_coef_ = np.zeros(len(VERDICTS) + 3)
        self.cal_intercept_ = 0.0
        self.metrics: dict[str, Any] = {}

    def decide(self, probs: np.ndarray) -> str:
        s, r = evidence_strength(probs)
        if s >= self.tau_support and r >= self.tau_refute:
            return "disputed"
        if s >= self.tau_support:
            return "supported"
        if r >= self.tau_refute:
            return "refuted"
        return "not_enough_evidence"

    def _cal_features(self, probs: np.ndarray, verdict: str) -> np.ndarray:
        s, r = evidence_strength(probs)
        onehot = [float(verdict == v) for v in VERDICTS]
        return np.array([*onehot, max(s, r), abs(s - r), min(s, r)])

    def fit(self, probs_list: list[np.ndarray], y: list[str],
            min_precision: float = 0.6) -> VerdictModel:
        """Thresholds with the best macro-F1 among those whose *supported* and *refuted*
        verdicts are right at least ``min_precision`` of the time on these claims (a verdict
        that settles a claim must be trustworthy); without such a pair, the best macro-F1."""
        from sklearn.metrics import f1_score, precision_score

        best = (False, -1.0, self.tau_support, self.tau_refute)
        grid = np.round(np.arange(self.floor, 0.951, 0.05), 2)
        for ts in grid:
            for tr in grid:
                self.tau_support, self.tau_refute = float(ts), float(tr)
                pred = self.predict(probs_list)
                f = f1_score(y, pred, labels=list(VERDICTS), average="macro", zero_division=0)
                prec = precision_score(y, pred, labels=["supported", "refuted"], average=None,
                                       zero_division=1)
                ok = bool(min(prec) >= min_precision)
                if (ok, f) > (best[0], best[1] + 1e-9):
                    best = (ok, f, float(ts), float(tr))
        _, _, self.tau_support, self.tau_refute = best
        return self

    def calibrate(self, probs_list: list[np.ndarray], y: list[str]) -> VerdictModel:
        from sklearn.linear_model import LogisticRegression

        verdicts = self.predict(probs_list)
        X = np.stack([self._cal_features(p, v) for p, v in zip(probs_list, verdicts,
                                                                  strict=True)])
        ok = np.array([v == g for v, g in zip(verdicts, y, strict=True)], dtype=int)
        if len(set(ok)) < 2:
            self.cal_coef_, self.cal_intercept_ = np.zeros(X.shape[1]), 0.0
            return self
        clf = LogisticRegression(C=1.0, max_iter=1000, random_state=self.seed).fit(X, ok)
        self.cal_coef_, self.cal_intercept_ = clf.coef_[0], float(clf.intercept_[0])
        return self

    def confidence(self, probs: np.ndarray, verdict: str) -> float:
        z = float(self._cal_features(probs, verdict) @ self.cal_coef_ + self.cal_intercept_)
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, probs: np.ndarray) -> dict[str, float]:
        """The verdict gets its calibrated confidence; the rest is shared evenly."""
        v = self.decide(probs)
        c = self.confidence(probs, v)
        rest = (1.0 - c) / (len(VERDICTS) - 1)
        return {k: (c if k == v else rest) for k in VERDICTS}

    def predict(self, probs_list: list[np.ndarray]) -> list[str]:
        return [self.decide(p) for p in probs_list]

    def score(self, probs_list: list[np.ndarray], y: list[str]) -> float:
        from sklearn.metrics import f1_score

        return float(f1_score(y, self.predict(probs_list), labels=list(VERDICTS),
                              average="macro", zero_division=0))

    def save(self, folder: Path) -> None:
        (folder / "verdict.json").write_text(json.dumps({
            "labels": list(VERDICTS), "tau_support": self.tau_support,
            "tau_refute": self.tau_refute, "floor": self.floor,
            "calibration_coef": np.round(self.cal_coef_, 6).tolist(),
            "calibration_intercept": round(self.cal_intercept_, 6), "seed": self.seed,
            "metrics": self.metrics}, indent=2) + "\n")

    @classmethod
    def load(cls, folder: Path | None = None) -> VerdictModel:
        from rhetorica.config import stance_model_dir
        from rhetorica.evidence.cross_encoder import ModelArtefactError

        base = Path(folder) if folder else (stance_model_dir() or artefact_dir())
        try:
            info = json.loads((base / "verdict.json").read_text())
        except (OSError, ValueError) as exc:
            raise ModelArtefactError(
                f"verdict rule at {base} is missing or damaged ({type(exc).__name__}); "
                "rebuild it with: rhetorica train verdict --data ../shared/data") from None
        m = cls(info["tau_support"], info["tau_refute"], info["seed"], info.get("floor", 0.6))
        m.cal_coef_ = np.array(info["calibration_coef"])
        m.cal_intercept_ = float(info["calibration_intercept"])
        m.metrics = info.get("metrics", {})
        return m


def default_verdict_model() -> VerdictModel:
    from rhetorica.models import shared

    return shared("verdict", "packaged", VerdictModel.load)


@dataclass
class Verification:
    claim: str
    verdict: str
    confidence: float
    summary: str
    probabilities: dict[str, float]
    passages: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    prior_fact_checks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def summarise(verdict: str, passages: list[dict[str, Any]]) -> str:
    """The card's sentence, written from the passages listed under it."""
    sup = sum(p["stance"] == "supports" and p["strong"] for p in passages)
    ref = sum(p["stance"] == "refutes" and p["strong"] for p in passages)

    def n(k: int) -> str:
        return f"{k} passage" + ("s" if k != 1 else "")

    # passages that lean the other way without reaching the bar are said, so the sentence
    # never contradicts the table under it
    lean_ref = sum(p["stance"] == "refutes" and not p["strong"] for p in passages)
    lean_sup = sum(p["stance"] == "supports" and not p["strong"] for p in passages)
    if verdict == "supported":
        return f"{n(sup)} in the corpus support{'s' if sup == 1 else ''} this claim; " + (
            f"{n(lean_ref)} lean{'s' if lean_ref == 1 else ''} against it, below the bar for "
            "a contradiction." if lean_ref else "none contradicts it.")
    if verdict == "refuted":
        return f"{n(ref)} in the corpus contradict{'s' if ref == 1 else ''} this claim; " + (
            f"{n(lean_sup)} lean{'s' if lean_sup == 1 else ''} towards it, below the bar for "
            "support." if lean_sup else "none supports it as stated.")
    if verdict == "disputed":
        return f"Reports in the corpus disagree: {n(sup)} support{'s' if sup == 1 else ''} " \
               f"this claim, {n(ref)} contradict{'s' if ref == 1 else ''} it."
    if any(p["stance"] != "unrelated" for p in passages):
        return "Some passages touch on this claim, but none settles it either way."
    return NO_EVIDENCE


def _reason(p: dict[str, Any], f: Finding) -> str:
    where = " · ".join(x for x in (p.get("source"), p.get("date")) if x)
    return f"{f.reason}" + (f" [{where}]" if where else "")


class Verifier:
    """Retrieve, read, check, aggregate: one object per corpus, reused across claims.

    ``k`` passages are reported per claim, chosen from ``2 * k`` retrieved candidates by the
    stance model's relevance (1 - P(unrelated)): the cross-encoder reranks what BM25 and the
    embeddings found. Candidates that never name the claim's places, people or bodies (or
    share none of its topic words) rank after all the others: the model finds another
    town's homicide figures "relevant" to this town's, and they would crowd out the report
    that settles the claim.
    """

    def __init__(self, index: Any, stance: Any | None = None,
                 verdict: VerdictModel | None = None, k: int = 5,
                 fact_checks: bool = True) -> None:
        self.index = index
        self.stance = stance or _default_stance()
        self.verdict_model = verdict or default_verdict_model()
        self.k = k
        self.fact_checks = fact_checks

    def judge(self, claim: str, hits: list[Any], rerank: bool = False,
              as_of: str | None = None) -> Verification:
        """Verdict for ``claim`` from already-retrieved hits (objects with text/title/...).

        Stored fact-checks are shown as prior fact-checks, never weighed as passages: a
        review repeats the claim word for word, whatever its rating.
        """
        notes = []
        reviews = {r["id"] for r in self._fact_check_rows()}
        hits = [h for h in hits if getattr(h, "document_id", None) not in reviews]
        contexts = [passage_context(h.text, h.title, getattr(h, "lead", None)) for h in hits]
        premises = [f"{c} {h.text}" if c else h.text for c, h in zip(contexts, hits,
                                                                       strict=True)]
        truncated_before = getattr(self.stance, "truncated", 0)
        probs = self.stance.predict_proba([claim] * len(hits), premises) if hits \
            else np.zeros((0, 3))
        if getattr(self.stance, "truncated", 0) > truncated_before:
            notes.append("a passage or the claim was longer than the model's window and was "
                         "truncated")
        away = about_elsewhere(claim, [h.text for h in hits], contexts,
                               [h.published for h in hits])
        if rerank and len(hits) > self.k:
            # passages about another place or subject go last, whatever the model's reading
            keep = np.lexsort((probs[:, 2], np.array(away)))[:self.k]
            keep.sort()
            hits = [hits[i] for i in keep]
            contexts = [contexts[i] for i in keep]
            away = [away[i] for i in keep]
            probs = probs[keep]
        adj, findings = read_with_checks(claim, [h.text for h in hits], probs, contexts,
                                         [h.published for h in hits], away)
        adj, superseded = supersede(adj, [h.published for h in hits],
                                    [f"{h.title or ''} {h.text}" for h in hits])
        adj, older = newer_figures(claim, adj, findings)
        vm = self.verdict_model
        # the rule decides; the calibrated confidence can fall below the even share of the
        # other verdicts, which must not turn a weak "refuted" into "supported"
        verdict = vm.decide(adj)
        p = vm.predict_proba(adj)
        passages, reasons = [], []
        for h, raw, pr, fs in zip(hits, probs, adj, findings, strict=True):
            s = int(pr.argmax())
            stance = STANCES[s]
            strong = (stance == "supports" and pr[0] >= vm.tau_support) or \
                (stance == "refutes" and pr[1] >= vm.tau_refute)
            d = {
                "text": h.text, "source": h.source, "title": h.title, "date": h.published,
                "url": h.url, "author": h.author, "origin": h.origin,
                "document_id": h.document_id, "passage_id": h.passage_id,
                "start": h.start, "end": h.end, "stance": stance, "strong": bool(strong),
                "stance_probabilities": {k: round(float(v), 4)
                                         for k, v in zip(STANCES, pr, strict=True)},
                "model_probabilities": {k: round(float(v), 4)
                                        for k, v in zip(STANCES, raw, strict=True)},
                "checks": [f.to_dict() for f in fs],
                "score": round(float(pr[s]), 4), "retrieval_score": round(float(h.score), 5),
                "copies": getattr(h, "copies", [])}
            passages.append(d)
            reasons.extend(_reason(d, f) for f in fs)
        for i, j in superseded.items():
            later = passages[j]
            passages[i]["superseded_by"] = later["passage_id"]
            reasons.append(f"superseded: the report of {passages[i]['date']} is corrected by "
                           f"the later report of {later['date']}"
                           + (f" [{later['source']}]" if later.get("source") else ""))
        for i, j in older.items():
            newer = passages[j]
            passages[i]["older_figures_than"] = newer["passage_id"]
            reasons.append(f"older figures: the report of {passages[i]['date']} gives the "
                           f"change to {_figures_end(findings[i])}, a later one to "
                           f"{_figures_end(findings[j])}"
                           + (f" [{newer['source']}]" if newer.get("source") else ""))
        order = {"supports": 0, "refutes": 0, "unrelated": 1}
        passages.sort(key=lambda d: (not d["strong"], order[d["stance"]], -d["score"]))
        priors = self._prior_fact_checks(claim, as_of)
        return Verification(claim, verdict, round(p[verdict], 4), summarise(verdict, passages),
                            {v: round(x, 4) for v, x in p.items()}, passages,
                            list(dict.fromkeys(reasons)), priors, notes)

    def _fact_check_rows(self) -> list[dict[str, Any]]:
        """Stored reviews; none when ``fact_checks=False`` (evaluation corpora hold none)."""
        store = getattr(self.index, "store", None)
        if not self.fact_checks or store is None or not hasattr(store, "fact_checks"):
            return []
        return store.fact_checks()

    def _prior_fact_checks(self, claim: str, as_of: str | None) -> list[dict[str, Any]]:
        if not self._fact_check_rows():
            return []
        from rhetorica.evidence.fact_checks import find_prior_fact_checks

        found = find_prior_fact_checks(self.index.store, claim)
        return [f for f in found if not as_of or (f.get("date") and f["date"] <= as_of)]

    def verify(self, claim: str, filters: Any = None, mode: str = "hybrid",
               as_of: str | None = None) -> Verification:
        """Verify ``claim`` against the corpus; ``as_of``: only evidence published by then
        (undated documents are left out, since nobody can say they were)."""
        if as_of:
            from dataclasses import replace

            from rhetorica.store.corpus import Filters

            f = filters or Filters()
            until = min(x for x in (f.until, as_of) if x)
            filters = replace(f, until=until)
        hits = self.index.search(claim, k=4 * self.k, filters=filters, mode=mode)
        store = getattr(self.index, "store", None)
        stale: set[int] = set()
        if store is not None and hasattr(store, "copies"):
            stale = store.superseded(h.document_id for h in hits)
            hits = collapse_copies([h for h in hits if h.document_id not in stale], store)
        result = self.judge(claim, hits[:2 * self.k], rerank=True, as_of=as_of)
        if stale:
            result.notes.append(f"{len(stale)} earlier version(s) of re-fetched pages left "
                                "out: a later fetch of the same URL has new text")
        return result


def collapse_copies(hits: list[Any], corpus: Any) -> list[Any]:
    """One hit per wire-copy group: a story syndicated ten times is one source, not ten.

    The best-ranked hit of each group stays, cited from the group's earliest copy when that
    copy holds the same passage word for word (a later copy's passage may be the only one
    indexed: identical passages are indexed once), with the other copies listed under it.
    """
    groups = corpus.copies([h.document_id for h in hits if h.document_id is not None])
    kept: list[Any] = []
    seen: set[int] = set()
    for h in hits:
        members = groups.get(h.document_id) or []
        if len(members) < 2:
            kept.append(h)
            continue
        first = members[0]["id"]
        if first in seen:
            continue
        seen.add(first)
        if first != h.document_id:
            _cite_earliest(h, corpus, members[0])
        h.copies = [m for m in members if m["id"] != h.document_id]
        kept.append(h)
    return kept


def _cite_earliest(hit: Any, corpus: Any, earliest: dict[str, Any]) -> None:
    doc = corpus.document(int(earliest["id"]))
    at = doc["text"].find(hit.text) if doc else -1
    if at < 0:
        return  # edited in the copy: cite the passage where it was found
    hit.document_id, hit.start, hit.end = doc["id"], at, at + len(hit.text)
    for name, key in (("title", "title"), ("source", "source"), ("published", "published"),
                      ("url", "url"), ("origin", "origin"), ("author", "author")):
        setattr(hit, name, doc.get(key))


def _default_stance() -> Any:
    from rhetorica.evidence.cross_encoder import default_cross_encoder

    return default_cross_encoder()


# -- pipeline component -------------------------------------------------------------------
CHECKWORTHY = 0.5


def atomic_parts(doc: Any, claim: Any) -> list[Any]:
    """The checkable atomic claims of a claim sentence (``atomic_claims``), in order."""
    return sorted((a for a in doc.layer("atomic_claim")
                   if list(a.attrs.get("claim") or ()) == [claim.start, claim.end]
                   and a.attrs.get("checkable", True)),
                  key=lambda a: a.attrs.get("index", 0))


def combine_parts(parts: list[tuple[str, Verification]]) -> dict[str, Any]:
    """One verdict for a sentence checked part by part: refuted where a part is refuted
    (a sentence with one false part is false as stated), supported only where every part
    is, disputed where a part is, else not enough evidence. The reasons are those of the
    parts that decide it, the passages those of the contradicted parts of a refuted
    sentence and of every part otherwise; ``parts`` lists each part's own verdict."""
    verdicts = [r.verdict for _, r in parts]
    if "refuted" in verdicts:
        verdict = "refuted"
    elif all(v == "supported" for v in verdicts):
        verdict = "supported"
    elif "disputed" in verdicts:
        verdict = "disputed"
    else:
        verdict = "not_enough_evidence"
    deciding = [(t, r) for t, r in parts if r.verdict == verdict] or parts
    lead = max(deciding, key=lambda tr: tr[1].confidence)[1]
    confidence = min(r.confidence for _, r in deciding) if verdict == "supported" \
        else lead.confidence
    n = len(parts)
    if verdict == "refuted":
        which = "; ".join(f"“{t}”" for t, _ in deciding)
        summary = f"{len(deciding)} of its {n} parts {'is' if len(deciding) == 1 else 'are'} " \
                  f"contradicted: {which}. {lead.summary}"
    elif verdict == "supported":
        summary = f"Each of its {n} parts is supported. {lead.summary}"
    else:
        held = sum(v == "supported" for v in verdicts)
        summary = (f"{held} of its {n} parts {'is' if held == 1 else 'are'} supported; "
                   "the corpus does not settle the rest." if held else lead.summary)
    passages: list[dict[str, Any]] = []
    for _, r in deciding if verdict == "refuted" else parts:  # what settled it, else all
        passages += [p for p in r.passages if p not in passages]
    return {"verdict": verdict, "confidence": confidence, "summary": summary,
            "probabilities": lead.probabilities, "passages": passages,
            "reasons": [f"{t}: {why}" for t, r in deciding for why in r.reasons],
            "prior_fact_checks": [fc for _, r in parts for fc in r.prior_fact_checks],
            "notes": [note for _, r in parts for note in r.notes],
            "parts": [{"text": t, "verdict": r.verdict, "confidence": r.confidence,
                       "summary": r.summary} for t, r in parts]}


def make_verify(settings: Any) -> Any:
    """The ``verify`` component: evidence for each check-worthy claim (layer ``claim``)."""
    from rhetorica.claims.atomic import checkable_text
    from rhetorica.evidence.index import HybridIndex
    from rhetorica.ingest.corpus import normalise_date
    from rhetorica.store.corpus import open_corpus_store

    state: dict[str, Any] = {}

    def verifier() -> Verifier:
        if "v" not in state:
            store = open_corpus_store(settings.db)
            state["store"] = store
            state["v"] = Verifier(HybridIndex(store))
        return state["v"]

    def component(doc: Any) -> Any:
        claims = [c for c in doc.layer("claim") if c.score >= CHECKWORTHY]
        results = []
        if claims:
            v = verifier()
            # Evidence published after the statement cannot have informed it, and a check
            # "as of" the statement's date is what a reader of that statement could verify.
            as_of = normalise_date(doc.meta.date) if doc.meta.date else None
            for c in claims:
                parts = atomic_parts(doc, c)
                claim = {"start": c.start, "end": c.end, "text": c.text_in(doc.text),
                         "score": c.score}
                if len(parts) > 1:
                    # "was built in 1968 and has failed inspections three times": each part
                    # is checked, and the sentence holds only as far as all of them do
                    found = combine_parts([(t, v.verify(t, as_of=as_of)) for t in
                                           map(checkable_text, parts)])
                else:
                    # "Trump claimed that LA is occupied": what is checked is what was said;
                    # a sentence's one atomic claim says it without a dateline or a pronoun
                    checked = checkable_text(parts[0]) if parts else \
                        c.attrs.get("checkable_text") or c.text_in(doc.text)
                    found = v.verify(checked, as_of=as_of).to_dict()
                    if " ".join(checked.split()) != " ".join(claim["text"].split()):
                        claim["checked"] = checked
                        claim["attribution"] = (parts[0].attrs.get("attribution") if parts
                                                else None) or c.attrs.get("attribution")
                claimant = c.attrs.get("claimant") or doc.meta.speaker
                if claimant:  # a quoted speaker's claim is theirs (the ``voices`` component)
                    claim["claimant"] = claimant
                results.append({"claim": claim, **({"as_of": as_of} if as_of else {}),
                                **{k: val for k, val in found.items() if k != "claim"}})
        doc.results["evidence"] = results
        return doc

    return component

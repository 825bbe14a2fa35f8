"""``rhetorica eval stance``: pair-level stance (entailment) quality on held-out public data.

Every set is scored for four systems: the trained cross-encoder alone, the cross-encoder with
the explicit checks (:func:`rhetorica.evidence.verify.adjust`, as ``verify`` uses it), the
previous linear model (wordllama features + logistic regression, ``data/models/stance``), and
the majority class of the set (the trivial baseline).

Sets (premise = passage, hypothesis = claim; entailment = supports, contradiction = refutes,
neutral = unrelated): SNLI test pairs held out from training (by premise); the Hossain et al.
(2020) negation pairs held out from training; NaN-NLI (evaluation only); Breaking NLI's
numeric items (cardinals, ordinals) held out from training; CLIMATE-FEVER evidence pairs of
the test claims (split by claim); HealthVer test (its dev part trains); ANLI dev R1 (CC BY-NC:
evaluation only, reported).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from rhetorica.evidence.cross_encoder import STANCES
from rhetorica.evidence.nli_data import NLIPair

NLI_TO_STANCE = {"entailment": "supports", "contradiction": "refutes", "neutral": "unrelated"}


def _metrics(gold: list[str], pred: list[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return (float(accuracy_score(gold, pred)),
            float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)))


def score_sets(sets: dict[str, list[NLIPair]], cross: Any, linear: Any | None = None
               ) -> list[list[Any]]:
    """Rows ``[set, system, pairs, accuracy, macro-F1]`` for each set and system."""
    from rhetorica.evidence.verify import read_with_checks

    rows: list[list[Any]] = []
    for name, pairs in sets.items():
        if not pairs:
            continue
        claims = [p.hypothesis for p in pairs]
        passages = [p.premise for p in pairs]
        gold = [NLI_TO_STANCE[p.label] for p in pairs]
        probs = cross.predict_proba(claims, passages)
        checked = np.stack([read_with_checks(c, [p], pr[None])[0][0]
                            for c, p, pr in zip(claims, passages, probs, strict=True)])
        systems = {"cross-encoder": [STANCES[i] for i in probs.argmax(1)],
                   "cross-encoder + checks": [STANCES[i] for i in checked.argmax(1)]}
        if linear is not None:
            systems["linear (previous model)"] = linear.predict(claims, passages)
        majority = Counter(gold).most_common(1)[0][0]
        systems[f"majority ({majority})"] = [majority] * len(gold)
        for system, pred in systems.items():
            rows.append([name, system, len(pairs), *_metrics(gold, pred)])
    return rows


def evaluate(data_dir: Path, limit: int | None = None, seed: int = 0) -> dict[str, Any]:
    from rhetorica.evidence.cross_encoder import default_cross_encoder
    from rhetorica.evidence.datasets import load_climate_fever, split_claims
    from rhetorica.evidence.nli_data import build_stance_data, load_anli_dev, load_nan_nli
    from rhetorica.evidence.stance import default_stance_model

    t0 = time.time()
    data_dir = Path(data_dir)
    cf_train, _cal, cf_test = split_claims(load_climate_fever(data_dir), seed=0)
    sd = build_stance_data(data_dir, seed, cf_train, cf_test)
    nli = data_dir / "nli"
    sets = {
        "SNLI test, held out": sd.held_out["snli-test-held"],
        "negation: Hossain et al. SNLI+MNLI, held out": sd.held_out["hossain-negation-held"],
        "negation: NaN-NLI (evaluation only)": load_nan_nli(nli),
        "numbers: Breaking NLI cardinals+ordinals, held out":
            sd.held_out["breaking-nli-numeric-held"],
        "CLIMATE-FEVER test-claim pairs": sd.held_out["climate-fever-test"],
        "HealthVer test (claim/evidence, held out)": sd.held_out.get("healthver-test", []),
        "ANLI dev R1 (evaluation only)": load_anli_dev(nli, 1),
    }
    if limit:
        sets = {k: v[:limit] for k, v in sets.items()}
    cross = default_cross_encoder()
    rows = score_sets(sets, cross, default_stance_model())
    notes = [f"{len(sd.train):,} training pairs; held-out sets were removed from training by "
             f"exact pair and split by premise (seed {seed}); total {time.time() - t0:.0f}s",
             f"pairs truncated to the {cross.max_length}-token window: {cross.truncated}"]
    return {
        "rows": [dict(zip(["set", "system", "pairs", "accuracy", "macro_f1"], r, strict=True))
                 for r in rows],
        "tables": [{"title": "Stance (entailment) on held-out pairs",
                    "columns": ["set", "system", "pairs", "accuracy", "macro-F1"],
                    "rows": rows}],
        "notes": notes,
    }

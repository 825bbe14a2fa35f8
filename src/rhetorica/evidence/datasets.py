"""Loading public verification data (read from ../shared/data, never copied into the repo).

CLIMATE-FEVER has no official split, so claims are split *by claim* with a fixed seed:
every evidence sentence of a claim falls in the same part, so the test claims are unseen.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CF_STANCE = {"SUPPORTS": "supports", "REFUTES": "refutes", "NOT_ENOUGH_INFO": "unrelated"}
CF_VERDICT = {"SUPPORTS": "supported", "REFUTES": "refuted", "DISPUTED": "disputed",
              "NOT_ENOUGH_INFO": "not_enough_evidence"}
AVERITEC_VERDICT = {"Supported": "supported", "Refuted": "refuted",
                    "Conflicting Evidence/Cherrypicking": "disputed",
                    "Not Enough Evidence": "not_enough_evidence"}


@dataclass
class ClaimItem:
    id: str
    claim: str
    verdict: str
    evidence: list[tuple[str, str, str]]  # (evidence id, sentence, stance)


def load_climate_fever(data_dir: Path) -> list[ClaimItem]:
    path = Path(data_dir) / "climate-fever" / "climate-fever.jsonl"
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            items.append(ClaimItem(
                str(r["claim_id"]), r["claim"], CF_VERDICT[r["claim_label"]],
                [(e["evidence_id"], e["evidence"], CF_STANCE[e["evidence_label"]])
                 for e in r["evidences"]]))
    return items


def split_claims(items: list[ClaimItem], seed: int = 0, parts: tuple[float, ...] = (0.6, 0.2, 0.2)
                 ) -> list[list[ClaimItem]]:
    """Seeded claim-level split into ``len(parts)`` parts (train, calibration, test)."""
    order = sorted(items, key=lambda it: it.id)
    random.Random(seed).shuffle(order)
    out, start = [], 0
    for i, frac in enumerate(parts):
        end = len(order) if i == len(parts) - 1 else start + round(frac * len(order))
        out.append(order[start:end])
        start = end
    return out


def load_averitec(data_dir: Path) -> list[ClaimItem]:
    """AVeriTeC dev (CC BY-NC 4.0: evaluation only). Evidence = the annotators' QA answers."""
    path = Path(data_dir) / "averitec" / "dev.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for i, r in enumerate(rows):
        ev = []
        for q in r.get("questions", []):
            for a in q.get("answers", []):
                text = f"{q.get('question', '')} {a.get('answer', '')}".strip()
                if text:
                    ev.append((f"{i}:{len(ev)}", text, ""))
        items.append(ClaimItem(str(i), r["claim"], AVERITEC_VERDICT.get(r["label"],
                                                                        "not_enough_evidence"), ev))
    return items


# -- our own newsroom set (written by the Rhetorica team; ships with the package) -------------
NEWSDESK_PACKAGE = "rhetorica.data.evidence"


@dataclass
class DeskClaim:
    id: str
    claim: str
    verdict: str
    cite: list[str]
    kind: str
    as_of: str | None = None


def load_newsdesk() -> tuple[list[Any], list[DeskClaim]]:
    """(corpus documents, claims with expected verdicts and cited document ids)."""
    from importlib import resources

    import yaml

    from rhetorica.ingest.corpus import CorpusDocument, normalise_date

    raw = yaml.safe_load(resources.files(NEWSDESK_PACKAGE).joinpath("newsdesk.yaml")
                         .read_text(encoding="utf-8"))
    docs = [CorpusDocument(d["text"].strip(), f"newsdesk:{d['id']}", title=d.get("title"),
                           source=d.get("source"), author=d.get("author"),
                           published=normalise_date(d.get("published")), url=d.get("url"),
                           extra={"newsdesk_id": d["id"]})
            for d in raw["documents"]]
    claims = [DeskClaim(c["id"], c["claim"], c["verdict"], list(c.get("cite") or []),
                        c.get("kind", ""), normalise_date(c.get("as_of")))
              for c in raw["claims"]]
    return docs, claims

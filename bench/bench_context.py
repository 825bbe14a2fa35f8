"""Throughput of the actors and context components (prints figures; no asserts).

    python bench/bench_context.py [N]

Times actors resolution + roles and precedent retrieval per document on N synthetic
statements (written here), after the spaCy parse, which is timed separately.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from rhetorica.actors.component import Actors
from rhetorica.config import Settings
from rhetorica.context.component import Context
from rhetorica.document import Document, DocumentMeta
from rhetorica.pipeline import Pipeline

TEMPLATES = [
    "The President ordered the National Guard into {city}; Governor {gov} objected and said "
    "the state would sue. ICE agents arrested {n} people near the federal building.",
    "Mayor {mayor} condemned the raids. She said the Department of Homeland Security had not "
    "told the city. The Attorney General defended the operation.",
    "Hegseth said troops would protect federal property in {city} under 10 U.S.C. 12406, "
    "while the ACLU filed for a restraining order.",
]
FILL = dict(city="Portland", gov="Kotek", mayor="Bass", n=12)


def main(n: int = 200) -> None:
    docs = [Document(TEMPLATES[i % 3].format(**FILL) + f" Update {i}.",
                     DocumentMeta(date="2025-10-01")) for i in range(n)]
    settings = Settings()
    t0 = time.perf_counter()
    parsed = list(Pipeline(["parse", "segment", "entities"], settings).pipe(docs))
    for d, p in zip(docs, parsed, strict=True):
        d.parsed = p.parsed
    t1 = time.perf_counter()
    t_load = time.perf_counter()
    actors, context = Actors(settings), Context(settings)
    t_load = time.perf_counter() - t_load
    # Re-parse: the pipeline dropped the parses; time the parse once more for actors.
    base = Pipeline(["parse", "segment", "entities"], settings)
    again = []
    for d in docs:
        d2 = Document(d.text, d.meta)
        base.components[0][1](d2)
        again.append(d2)
    t2 = time.perf_counter()
    for d in again:
        actors(d)
    t3 = time.perf_counter()
    for d in again:
        context(d)
    t4 = time.perf_counter()
    print(f"documents: {n}")
    print(f"spaCy parse+segment+entities: {1000 * (t1 - t0) / n:.1f} ms/doc")
    print(f"load knowledge base + precedent index (WordLlama): {1000 * t_load:.0f} ms")
    print(f"actors (resolution + roles): {1000 * (t3 - t2) / n:.2f} ms/doc")
    print(f"context (precedent retrieval, {context.index.embedder.name}): "
          f"{1000 * (t4 - t3) / n:.2f} ms/doc")
    # One long text through the resolver alone (no spaCy): does it stay linear?
    long_text = " ".join(TEMPLATES[0].format(**FILL) for _ in range(3000))
    t5 = time.perf_counter()
    found = actors.resolver.resolve(long_text, dt.date(2025, 10, 1))
    print(f"resolver on one {len(long_text):,}-char text: {time.perf_counter() - t5:.2f} s "
          f"({len(found):,} mentions)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

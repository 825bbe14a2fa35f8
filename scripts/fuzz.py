"""Run the reliability fuzz targets for longer than CI does.

    python scripts/fuzz.py --minutes 10            # all targets, round-robin, 10 minutes
    python scripts/fuzz.py --minutes 2 --only analyze,corpus
    python scripts/fuzz.py --minutes 5 --only listings,feed_fields   # terminal and charts

CI runs each target for 50 examples (tests/reliability/test_fuzz.py; the two that run whole
commands per example, ``cli_listings`` and ``feed_fields``, a fifth as many). This script calls
the same hypothesis targets in rounds of ``--examples`` (a fifth for those two) until the time
is up, and stops at the first failure, which hypothesis prints with the smallest input it
could find (and stores in .hypothesis/ so the next pytest run replays it). Exit status: 0
clean, 1 a target failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="total time budget")
    parser.add_argument("--examples", type=int, default=500,
                        help="examples per target per round")
    parser.add_argument("--only", default="", help="comma-separated parts of target names")
    parser.add_argument("--pipeline", default="",
                        help="components for the analyze target (default: full pipeline)")
    args = parser.parse_args(argv)

    os.environ["RHETORICA_FUZZ_EXAMPLES"] = str(args.examples)
    if args.pipeline:
        os.environ["RHETORICA_FUZZ_PIPELINE"] = args.pipeline
    # Never touch the user's store; parsers' chatter about broken input is expected here.
    os.environ.setdefault("RHETORICA_HOME", tempfile.mkdtemp(prefix="rhetorica-fuzz-"))
    logging.disable(logging.ERROR)
    sys.path.insert(0, str(ROOT))
    from tests.reliability import test_fuzz

    targets = [t for t in test_fuzz.TARGETS
               if not args.only or any(part in t.__name__ for part in args.only.split(","))]
    if not targets:
        parser.error(f"no target matches {args.only!r}")
    deadline = time.monotonic() + args.minutes * 60
    rounds = {t.__name__: 0 for t in targets}
    per_round = {t.__name__: t._hypothesis_internal_use_settings.max_examples
                 for t in targets}
    while time.monotonic() < deadline:
        for target in targets:
            if time.monotonic() >= deadline:
                break
            started = time.monotonic()
            try:
                target()
            except Exception:
                traceback.print_exc()
                print(f"FAILED: {target.__name__} after {rounds[target.__name__]} clean rounds")
                return 1
            rounds[target.__name__] += 1
            print(f"{target.__name__}: round {rounds[target.__name__]} "
                  f"({per_round[target.__name__]} examples, {time.monotonic() - started:.1f}s)",
                  flush=True)
    total = sum(n * per_round[name] for name, n in rounds.items())
    print(f"clean: {total} examples over {len(targets)} targets in {args.minutes:g} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Peak memory and time of `rhetorica analyze` by input length (one statement).

    python bench/bench_memory.py                       # 20k, 100k, 300k characters
    python bench/bench_memory.py --sizes 1000000 --pipeline parse

Each size runs the real CLI in a child process (tests/reliability/child.py) that reports its
own peak RSS. The parser works on 20 000-character pieces (rhetorica.nlp.parse.CHUNK_CHARS),
so memory should grow with the text's tokens, not with spaCy's per-text working set.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["the", "mayor", "said", "crime", "rose", "sharply", "in", "Portland", "while",
         "federal", "agents", "arrived", "and", "critics", "called", "it", "an", "invasion",
         "of", "our", "city", "budget", "taxes", "fell", "council"]


def make_text(n: int, seed: int = 0) -> str:
    rnd, out, size = random.Random(seed), [], 0
    while size < n:
        s = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 20))).capitalize() + ". "
        out.append(s)
        size += len(s)
    return "".join(out)[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000,100000,300000")
    ap.add_argument("--pipeline", default="parse,segment,entities",
                    help="components (default: the spaCy-heavy core); 'all' for the default")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.reliability.helpers import child_cmd, child_env

    print(f"{'chars':>9} {'peak RSS MB':>12} {'seconds':>8}  pipeline={args.pipeline}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            src, report = Path(tmp) / f"t{n}.txt", Path(tmp) / f"r{n}.json"
            src.write_text(make_text(n))
            cli = ["analyze", str(src), "--no-store", "--json"]
            if args.pipeline != "all":
                cli += ["--pipeline", args.pipeline]
            started = time.monotonic()
            proc = subprocess.run(child_cmd(cli, as_limit=None, report=report), cwd=ROOT,
                                  env=child_env({"RHETORICA_MAX_BYTES": str(n + 1000)}),
                                  capture_output=True)
            took = time.monotonic() - started
            if proc.returncode != 0:
                print(f"{n:>9} failed: {proc.stderr.decode()[-300:]}")
                continue
            rss = json.loads(report.read_text())["maxrss_kb"] / 1024
            print(f"{n:>9} {rss:>12.0f} {took:>8.1f}", flush=True)


if __name__ == "__main__":
    main()

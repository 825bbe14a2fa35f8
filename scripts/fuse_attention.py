"""Fuse the attention blocks of the committed MiniLM artefacts (see
:mod:`rhetorica.nlp.attention_fusion`); new exports are fused as they are written.

    python scripts/fuse_attention.py [MODEL.onnx ...]

Without arguments, every ``src/rhetorica/data/models/*/model.onnx``. A model fused already
(or without attention) is left as it is. Needs ``onnx`` (the dev or train extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rhetorica.nlp.attention_fusion import fuse_file

MODELS = Path(__file__).resolve().parents[1] / "src" / "rhetorica" / "data" / "models"


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(MODELS.glob("*/model.onnx"))
    for path in paths:
        before = path.stat().st_size
        n = fuse_file(path)
        print(f"{path}: {n} attention blocks fused "
              f"({before / 1e6:.1f} -> {path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

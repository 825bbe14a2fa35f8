"""Loading spaCy: once per process, without torch."""

from __future__ import annotations


def test_spacy_is_imported_without_torch_and_torch_stays_importable():
    """thinc imports torch when the train extra is installed: 1.3 s on every CLI start."""
    import importlib.util
    import subprocess
    import sys

    code = ("import sys; from rhetorica.nlp.spacy_model import import_spacy; import_spacy(); "
            "print('torch' in sys.modules, 'spacy' in sys.modules)")
    if importlib.util.find_spec("torch") is not None:
        code += "; import torch; print(torch.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:2] == ["False", "True"]
    if len(out) > 2:
        assert out[2] == "torch"

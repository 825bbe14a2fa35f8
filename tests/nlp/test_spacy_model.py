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


def test_spacy_is_imported_without_its_command_line_which_still_works():
    """``import spacy`` imports spacy.cli (requests, httpx, jinja2: about 0.2 s of every
    start) for ``spacy.info`` alone; we import it without, and both still work when asked."""
    import subprocess
    import sys

    code = (
        "import sys; from rhetorica.nlp.spacy_model import import_spacy; s = import_spacy(); "
        "print(sorted(m for m in ('spacy.cli', 'requests', 'jinja2') if m in sys.modules)); "
        "print('spacy_version' in s.info()); "
        "import spacy.cli; print(callable(spacy.cli.download), s.cli is spacy.cli); "
        "import spacy; print(spacy.load is s.load)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", "True", "True True", "True"]

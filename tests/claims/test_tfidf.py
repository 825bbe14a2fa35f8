"""The run-time TF-IDF must give exactly what scikit-learn's fitted vectorizer gives."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from rhetorica.claims.model import CHAR_NGRAMS, WORD_NGRAMS, load_default
from rhetorica.claims.tfidf import TfidfTransform

TEXTS = [
    "Crime rose 40% in 2024!", "The   mayor said a b c  it.", "", "I  am",
    "Über café — naïve co-op's 3x", "a", "tripled tripled tripled since 2021",
    "We will build the wall, and Mexico will pay for it.\nApplause.", "x" * 3, "ab",
]


@pytest.mark.parametrize("kwargs", [
    {"ngram_range": WORD_NGRAMS},
    {"analyzer": "char_wb", "ngram_range": CHAR_NGRAMS},
    {"ngram_range": (2, 3), "sublinear_tf": False},
])
def test_transform_equals_scikit_learn(kwargs):
    kwargs = {"sublinear_tf": True, **kwargs}
    vec = TfidfVectorizer(dtype=np.float32, **kwargs).fit(TEXTS[:6])
    ours = TfidfTransform.from_vectorizer(vec)
    np.testing.assert_allclose(ours.transform(TEXTS).toarray(),
                               vec.transform(TEXTS).toarray(), atol=1e-6)
    assert ours.transform([]).shape == (0, len(vec.vocabulary_))


def test_shipped_model_features_match_scikit_learn():
    """The packaged vocabulary and idf, applied by us and by a vectorizer given the same."""
    model = load_default()
    for ours, analyzer, ngrams in ((model.word_, "word", WORD_NGRAMS),
                                   (model.char_, "char_wb", CHAR_NGRAMS)):
        vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True,
                              dtype=np.float32, vocabulary=ours.vocabulary_).fit(["x"])
        vec.idf_ = ours.idf_
        np.testing.assert_allclose(ours.transform(TEXTS).toarray(),
                                   vec.transform(TEXTS).toarray(), atol=1e-6)


def test_unknown_analyzer_is_refused():
    with pytest.raises(ValueError):
        TfidfTransform({}, np.zeros(0), "char", (1, 2))

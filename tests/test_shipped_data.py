"""The Old Faithful data ship inside the package, unchanged."""

import hashlib
from importlib import resources

import numpy as np

from gmm_lessons import datasets

# sha256 of plotnine 0.15.9's plotnine/data/faithful.csv, the file we copied.
PLOTNINE_FAITHFUL_SHA256 = "5dfcf421dcb47d5eb6ae413b9d19cee9c467d0d851ad6696cb8a2f9c611d67ad"


def test_old_faithful_file_is_the_published_copy():
    raw = resources.files("gmm_lessons").joinpath("data/old_faithful.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PLOTNINE_FAITHFUL_SHA256


def test_old_faithful_has_272_eruptions_with_the_known_summary():
    """R's summary(faithful): means 3.488 and 70.90, ranges 1.6-5.1 and 43-96 minutes."""
    X = datasets.old_faithful()
    assert X.shape == (272, 2)
    np.testing.assert_allclose(X.mean(axis=0), [3.487783, 70.897059], atol=5e-7)
    np.testing.assert_allclose(X.min(axis=0), [1.6, 43.0])
    np.testing.assert_allclose(X.max(axis=0), [5.1, 96.0])


def test_old_faithful_returns_a_fresh_array_each_time():
    first = datasets.old_faithful()
    first[:] = 0
    assert datasets.old_faithful().min() > 0

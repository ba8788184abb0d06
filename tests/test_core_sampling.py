"""sample_mixture: shapes, the statistics of its draws, and its randomness.

The statistical tests use fixed seeds (so they are deterministic) and
tolerances of 6 standard errors (so a correct sampler passes for any seed).
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.stats import kstest, norm

import gmm_lessons as gl

WEIGHTS = np.array([0.2, 0.5, 0.3])
MEANS = np.array([[0.0, 0.0], [5.0, -2.0], [-3.0, 4.0]])
COVARIANCES = np.array([[[1.0, 0.5], [0.5, 1.0]], [[2.0, -0.8], [-0.8, 1.0]], [[0.5, 0.0], [0.0, 3.0]]])


def test_shapes_and_label_range():
    """X is (n_samples, n_features), labels (n_samples,) integers in 0..K-1."""
    X, labels = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 123, rng=0)

    assert X.shape == (123, 2) and X.dtype == np.float64
    assert labels.shape == (123,)
    assert np.issubdtype(labels.dtype, np.integer)
    assert set(np.unique(labels)) <= {0, 1, 2}


def test_zero_samples():
    """n_samples=0 gives empty arrays of the right shapes."""
    X, labels = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 0, rng=0)
    assert X.shape == (0, 2) and labels.shape == (0,)


def test_label_frequencies_match_weights():
    """Each label count is within 6 binomial standard deviations of n pi_k."""
    n_samples = 20_000
    _, labels = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, n_samples, rng=1)

    counts = np.bincount(labels, minlength=3)
    standard_deviations = np.sqrt(n_samples * WEIGHTS * (1 - WEIGHTS))
    assert np.all(np.abs(counts - n_samples * WEIGHTS) < 6 * standard_deviations), counts


def test_component_means_and_covariances_match_the_truth():
    """Per component, the sample mean and covariance are within 6 standard errors of mu_k and Sigma_k.

    Standard errors: sqrt(Sigma_ii / n_k) for a mean, and
    sqrt((Sigma_ii Sigma_jj + Sigma_ij^2) / n_k) for a covariance entry of a Gaussian.
    """
    X, labels = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 60_000, rng=2)

    for k in range(3):
        points = X[labels == k]
        n_k = len(points)
        variances = np.diag(COVARIANCES[k])
        mean_error = 6 * np.sqrt(variances / n_k)
        assert np.all(np.abs(points.mean(axis=0) - MEANS[k]) < mean_error)
        covariance_error = 6 * np.sqrt((np.outer(variances, variances) + COVARIANCES[k] ** 2) / n_k)
        assert np.all(np.abs(np.cov(points.T) - COVARIANCES[k]) < covariance_error)


def test_one_feature_shortcuts_and_mixture_distribution():
    """Means (K,) and variances (K,) give (n, 1) samples whose distribution is the mixture (KS test)."""
    weights, means, variances = np.array([0.3, 0.7]), np.array([-2.0, 1.0]), np.array([0.5, 2.0])

    X, labels = gl.sample_mixture(weights, means, variances, 5000, rng=3)

    assert X.shape == (5000, 1)
    full = gl.sample_mixture(weights, means[:, None], variances[:, None, None], 5000, rng=3)
    assert_array_equal(X, full[0])
    assert_array_equal(labels, full[1])

    def mixture_cdf(x):
        return sum(w * norm.cdf(x, m, np.sqrt(v)) for w, m, v in zip(weights, means, variances))

    assert kstest(X[:, 0], mixture_cdf).pvalue > 1e-4


def test_zero_weights_are_never_drawn():
    """A component with pi_k = 0 never appears, wherever it sits in the list."""
    means, covariances = MEANS, COVARIANCES
    for weights in ([0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0], [0.0, 1.0, 0.0]):
        _, labels = gl.sample_mixture(weights, means, covariances, 20_000, rng=4)
        drawn = set(np.unique(labels))
        assert drawn == {k for k, weight in enumerate(weights) if weight > 0}, weights


def test_same_seed_same_output_different_seeds_differ():
    """An int seed makes the draw reproducible, and equals passing default_rng(seed)."""
    first = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 200, rng=5)
    again = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 200, rng=5)
    generator = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 200, rng=np.random.default_rng(5))
    other = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 200, rng=6)

    for a, b in zip(first, again):
        assert_array_equal(a, b)
    for a, b in zip(first, generator):
        assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_generator_is_advanced():
    """A Generator is used as it is: its state moves on, so two calls with it give different draws."""
    generator = np.random.default_rng(7)
    state_before = generator.bit_generator.state

    first, _ = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 50, rng=generator)
    assert generator.bit_generator.state != state_before
    second, _ = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 50, rng=generator)

    assert not np.array_equal(first, second)


def test_none_rng_gives_fresh_randomness():
    """rng=None draws from fresh OS entropy: two calls differ."""
    first, _ = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 50)
    second, _ = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, 50)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("n_samples", [1, 2, 10])
def test_small_sample_counts(n_samples):
    """Tiny n_samples work and are all finite."""
    X, labels = gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, n_samples, rng=8)
    assert X.shape == (n_samples, 2) and np.isfinite(X).all() and labels.shape == (n_samples,)

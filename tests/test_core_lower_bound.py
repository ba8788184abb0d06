"""lower_bound, Bishop (9.70)-(9.71): ln p(X) = L(q, theta) + KL(q || p(Z | X, theta))."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

import gmm_lessons as gl

MIXTURE = (
    np.array([0.2, 0.5, 0.3]),
    np.array([[0.5, 0.0], [5.0, 5.0], [-3.0, 4.0]]),
    np.array([[[1.5, 0.3], [0.3, 1.0]], [[2.0, -0.5], [-0.5, 1.0]], [[1.0, 0.0], [0.0, 3.0]]]),
)


def brute_force_lower_bound(X, weights, means, covariances, q):
    """The double sum of (9.71) term by term, with scipy's log-density and 0 ln 0 skipped."""
    total = 0.0
    for n, x in enumerate(X):
        for k, (weight, mean, covariance) in enumerate(zip(weights, means, covariances)):
            if q[n, k] > 0:
                log_joint = np.log(weight) + multivariate_normal(mean, covariance).logpdf(x)
                total += q[n, k] * (log_joint - np.log(q[n, k]))
    return total


@pytest.fixture(scope="module")
def small():
    """Twelve points and a soft q that is not the E-step's, with some exact zeros."""
    rng = np.random.default_rng(7)
    X, _ = gl.sample_mixture(*MIXTURE, n_samples=12, rng=rng)
    q = rng.dirichlet(np.full(3, 0.8), size=12)
    q[:4] = np.eye(3)[[0, 1, 2, 1]]  # one-hot rows: q_nk = 0 must count 0, not NaN
    return X, q


def test_brute_force_with_scipy(small):
    X, q = small
    assert gl.lower_bound(X, *MIXTURE, q) == pytest.approx(brute_force_lower_bound(X, *MIXTURE, q), rel=1e-12)


def test_equals_the_log_likelihood_at_the_e_step(seed_data):
    """The E-step's q is the posterior: KL = 0, the bound touches ln p(X) (9.70)."""
    X, _ = seed_data
    gamma = gl.e_step(X, *MIXTURE)
    assert gl.lower_bound(X, *MIXTURE, gamma) == pytest.approx(gl.log_likelihood(X, *MIXTURE), rel=1e-12)


def test_is_below_the_log_likelihood_by_the_kl_divergence(seed_data):
    """For any other q the gap is KL(q || gamma) = sum_nk q_nk ln(q_nk / gamma_nk) > 0."""
    X, _ = seed_data
    gamma = gl.e_step(X, *MIXTURE)
    rng = np.random.default_rng(3)
    for q in (rng.dirichlet(np.ones(3), size=len(X)), np.full_like(gamma, 1 / 3), np.eye(3)[np.argmax(gamma, 1)]):
        gap = gl.log_likelihood(X, *MIXTURE) - gl.lower_bound(X, *MIXTURE, q)
        kl = np.sum(q * (np.log(q, where=q > 0, out=np.zeros_like(q)) - np.log(gamma)))
        assert gap > 0
        assert gap == pytest.approx(kl, rel=1e-9)


def test_a_zero_weight_with_zero_responsibility_counts_zero(small):
    """pi_k = 0 gives ln pi_k = -inf; with q_nk = 0 beside it the term is 0 ln 0 = 0, not NaN."""
    X, _ = small
    weights = np.array([0.0, 0.6, 0.4])
    q = np.eye(3)[np.arange(len(X)) % 2 + 1]
    value = gl.lower_bound(X, weights, *MIXTURE[1:], q)
    assert np.isfinite(value)
    assert value == pytest.approx(brute_force_lower_bound(X, weights, *MIXTURE[1:], q), rel=1e-12)


def test_the_inputs_are_not_modified(small):
    X, q = small
    before = [array.copy() for array in (X, q, *MIXTURE)]
    gl.lower_bound(X, *MIXTURE, q)
    assert all(np.array_equal(a, b) for a, b in zip(before, (X, q, *MIXTURE)))


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"responsibilities": np.full((12, 2), 0.5)}, r"^responsibilities has 2 columns .* n_components = 3"),
        ({"responsibilities": np.full((11, 3), 1 / 3)}, r"^responsibilities must have shape \(n_samples, "),
        ({"responsibilities": np.full((12, 3), 0.5)}, r"^each row of responsibilities must sum to 1"),
        ({"weights": np.array([0.5, 0.5, 0.5])}, r"^weights"),
        ({"X": np.zeros((12, 3))}, r"n_features"),
    ],
)
def test_bad_inputs_are_named(small, change, pattern):
    X, q = small
    arguments = {"X": X, "weights": MIXTURE[0], "means": MIXTURE[1], "covariances": MIXTURE[2],
                 "responsibilities": q, **change}
    with pytest.raises(ValueError, match=pattern):
        gl.lower_bound(**arguments)

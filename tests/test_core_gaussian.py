"""log_gaussian_density against scipy and against Bishop (2.43) written out."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import multivariate_normal, norm

import gmm_lessons as gl


def random_covariances(rng, n_components, n_features, scale=1.0):
    """K random symmetric positive definite matrices, A A^T + 0.1 I."""
    factors = rng.normal(size=(n_components, n_features, n_features))
    return scale * (factors @ factors.transpose(0, 2, 1) + 0.1 * np.eye(n_features))


@pytest.mark.parametrize(("n_features", "n_components"), [(1, 1), (1, 3), (2, 3), (3, 2), (5, 4)])
def test_matches_scipy_logpdf(n_features, n_components):
    """Every entry equals scipy.stats.multivariate_normal.logpdf for that sample and component."""
    rng = np.random.default_rng(n_features * 10 + n_components)
    X = rng.normal(scale=3.0, size=(50, n_features))
    means = rng.normal(size=(n_components, n_features))
    covariances = random_covariances(rng, n_components, n_features)

    log_density = gl.log_gaussian_density(X, means, covariances)

    assert log_density.shape == (50, n_components)
    for k in range(n_components):
        expected = multivariate_normal(means[k], covariances[k]).logpdf(X)
        assert_allclose(log_density[:, k], expected, rtol=1e-10, atol=1e-10)


def test_matches_bishop_2_43_written_out():
    """ln N = -d/2 ln 2pi - 1/2 ln|Sigma| - 1/2 (x - mu)^T Sigma^-1 (x - mu), with explicit loops."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(20, 3))
    means = rng.normal(size=(2, 3))
    covariances = random_covariances(rng, 2, 3)

    expected = np.empty((20, 2))
    for n in range(20):
        for k in range(2):
            difference = X[n] - means[k]
            expected[n, k] = (
                -1.5 * np.log(2 * np.pi)
                - 0.5 * np.log(np.linalg.det(covariances[k]))
                - 0.5 * difference @ np.linalg.solve(covariances[k], difference)
            )

    assert_allclose(gl.log_gaussian_density(X, means, covariances), expected, rtol=1e-10, atol=1e-12)


def test_one_feature_shortcuts_match_scipy_norm():
    """1-D X is n samples of one feature; means (K,) and variances (K,) are accepted."""
    x = np.linspace(-5, 5, 21)
    means = np.array([-1.0, 0.5, 3.0])
    variances = np.array([0.25, 1.0, 4.0])

    log_density = gl.log_gaussian_density(x, means, variances)

    assert log_density.shape == (21, 3)
    expected = norm.logpdf(x[:, np.newaxis], loc=means, scale=np.sqrt(variances))
    assert_allclose(log_density, expected, rtol=1e-12, atol=1e-12)
    full_shapes = gl.log_gaussian_density(x[:, np.newaxis], means[:, np.newaxis], variances[:, np.newaxis, np.newaxis])
    assert_allclose(log_density, full_shapes, rtol=0, atol=0)


@pytest.mark.parametrize("standard_deviations", [1e3, 1e5, 1e6])
def test_far_from_the_mean_is_finite_and_exact(standard_deviations):
    """Where the density itself underflows to 0, the log-density is still the exact quadratic."""
    covariance = np.array([[2.0, 0.6], [0.6, 1.0]])
    direction = np.array([1.0, -2.0]) / np.sqrt(5.0)
    x = direction * standard_deviations * np.sqrt(2.0)
    assert multivariate_normal([0, 0], covariance).pdf(x) == 0.0  # the density-space value is useless here

    log_density = gl.log_gaussian_density(x[np.newaxis], np.zeros((1, 2)), covariance[np.newaxis])

    expected = -np.log(2 * np.pi) - 0.5 * np.log(np.linalg.det(covariance)) - 0.5 * x @ np.linalg.solve(covariance, x)
    assert np.isfinite(log_density).all()
    assert_allclose(log_density[0, 0], expected, rtol=1e-10)
    assert_allclose(log_density[0, 0], multivariate_normal([0, 0], covariance).logpdf(x), rtol=1e-10)


def test_large_offset_data_matches_scipy():
    """Data and means far from the origin (offset 1e4) lose no accuracy beyond a few ulps of the offset."""
    rng = np.random.default_rng(3)
    offset = 1e4
    X = offset + rng.normal(size=(30, 2))
    means = offset + rng.normal(size=(2, 2))
    covariances = random_covariances(rng, 2, 2)

    log_density = gl.log_gaussian_density(X, means, covariances)

    for k in range(2):
        assert_allclose(log_density[:, k], multivariate_normal(means[k], covariances[k]).logpdf(X), rtol=1e-8)

"""n_parameters, bic and aic against their formulas."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import gmm_lessons as gl


@pytest.mark.parametrize("n_components", [1, 2, 3, 7])
@pytest.mark.parametrize("n_features", [1, 2, 3, 10])
def test_n_parameters_formula(n_components, n_features):
    """K - 1 weights + K d means + the covariance entries each type leaves free."""
    K, d = n_components, n_features
    shared = (K - 1) + K * d
    assert gl.n_parameters(K, d, "full") == shared + K * d * (d + 1) // 2
    assert gl.n_parameters(K, d, "diag") == shared + K * d
    assert gl.n_parameters(K, d, "spherical") == shared + K
    assert gl.n_parameters(K, d, "tied") == shared + d * (d + 1) // 2
    assert gl.n_parameters(K, d) == gl.n_parameters(K, d, "full")
    assert isinstance(gl.n_parameters(K, d), int)


def test_n_parameters_small_cases_by_hand():
    """Counted by hand: 1-D, one component: a mean and a variance; 2-D full K=2: 1 + 4 + 6."""
    assert gl.n_parameters(1, 1) == 2
    assert gl.n_parameters(2, 2, "full") == 11
    assert gl.n_parameters(3, 2, "tied") == 2 + 6 + 3


def test_bic_and_aic_formulas(seed_data, covariance_type):
    """bic = -2 ln L + p ln N and aic = -2 ln L + 2 p, with ln L from log_likelihood."""
    X, _ = seed_data
    fit = gl.fit_gmm(X, 3, rng=0, covariance_type=covariance_type)
    log_likelihood = gl.log_likelihood(X, fit.weights, fit.means, fit.covariances)
    p = gl.n_parameters(3, 2, covariance_type)

    assert_allclose(gl.bic(X, fit), -2 * log_likelihood + p * np.log(300), rtol=1e-12)
    assert_allclose(gl.aic(X, fit), -2 * log_likelihood + 2 * p, rtol=1e-12)
    assert isinstance(gl.bic(X, fit), float) and isinstance(gl.aic(X, fit), float)


def test_criteria_score_the_data_given(seed_data):
    """bic/aic use the X passed in (e.g. held-out data), not the data the fit was made on."""
    X, _ = seed_data
    fit = gl.fit_gmm(X[::2], 3, rng=0)
    held_out = X[1::2]
    log_likelihood = gl.log_likelihood(held_out, fit.weights, fit.means, fit.covariances)
    p = gl.n_parameters(3, 2)
    assert_allclose(gl.bic(held_out, fit), -2 * log_likelihood + p * np.log(150), rtol=1e-12)
    assert_allclose(gl.aic(held_out, fit), -2 * log_likelihood + 2 * p, rtol=1e-12)


def test_bic_picks_the_true_number_of_clusters(seed_data):
    """On the lesson's three well-separated clusters BIC is lowest at K = 3 (of 1..5)."""
    X, _ = seed_data
    scores = [gl.bic(X, gl.fit_gmm(X, k, rng=0, n_init=2)) for k in range(1, 6)]
    assert int(np.argmin(scores)) + 1 == 3, scores


def test_one_feature_data(one_feature):
    """1-D X works with bic/aic and counts d = 1."""
    fit = gl.fit_gmm(one_feature, 2, rng=0)
    log_likelihood = gl.log_likelihood(one_feature, fit.weights, fit.means, fit.covariances)
    assert_allclose(gl.bic(one_feature, fit), -2 * log_likelihood + 5 * np.log(250), rtol=1e-12)

"""e_step, m_step, log_likelihood and log_mixture_density against Bishop (9.23)-(9.28) and scipy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons as gl


def scipy_weighted_densities(X, weights, means, covariances):
    """pi_k N(x_n | mu_k, Sigma_k) from scipy's pdf, shape (n, K)."""
    return np.column_stack(
        [
            weight * multivariate_normal(mean, covariance).pdf(X)
            for weight, mean, covariance in zip(weights, means, covariances)
        ]
    )


def random_responsibilities(rng, n_samples, n_components):
    """Soft assignments: every row a point of the probability simplex."""
    return rng.dirichlet(np.full(n_components, 0.7), size=n_samples)


@pytest.fixture(scope="module")
def seed_parameters():
    """A deliberately rough mixture for the seed data (not a fit)."""
    weights = np.array([0.2, 0.5, 0.3])
    means = np.array([[0.5, 0.0], [5.0, 5.0], [-3.0, 4.0]])
    covariances = np.array([[[1.5, 0.3], [0.3, 1.0]], [[2.0, -0.5], [-0.5, 1.0]], [[1.0, 0.0], [0.0, 3.0]]])
    return weights, means, covariances


# --------------------------------------------------------------------------
# E-step, Bishop (9.23)
# --------------------------------------------------------------------------


def test_e_step_is_bayes_rule_with_scipy_densities(seed_data, seed_parameters):
    """gamma(z_nk) = pi_k N_k(x_n) / sum_j pi_j N_j(x_n), computed in density space by scipy."""
    X, _ = seed_data
    weighted = scipy_weighted_densities(X, *seed_parameters)
    expected = weighted / weighted.sum(axis=1, keepdims=True)

    responsibilities = gl.e_step(X, *seed_parameters)

    assert responsibilities.shape == (300, 3)
    assert_allclose(responsibilities, expected, rtol=1e-9, atol=1e-14)


def test_e_step_rows_are_probabilities(overlapping_3d):
    """Every row of the responsibilities lies in [0, 1] and sums to 1."""
    X, _ = overlapping_3d
    weights = np.array([0.1, 0.6, 0.3])
    means = X[[0, 1, 2]]
    covariances = np.array([np.eye(3) * s for s in (0.5, 1.0, 2.0)])

    responsibilities = gl.e_step(X, weights, means, covariances)

    assert np.all((responsibilities >= 0) & (responsibilities <= 1))
    assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_e_step_zero_weight_gets_no_responsibility(seed_data, seed_parameters):
    """A component with pi_k = 0 is responsible for nothing; the others share as if it were absent."""
    X, _ = seed_data
    _, means, covariances = seed_parameters
    weights = np.array([0.0, 0.5, 0.5])

    responsibilities = gl.e_step(X, weights, means, covariances)

    assert np.all(responsibilities[:, 0] == 0.0)
    expected = gl.e_step(X, [0.5, 0.5], means[1:], covariances[1:])
    assert_allclose(responsibilities[:, 1:], expected, rtol=1e-12, atol=1e-15)


def test_e_step_one_feature_shortcuts():
    """1-D X, means (K,) and variances (K,) give the same responsibilities as the full shapes."""
    x = np.linspace(-4, 6, 41)
    weights, means, variances = np.array([0.3, 0.7]), np.array([-1.0, 2.0]), np.array([0.5, 2.0])
    weighted = weights * np.exp(-0.5 * (x[:, None] - means) ** 2 / variances) / np.sqrt(2 * np.pi * variances)

    responsibilities = gl.e_step(x, weights, means, variances)

    assert_allclose(responsibilities, weighted / weighted.sum(axis=1, keepdims=True), rtol=1e-12)


# --------------------------------------------------------------------------
# Log-likelihood, Bishop (9.14) / (9.28)
# --------------------------------------------------------------------------


def test_log_likelihood_is_sum_of_log_of_scipy_mixture_density(seed_data, seed_parameters):
    """ln p(X) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), with scipy's pdf."""
    X, _ = seed_data
    expected_per_sample = np.log(scipy_weighted_densities(X, *seed_parameters).sum(axis=1))

    assert_allclose(gl.log_mixture_density(X, *seed_parameters), expected_per_sample, rtol=1e-11)
    total = gl.log_likelihood(X, *seed_parameters)
    assert isinstance(total, float)
    assert_allclose(total, expected_per_sample.sum(), rtol=1e-12)


def test_log_mixture_density_far_away_matches_logsumexp_of_scipy_logpdf(seed_parameters):
    """Far from every component (density 0 in floating point) ln p(x) is logsumexp_k(ln pi_k + ln N_k)."""
    weights, means, covariances = seed_parameters
    X = np.array([[1e4, -1e4], [3e5, 2e5]])
    log_terms = np.column_stack(
        [np.log(w) + multivariate_normal(m, c).logpdf(X) for w, m, c in zip(weights, means, covariances)]
    )
    assert np.all(scipy_weighted_densities(X, *seed_parameters) == 0)

    log_density = gl.log_mixture_density(X, *seed_parameters)

    assert np.isfinite(log_density).all()
    assert_allclose(log_density, logsumexp(log_terms, axis=1), rtol=1e-10)


def test_log_likelihood_one_feature():
    """1-D shortcuts in log_likelihood agree with a density written out."""
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    weights, means, variances = np.array([0.5, 0.5]), np.array([0.0, 2.0]), np.array([1.0, 0.5])
    density = (weights * np.exp(-0.5 * (x[:, None] - means) ** 2 / variances) / np.sqrt(2 * np.pi * variances)).sum(1)

    assert_allclose(gl.log_likelihood(x, weights, means, variances), np.log(density).sum(), rtol=1e-12)


# --------------------------------------------------------------------------
# M-step, Bishop (9.24)-(9.27)
# --------------------------------------------------------------------------


def bishop_m_step(X, responsibilities):
    """Bishop (9.24)-(9.27) with explicit loops: (weights, means, full covariances, N_k)."""
    n_samples, n_features = X.shape
    n_components = responsibilities.shape[1]
    N_k = np.zeros(n_components)
    means = np.zeros((n_components, n_features))
    covariances = np.zeros((n_components, n_features, n_features))
    for k in range(n_components):
        for n in range(n_samples):
            N_k[k] += responsibilities[n, k]  # (9.27)
        for n in range(n_samples):
            means[k] += responsibilities[n, k] * X[n]
        means[k] /= N_k[k]  # (9.24)
        for n in range(n_samples):
            difference = X[n] - means[k]
            covariances[k] += responsibilities[n, k] * np.outer(difference, difference)
        covariances[k] /= N_k[k]  # (9.25)
    weights = N_k / n_samples  # (9.26)
    return weights, means, covariances, N_k


@pytest.fixture(scope="module", params=["seed", "overlapping_3d"])
def soft_assignment(request, seed_data, overlapping_3d):
    """(X, responsibilities) with random soft responsibilities."""
    X = seed_data[0] if request.param == "seed" else overlapping_3d[0]
    rng = np.random.default_rng(5)
    return X, random_responsibilities(rng, X.shape[0], 3)


def test_m_step_full_matches_bishop_loops(soft_assignment):
    """With reg_covar=0 and covariance_type='full' the M-step is exactly Bishop (9.24)-(9.27)."""
    X, responsibilities = soft_assignment
    expected_weights, expected_means, expected_covariances, _ = bishop_m_step(X, responsibilities)

    weights, means, covariances = gl.m_step(X, responsibilities, reg_covar=0)

    assert_allclose(weights, expected_weights, rtol=1e-12)
    assert_allclose(means, expected_means, rtol=1e-10, atol=1e-12)
    assert_allclose(covariances, expected_covariances, rtol=1e-10, atol=1e-12)


def test_m_step_constraints_match_their_formulas(soft_assignment):
    """diag keeps diag(Sigma_k); spherical mean(diag Sigma_k) I; tied sum_k N_k Sigma_k / N for all k."""
    X, responsibilities = soft_assignment
    n_samples, n_features = X.shape
    expected_weights, expected_means, full, N_k = bishop_m_step(X, responsibilities)
    expected = {
        "diag": np.array([np.diag(np.diag(c)) for c in full]),
        "spherical": np.array([np.trace(c) / n_features * np.eye(n_features) for c in full]),
        "tied": np.repeat((np.tensordot(N_k, full, axes=1) / n_samples)[np.newaxis], 3, axis=0),
    }
    # Tied written out differently too: (1/N) sum_k sum_n gamma_nk (x_n - mu_k)(x_n - mu_k)^T.
    tied = (
        sum((responsibilities[:, k, None] * (X - expected_means[k])).T @ (X - expected_means[k]) for k in range(3))
        / n_samples
    )
    assert_allclose(expected["tied"][0], tied, rtol=1e-10)

    for covariance_type, expected_covariances in expected.items():
        weights, means, covariances = gl.m_step(X, responsibilities, reg_covar=0, covariance_type=covariance_type)
        assert_allclose(weights, expected_weights, rtol=1e-12)
        assert_allclose(means, expected_means, rtol=1e-10, atol=1e-12)
        assert covariances.shape == (3, n_features, n_features)
        assert_allclose(covariances, expected_covariances, rtol=1e-10, atol=1e-12, err_msg=covariance_type)


@pytest.mark.parametrize("reg_covar", [1e-6, 0.25])
def test_m_step_adds_reg_covar_to_the_diagonal(seed_data, covariance_type, reg_covar):
    """Sigma_k(reg_covar) = Sigma_k(0) + reg_covar I; weights and means do not depend on it."""
    X, _ = seed_data
    responsibilities = random_responsibilities(np.random.default_rng(1), 300, 3)

    plain = gl.m_step(X, responsibilities, reg_covar=0, covariance_type=covariance_type)
    regularised = gl.m_step(X, responsibilities, reg_covar=reg_covar, covariance_type=covariance_type)

    assert_allclose(regularised[0], plain[0], rtol=0, atol=0)
    assert_allclose(regularised[1], plain[1], rtol=0, atol=0)
    assert_allclose(regularised[2] - plain[2], np.broadcast_to(reg_covar * np.eye(2), (3, 2, 2)), atol=1e-14)


def test_m_step_default_reg_covar_is_1e_6(seed_data):
    """The documented default reg_covar=1e-6 is what is added."""
    X, _ = seed_data
    responsibilities = random_responsibilities(np.random.default_rng(2), 300, 3)
    default = gl.m_step(X, responsibilities)[2]
    plain = gl.m_step(X, responsibilities, reg_covar=0)[2]
    assert_allclose(default - plain, np.broadcast_to(1e-6 * np.eye(2), (3, 2, 2)), atol=1e-15)


def test_m_step_of_hard_labels_is_class_statistics(seed_data):
    """One-hot responsibilities give class fractions, class means and biased class covariances (np.cov)."""
    X, labels = seed_data
    one_hot = np.eye(3)[labels]

    weights, means, covariances = gl.m_step(X, one_hot, reg_covar=0)

    assert_allclose(weights, [1 / 3, 1 / 3, 1 / 3], rtol=1e-12)
    for k in range(3):
        assert_allclose(means[k], X[labels == k].mean(axis=0), rtol=1e-12)
        assert_allclose(covariances[k], np.cov(X[labels == k].T, bias=True), rtol=1e-10)


def test_m_step_one_feature_shortcut():
    """1-D X is n samples of one feature: weighted means and variances written out."""
    x = np.array([-1.0, 0.0, 1.0, 4.0, 5.0, 6.0])
    responsibilities = np.array([[1, 0], [0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0, 1], [0.5, 0.5]])

    weights, means, covariances = gl.m_step(x, responsibilities, reg_covar=0)

    N_k = responsibilities.sum(axis=0)
    expected_means = (responsibilities * x[:, None]).sum(axis=0) / N_k
    expected_variances = (responsibilities * (x[:, None] - expected_means) ** 2).sum(axis=0) / N_k
    assert_allclose(weights, N_k / 6, rtol=1e-12)
    assert_allclose(means, expected_means[:, None], rtol=1e-12)
    assert_allclose(covariances, expected_variances[:, None, None], rtol=1e-12)


def test_m_step_empty_component_stays_finite(seed_data):
    """A component nobody is responsible for gets weight ~0 and finite parameters (no 0/0)."""
    X, _ = seed_data
    responsibilities = np.zeros((300, 3))
    responsibilities[:, :2] = random_responsibilities(np.random.default_rng(3), 300, 2)

    weights, means, covariances = gl.m_step(X, responsibilities)

    assert np.isfinite(weights).all() and np.isfinite(means).all() and np.isfinite(covariances).all()
    assert weights[2] < 1e-15
    assert_allclose(weights.sum(), 1.0, rtol=1e-15)


# --------------------------------------------------------------------------
# Symmetry of the M-step's covariances
# --------------------------------------------------------------------------


def integer_valued_data(seed):
    """39 x 4 integers 0..9 times 8600: the data on which a fit's covariances came out asymmetric by rounding."""
    return np.random.default_rng(seed).integers(0, 10, size=(39, 4)) * 8600.0


@pytest.mark.parametrize("seed", range(12))
def test_m_step_covariances_are_exactly_symmetric(covariance_type, seed):
    """Sigma_k == Sigma_k^T bit for bit, whatever the responsibilities and the covariance type."""
    X = integer_valued_data(seed)
    responsibilities = random_responsibilities(np.random.default_rng(seed), X.shape[0], 4)

    _, _, covariances = gl.m_step(X, responsibilities, covariance_type=covariance_type)

    np.testing.assert_array_equal(covariances, covariances.transpose(0, 2, 1))


def test_a_fit_is_accepted_by_the_package_functions():
    """The issue's case (seed 0 failed): bic, aic, e_step, log_likelihood and init= take the fit's parameters."""
    X = integer_valued_data(0)
    fit = gl.fit_gmm(X, 4, rng=0)

    assert np.isfinite(gl.bic(X, fit)) and np.isfinite(gl.aic(X, fit))
    assert_allclose(gl.e_step(X, *fit.history[-1]), fit.responsibilities, atol=1e-12)
    assert_allclose(gl.log_likelihood(X, fit.weights, fit.means, fit.covariances), fit.log_likelihood, rtol=1e-12)
    restarted = gl.fit_gmm(X, 4, init=(fit.weights, fit.means, fit.covariances), max_iter=0)
    np.testing.assert_array_equal(restarted.covariances, fit.covariances)

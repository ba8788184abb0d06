"""Properties that must hold for every data set and start (hypothesis).

The data are drawn by hypothesis as a mixture problem: sizes, covariance
type, overall scale and offset, and a seed for the points themselves (so that
clusters have a spread well above reg_covar and no exact duplicates).
"""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons as gl

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")


@st.composite
def mixture_problems(draw):
    """(X, n_components, covariance_type, seed) for a small, well-posed GMM problem."""
    n_features = draw(st.integers(1, 3))
    n_components = draw(st.integers(1, 3))
    n_samples = draw(st.integers(4 * n_components + 4, 60))
    covariance_type = draw(st.sampled_from(COVARIANCE_TYPES))
    scale = draw(st.sampled_from([1.0, 30.0, 1000.0]))
    offset = draw(st.floats(-1e3, 1e3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-5, 5, size=(n_components, n_features))
    spreads = rng.uniform(0.3, 2.0, size=n_components)
    labels = rng.integers(n_components, size=n_samples)
    X = offset + scale * (centres[labels] + spreads[labels, None] * rng.normal(size=(n_samples, n_features)))
    return X, n_components, covariance_type, seed


@st.composite
def mixtures(draw):
    """(X, weights, means, covariances): arbitrary parameters, data anywhere (not necessarily near them)."""
    n_features = draw(st.integers(1, 3))
    n_components = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    raw_weights = np.array(draw(st.lists(st.floats(0, 1), min_size=n_components, max_size=n_components)))
    raw_weights[0] += 1e-3  # at least one positive weight; zeros elsewhere are allowed
    weights = raw_weights / raw_weights.sum()
    means = rng.uniform(-1, 1, size=(n_components, n_features)) * draw(st.sampled_from([1.0, 100.0, 1e4]))
    scales = 10.0 ** rng.uniform(-2, 2, size=n_components)
    factors = rng.normal(size=(n_components, n_features, n_features))
    covariances = scales[:, None, None] * (factors @ factors.transpose(0, 2, 1) + 0.2 * np.eye(n_features))
    X = rng.normal(size=(draw(st.integers(1, 30)), n_features)) * draw(st.sampled_from([1.0, 100.0, 1e4]))
    return X, weights, means, covariances


def reference_log_weighted(X, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) from scipy's (log-space) logpdf, shape (n, K)."""
    with np.errstate(divide="ignore"):
        return np.column_stack(
            [np.log(w) + multivariate_normal(m, c).logpdf(X) for w, m, c in zip(weights, means, covariances)]
        ).reshape(len(X), len(weights))


def naive_e_step(X, weights, means, covariances):
    """The original lesson's density-space E-step: pi_k N_k(x) / sum_j pi_j N_j(x)."""
    weighted = np.column_stack(
        [w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(weights, means, covariances)]
    ).reshape(len(X), len(weights))
    with np.errstate(invalid="ignore", divide="ignore"):
        return weighted / weighted.sum(axis=1, keepdims=True)


def is_well_conditioned(fit, X):
    """No covariance on the path has collapsed towards a point or plane (held up only by reg_covar).

    Near such a collapse the fit depends on rounding (e.g. on the order of a sum), so exact
    invariances can only hold to rounding in well-conditioned problems.
    """
    data_variance = np.var(X, axis=0).max()
    smallest = min(np.linalg.eigvalsh(parameters.covariances).min() for parameters in fit.history)
    return smallest > 1e-6 * data_variance


def start_of(X, n_components, covariance_type, seed, method="kmeans++"):
    return gl.initialize_parameters(X, n_components, rng=seed, method=method, covariance_type=covariance_type)


# --------------------------------------------------------------------------
# EM never decreases the likelihood
# --------------------------------------------------------------------------


def regularisation_loss_bound(X, before, after, reg_covar):
    """How much adding reg_covar I in the M-step can cost ln L in one iteration.

    EM's bound: ln L(after) - ln L(before) >= Q(after) - Q(before), and Q(before) <= Q(S), the
    unregularised M-step (same weights and means, covariances S_k = Sigma_k - reg_covar I). For
    every covariance type, Q(S) - Q(after) = sum_k N_k / 2 sum_i f(reg_covar / s_ki) with s_ki the
    eigenvalues of S_k, N_k = sum_n gamma_nk under ``before``, and f(x) = ln(1 + x) - x / (1 + x).
    """
    N_k = gl.e_step(X, *before).sum(axis=0)
    n_features = after.covariances.shape[1]
    s = np.linalg.eigvalsh(after.covariances - reg_covar * np.eye(n_features))
    if reg_covar == 0:
        return 0.0
    x = np.divide(reg_covar, s, out=np.full_like(s, np.inf), where=s > 0)  # s <= 0: no bound (inf)
    with np.errstate(invalid="ignore"):
        f = np.where(np.isfinite(x), np.log1p(x) - x / (1 + x), np.inf)
    return float(np.sum(N_k / 2 * f.sum(axis=1)))


@PROPERTY_SETTINGS
@given(mixture_problems(), st.sampled_from([0.0, 1e-6, 1e-2]))
def test_log_likelihood_never_decreases(problem, reg_covar):
    """Every EM iteration keeps or raises ln L, up to rounding (1e-9 (1 + |ln L|)) and, with
    reg_covar > 0, the most the regularisation can cost (written out in regularisation_loss_bound).

    With reg_covar = 0 this is Bishop's theorem; a run that collapses raises instead and is skipped.
    """
    X, n_components, covariance_type, seed = problem
    options = {"max_iter": 30, "tol": 0, "rng": seed, "covariance_type": covariance_type, "init": "random"}
    try:
        fit = gl.fit_gmm(X, n_components, reg_covar=reg_covar, **options)
    except ValueError as error:
        assert reg_covar == 0 and "singular" in str(error)
        assume(False)

    history = fit.log_likelihood_history
    assert np.isfinite(history).all()
    for t in range(fit.n_iter):
        slack = 1e-9 * (1 + abs(history[t]))
        slack += regularisation_loss_bound(X, fit.history[t], fit.history[t + 1], reg_covar)
        assert history[t + 1] - history[t] >= -slack, (t, history[t + 1] - history[t], slack)


# --------------------------------------------------------------------------
# Responsibilities are probabilities, and equal Bayes' rule in log space
# --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(mixtures())
def test_responsibilities_are_probabilities_equal_to_bayes_rule(mixture):
    """Rows lie in [0, 1], sum to 1, and equal exp(ln pi_k N_k - logsumexp_j ln pi_j N_j) (scipy)."""
    X, weights, means, covariances = mixture

    responsibilities = gl.e_step(X, weights, means, covariances)

    assert responsibilities.shape == (len(X), len(weights))
    assert np.isfinite(responsibilities).all()
    assert np.all((responsibilities >= 0) & (responsibilities <= 1))
    assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    log_weighted = reference_log_weighted(X, weights, means, covariances)
    expected = np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))
    assert_allclose(responsibilities, expected, rtol=1e-6, atol=1e-9)
    assert np.all(responsibilities[:, weights == 0] == 0)


@PROPERTY_SETTINGS
@given(mixtures())
def test_log_mixture_density_is_logsumexp_of_scipy(mixture):
    """ln p(x_n) = logsumexp_k(ln pi_k + ln N_k(x_n)), finite wherever x_n is."""
    X, weights, means, covariances = mixture

    log_density = gl.log_mixture_density(X, weights, means, covariances)

    assert np.isfinite(log_density).all()
    expected = logsumexp(reference_log_weighted(X, weights, means, covariances), axis=1)
    assert_allclose(log_density, expected, rtol=1e-9, atol=1e-9)
    assert_allclose(gl.log_likelihood(X, weights, means, covariances), expected.sum(), rtol=1e-9, atol=1e-8)


# --------------------------------------------------------------------------
# Order of samples and of components does not matter
# --------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(mixture_problems(), st.randoms(use_true_random=False))
def test_sample_order_does_not_matter(problem, random):
    """Permuting the rows of X gives the same parameters and permuted responsibilities."""
    X, n_components, covariance_type, seed = problem
    start = start_of(X, n_components, covariance_type, seed)
    order = np.array(random.sample(range(len(X)), len(X)))
    options = {"max_iter": 10, "tol": 0, "init": start, "covariance_type": covariance_type}

    fit = gl.fit_gmm(X, n_components, **options)
    assume(is_well_conditioned(fit, X))
    shuffled = gl.fit_gmm(X[order], n_components, **options)

    for a, b in zip(fit.history[-1], shuffled.history[-1]):
        assert_allclose(b, a, rtol=1e-6, atol=1e-9 * (1 + np.abs(X).max()) ** 2)
    assert_allclose(shuffled.responsibilities, fit.responsibilities[order], rtol=1e-6, atol=1e-8)
    assert_allclose(shuffled.log_likelihood_history, fit.log_likelihood_history, rtol=1e-9)


@PROPERTY_SETTINGS
@given(mixture_problems(), st.randoms(use_true_random=False))
def test_component_order_does_not_matter(permute_components, problem, random):
    """Permuting the start's components permutes the fitted components, and changes nothing else."""
    X, n_components, covariance_type, seed = problem
    start = start_of(X, n_components, covariance_type, seed)
    order = np.array(random.sample(range(n_components), n_components))
    options = {"max_iter": 10, "tol": 0, "covariance_type": covariance_type}

    fit = gl.fit_gmm(X, n_components, init=start, **options)
    assume(is_well_conditioned(fit, X))
    permuted = gl.fit_gmm(X, n_components, init=permute_components(start, order), **options)

    for a, b in zip(permute_components(fit.history[-1], order), permuted.history[-1]):
        assert_allclose(b, a, rtol=1e-6, atol=1e-9 * (1 + np.abs(X).max()) ** 2)
    assert_allclose(permuted.responsibilities, fit.responsibilities[:, order], rtol=1e-6, atol=1e-8)
    assert_allclose(permuted.log_likelihood_history, fit.log_likelihood_history, rtol=1e-9)


# --------------------------------------------------------------------------
# Points far from everything
# --------------------------------------------------------------------------


@st.composite
def far_point_problems(draw):
    """A mixture problem plus one point 1e3..1e6 data standard deviations from the data's mean."""
    X, n_components, covariance_type, seed = draw(mixture_problems())
    distance = draw(st.floats(1e3, 1e6))
    direction = np.random.default_rng(seed).normal(size=X.shape[1])
    direction /= np.linalg.norm(direction)
    far_point = X.mean(axis=0) + distance * X.std(axis=0).max() * direction
    return X, far_point, n_components, covariance_type, seed


@PROPERTY_SETTINGS
@given(far_point_problems())
def test_far_point_gives_finite_values_where_the_naive_e_step_gives_nan(problem):
    """Far away every density underflows: the density-space E-step divides 0 by 0, ours stays a probability."""
    X, far_point, n_components, covariance_type, seed = problem
    # The lesson's start (data covariance for all): well conditioned, so scipy can be the reference.
    parameters = start_of(X, n_components, covariance_type, seed, method="random")
    with_far_point = np.vstack([X, far_point])

    naive = naive_e_step(with_far_point, *parameters)
    responsibilities = gl.e_step(with_far_point, *parameters)

    assert np.isnan(naive[-1]).all()
    assert np.isfinite(responsibilities).all()
    assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    log_weighted = reference_log_weighted(far_point[np.newaxis], *parameters)
    assert_allclose(responsibilities[-1], np.exp(log_weighted - logsumexp(log_weighted))[0], rtol=1e-6, atol=1e-12)
    log_likelihood = gl.log_likelihood(with_far_point, *parameters)
    assert np.isfinite(log_likelihood)


@PROPERTY_SETTINGS
@given(far_point_problems())
def test_fit_with_a_far_point_stays_finite(problem):
    """fit_gmm on data with a far point (default reg_covar) has no NaN or infinity anywhere."""
    X, far_point, n_components, covariance_type, seed = problem
    with_far_point = np.vstack([X, far_point])

    fit = gl.fit_gmm(with_far_point, n_components, max_iter=10, rng=seed, covariance_type=covariance_type)

    assert np.isfinite(fit.log_likelihood_history).all()
    assert np.isfinite(fit.responsibilities).all()
    for parameters in fit.history:
        for array in parameters:
            assert np.isfinite(array).all()

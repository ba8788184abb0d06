"""EM with missing values (lesson 11): the conditional Gaussian, the observed-data likelihood and the fit.

Each piece is compared with a computation written apart from the package:
the conditional Gaussian with the joint precision matrix (Bishop 2.68-2.69),
the observed-data log-likelihood with scipy's multivariate_normal on every
row's observed marginal, and the fit with the closed-form maximum likelihood
of a bivariate normal whose second coordinate is missing in some rows.
"""

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons as gl
from gmm_lessons.datasets import TILTED_CLUSTERS
from gmm_lessons.fitting import run_em, run_missing_em

MIXTURE = (
    np.array([0.3, 0.7]),
    np.array([[0.0, 0.0, 1.0], [3.0, 2.0, -1.0]]),
    np.array([[[1.0, 0.4, 0.2], [0.4, 1.5, -0.3], [0.2, -0.3, 0.8]], [[2.0, -0.5, 0.0], [-0.5, 1.0, 0.3],
                                                                       [0.0, 0.3, 1.2]]]),
)


def hide(X, fraction, rng):
    """X with a fraction of its entries set to NaN at random, never a whole row."""
    hidden = rng.random(X.shape) < fraction
    hidden[hidden.all(axis=1), 0] = False
    return np.where(hidden, np.nan, X)


@pytest.fixture(scope="module")
def small():
    """Forty 3-D points of MIXTURE with about a third of their entries missing."""
    rng = np.random.default_rng(3)
    X, _ = gl.sample_mixture(*MIXTURE, n_samples=40, rng=rng)
    return hide(X, 0.35, rng)


def random_covariance(rng, d):
    factor = rng.normal(size=(d, d))
    return factor @ factor.T + 0.5 * np.eye(d)


# ---------------------------------------------------------------------------
# conditional_gaussian, Bishop (2.81)-(2.82)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_the_conditional_gaussian_agrees_with_the_joint_precision_matrix(seed):
    """Bishop (2.68)-(2.69): Sigma_m|o = Lambda_mm^-1, mu_m|o = mu_m - Lambda_mm^-1 Lambda_mo (x_o - mu_o)."""
    rng = np.random.default_rng(seed)
    d = 5
    mean, covariance, x = rng.normal(size=d), random_covariance(rng, d), rng.normal(size=d)
    observed = rng.permutation(np.arange(d) < rng.integers(1, d))
    missing = ~observed
    precision = np.linalg.inv(covariance)
    expected_covariance = np.linalg.inv(precision[np.ix_(missing, missing)])
    expected_mean = mean[missing] - expected_covariance @ precision[np.ix_(missing, observed)] @ (
        x[observed] - mean[observed]
    )
    x[missing] = np.nan
    conditional_mean, conditional_covariance = gl.conditional_gaussian(mean, covariance, x, observed)
    np.testing.assert_allclose(conditional_mean, expected_mean, rtol=1e-10)
    np.testing.assert_allclose(conditional_covariance, expected_covariance, rtol=1e-10)


def test_the_conditional_covariance_is_smaller_than_the_marginal_one():
    """Observing x_o can only narrow x_m: Sigma_mm - Sigma_m|o is positive semi-definite (the Schur complement)."""
    rng = np.random.default_rng(8)
    covariance = random_covariance(rng, 4)
    observed = np.array([True, False, True, False])
    _, conditional_covariance = gl.conditional_gaussian(np.zeros(4), covariance, np.zeros(4), observed)
    shrink = covariance[np.ix_(~observed, ~observed)] - conditional_covariance
    assert np.linalg.eigvalsh(shrink).min() > 0


def test_nothing_observed_is_the_marginal_and_everything_observed_is_empty():
    mean, covariance = MIXTURE[1][0], MIXTURE[2][0]
    none = gl.conditional_gaussian(mean, covariance, np.full(3, np.nan), np.zeros(3, dtype=bool))
    np.testing.assert_array_equal(none[0], mean)
    np.testing.assert_array_equal(none[1], covariance)
    conditional_mean, conditional_covariance = gl.conditional_gaussian(mean, covariance, mean, np.ones(3, dtype=bool))
    assert conditional_mean.shape == (0,) and conditional_covariance.shape == (0, 0)


def test_the_unobserved_entries_of_x_are_never_read():
    mean, covariance = MIXTURE[1][1], MIXTURE[2][1]
    observed = np.array([True, False, True])
    with_nan = gl.conditional_gaussian(mean, covariance, np.array([1.0, np.nan, 2.0]), observed)
    with_number = gl.conditional_gaussian(mean, covariance, np.array([1.0, 1e6, 2.0]), observed)
    np.testing.assert_array_equal(with_nan[0], with_number[0])
    np.testing.assert_array_equal(with_nan[1], with_number[1])


def test_the_conditional_gaussian_leaves_its_inputs_alone():
    mean, covariance = MIXTURE[1][0].copy(), MIXTURE[2][0].copy()
    x, observed = np.array([0.5, np.nan, np.nan]), np.array([True, False, False])
    copies = [array.copy() for array in (mean, covariance, x, observed)]
    gl.conditional_gaussian(mean, covariance, x, observed)
    for array, copy in zip((mean, covariance, x, observed), copies, strict=True):
        np.testing.assert_array_equal(array, copy)


GOOD = {"mean": np.zeros(2), "covariance": np.eye(2), "x": np.array([1.0, np.nan]),
        "observed": np.array([True, False])}
BAD_CONDITIONAL = {
    "mean 2-D": ({"mean": np.zeros((2, 1))}, r"^mean must be a non-empty 1-D array of shape \(d,\)"),
    "covariance shape": ({"covariance": np.eye(3)}, r"^covariance must have shape \(d, d\) = \(2, 2\)"),
    "covariance asymmetric": ({"covariance": np.array([[1.0, 0.5], [0.0, 1.0]])}, r"^covariance must be symmetric"),
    "covariance not positive definite": (
        {"covariance": np.array([[-1.0, 0.0], [0.0, 1.0]])}, r"^covariance is not positive definite"
    ),
    "observed integers": ({"observed": np.array([1, 0])}, r"^observed must be a boolean array of shape \(d,\)"),
    "observed shape": ({"observed": np.array([True])}, r"^observed must be a boolean array .* shape \(1,\)"),
    "x shape": ({"x": np.zeros(3)}, r"^x must have shape \(d,\) = \(2,\)"),
    "x NaN where observed": ({"x": np.array([np.nan, 1.0])}, r"^x\[0\] is NaN but observed says it is observed"),
    "x infinite": ({"x": np.array([np.inf, 1.0])}, r"^x contains infinity"),
}


@pytest.mark.parametrize("change, message", BAD_CONDITIONAL.values(), ids=BAD_CONDITIONAL)
def test_bad_arguments_of_the_conditional_gaussian_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        gl.conditional_gaussian(**{**GOOD, **change})


# ---------------------------------------------------------------------------
# The observed-data log-likelihood
# ---------------------------------------------------------------------------


def brute_force_observed_log_likelihood(X, weights, means, covariances):
    """Row by row: log-sum-exp over k of ln pi_k + scipy's log-density of the row's observed marginal."""
    total = 0.0
    for x in X:
        seen = ~np.isnan(x)
        terms = [np.log(weight) + multivariate_normal(mean[seen], covariance[np.ix_(seen, seen)]).logpdf(x[seen])
                 for weight, mean, covariance in zip(weights, means, covariances, strict=True)]
        total += logsumexp(terms)
    return total


def test_the_observed_log_likelihood_marginalises_each_row(small):
    assert np.isnan(small).any(axis=1).sum() > 10  # many rows have something missing
    expected = brute_force_observed_log_likelihood(small, *MIXTURE)
    assert gl.observed_log_likelihood(small, *MIXTURE) == pytest.approx(expected, rel=1e-12)


def test_without_missing_entries_it_is_the_log_likelihood():
    X, _ = gl.sample_mixture(*MIXTURE, n_samples=30, rng=1)
    assert gl.observed_log_likelihood(X, *MIXTURE) == pytest.approx(gl.log_likelihood(X, *MIXTURE), rel=1e-12)


# ---------------------------------------------------------------------------
# fit_gmm(..., missing="em")
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
@pytest.mark.parametrize("seed", range(3))
def test_the_log_likelihood_never_decreases(small, covariance_type, seed):
    fit = gl.fit_gmm(small, 2, missing="em", rng=seed, tol=0, max_iter=60, covariance_type=covariance_type)
    steps = np.diff(fit.log_likelihood_history)
    assert steps.min() >= -1e-9 * np.abs(fit.log_likelihood_history).max(), steps.min()
    assert fit.log_likelihood_history[-1] > fit.log_likelihood_history[0]


def test_the_history_is_the_observed_log_likelihood_of_each_entry(small):
    fit = gl.fit_gmm(small, 2, missing="em", rng=0, max_iter=5, tol=0)
    for parameters, recorded in zip(fit.history, fit.log_likelihood_history, strict=True):
        assert recorded == pytest.approx(brute_force_observed_log_likelihood(small, *parameters), rel=1e-10)
    np.testing.assert_allclose(fit.responsibilities.sum(axis=1), 1.0)


def test_one_gaussian_reaches_the_closed_form_maximum_likelihood():
    """x_2 missing in some rows (a monotone pattern): the MLE is known in closed form (Anderson, 1957).

    mu_1 and sigma_11 from every x_1; the regression of x_2 on x_1 from the complete rows gives the rest.
    The fixed point of EM with the conditional covariance correction is that MLE; without the correction
    sigma_22 would come out smaller.
    """
    rng = np.random.default_rng(5)
    X = rng.multivariate_normal([1.0, -2.0], [[2.0, 1.2], [1.2, 1.5]], size=200)
    X[rng.permutation(200)[:80], 1] = np.nan
    complete = X[~np.isnan(X[:, 1])]
    mu_1, sigma_11 = X[:, 0].mean(), X[:, 0].var()
    centred = complete - complete.mean(axis=0)
    s_11, s_12, s_22 = (centred[:, 0] ** 2).mean(), (centred[:, 0] * centred[:, 1]).mean(), (centred[:, 1] ** 2).mean()
    beta = s_12 / s_11
    mu_2 = complete[:, 1].mean() + beta * (mu_1 - complete[:, 0].mean())
    sigma_12 = beta * sigma_11
    sigma_22 = s_22 - beta * s_12 + beta**2 * sigma_11
    fit = gl.fit_gmm(X, 1, missing="em", reg_covar=0, tol=0, max_iter=400)
    np.testing.assert_allclose(fit.means[0], [mu_1, mu_2], rtol=1e-9)
    np.testing.assert_allclose(fit.covariances[0], [[sigma_11, sigma_12], [sigma_12, sigma_22]], rtol=1e-9)


def test_on_complete_data_the_opt_in_is_exactly_the_plain_fit():
    X, _ = gl.sample_mixture(*MIXTURE, n_samples=60, rng=2)
    plain = gl.fit_gmm(X, 2, rng=4)
    opted_in = gl.fit_gmm(X, 2, rng=4, missing="em")
    assert opted_in.n_iter == plain.n_iter
    np.testing.assert_array_equal(opted_in.log_likelihood_history, plain.log_likelihood_history)
    for ours, theirs in zip(opted_in.history, plain.history, strict=True):
        for part, other in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(part, other)


def test_on_complete_data_the_missing_value_loop_is_the_plain_loop():
    """The loop with the expected sufficient statistics, run on data with nothing missing, is plain EM."""
    X, _ = gl.sample_mixture(*MIXTURE, n_samples=60, rng=2)
    start = gl.initialize_parameters(X, 2, rng=0)
    plain = run_em(X, start, 30, 0.0, 1e-6, "full")
    missing = run_missing_em(X, start, 30, 0.0, 1e-6, "full")
    np.testing.assert_allclose(missing.log_likelihood_history, plain.log_likelihood_history, rtol=1e-10)
    np.testing.assert_allclose(missing.covariances, plain.covariances, rtol=1e-8, atol=1e-10)


def test_the_fit_leaves_x_alone_and_keeps_responsibilities(small):
    X = small.copy()
    fit = gl.fit_gmm(X, 2, missing="em", rng=0, max_iter=4, tol=0, keep_responsibilities=True)
    np.testing.assert_array_equal(X, small)  # NaN in the same places, every other entry unchanged
    assert len(fit.responsibilities_history) == fit.n_iter + 1
    np.testing.assert_array_equal(fit.responsibilities_history[-1], fit.responsibilities)


def test_nan_is_still_rejected_without_the_opt_in(small):
    with pytest.raises(ValueError, match=r'^X contains NaN or infinity; .*missing="em"'):
        gl.fit_gmm(small, 2)


BAD_MISSING = {
    "row entirely NaN": (np.array([[0.0, 1.0], [np.nan, np.nan], [1.0, 2.0]]), r"^X\[1\] is entirely NaN: .*drop"),
    "column entirely NaN": (np.array([[0.0, np.nan], [1.0, np.nan], [2.0, np.nan]]), r"^X\[:, 1\] is entirely NaN"),
    "infinity": (np.array([[0.0, 1.0], [np.inf, 2.0], [1.0, np.nan]]), r"^X contains infinity"),
}


@pytest.mark.parametrize("X, message", BAD_MISSING.values(), ids=BAD_MISSING)
def test_data_em_cannot_use_is_named(X, message):
    for call in (lambda: gl.fit_gmm(X, 1, missing="em"), lambda: gl.impute_mean(X),
                 lambda: gl.observed_log_likelihood(X, [1.0], [[0.0, 0.0]], [np.eye(2)])):
        with pytest.raises(ValueError, match=message):
            call()


def test_a_bad_missing_option_is_named(small):
    with pytest.raises(ValueError, match=r"^missing must be one of 'reject', 'em'; got 'mean'"):
        gl.fit_gmm(small, 2, missing="mean")


def test_impute_mean_fills_with_the_observed_means_and_leaves_x_alone(small):
    X = small.copy()
    imputed = gl.impute_mean(X)
    np.testing.assert_array_equal(X, small)
    assert not np.isnan(imputed).any()
    np.testing.assert_array_equal(imputed[~np.isnan(X)], X[~np.isnan(X)])
    for j in range(X.shape[1]):
        np.testing.assert_allclose(imputed[np.isnan(X[:, j]), j], np.nanmean(X[:, j]))


# ---------------------------------------------------------------------------
# Lesson 11's point: imputing the mean shrinks the covariances; EM over the missing values does not
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_mean_imputation_shrinks_the_covariances_on_the_lessons_data(seed):
    rng = np.random.default_rng(seed)
    X, _ = gl.sample_mixture(*TILTED_CLUSTERS, n_samples=400, rng=rng)
    X_missing = X.copy()
    X_missing[rng.random(len(X)) < 0.4, 1] = np.nan  # x_2 missing in about 40% of the rows

    def by_position(fit):  # the clusters sit side by side along x_1: sort the components by their mean
        return fit.covariances[np.argsort(fit.means[:, 0])]

    complete = by_position(gl.fit_gmm(X, 3, rng=0))
    em = by_position(gl.fit_gmm(X_missing, 3, rng=0, missing="em"))
    imputed = by_position(gl.fit_gmm(gl.impute_mean(X_missing), 3, rng=0))
    # Every component's variance of x_2 and |covariance of x_1 and x_2| are smaller after mean imputation ...
    assert np.all(imputed[:, 1, 1] < 0.9 * complete[:, 1, 1])
    assert np.all(np.abs(imputed[:, 0, 1]) < 0.9 * np.abs(complete[:, 0, 1]))
    # ... while EM over the missing values stays closer to the complete-data fit than imputation does.
    assert np.all(np.abs(em[:, 1, 1] - complete[:, 1, 1]) < np.abs(imputed[:, 1, 1] - complete[:, 1, 1]))

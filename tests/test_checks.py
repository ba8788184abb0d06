"""The self-checks pass correct solutions and diagnose the mistakes learners make.

Each buggy function below embodies one realistic mistake; its test asserts
that the check fails with the message that names that mistake.
"""

import re

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons
from gmm_lessons import original_lesson
from gmm_lessons.checks import (
    CheckFailed,
    check_align_components,
    check_e_step,
    check_gmm_em,
    check_kmeans_plus_plus,
    check_log_likelihood,
    check_m_step,
    check_n_parameters,
    check_sample_images,
    check_sample_mixture,
)

# ---------------------------------------------------------------------------
# Correct solutions, as a learner would write them in the lessons (log space)
# ---------------------------------------------------------------------------


def log_weighted_densities(X, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), shape (n_samples, n_components)."""
    return np.column_stack(
        [np.log(w) + multivariate_normal.logpdf(X, m, c) for w, m, c in zip(weights, means, covariances)]
    )


def e_step_solution(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, weights, means, covariances)
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def m_step_solution(X, responsibilities):
    N_k = responsibilities.sum(axis=0)
    weights = N_k / X.shape[0]
    means = responsibilities.T @ X / N_k[:, np.newaxis]
    covariances = np.array(
        [(responsibilities[:, k] * (X - means[k]).T) @ (X - means[k]) / N_k[k] for k in range(len(N_k))]
    )
    return weights, means, covariances


def log_likelihood_solution(X, weights, means, covariances):
    return logsumexp(log_weighted_densities(X, weights, means, covariances), axis=1).sum()


def sample_mixture_solution(weights, means, covariances, n_samples, rng=None):
    rng = np.random.default_rng(rng)
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    eps = rng.standard_normal((n_samples, means.shape[1]))
    cholesky_factors = np.linalg.cholesky(covariances)
    X = means[labels] + np.einsum("nij,nj->ni", cholesky_factors[labels], eps)
    return X, labels


def sample_mixture_with_multivariate_normal(weights, means, covariances, n_samples, rng=None):
    """Also correct: one rng.multivariate_normal call per sample's component."""
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    X = np.empty((n_samples, means.shape[1]))
    for k in range(len(weights)):
        X[labels == k] = rng.multivariate_normal(means[k], covariances[k], size=(labels == k).sum())
    return X, labels


def sample_mixture_with_counts(weights, means, covariances, n_samples, rng=None):
    """Also correct: multinomial counts, then shuffled component blocks."""
    counts = rng.multinomial(n_samples, weights)
    labels = rng.permutation(np.repeat(np.arange(len(weights)), counts))
    X = np.array([rng.multivariate_normal(means[k], covariances[k]) for k in labels])
    return X, labels.tolist()


# The original lesson's functions, in density space.
e_step_original = original_lesson.e_step
m_step_original = original_lesson.m_step


def densities(X, weights, means, covariances):
    """pi_k N(x_n | mu_k, Sigma_k) in density space, shape (n_samples, n_components)."""
    return np.column_stack([w * multivariate_normal.pdf(X, m, c) for w, m, c in zip(weights, means, covariances)])


# The solutions of lessons 06-09, as the lessons show them.
def kmeans_plus_plus_solution(data, num_components, rng):
    n_samples = data.shape[0]
    chosen = [rng.integers(n_samples)]
    squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(n_samples, p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


def n_parameters_solution(num_components, num_features, covariance_type):
    K, d = num_components, num_features
    symmetric_matrix = d * (d + 1) // 2
    covariance_parameters = {"full": K * symmetric_matrix, "diag": K * d, "spherical": K, "tied": symmetric_matrix}
    return (K - 1) + K * d + covariance_parameters[covariance_type]


def align_components_solution(means, reference_means):
    cost = ((reference_means[:, np.newaxis, :] - means[np.newaxis, :, :]) ** 2).sum(axis=2)
    _, order = linear_sum_assignment(cost)
    return order


def sample_images_solution(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    sampled_scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + sampled_scores @ basis, 0, 16)


def sample_images_one_by_one(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    """Also correct: x-bar + B^T z for each score vector z, as the equation is written."""
    sampled_scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.array([np.clip(pixel_mean + basis.T @ z, 0, 16) for z in sampled_scores])


# ---------------------------------------------------------------------------
# Correct code passes, and says so in one line
# ---------------------------------------------------------------------------

CORRECT = [
    pytest.param(check_e_step, e_step_solution, "E-step", id="e_step-solution"),
    pytest.param(check_e_step, gmm_lessons.e_step, "E-step", id="e_step-package"),
    pytest.param(check_m_step, m_step_solution, "M-step", id="m_step-solution"),
    pytest.param(check_m_step, m_step_original, "M-step", id="m_step-original-lesson"),
    pytest.param(
        check_m_step, lambda X, R: gmm_lessons.m_step(X, R, reg_covar=0), "M-step", id="m_step-package-reg_covar=0"
    ),
    pytest.param(check_log_likelihood, log_likelihood_solution, "log-likelihood", id="log_likelihood-solution"),
    pytest.param(check_log_likelihood, gmm_lessons.log_likelihood, "log-likelihood", id="log_likelihood-package"),
    pytest.param(check_sample_mixture, sample_mixture_solution, "sampler", id="sample_mixture-solution"),
    pytest.param(
        check_sample_mixture, sample_mixture_with_multivariate_normal, "sampler", id="sample_mixture-multivariate"
    ),
    pytest.param(check_sample_mixture, sample_mixture_with_counts, "sampler", id="sample_mixture-counts"),
    pytest.param(check_sample_mixture, gmm_lessons.sample_mixture, "sampler", id="sample_mixture-package"),
    pytest.param(
        check_kmeans_plus_plus, kmeans_plus_plus_solution, "k-means++ seeding", id="kmeans_plus_plus-solution"
    ),
    pytest.param(
        check_kmeans_plus_plus,
        gmm_lessons.fitting.kmeans_plus_plus_centres,
        "k-means++ seeding",
        id="kmeans_plus_plus-package",
    ),
    pytest.param(check_n_parameters, n_parameters_solution, "parameter count", id="n_parameters-solution"),
    pytest.param(check_n_parameters, gmm_lessons.n_parameters, "parameter count", id="n_parameters-package"),
    pytest.param(
        check_align_components, align_components_solution, "component matching", id="align_components-solution"
    ),
    pytest.param(
        check_align_components,
        gmm_lessons.alignment.match_components,
        "component matching",
        id="align_components-package",
    ),
    pytest.param(check_sample_images, sample_images_solution, "image sampler", id="sample_images-solution"),
    pytest.param(check_sample_images, sample_images_one_by_one, "image sampler", id="sample_images-one-by-one"),
]


@pytest.mark.parametrize("check, solution, step", CORRECT)
def test_correct_code_passes_with_one_line(check, solution, step, capsys):
    check(solution)
    assert re.fullmatch(
        rf"{check.__name__}: all \d cases passed - your {re.escape(step)} is correct\.\n", capsys.readouterr().out
    )


def test_checks_leave_the_global_random_state_alone():
    np.random.seed(12345)
    state = np.random.get_state()
    check_e_step(e_step_solution)
    check_m_step(m_step_solution)
    check_log_likelihood(log_likelihood_solution)
    check_sample_mixture(sample_mixture_solution)
    check_kmeans_plus_plus(kmeans_plus_plus_solution)
    check_sample_images(sample_images_solution)
    after = np.random.get_state()
    assert after[0] == state[0] and np.array_equal(after[1], state[1]) and after[2:] == state[2:]


def test_the_original_density_space_e_step_fails_only_far_from_the_components():
    """The far-away case runs last: reaching it means every earlier case passed."""
    with pytest.raises(AssertionError, match="40 standard deviations from every component gave NaN.*logsumexp"):
        check_e_step(e_step_original)


# ---------------------------------------------------------------------------
# Stubs, exceptions and arguments that are not functions
# ---------------------------------------------------------------------------


def stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "check, exercise",
    [
        (check_e_step, "e_step"),
        (check_m_step, "m_step"),
        (check_log_likelihood, "log_likelihood"),
        (check_sample_mixture, "sample_mixture"),
        (check_kmeans_plus_plus, "kmeans_plus_plus"),
        (check_n_parameters, "n_parameters"),
        (check_align_components, "align_components"),
        (check_sample_images, "sample_images"),
    ],
)
def test_a_stub_fails_in_one_line_without_a_chained_traceback(check, exercise):
    with pytest.raises(AssertionError) as failure:
        check(stub)
    assert str(failure.value) == (
        f"check_{exercise}: {exercise} is not implemented yet (it raised NotImplementedError) - "
        "write your solution in the cell above"
    )
    assert failure.value.__cause__ is None and failure.value.__suppress_context__


def test_an_error_in_learner_code_is_chained_with_a_hint():
    def e_step_means_by_column(X, weights, means, covariances):
        weighted = np.column_stack(
            [weights[k] * multivariate_normal.pdf(X, means[:, k], covariances[k]) for k in range(len(weights))]
        )
        return weighted / weighted.sum(axis=1, keepdims=True)

    with pytest.raises(AssertionError, match=r"raised ValueError: .* it was called with X of shape") as failure:
        check_e_step(e_step_means_by_column)
    assert isinstance(failure.value.__cause__, ValueError)


def test_passing_the_result_instead_of_the_function_is_explained():
    with pytest.raises(AssertionError, match=r"needs your function itself, got an array .* check_e_step\(e_step\)"):
        check_e_step(np.ones((6, 2)))


# ---------------------------------------------------------------------------
# E-step mistakes
# ---------------------------------------------------------------------------


def e_step_transposed(X, weights, means, covariances):
    return e_step_solution(X, weights, means, covariances).T


def e_step_without_keepdims(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, weights, means, covariances)
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1))


def e_step_normalised_over_samples(X, weights, means, covariances):
    weighted = densities(X, weights, means, covariances)
    return weighted / weighted.sum(axis=0)


def e_step_not_normalised(X, weights, means, covariances):
    return densities(X, weights, means, covariances)


def e_step_normalised_by_the_total(X, weights, means, covariances):
    weighted = densities(X, weights, means, covariances)
    return weighted / weighted.sum()


def e_step_returns_logs(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, weights, means, covariances)
    return log_weighted - logsumexp(log_weighted, axis=1, keepdims=True)


def e_step_ignores_weights(X, weights, means, covariances):
    return e_step_solution(X, np.ones(len(weights)), means, covariances)


def e_step_adds_weights_in_log_space(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, np.ones(len(weights)), means, covariances) + weights
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_multiplies_log_densities_by_weights(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, np.ones(len(weights)), means, covariances) * weights
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_without_determinant(X, weights, means, covariances):
    """A hand-written log-density that drops the normalising constant altogether."""
    log_weighted = np.column_stack(
        [
            np.log(w) - 0.5 * np.sum((X - m) @ np.linalg.inv(c) * (X - m), axis=1)
            for w, m, c in zip(weights, means, covariances)
        ]
    )
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_with_epsilon(X, weights, means, covariances):
    weighted = densities(X, weights, means, covariances) + 1e-300
    return weighted / weighted.sum(axis=1, keepdims=True)


def e_step_centres_x_in_place(X, weights, means, covariances):
    log_weighted = np.empty((X.shape[0], len(weights)))
    for k in range(len(weights)):
        diff = X
        diff -= means[k]
        log_weighted[:, k] = np.log(weights[k]) + multivariate_normal.logpdf(diff, np.zeros(2), covariances[k])
        diff += means[k]
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_returns_a_tuple(X, weights, means, covariances):
    log_weighted = log_weighted_densities(X, weights, means, covariances)
    return e_step_solution(X, weights, means, covariances), logsumexp(log_weighted, axis=1).sum()


def e_step_forgets_return(X, weights, means, covariances):
    e_step_solution(X, weights, means, covariances)


E_STEP_MISTAKES = [
    (e_step_transposed, r"expected responsibilities of shape \(n_samples, n_components\) = \(6, 2\), got \(2, 6\)"),
    (e_step_without_keepdims, r"raised ValueError: operands could not be broadcast .*keepdims=True"),
    (e_step_normalised_over_samples, r"each column of your responsibilities sums to 1, not each row .*axis=1"),
    (e_step_not_normalised, r"each row sums to the mixture density p\(x_n\), not 1 .*did not divide"),
    (e_step_normalised_by_the_total, r"rows of your responsibilities sum to \[.*\] not 1 - did you normalise over"),
    (e_step_returns_logs, r"look like log responsibilities .*np\.exp"),
    (e_step_ignores_weights, r"ignore the mixing weights pi_k: with weights \[0\.9, 0\.1\] they equal those for"),
    (e_step_adds_weights_in_log_space, r"you added pi_k to the log-densities - in log space add ln pi_k"),
    (e_step_multiplies_log_densities_by_weights, r"you multiplied the log-densities by pi_k"),
    (e_step_without_determinant, r"leave out the factor \|Sigma_k\|\^\(-1/2\)"),
    (e_step_original, r"a point 40 standard deviations from every component gave NaN - .*log-sum-exp"),
    (e_step_with_epsilon, r"40 standard deviations .* expected \[0\.7, 0\.3\], got \[0\.5, 0\.5\] .*log-sum-exp"),
    (e_step_centres_x_in_place, r"your function changed X in place"),
    (e_step_returns_a_tuple, r"got a tuple of 2 items|return only responsibilities"),
    (e_step_forgets_return, r"returned None - did you forget `return responsibilities`"),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(*m, id=m[0].__name__) for m in E_STEP_MISTAKES])
def test_check_e_step_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_e_step(buggy)


# ---------------------------------------------------------------------------
# M-step mistakes (each changes one line of the correct solution)
# ---------------------------------------------------------------------------


def m_step_with(weights=None, means=None, covariances=None):
    """An M-step whose weights, means or covariances come from a (buggy) function of X, R and the right means."""

    def m_step(X, R):
        right_weights, right_means, right_covariances = m_step_solution(X, R)
        return (
            right_weights if weights is None else weights(X, R),
            right_means if means is None else means(X, R),
            right_covariances if covariances is None else covariances(X, R, right_means),
        )

    return m_step


def weighted_scatter(X, R, centres, divisors):
    return np.array([(R[:, k] * (X - centres[k]).T) @ (X - centres[k]) / divisors[k] for k in range(R.shape[1])])


M_STEP_MISTAKES = [
    (
        "weights_are_N_k",
        m_step_with(weights=lambda X, R: R.sum(axis=0)),
        r"weights are N_k = \[.*\] \(they sum to N = 10\), not N_k / N",
    ),
    (
        "weights_summed_over_components",
        m_step_with(weights=lambda X, R: R.sum(axis=1) / len(X)),
        r"expected weights of shape \(n_components,\) = \(3,\), got \(10,\) - you summed over components",
    ),
    (
        "weights_with_keepdims",
        m_step_with(weights=lambda X, R: R.sum(axis=0, keepdims=True) / len(X)),
        r"got \(1, 3\) - it has an extra axis of length 1",
    ),
    (
        "weights_uniform",
        m_step_with(weights=lambda X, R: np.full(R.shape[1], 1 / R.shape[1])),
        r"weights are all 1 / n_components",
    ),
    (
        "weights_divided_by_K",
        m_step_with(weights=lambda X, R: R.sum(axis=0) / R.shape[1]),
        r"weights sum to 3\.333, not 1",
    ),
    (
        "means_divided_by_N",
        m_step_with(means=lambda X, R: R.T @ X / len(X)),
        r"means are divided by N \(the number of samples\) instead of N_k",
    ),
    (
        "means_not_divided",
        m_step_with(means=lambda X, R: R.T @ X),
        r"means are sum_n gamma\(z_nk\) x_n, not divided by N_k",
    ),
    (
        "means_unweighted",
        m_step_with(means=lambda X, R: np.tile(X.mean(axis=0), (R.shape[1], 1))),
        r"every mean is the plain average of X",
    ),
    (
        "means_transposed",
        m_step_with(means=lambda X, R: X.T @ R / R.sum(axis=0)),
        r"expected means of shape \(n_components, n_features\) = \(3, 2\), got \(2, 3\) - the axes are in the wrong",
    ),
    (
        "covariances_unweighted",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, np.ones_like(R), mu, R.sum(axis=0))),
        r"covariances are not weighted by the responsibilities",
    ),
    (
        "covariances_np_cov_of_all_data",
        m_step_with(covariances=lambda X, R, mu: np.array([np.cov(X.T)] * R.shape[1])),
        r"covariances are not weighted by the responsibilities",
    ),
    (
        "covariances_centred_on_global_mean",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, [X.mean(axis=0)] * R.shape[1], R.sum(axis=0))),
        r"covariances are centred on the mean of all of X rather than the new mu_k",
    ),
    (
        "covariances_not_centred",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, np.zeros_like(mu), R.sum(axis=0))),
        r"covariances are centred on zero",
    ),
    (
        "covariances_divided_by_N",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, mu, [len(X)] * R.shape[1])),
        r"covariances are divided by N \(the number of samples\) instead of N_k",
    ),
    (
        "covariances_np_cov_aweights",
        m_step_with(covariances=lambda X, R, mu: np.array([np.cov(X.T, aweights=R[:, k]) for k in range(R.shape[1])])),
        r"bias correction, as np\.cov gives by default",
    ),
    (
        "covariances_stacked_last",
        m_step_with(covariances=lambda X, R, mu: np.dstack(weighted_scatter(X, R, mu, R.sum(axis=0)))),
        r"expected covariances of shape .* = \(3, 2, 2\), got \(2, 2, 3\) - the axes are in the wrong order",
    ),
    ("covariances_regularised", gmm_lessons.m_step, r"covariances have 1e-06 added to the diagonal"),
    (
        "returns_means_first",
        lambda X, R: (m_step_solution(X, R)[1], m_step_solution(X, R)[0], m_step_solution(X, R)[2]),
        r"that is the shape of the means - return weights, means, covariances in this order",
    ),
    (
        "normalises_responsibilities_in_place",
        lambda X, R: m_step_solution(X, R.__itruediv__(R.sum(axis=1, keepdims=True))),
        r"your function changed responsibilities in place",
    ),
    (
        "returns_two_values",
        lambda X, R: m_step_solution(X, R)[1:],
        r"expected a tuple \(weights, means, covariances\), got a tuple of 2 items",
    ),
    (
        "returns_a_dict",
        lambda X, R: dict(zip(("weights", "means", "covariances"), m_step_solution(X, R))),
        r"expected a tuple \(weights, means, covariances\), got a dict - end with `return weights, means, covariances`",
    ),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(b, d, id=i) for i, b, d in M_STEP_MISTAKES])
def test_check_m_step_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_m_step(buggy)


# ---------------------------------------------------------------------------
# Log-likelihood mistakes
# ---------------------------------------------------------------------------


def log_likelihood_per_sample(X, weights, means, covariances):
    return logsumexp(log_weighted_densities(X, weights, means, covariances), axis=1)


def log_likelihood_per_sample_and_component(X, weights, means, covariances):
    return log_weighted_densities(X, weights, means, covariances)


def log_likelihood_without_log(X, weights, means, covariances):
    return densities(X, weights, means, covariances).sum()


def log_likelihood_product(X, weights, means, covariances):
    return np.prod(densities(X, weights, means, covariances).sum(axis=1))


def log_likelihood_mean(X, weights, means, covariances):
    return log_likelihood_per_sample(X, weights, means, covariances).mean()


def log_likelihood_negative(X, weights, means, covariances):
    return -log_likelihood_solution(X, weights, means, covariances)


def log_likelihood_equal_weights(X, weights, means, covariances):
    return log_likelihood_solution(X, np.full(len(weights), 1 / len(weights)), means, covariances)


def log_likelihood_without_weights(X, weights, means, covariances):
    return log_likelihood_solution(X, np.ones(len(weights)), means, covariances)


def log_likelihood_log_inside_the_sum(X, weights, means, covariances):
    return log_weighted_densities(X, weights, means, covariances).sum()


def log_likelihood_density_space(X, weights, means, covariances):
    return np.log(densities(X, weights, means, covariances).sum(axis=1)).sum()


def log_likelihood_density_space_with_epsilon(X, weights, means, covariances):
    return np.log(densities(X, weights, means, covariances).sum(axis=1) + 1e-300).sum()


def log_likelihood_returns_a_tuple(X, weights, means, covariances):
    per_sample = log_likelihood_per_sample(X, weights, means, covariances)
    return per_sample.sum(), per_sample


LOG_LIKELIHOOD_MISTAKES = [
    (log_likelihood_per_sample, r"one value per sample \(shape \(6,\)\) instead of the total - sum them"),
    (log_likelihood_per_sample_and_component, r"one value per sample and component \(shape \(6, 2\)\)"),
    (log_likelihood_without_log, r"you summed the densities p\(x_n\) without taking logs"),
    (log_likelihood_product, r"you returned the likelihood, the product of the p\(x_n\)"),
    (log_likelihood_mean, r"you averaged ln p\(x_n\) over samples - return their sum"),
    (log_likelihood_negative, r"you returned minus the log-likelihood"),
    (log_likelihood_equal_weights, r"ignores the mixing weights pi_k"),
    (log_likelihood_without_weights, r"ignores the mixing weights pi_k"),
    (log_likelihood_log_inside_the_sum, r"you took the log of each component's term and summed over components"),
    (log_likelihood_density_space, r"40 standard deviations from every component you returned -inf .*logsumexp"),
    (log_likelihood_density_space_with_epsilon, r"40 standard deviations .* small constant .* log-sum-exp"),
    (log_likelihood_returns_a_tuple, r"expected a number, got a tuple of 2 items"),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(*m, id=m[0].__name__) for m in LOG_LIKELIHOOD_MISTAKES])
def test_check_log_likelihood_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_log_likelihood(buggy)


# ---------------------------------------------------------------------------
# Sampling mistakes
# ---------------------------------------------------------------------------


def transform_noise(factors, labels, rng):
    """factors[labels[n]] @ eps_n for standard normal eps_n: a learner's usual way to shape the noise."""
    eps = rng.standard_normal((len(labels), factors.shape[-1]))
    return np.einsum("nij,nj->ni", factors[labels], eps)


def sample_ignoring_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.integers(len(weights), size=n_samples)
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_reversed_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights[::-1])
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_global_rng(weights, means, covariances, n_samples, rng=None):
    labels = np.random.choice(len(weights), size=n_samples, p=weights)
    X = np.array([np.random.multivariate_normal(means[k], covariances[k]) for k in labels])
    return X, labels


def sample_with_a_new_generator(weights, means, covariances, n_samples, rng=None):
    return sample_mixture_solution(weights, means, covariances, n_samples, rng=np.random.default_rng())


def sample_with_a_fixed_seed(weights, means, covariances, n_samples, rng=None):
    return sample_mixture_solution(weights, means, covariances, n_samples, rng=0)


def sample_with_unrelated_labels(weights, means, covariances, n_samples, rng=None):
    X, _ = sample_mixture_solution(weights, means, covariances, n_samples, rng)
    return X, rng.choice(len(weights), size=n_samples, p=weights)


def sample_in_blocks_with_shuffled_labels(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    counts = np.bincount(labels, minlength=len(weights))
    X = np.vstack([rng.multivariate_normal(means[k], covariances[k], size=counts[k]) for k in range(len(weights))])
    return X, labels


def sample_with_covariance_as_factor(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + transform_noise(covariances, labels, rng), labels


def sample_with_transposed_cholesky(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + transform_noise(np.linalg.cholesky(covariances).transpose(0, 2, 1), labels, rng), labels


def sample_with_standard_deviations(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    standard_deviations = np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    return means[labels] + standard_deviations[labels] * rng.standard_normal((n_samples, means.shape[1])), labels


def sample_without_covariance(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + rng.standard_normal((n_samples, means.shape[1])), labels


def sample_with_elementwise_square_root(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + transform_noise(np.sqrt(covariances), labels, rng), labels


def sample_transposed_points(weights, means, covariances, n_samples, rng=None):
    X, labels = sample_mixture_solution(weights, means, covariances, n_samples, rng)
    return X.T, labels


def sample_one_hot_labels(weights, means, covariances, n_samples, rng=None):
    X, labels = sample_mixture_solution(weights, means, covariances, n_samples, rng)
    return X, np.eye(len(weights))[labels]


def sample_labels_from_one(weights, means, covariances, n_samples, rng=None):
    X, labels = sample_mixture_solution(weights, means, covariances, n_samples, rng)
    return X, labels + 1


def sample_only_points(weights, means, covariances, n_samples, rng=None):
    X, _ = sample_mixture_solution(weights, means, covariances, n_samples, rng)
    return X


SAMPLING_MISTAKES = [
    (
        sample_ignoring_weights,
        r"the labels ignore the weights: with weights \[0\.5, 0\.3, 0\.2\] the labels' frequencies are .*p=weights",
    ),
    (sample_with_reversed_weights, r"the labels' frequencies \[.*\] do not match the weights"),
    (sample_with_global_rng, r"used numpy's global random state .* rng\.choice"),
    (sample_with_a_new_generator, r"two generators with the same seed gave different samples"),
    (sample_with_a_fixed_seed, r"your samples do not depend on the rng argument"),
    (sample_with_unrelated_labels, r"points labelled 0 are not drawn from component 0"),
    (sample_in_blocks_with_shuffled_labels, r"points labelled 0 are not drawn from component 0"),
    (
        sample_with_covariance_as_factor,
        r"points labelled 0 have covariance .* you multiplied the noise by Sigma_k itself",
    ),
    (sample_with_transposed_cholesky, r"you multiplied by L_k\^T instead of L_k"),
    (sample_with_standard_deviations, r"the correlations \(off-diagonal entries of Sigma_k\) are missing"),
    (sample_without_covariance, r"the points have identity covariance"),
    (sample_with_elementwise_square_root, r"your points X contain NaN or infinity .*Cholesky"),
    (
        sample_transposed_points,
        r"expected X of shape \(n_samples, n_features\) = \(10, 2\), got \(2, 10\) - the axes are in the wrong order",
    ),
    (sample_one_hot_labels, r"labels are component indices z_n, not one-hot rows"),
    (sample_labels_from_one, r"labels must be component indices 0\.\.2, got values \[.*\] - count components from 0"),
    (sample_only_points, r"expected a pair \(X, labels\), got an array of shape \(10, 2\)"),
]


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(*m, id=m[0].__name__) for m in SAMPLING_MISTAKES])
def test_check_sample_mixture_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_sample_mixture(buggy)


def test_a_sampler_using_the_global_rng_leaves_its_state_as_it_was():
    np.random.seed(7)
    state = np.random.get_state()
    with pytest.raises(AssertionError, match="global random state"):
        check_sample_mixture(sample_with_global_rng)
    assert np.array_equal(np.random.get_state()[1], state[1]) and np.random.get_state()[2] == state[2]


# ---------------------------------------------------------------------------
# check_gmm_em and how a failure shows in a notebook
# ---------------------------------------------------------------------------


def gmm_em_solution(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = e_step_solution(data, weights, means, covariances)
        weights, means, covariances = m_step_solution(data, responsibilities)
    return weights, means, covariances


def gmm_em_regularised(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = gmm_lessons.e_step(data, weights, means, covariances)
        weights, means, covariances = gmm_lessons.m_step(data, responsibilities)
    return weights, means, covariances


def gmm_em_one_iteration_too_many(data, num_components, num_iterations, rng):
    return gmm_em_solution(data, num_components, num_iterations + 1, rng)


def gmm_em_global_rng(data, num_components, num_iterations, rng):
    return gmm_em_solution(data, num_components, num_iterations, np.random.default_rng(np.random.randint(10**6)))


def gmm_em_fixed_seed(data, num_components, num_iterations, rng):
    return gmm_em_solution(data, num_components, num_iterations, np.random.default_rng(0))


def gmm_em_stale_responsibilities(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    responsibilities = e_step_solution(data, weights, means, covariances)
    for _ in range(num_iterations):
        weights, means, covariances = m_step_solution(data, responsibilities)
    return weights, means, covariances


def gmm_em_returns_responsibilities(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_em_solution(data, num_components, num_iterations, rng)
    return e_step_solution(data, weights, means, covariances)


@pytest.mark.parametrize("solution", [gmm_em_solution, gmm_em_regularised])
def test_check_gmm_em_passes_bishop_or_regularised_em(solution, capsys):
    check_gmm_em(solution)
    assert capsys.readouterr().out.strip() == "check_gmm_em: all 2 cases passed - your EM loop is correct."


@pytest.mark.parametrize(
    ("buggy", "diagnosis"),
    [
        (gmm_em_one_iteration_too_many, "with num_iterations=0 your result equals EM after 1 iterations"),
        (gmm_em_global_rng, "the same rng seed gave different results"),
        (gmm_em_fixed_seed, "two different rng seeds gave the same result"),
        (gmm_em_stale_responsibilities, "after 4 iterations your parameters differ from EM"),
        (gmm_em_returns_responsibilities, "expected a tuple \\(weights, means, covariances\\)"),
    ],
)
def test_check_gmm_em_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_gmm_em(buggy)


def test_a_failed_check_renders_as_its_message_in_a_notebook():
    """IPython calls _render_traceback_: the learner sees the hint, not the check's frames."""
    with pytest.raises(CheckFailed) as caught:
        check_e_step(stub)
    assert caught.value._render_traceback_() == [f"CheckFailed: {caught.value}"]


def test_a_failed_check_shows_the_learners_own_traceback_under_the_message():
    def e_step_that_divides_by_zero(X, weights, means, covariances):
        return 1 / 0

    with pytest.raises(CheckFailed) as caught:
        check_e_step(e_step_that_divides_by_zero)
    lines = caught.value._render_traceback_()
    assert lines[0].startswith("CheckFailed: e_step: your function raised ZeroDivisionError")
    assert "The error inside your function:" in lines
    assert any("in e_step_that_divides_by_zero" in line for line in lines)
    assert lines[-1] == "ZeroDivisionError: division by zero"


# ---------------------------------------------------------------------------
# k-means++ seeding mistakes (lesson 06)
# ---------------------------------------------------------------------------


def seeding_with(next_seed_weights, update=np.minimum):
    """k-means++ with the next seed drawn with probability proportional to next_seed_weights(D^2) and D^2 updated
    by update(D^2 so far, squared distance to the new seed)."""

    def kmeans_plus_plus(data, num_components, rng):
        n_samples = data.shape[0]
        chosen = [rng.integers(n_samples)]
        squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(1, num_components):
            weights = next_seed_weights(squared_distance)
            chosen.append(rng.choice(n_samples, p=weights / weights.sum()))
            squared_distance = update(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
        return np.array(chosen)

    return kmeans_plus_plus


def distance_to_the_newest_seed(squared_distance, to_new_seed):
    return to_new_seed


def kmeans_plus_plus_uniform(data, num_components, rng):
    return rng.choice(data.shape[0], size=num_components, replace=False)


def kmeans_plus_plus_uniform_with_replacement(data, num_components, rng):
    return rng.integers(data.shape[0], size=num_components)


def kmeans_plus_plus_newest_seed_skipping_chosen_rows(data, num_components, rng):
    """D to the newest seed only, with the rows chosen so far given probability 0 (so nothing repeats)."""
    n_samples = data.shape[0]
    chosen = [rng.integers(n_samples)]
    for _ in range(1, num_components):
        squared_distance = ((data - data[chosen[-1]]) ** 2).sum(axis=1)
        squared_distance[chosen] = 0
        chosen.append(rng.choice(n_samples, p=squared_distance / squared_distance.sum()))
    return np.array(chosen)


def kmeans_plus_plus_first_seed_is_row_0(data, num_components, rng):
    chosen = [0]
    squared_distance = ((data - data[0]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(data.shape[0], p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


def kmeans_plus_plus_global_rng(data, num_components, rng):
    return kmeans_plus_plus_solution(data, num_components, np.random.default_rng(np.random.randint(10**6)))


def kmeans_plus_plus_new_generator(data, num_components, rng):
    return kmeans_plus_plus_solution(data, num_components, np.random.default_rng())


def kmeans_plus_plus_fixed_seed(data, num_components, rng):
    return kmeans_plus_plus_solution(data, num_components, np.random.default_rng(0))


SEEDING_MISTAKES = [
    (
        "uniform",
        kmeans_plus_plus_uniform,
        r"your seeds are drawn uniformly: .* in \d+% of seedings, where D\^2 sampling gives 6%",
    ),
    ("uniform_with_replacement", kmeans_plus_plus_uniform_with_replacement, r"row \d+ was picked twice"),
    (
        "distance_not_squared",
        seeding_with(np.sqrt),
        r"proportional to D\(x_n\), not D\(x_n\)\^2: .* in \d+% of seedings, .* square the distances",
    ),
    (
        "distance_to_the_newest_seed",
        seeding_with(lambda squared_distance: squared_distance, update=distance_to_the_newest_seed),
        r"row \d+ was picked twice .* nearest seed so far.*np\.minimum",
    ),
    (
        "newest_seed_skipping_chosen_rows",
        kmeans_plus_plus_newest_seed_skipping_chosen_rows,
        r"your third seed fell in the second seed's pair in \d+% of 400 seedings, expected 50% - .* NEAREST",
    ),
    (
        "first_seed_is_row_0",
        kmeans_plus_plus_first_seed_is_row_0,
        r"\(first, second\) seeds came up \[\[0, \d+, \d+\], \[0, 0, 0\], \[0, 0, 0\]\] .* first seed uniformly",
    ),
    ("global_rng", kmeans_plus_plus_global_rng, r"used numpy's global random state .* rng\.integers\(n_samples\)"),
    ("new_generator", kmeans_plus_plus_new_generator, r"two generators with the same seed gave different indices"),
    ("fixed_seed", kmeans_plus_plus_fixed_seed, r"your indices do not depend on the rng argument"),
    (
        "returns_the_points",
        lambda data, K, rng: data[kmeans_plus_plus_solution(data, K, rng)],
        r"expected indices of shape \(num_components,\) = \(4,\), got \(4, 2\) - those are the seed points",
    ),
    (
        "float_indices",
        lambda data, K, rng: kmeans_plus_plus_solution(data, K, rng).astype(float),
        r"indices must hold integers, got \[.*\] of type float64",
    ),
    (
        "counts_rows_from_1",
        lambda data, K, rng: kmeans_plus_plus_solution(data, K, rng) + 1,
        r"indices must be rows of data, 0\.\.\d+, got .* count rows from 0",
    ),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(b, d, id=i) for i, b, d in SEEDING_MISTAKES])
def test_check_kmeans_plus_plus_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_kmeans_plus_plus(buggy)


def test_a_seeding_using_the_global_rng_leaves_its_state_as_it_was(global_rng_untouched):
    with global_rng_untouched(), pytest.raises(AssertionError, match="global random state"):
        check_kmeans_plus_plus(kmeans_plus_plus_global_rng)


# ---------------------------------------------------------------------------
# Parameter-count mistakes (lesson 07)
# ---------------------------------------------------------------------------


def n_parameters_with(weights=None, covariances=None):
    """A count whose weights (from K) or covariance parameters (from K, d and the type) come from a buggy function."""

    def n_parameters(num_components, num_features, covariance_type):
        right = n_parameters_solution(num_components, num_features, covariance_type)
        K, d = num_components, num_features
        right_covariances = right - (K - 1) - K * d
        return (
            (K - 1 if weights is None else weights(K))
            + K * d
            + (right_covariances if covariances is None else covariances(K, d, covariance_type, right_covariances))
        )

    return n_parameters


def full_counted_d_squared(K, d, covariance_type, right):
    return {"full": K * d * d, "tied": d * d}.get(covariance_type, right)


PARAMETER_MISTAKES = [
    (
        "K_weights",
        n_parameters_with(weights=lambda K: K),
        r"n_parameters\(1, 1, 'full'\) returned 3, expected 2 - there are K weights, but they sum to 1",
    ),
    (
        "symmetric_counted_d_squared",
        n_parameters_with(covariances=full_counted_d_squared),
        r"n_parameters\(1, 2, 'full'\) returned 6, expected 5 - a symmetric d x d matrix has d\(d\+1\)/2 free",
    ),
    (
        "K_weights_and_d_squared",
        n_parameters_with(weights=lambda K: K, covariances=full_counted_d_squared),
        r"they sum to 1, so only K - 1 are free; and a symmetric d x d matrix",
    ),
    (
        "tied_per_component",
        n_parameters_with(covariances=lambda K, d, t, right: K * right if t == "tied" else right),
        r"n_parameters\(2, 1, 'tied'\) returned 5, expected 4 - tied covariances are one matrix shared by all K",
    ),
    (
        "spherical_d_per_component",
        n_parameters_with(covariances=lambda K, d, t, right: K * d if t == "spherical" else right),
        r"'spherical'\) .* a spherical Sigma_k = sigma_k\^2 I has a single variance: 1 parameter per component",
    ),
    (
        "diag_counted_as_full",
        n_parameters_with(covariances=lambda K, d, t, right: K * d * (d + 1) // 2 if t == "diag" else right),
        r"'diag'\) .* a diagonal Sigma_k has only its d variances: d per component, not d\(d\+1\)/2",
    ),
    (
        "means_forgotten",
        lambda K, d, t: n_parameters_solution(K, d, t) - K * d,
        r"n_parameters\(1, 1, 'full'\) returned 1, expected 2: 0 weights \(K of them, but they sum to 1\) \+ 1 means",
    ),
    (
        "true_division",
        lambda K, d, t: n_parameters_solution(K, d, t) + 0.0,
        r"n_parameters\(3, 2, 'full'\) returned 17\.0, a float - .* divide with //",
    ),
    (
        "returns_a_dict",
        lambda K, d, t: {"full": n_parameters_solution(K, d, "full")},
        r"returned .*dict - return the number of parameters, an int",
    ),
    ("forgets_return", lambda K, d, t: None, r"returned None - did you forget `return p`"),
    (
        "tied_missing",
        lambda K, d, t: (K - 1) + K * d + {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K}[t],
        r"raised KeyError: 'tied' - it was called with num_components=1, num_features=1, covariance_type='tied'",
    ),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(b, d, id=i) for i, b, d in PARAMETER_MISTAKES])
def test_check_n_parameters_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_n_parameters(buggy)


# ---------------------------------------------------------------------------
# Component-matching mistakes (lesson 08)
# ---------------------------------------------------------------------------


def squared_distances(rows, columns):
    return ((rows[:, np.newaxis, :] - columns[np.newaxis, :, :]) ** 2).sum(axis=2)


def align_inverse(means, reference_means):
    """The cost matrix with means as rows: for each mean, its reference component."""
    _, order = linear_sum_assignment(squared_distances(means, reference_means))
    return order


def align_row_indices(means, reference_means):
    order, _ = linear_sum_assignment(squared_distances(reference_means, means))
    return order


def align_greedy(means, reference_means):
    """The closest (reference, mean) pair first, then the closest of the rest, and so on."""
    cost = squared_distances(reference_means, means)
    order = np.zeros(len(means), dtype=int)
    for _ in range(len(means)):
        j, k = np.unravel_index(np.argmin(cost), cost.shape)
        order[j] = k
        cost[j, :] = cost[:, k] = np.inf
    return order


def align_nearest_mean(means, reference_means):
    return squared_distances(reference_means, means).argmin(axis=1)


ALIGNMENT_MISTAKES = [
    ("inverse", align_inverse, r"with 3 components expected order \[1, 2, 0\], got \[2, 0, 1\] - that is the inverse"),
    (
        "row_indices",
        align_row_indices,
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - you returned 0\.\.K-1 for every K: the row",
    ),
    (
        "greedy",
        align_greedy,
        r"your order \[1, 0\] has total squared distance 9\.01, but \[0, 1\] has 4\.81 - .*greedy",
    ),
    (
        "nearest_mean",
        align_nearest_mean,
        r"order must be a permutation of 0\.\.1, each component once, got \[0, 0\] - .*argmin",
    ),
    (
        "maximises",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means), maximize=True)[1],
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - cost\[j, k\] = \|reference_means\[j\] - means",
    ),
    (
        "returns_both_outputs",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means)),
        r"got \(2, 3\) - linear_sum_assignment returns two arrays, \(row indices, column indices\)",
    ),
    (
        "returns_the_means",
        lambda means, reference: means[align_components_solution(means, reference)],
        r"got \(3, 2\) - that is the shape of the means",
    ),
    (
        "float_order",
        lambda means, reference: align_components_solution(means, reference).astype(float),
        r"order must hold integers, got \[1, 2, 0\] of type float64",
    ),
    (
        "counts_from_1",
        lambda means, reference: align_components_solution(means, reference) + 1,
        r"permutation of 0\.\.2, .* count components from 0",
    ),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(b, d, id=i) for i, b, d in ALIGNMENT_MISTAKES])
def test_check_align_components_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_align_components(buggy)


# ---------------------------------------------------------------------------
# Image-sampling mistakes (lesson 09)
# ---------------------------------------------------------------------------


def sample_scores(weights, means, covariances, n_samples, rng):
    return gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)[0]


def images_without_mean(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return np.clip(sample_scores(weights, means, covariances, n_samples, rng) @ basis, 0, 16)


def images_without_clipping(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return pixel_mean + sample_scores(weights, means, covariances, n_samples, rng) @ basis


def images_without_mean_or_clipping(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return sample_scores(weights, means, covariances, n_samples, rng) @ basis


def images_with_basis_transposed(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return np.clip(pixel_mean + sample_scores(weights, means, covariances, n_samples, rng) @ basis.T, 0, 16)


def images_in_columns(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    scores = sample_scores(weights, means, covariances, n_samples, rng)
    return np.clip(pixel_mean[:, np.newaxis] + basis.T @ scores.T, 0, 16)


def images_without_rng(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return sample_images_solution(weights, means, covariances, n_samples, None, pixel_mean, basis)


def images_with_a_fixed_seed(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return sample_images_solution(weights, means, covariances, n_samples, 0, pixel_mean, basis)


def images_as_scores(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    return sample_scores(weights, means, covariances, n_samples, rng)


def images_with_components(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    scores, components = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + scores @ basis, 0, 16), components


def images_after_another_draw(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    rng.permutation(n_samples)
    return sample_images_solution(weights, means, covariances, n_samples, rng, pixel_mean, basis)


IMAGE_MISTAKES = [
    (images_without_mean, r"you left out the mean image - .* pixel_mean \+ scores @ basis"),
    (images_without_clipping, r"some of your pixels lie outside the grey levels 0\.\.16 \(from -.* np\.clip"),
    (images_without_mean_or_clipping, r"you left out the mean image and the clipping"),
    (
        images_with_basis_transposed,
        r"raised ValueError: matmul: .* basis of shape \(4, 16\); a @ b needs the last axis of a as long as",
    ),
    (images_in_columns, r"expected images of shape \(n_samples, n_pixels\) = \(10, 16\), got \(16, 10\) - one row"),
    (images_as_scores, r"got \(10, 4\) - those are the PCA scores"),
    (images_with_components, r"expected images as an array of numbers, .* got a tuple of 2 items - return only images"),
    (images_without_rng, r"two generators with the same seed gave different images - pass the rng argument on"),
    (images_with_a_fixed_seed, r"your images do not depend on the rng argument"),
    (images_after_another_draw, r"your images differ from those drawn with the same seed .* nothing else from rng"),
]


@pytest.mark.parametrize("buggy, diagnosis", [pytest.param(*m, id=m[0].__name__) for m in IMAGE_MISTAKES])
def test_check_sample_images_diagnoses(buggy, diagnosis):
    with pytest.raises(AssertionError, match=diagnosis):
        check_sample_images(buggy)

"""The self-checks pass correct solutions and diagnose the mistakes learners make.

Each buggy function below embodies one realistic mistake; its test asserts
that the check fails with the message that names that mistake.
"""

import re

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons
from gmm_lessons.checks import (
    CheckFailed,
    check_e_step,
    check_gmm_em,
    check_log_likelihood,
    check_m_step,
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
def e_step_original(data, weights, means, covariances):
    num_samples = data.shape[0]
    num_components = len(weights)
    responsibilities = np.zeros((num_samples, num_components))
    for i in range(num_components):
        responsibilities[:, i] = weights[i] * multivariate_normal.pdf(data, means[i], covariances[i])
    responsibilities /= responsibilities.sum(axis=1, keepdims=True)
    return responsibilities


def m_step_original(data, responsibilities):
    num_samples, num_features = data.shape
    num_components = responsibilities.shape[1]
    weights = responsibilities.sum(axis=0) / num_samples
    means = np.dot(responsibilities.T, data) / responsibilities.sum(axis=0)[:, np.newaxis]
    covariances = np.zeros((num_components, num_features, num_features))
    for i in range(num_components):
        diff = data - means[i]
        covariances[i] = np.dot(responsibilities[:, i] * diff.T, diff) / responsibilities[:, i].sum()
    return weights, means, covariances


def densities(X, weights, means, covariances):
    """pi_k N(x_n | mu_k, Sigma_k) in density space, shape (n_samples, n_components)."""
    return np.column_stack([w * multivariate_normal.pdf(X, m, c) for w, m, c in zip(weights, means, covariances)])


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
]


@pytest.mark.parametrize("check, solution, step", CORRECT)
def test_correct_code_passes_with_one_line(check, solution, step, capsys):
    check(solution)
    assert re.fullmatch(rf"{check.__name__}: all \d cases passed - your {step} is correct\.\n", capsys.readouterr().out)


def test_checks_leave_the_global_random_state_alone():
    np.random.seed(12345)
    state = np.random.get_state()
    check_e_step(e_step_solution)
    check_m_step(m_step_solution)
    check_log_likelihood(log_likelihood_solution)
    check_sample_mixture(sample_mixture_solution)
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

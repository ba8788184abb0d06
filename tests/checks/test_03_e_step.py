"""Lesson 03's exercise, ``e_step``: a correct E-step, the mistakes learners make, the original lesson's."""

import numpy as np
import original_lesson
from checks_support import correct, correct_log_weighted, densities, fails, log_weighted_densities
from scipy.special import logsumexp
from scipy.stats import multivariate_normal


def correct_e_step(data, weights, means, covariances):
    log_weighted = correct_log_weighted(data, weights, means, covariances)
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def normalised(weighted, axis=1, keepdims=True):
    """Responsibilities from pi_k N(x_n | mu_k, Sigma_k), normalised over an axis (right: 1, keeping it)."""
    return weighted / weighted.sum(axis=axis, keepdims=keepdims)


def e_step_from_log_weighted(log_weighted):
    """An E-step that normalises log_weighted(X, weights, means, covariances) in log space."""

    def e_step(X, weights, means, covariances):
        values = log_weighted(X, weights, means, covariances)
        return np.exp(values - logsumexp(values, axis=1, keepdims=True))

    return e_step


def e_step_without_determinant(X, weights, means, covariances):
    """A hand-written log-density that drops the normalising constant altogether."""
    return np.column_stack(
        [
            np.log(w) - 0.5 * np.sum((X - m) @ np.linalg.inv(c) * (X - m), axis=1)
            for w, m, c in zip(weights, means, covariances)
        ]
    )


def e_step_centres_x_in_place(X, weights, means, covariances):
    log_weighted = np.empty((X.shape[0], len(weights)))
    for k in range(len(weights)):
        diff = X
        diff -= means[k]
        log_weighted[:, k] = np.log(weights[k]) + multivariate_normal.logpdf(diff, np.zeros(2), covariances[k])
        diff += means[k]
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_means_by_column(X, weights, means, covariances):
    weighted = np.column_stack(
        [weights[k] * multivariate_normal.pdf(X, means[:, k], covariances[k]) for k in range(len(weights))]
    )
    return normalised(weighted)


def e_step_in_single_precision(X, weights, means, covariances):
    """Log space, log-sum-exp and all, but every array float32."""
    X, weights, means, covariances = (np.asarray(a, dtype=np.float32) for a in (X, weights, means, covariances))
    log_weighted = np.empty((len(X), len(weights)), dtype=np.float32)
    log_2_pi = np.log(np.float32(2 * np.pi))
    for k in range(len(weights)):
        diff = X - means[k]
        mahalanobis = np.sum(diff @ np.linalg.inv(covariances[k]) * diff, axis=1)
        log_det = np.log(np.linalg.det(covariances[k]))
        log_weighted[:, k] = np.log(weights[k]) - 0.5 * (mahalanobis + log_det + X.shape[1] * log_2_pi)
    exps = np.exp(log_weighted - log_weighted.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def unit_weights(log_weighted_with):
    """log_weighted_with(log-densities, weights): how a mistaken E-step brings in the weights."""
    return lambda X, weights, means, covariances: log_weighted_with(
        log_weighted_densities(X, np.ones(len(weights)), means, covariances), weights
    )


MISTAKES = [
    (
        "transposed",
        lambda *inputs: correct_e_step(*inputs).T,
        r"expected responsibilities of shape \(n_samples, n_components\) = \(6, 2\), got \(2, 6\)",
    ),
    (
        "without_keepdims",
        lambda *inputs: normalised(densities(*inputs), keepdims=False),
        r"raised ValueError: operands could not be broadcast .*keepdims=True",
    ),
    (
        "normalised_over_samples",
        lambda *inputs: normalised(densities(*inputs), axis=0),
        r"each column of your responsibilities sums to 1, not each row .*axis=1",
    ),
    ("not_normalised", densities, r"each row sums to the mixture density p\(x_n\), not 1 .*did not divide"),
    (
        "normalised_by_the_total",
        lambda *inputs: normalised(densities(*inputs), axis=None),
        r"rows of your responsibilities sum to \[.*\] not 1 - did you normalise over",
    ),
    (
        "returns_logs",
        lambda *inputs: log_weighted_densities(*inputs) - logsumexp(log_weighted_densities(*inputs), axis=1)[:, None],
        r"look like log responsibilities .*np\.exp",
    ),
    (
        "ignores_weights",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density)),
        r"ignore the mixing weights pi_k: with weights \[0\.9, 0\.1\] they equal those for",
    ),
    (
        "adds_weights_in_log_space",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density + weights)),
        r"you added pi_k to the log-densities - in log space add ln pi_k",
    ),
    (
        "multiplies_log_densities_by_weights",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density * weights)),
        r"you multiplied the log-densities by pi_k",
    ),
    (
        "without_determinant",
        e_step_from_log_weighted(e_step_without_determinant),
        r"leave out the factor \|Sigma_k\|\^\(-1/2\)",
    ),
    ("original_lesson", original_lesson.e_step, r"a point 40 standard deviations from every component gave NaN - "),
    (
        "with_epsilon",
        lambda *inputs: normalised(densities(*inputs) + 1e-300),
        r"40 standard deviations .* expected \[0\.7, 0\.3\], got \[0\.5, 0\.5\] .*log-sum-exp",
    ),
    ("centres_x_in_place", e_step_centres_x_in_place, r"your function changed data in place"),
    (
        "means_by_column",
        e_step_means_by_column,
        r"raised ValueError: .* it was called with data of shape \(3, 2\), weights of shape \(3,\)",
    ),
    (
        "returns_a_tuple",
        lambda *inputs: (correct_e_step(*inputs), correct("log_likelihood")(*inputs)),
        r"got a tuple of 2 items - return only responsibilities",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return responsibilities`"),
    (
        "in_single_precision",
        e_step_in_single_precision,
        r"your function computed responsibilities in float32 \(single precision, about 7 significant digits\)",
    ),
    (
        "in_single_precision_returned_as_float64",
        lambda *inputs: e_step_in_single_precision(*inputs).astype(float),
        (r"for a point 40 standard deviations from every component expected \[0\.7\d*, 0\.3\d*\], "
         r"got \[0\.\d+, 0\.\d+\] \(they differ in the 5th to 8th digit, the rounding of float32"),
    ),
    (
        "hard_assignments",
        lambda *inputs: np.eye(len(inputs[1]))[correct_e_step(*inputs).argmax(axis=1)],
        r"your responsibilities are hard assignments \(1 for the most probable component",
    ),
    (
        "returns_strings",
        lambda *inputs: correct_e_step(*inputs).astype(str),
        r"returned an array of shape \(6, 2\) of strings - return responsibilities as an array of numbers, not text",
    ),
]


def test_the_original_density_space_e_step_fails_only_far_from_the_components():
    """The far-away case runs last: reaching it means every earlier case passed."""
    assert "40 standard deviations from every component gave NaN" in str(fails("e_step", original_lesson.e_step))

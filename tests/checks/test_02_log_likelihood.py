"""Lesson 02's exercise, ``log_likelihood``: a correct log-likelihood and the mistakes learners make."""

import numpy as np
from checks_support import correct_log_weighted, densities, log_weighted_densities
from scipy.special import logsumexp


def correct_log_likelihood(data, weights, means, covariances):
    return float(logsumexp(correct_log_weighted(data, weights, means, covariances), axis=1).sum())


def log_likelihood_per_sample(X, weights, means, covariances):
    return logsumexp(log_weighted_densities(X, weights, means, covariances), axis=1)


def log_likelihood_with_weights(weights_instead):
    """The log-likelihood computed with weights_instead(weights) as the mixing weights."""
    return lambda X, weights, means, covariances: log_likelihood_per_sample(
        X, weights_instead(weights), means, covariances
    ).sum()


MISTAKES = [
    ("per_sample", log_likelihood_per_sample, r"one value per sample \(shape \(6,\)\) instead of the total - sum them"),
    ("per_sample_and_component", log_weighted_densities, r"one value per sample and component \(shape \(6, 2\)\)"),
    (
        "without_log",
        lambda *inputs: densities(*inputs).sum(),
        r"you summed the densities p\(x_n\) without taking logs",
    ),
    (
        "product",
        lambda *inputs: np.prod(densities(*inputs).sum(axis=1)),
        r"you returned the likelihood, the product of the p\(x_n\)",
    ),
    (
        "mean",
        lambda *inputs: log_likelihood_per_sample(*inputs).mean(),
        r"you averaged ln p\(x_n\) over samples - return their sum",
    ),
    ("negative", lambda *inputs: -correct_log_likelihood(*inputs), r"you returned minus the log-likelihood"),
    (
        "equal_weights",
        log_likelihood_with_weights(lambda weights: np.full(len(weights), 1 / len(weights))),
        r"ignores the mixing weights pi_k",
    ),
    ("without_weights", log_likelihood_with_weights(np.ones_like), r"ignores the mixing weights pi_k"),
    (
        "log_inside_the_sum",
        lambda *inputs: log_weighted_densities(*inputs).sum(),
        r"you took the log of each component's term and summed over components",
    ),
    (
        "density_space",
        lambda *inputs: np.log(densities(*inputs).sum(axis=1)).sum(),
        r"40 standard deviations from every component you returned -inf .*logsumexp",
    ),
    (
        "density_space_with_epsilon",
        lambda *inputs: np.log(densities(*inputs).sum(axis=1) + 1e-300).sum(),
        r"40 standard deviations .* small constant .* log-sum-exp",
    ),
    (
        "returns_a_tuple",
        lambda *inputs: (log_likelihood_per_sample(*inputs).sum(), log_likelihood_per_sample(*inputs)),
        r"expected a number, got a tuple of 2 items",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return`"),
    (
        "returns_a_string",
        lambda *inputs: f"{correct_log_likelihood(*inputs):.1f}",
        r"your function returned the string '-\d+\.\d' - return ln p\(X\) as a float, not text",
    ),
    ("returns_a_bool", lambda *inputs: True, r"returned True, a bool - return ln p\(X\), a float"),
    (
        "single_precision",
        lambda *inputs: np.float32(correct_log_likelihood(*inputs)),
        r"your function computed ln p\(X\) in float32 \(single precision",
    ),
]

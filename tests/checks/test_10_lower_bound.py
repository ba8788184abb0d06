"""Lesson 10's exercise, ``lower_bound``: a correct lower bound and the mistakes learners make."""

import numpy as np
from checks_support import correct, log_weighted_densities
from scipy.stats import multivariate_normal

import gmm_lessons


def correct_lower_bound(data, weights, means, covariances, responsibilities):
    """Bishop (9.71) with scipy's log-densities, written apart from the package: the q_nk = 0 terms count 0."""
    log_joint = np.log(weights) + np.column_stack(
        [multivariate_normal(mean, covariance).logpdf(data) for mean, covariance in zip(means, covariances)]
    )
    q = responsibilities
    log_q = np.log(np.where(q > 0, q, 1.0))
    return float(np.where(q > 0, q * (log_joint - log_q), 0.0).sum())


def lower_bound_terms(with_logs=True, entropy_sign=-1, log_weights=True):
    """A lower bound that sums q_nk [ln pi_k + ln N(x_n | mu_k, Sigma_k) + entropy_sign * ln q_nk], where
    ln N is replaced by N itself without ``with_logs`` and ln pi_k left out without ``log_weights``;
    q ln q is evaluated naively (0 ln 0 = NaN)."""

    def lower_bound(data, weights, means, covariances, responsibilities):
        log_density = gmm_lessons.log_gaussian_density(data, means, covariances)
        density_term = log_density if with_logs else np.exp(log_density)
        joint = density_term + (np.log(weights) if log_weights else 0.0)
        return (responsibilities * (joint + entropy_sign * np.log(responsibilities))).sum()

    return lower_bound


def lower_bound_summed_over(axis):
    def lower_bound(data, weights, means, covariances, responsibilities):
        log_joint = log_weighted_densities(data, weights, means, covariances)
        return (responsibilities * (log_joint - np.log(responsibilities))).sum(axis=axis)

    return lower_bound


def lower_bound_with_own_responsibilities(data, weights, means, covariances, responsibilities):
    own = gmm_lessons.e_step(data, weights, means, covariances)
    return correct_lower_bound(data, weights, means, covariances, own)


def lower_bound_without_entropy(data, weights, means, covariances, responsibilities):
    return (responsibilities * log_weighted_densities(data, weights, means, covariances)).sum()


MISTAKES = [
    ("without_entropy", lower_bound_without_entropy, r"you left out the entropy term - subtract q_nk ln q_nk"),
    ("entropy_sign", lower_bound_terms(entropy_sign=1), r"the entropy term has the wrong sign"),
    ("without_log_weights", lower_bound_terms(log_weights=False), r"you left out ln pi_k"),
    ("densities", lower_bound_terms(with_logs=False), r"density N\(x_n \| mu_k, Sigma_k\) instead of its log"),
    ("naive_zero_log_zero", lower_bound_terms(), r"with q_nk = 0 you returned nan - .*xlogy"),
    ("per_sample", lower_bound_summed_over(1), r"one value per sample \(shape \(8,\)\) - .* sum over both"),
    ("wrong_axis", lower_bound_summed_over(0), r"one value per component \(shape \(3,\)\)"),
    ("per_term", lower_bound_summed_over(()), r"one value per sample and component \(shape \(8, 3\)\)"),
    ("own_responsibilities", lower_bound_with_own_responsibilities, r"did you ignore the responsibilities argument"),
    ("mean", lambda *inputs: correct_lower_bound(*inputs) / 8, r"you averaged over the samples"),
    (
        "returns_a_tuple",
        lambda *inputs: (correct_lower_bound(*inputs), correct("log_likelihood")(*inputs[:4])),
        r"expected a number, got a tuple of 2 items",
    ),
    (
        "returns_a_string",
        lambda *inputs: f"{correct_lower_bound(*inputs):.3f}",
        r"returned the string '-\d+\.\d+' - return L\(q, theta\) as a float",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return`"),
]

"""Lesson 01's exercise, ``sample_mixture``: a correct sampler, the mistakes learners make, other correct samplers."""

import numpy as np


def correct_sample_mixture(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    noise = rng.standard_normal((n_samples, means.shape[1]))
    X = means[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(covariances)[labels], noise)
    return X, labels


def sample(weights, means, covariances, n_samples, rng):
    return correct_sample_mixture(weights, means, covariances, n_samples, rng=rng)


def transform_noise(factors, labels, rng):
    """factors[labels[n]] @ eps_n for standard normal eps_n: a learner's usual way to shape the noise."""
    eps = rng.standard_normal((len(labels), factors.shape[-1]))
    return np.einsum("nij,nj->ni", factors[labels], eps)


def sample_with_factors(factors):
    """A sampler that multiplies the noise by factors(covariances) instead of their Cholesky factors."""

    def sample_mixture(weights, means, covariances, n_samples, rng=None):
        labels = rng.choice(len(weights), size=n_samples, p=weights)
        return means[labels] + transform_noise(factors(covariances), labels, rng), labels

    return sample_mixture


def sample_ignoring_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.integers(len(weights), size=n_samples)
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_reversed_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights[::-1])
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_unrelated_labels(weights, means, covariances, n_samples, rng=None):
    X, _ = sample(weights, means, covariances, n_samples, rng)
    return X, rng.choice(len(weights), size=n_samples, p=weights)


def sample_in_blocks_with_shuffled_labels(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    counts = np.bincount(labels, minlength=len(weights))
    X = np.vstack([rng.multivariate_normal(means[k], covariances[k], size=counts[k]) for k in range(len(weights))])
    return X, labels


def sample_with_standard_deviations(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    standard_deviations = np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    return means[labels] + standard_deviations[labels] * rng.standard_normal((n_samples, means.shape[1])), labels


def sample_without_covariance(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + rng.standard_normal((n_samples, means.shape[1])), labels


def sample_then(change):
    """A sampler whose correct (X, labels) are changed by change(X, labels, n_components) before returning."""

    def sample_mixture(weights, means, covariances, n_samples, rng=None):
        return change(*sample(weights, means, covariances, n_samples, rng), len(weights))

    return sample_mixture


MISTAKES = [
    (
        "ignoring_weights",
        sample_ignoring_weights,
        r"the labels ignore the weights: with weights \[0\.5, 0\.3, 0\.2\] the labels' frequencies are .*p=weights",
    ),
    ("reversed_weights", sample_with_reversed_weights, r"the labels' frequencies \[.*\] do not match the weights"),
    ("unrelated_labels", sample_with_unrelated_labels, r"points labelled 0 are not drawn from component 0"),
    ("blocks_with_shuffled_labels", sample_in_blocks_with_shuffled_labels, r"points labelled 0 are not drawn from"),
    (
        "covariance_as_factor",
        sample_with_factors(lambda covariances: covariances),
        r"points labelled 0 have covariance .* you multiplied the noise by Sigma_k itself",
    ),
    (
        "transposed_cholesky",
        sample_with_factors(lambda covariances: np.linalg.cholesky(covariances).transpose(0, 2, 1)),
        r"you multiplied by L_k\^T instead of L_k",
    ),
    ("standard_deviations", sample_with_standard_deviations, r"the correlations \(off-diagonal entries of Sigma_k\)"),
    ("without_covariance", sample_without_covariance, r"the points have identity covariance"),
    ("elementwise_square_root", sample_with_factors(np.sqrt), r"your points X contain NaN or infinity .*Cholesky"),
    (
        "transposed_points",
        sample_then(lambda X, labels, K: (X.T, labels)),
        r"expected X of shape \(n_samples, n_features\) = \(10, 2\), got \(2, 10\) - the axes are in the wrong order",
    ),
    ("one_hot_labels", sample_then(lambda X, labels, K: (X, np.eye(K)[labels])), r"not one-hot rows"),
    (
        "labels_from_one",
        sample_then(lambda X, labels, K: (X, labels + 1)),
        r"labels must be component indices 0\.\.2, got values \[.*\] - count components from 0",
    ),
    (
        "only_points",
        sample_then(lambda X, labels, K: X),
        r"expected a pair \(X, labels\), got an array of shape \(10, 2\) - end with `return X, labels`",
    ),
]


def sample_mixture_with_multivariate_normal(weights, means, covariances, n_samples, rng=None):
    """One rng.multivariate_normal call per component."""
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    X = np.empty((n_samples, means.shape[1]))
    for k in range(len(weights)):
        X[labels == k] = rng.multivariate_normal(means[k], covariances[k], size=(labels == k).sum())
    return X, labels


def sample_mixture_with_counts(weights, means, covariances, n_samples, rng=None):
    """Multinomial counts, then shuffled component blocks, the labels as a list."""
    counts = rng.multinomial(n_samples, weights)
    labels = rng.permutation(np.repeat(np.arange(len(weights)), counts))
    X = np.array([rng.multivariate_normal(means[k], covariances[k]) for k in labels])
    return X, labels.tolist()


ALSO_CORRECT = [sample_mixture_with_multivariate_normal, sample_mixture_with_counts]

"""Lesson 04's exercise, ``m_step``: a correct M-step, the mistakes learners make, the original lesson's."""

import numpy as np
import original_lesson


def correct_m_step(data, responsibilities):
    N_k = responsibilities.sum(axis=0)
    means = responsibilities.T @ data / N_k[:, np.newaxis]
    covariances = np.array(
        [(r[:, np.newaxis] * (data - m)).T @ (data - m) / n for r, m, n in zip(responsibilities.T, means, N_k)]
    )
    return N_k / len(data), means, covariances


def m_step_with(weights=None, means=None, covariances=None):
    """An M-step whose weights, means or covariances come from a (buggy) function of X, R and the right means."""

    def m_step(X, R):
        right_weights, right_means, right_covariances = correct_m_step(X, R)
        return (
            right_weights if weights is None else weights(X, R),
            right_means if means is None else means(X, R),
            right_covariances if covariances is None else covariances(X, R, right_means),
        )

    return m_step


def weighted_scatter(X, R, centres, divisors):
    return np.array([(R[:, k] * (X - centres[k]).T) @ (X - centres[k]) / divisors[k] for k in range(R.shape[1])])


def hard_assignments(R):
    """One-hot rows: 1 for each sample's most responsible component."""
    return np.eye(R.shape[1])[R.argmax(axis=1)]


MISTAKES = [
    (
        "hard_assignments",
        lambda X, R: correct_m_step(X, hard_assignments(R)),
        (r"your weights count the samples whose largest responsibility is gamma\(z_nk\) \(a hard assignment by "
         r"argmax, as k-means does\)"),
    ),
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
    ("weights_divided_by_K", m_step_with(weights=lambda X, R: R.sum(axis=0) / R.shape[1]), r"weights sum to 3\.333"),
    (
        "means_divided_by_N",
        m_step_with(means=lambda X, R: R.T @ X / len(X)),
        r"means are divided by N \(the number of samples\) instead of N_k",
    ),
    ("means_not_divided", m_step_with(means=lambda X, R: R.T @ X), r"means are sum_n gamma\(z_nk\) x_n, not divided"),
    (
        "means_unweighted",
        m_step_with(means=lambda X, R: np.tile(X.mean(axis=0), (R.shape[1], 1))),
        r"every mean is the plain average of data",
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
        r"covariances are centred on the mean of all of data rather than the new mu_k - use diff = data - means\[k\]",
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
    (
        "covariances_regularised",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, mu, R.sum(axis=0)) + 1e-6 * np.eye(X.shape[1])),
        r"covariances have 1e-06 added to the diagonal",
    ),
    (
        "returns_means_first",
        lambda X, R: tuple(correct_m_step(X, R)[i] for i in (1, 0, 2)),
        r"that is the shape of the means - return weights, means, covariances in this order",
    ),
    (
        "normalises_responsibilities_in_place",
        lambda X, R: correct_m_step(X, R.__itruediv__(R.sum(axis=1, keepdims=True))),
        r"your function changed responsibilities in place",
    ),
    (
        "returns_two_values",
        lambda X, R: correct_m_step(X, R)[1:],
        r"expected a tuple \(weights, means, covariances\), got a tuple of 2 items",
    ),
    (
        "returns_a_dict",
        lambda X, R: dict(zip(("weights", "means", "covariances"), correct_m_step(X, R))),
        r"expected a tuple \(weights, means, covariances\), got a dict - end with `return weights, means, covariances`",
    ),
]


ALSO_CORRECT = [original_lesson.m_step]

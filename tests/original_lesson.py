"""The original blog lesson's E-step and M-step, as it wrote them.

Kept, outside the learners' package, as the baseline the course improves
on: the benchmark times it, and the tests show where it fails. It computes
densities, not log-densities, so for a point far from every component every
density underflows to 0 and its responsibilities are 0 / 0 = NaN; and its
M-step has no regularisation.
Do not use it for anything else.
"""

import numpy as np
from scipy.stats import multivariate_normal


def e_step(data, weights, means, covariances):
    """The original E-step, in density space (returns NaN far from every component)."""
    num_samples = data.shape[0]
    num_components = len(weights)
    responsibilities = np.zeros((num_samples, num_components))
    for i in range(num_components):
        responsibilities[:, i] = weights[i] * multivariate_normal.pdf(data, means[i], covariances[i])
    responsibilities /= responsibilities.sum(axis=1, keepdims=True)
    return responsibilities


def m_step(data, responsibilities):
    """The original M-step: Bishop (9.24)-(9.27) without regularisation."""
    num_samples, num_features = data.shape
    num_components = responsibilities.shape[1]
    weights = responsibilities.sum(axis=0) / num_samples
    means = np.dot(responsibilities.T, data) / responsibilities.sum(axis=0)[:, np.newaxis]
    covariances = np.zeros((num_components, num_features, num_features))
    for i in range(num_components):
        diff = data - means[i]
        covariances[i] = np.dot(responsibilities[:, i] * diff.T, diff) / responsibilities[:, i].sum()
    return weights, means, covariances

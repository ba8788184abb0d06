"""The small mixtures and inputs the cases share, and the false-alarm limits of the statistical cases.

The cases draw their data from private generators seeded here, never from
numpy's global random state.
"""

import numpy as np

from ..gaussian import log_gaussian_density
from ..sampling import sample_mixture

# A sampled statistic fails when it is more than this many standard errors
# from its expected value: about 2e-9 per test for a correct sampler.
Z_LIMIT = 6.0
# The same false-alarm probability for a chi-squared test.
CHI2_FALSE_ALARM = 2e-9
# How far, in standard deviations, the far-away point sits from every component.
FAR = 40

# Two overlapping components in 2-D.
TWO_COMPONENTS = {
    "weights": np.array([0.6, 0.4]),
    "means": np.array([[0.0, 0.0], [3.0, 1.0]]),
    "covariances": np.array([[[1.0, 0.3], [0.3, 1.0]], [[2.0, -0.4], [-0.4, 0.5]]]),
}
# Three components of different sizes (so |Sigma_k| matters) in 2-D.
THREE_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [2.5, 0.5], [1.0, 2.5]]),
    "covariances": np.array([[[1.0, 0.5], [0.5, 1.0]], [[3.0, -0.7], [-0.7, 1.5]], [[0.3, 0.0], [0.0, 0.6]]]),
}
# Two unit components and, in the far-away cases, a point FAR standard
# deviations from both, equally far from each, so its responsibilities are
# the weights themselves.
UNIT_COMPONENTS = {
    "weights": np.array([0.7, 0.3]),
    "means": np.array([[0.0, 0.0], [3.0, 0.0]]),
    "covariances": np.array([np.eye(2), np.eye(2)]),
}
FAR_POINT = np.array([1.5, np.sqrt(FAR**2 - 1.5**2)])
# The arguments of the functions that evaluate a mixture on data, for the checks' docstrings.
MIXTURE_ARGUMENTS = (
    "data (n_samples, n_features), weights (n_components,), means (n_components, n_features) "
    "and covariances (n_components, n_features, n_features)"
)


def points(mixture, n_samples, seed):
    """n_samples points drawn from the mixture, rounded to 2 decimals to read well in messages."""
    X, _ = sample_mixture(**mixture, n_samples=n_samples, rng=seed)
    return np.round(X, 2)


def far_point_inputs():
    """The inputs of a far-away case: UNIT_COMPONENTS, and as X their means and FAR_POINT."""
    return {"X": np.vstack([UNIT_COMPONENTS["means"], FAR_POINT]), **UNIT_COMPONENTS}


def log_weighted(inputs):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) for inputs X, weights, means, covariances: (n_samples, n_components)."""
    return np.log(inputs["weights"]) + log_gaussian_density(inputs["X"], inputs["means"], inputs["covariances"])

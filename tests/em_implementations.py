"""The four EM implementations the benchmark times and the tests compare, and the data they run on.

Each ``run_*`` function takes data ``X`` of shape (n_samples, n_features) and
a start ``(weights, means, covariances)`` and runs ``n_iter`` EM iterations
for a full-covariance mixture with ``tol=0``:

- ``run_ours``: ``gmm_lessons.fit_gmm``, in log space;
- ``run_sklearn``: scikit-learn's ``GaussianMixture`` started from exactly this
  start through its public ``weights_init``, ``means_init``, ``precisions_init``;
- ``run_estimator``: the course's scikit-learn-style ``gl.GaussianMixture`` over ``fit_gmm``,
  started as ``run_sklearn``;
- ``run_original``: the original lesson's density-space ``e_step`` then
  ``m_step``, ``n_iter`` times, with no regularisation.
"""

import warnings

import numpy as np
import original_lesson
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmm_lessons as gl

REG_COVAR = 1e-6  # scikit-learn's default, and ours


def random_mixture(n_features, n_components, rng):
    """Well separated but overlapping components, as (weights, means, covariances).

    Means are rescaled so that the closest pair is 4 apart; every covariance
    has a random orientation and eigenvalues in [0.5, 2] (standard deviations
    0.7 to 1.4), so that neighbouring components share their tails.
    """
    means = rng.normal(size=(n_components, n_features))
    if n_components > 1:
        gaps = np.linalg.norm(means[:, np.newaxis] - means[np.newaxis], axis=2)
        means *= 4.0 / gaps[np.triu_indices(n_components, 1)].min()
    rotations, _ = np.linalg.qr(rng.normal(size=(n_components, n_features, n_features)))
    eigenvalues = rng.uniform(0.5, 2.0, size=(n_components, 1, n_features))
    covariances = (rotations * eigenvalues) @ rotations.transpose(0, 2, 1)
    covariances = (covariances + covariances.transpose(0, 2, 1)) / 2
    weights = rng.dirichlet(np.full(n_components, 5.0))
    return weights, means, covariances


def make_problem(n_samples, n_features, n_components, seed):
    """Data ``X`` of shape (n_samples, n_features) drawn from a ``random_mixture``, and the original
    lesson's random start on it (``gl.initialize_parameters(..., method="random")``)."""
    rng = np.random.default_rng([seed, n_samples, n_features, n_components])
    X, _ = gl.sample_mixture(*random_mixture(n_features, n_components, rng), n_samples, rng=rng)
    return X, gl.initialize_parameters(X, n_components, rng=rng, method="random")


def run_ours(X, start, n_iter, reg_covar=REG_COVAR):
    """A ``gl.GMMFit`` after ``n_iter`` iterations (its history holds every iteration's parameters)."""
    return gl.fit_gmm(X, len(start[0]), max_iter=n_iter, tol=0.0, init=start, reg_covar=reg_covar)


def run_sklearn(X, start, n_iter):
    """A fitted ``GaussianMixture`` after ``n_iter >= 1`` iterations.

    scikit-learn 1.9 fails with ``max_iter=0`` when ``precisions_init`` is given.
    """
    weights, means, covariances = start
    model = GaussianMixture(
        n_components=len(weights),
        covariance_type="full",
        tol=0.0,
        reg_covar=REG_COVAR,
        max_iter=n_iter,
        init_params="random_from_data",  # overridden by the three *_init; skips the k-means it would run
        weights_init=weights,
        means_init=means,
        precisions_init=np.linalg.inv(covariances),
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never converges
        return model.fit(X)


def run_estimator(X, start, n_iter):
    """A fitted ``gl.GaussianMixture`` after ``n_iter >= 1`` iterations, started like ``run_sklearn``."""
    weights, means, covariances = start
    model = gl.GaussianMixture(
        n_components=len(weights),
        covariance_type="full",
        tol=0.0,
        reg_covar=REG_COVAR,
        max_iter=n_iter,
        weights_init=weights,
        means_init=means,
        precisions_init=np.linalg.inv(covariances),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never converges
        return model.fit(X)


def run_original(X, start, n_iter):
    """(weights, means, covariances) after ``n_iter`` iterations of the original lesson's code."""
    weights, means, covariances = start
    for _ in range(n_iter):
        weights, means, covariances = original_lesson.m_step(X, original_lesson.e_step(X, weights, means, covariances))
    return weights, means, covariances

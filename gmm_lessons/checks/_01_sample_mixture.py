"""Lesson 01's exercise: ancestral sampling from a mixture, ``sample_mixture``."""

import numpy as np
from scipy.stats import chi2

from ._data import CHI2_FALSE_ALARM, Z_LIMIT
from ._harness import CheckFailed, Exercise, same_seed_case
from ._results import as_array, as_tuple, assert_finite, fmt

# Well separated, strongly correlated components of very different shapes.
SAMPLING_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]),
    "covariances": np.array([[[4.0, 1.8], [1.8, 1.0]], [[0.5, -0.6], [-0.6, 2.0]], [[2.0, 1.2], [1.2, 3.0]]]),
}
# Samples drawn for the statistical cases: the smallest component (weight 0.2)
# then gets about 4000 points, and a 6-standard-error band on its variance is
# +-13% wide, narrow enough to tell Sigma from Sigma^2 or L^T L.
N_STATISTICAL = 20_000


def _samples(submission, n_samples, seed):
    """The learner's (X, labels) from ``rng=np.random.default_rng(seed)``, checked for shape and values."""
    result = submission(SAMPLING_COMPONENTS, n_samples, rng=np.random.default_rng(seed))
    X, labels = as_tuple(result, ("X", "labels"))
    n_components, n_features = SAMPLING_COMPONENTS["means"].shape
    X = as_array(X, "X", "(n_samples, n_features)", (n_samples, n_features))
    labels = as_array(
        labels,
        "labels",
        "(n_samples,)",
        (n_samples,),
        hints={(n_samples, n_components): "labels are component indices z_n, not one-hot rows"},
        precision=False,
    )
    assert_finite(X, "points X", "np.sqrt of a matrix with negative entries is NaN; use its Cholesky factor")
    if not np.all(np.isin(labels, np.arange(n_components))):
        hint = (
            "count components from 0, as indices of weights"
            if np.all(np.isin(labels, np.arange(1, n_components + 1)))
            else "each label is the index k of the component its point was drawn from"
        )
        raise CheckFailed(
            f"labels must be component indices 0..{n_components - 1}, "
            f"got values {fmt(np.unique(labels)[:10])} - {hint}"
        )
    return X, labels.astype(int)


def _shapes(submission):
    """Ten samples of three 2-D components: X (10, 2) and labels (10,) in 0..2."""
    _samples(submission, 10, seed=0)


def _label_frequencies(submission):
    """Labels appear in proportion to the weights, each to within 6 standard errors."""
    weights = SAMPLING_COMPONENTS["weights"]
    _, labels = _samples(submission, N_STATISTICAL, seed=3)
    frequencies = np.bincount(labels, minlength=weights.shape[0]) / N_STATISTICAL

    def within_limit(probabilities):
        standard_errors = np.sqrt(probabilities * (1 - probabilities) / N_STATISTICAL)
        return np.all(np.abs(frequencies - probabilities) <= Z_LIMIT * standard_errors)

    if within_limit(weights):
        return
    fix = "draw each label with probability pi_k: rng.choice(n_components, size=n_samples, p=weights)"
    if within_limit(np.full_like(weights, 1.0 / weights.shape[0])):
        raise CheckFailed(
            f"the labels ignore the weights: with weights {fmt(weights)} the labels' frequencies "
            f"are {fmt(frequencies)} - {fix}"
        )
    raise CheckFailed(
        f"the labels' frequencies {fmt(frequencies)} do not match the weights {fmt(weights)} "
        f"(over {N_STATISTICAL} samples) - {fix}"
    )


def _points_match_labels(submission):
    """The points labelled k average to mu_k: a chi-squared test of each component's sample mean."""
    X, labels = _samples(submission, N_STATISTICAL, seed=4)
    limit = chi2.isf(CHI2_FALSE_ALARM, df=X.shape[1])
    for k, (mean, covariance) in enumerate(zip(SAMPLING_COMPONENTS["means"], SAMPLING_COMPONENTS["covariances"])):
        points = X[labels == k]
        offset = points.mean(axis=0) - mean
        if len(points) * offset @ np.linalg.solve(covariance, offset) > limit:
            raise CheckFailed(
                f"points labelled {k} are not drawn from component {k}: their mean is "
                f"{fmt(points.mean(axis=0))}, but means[{k}] is {fmt(mean)} - draw each point from the "
                "component of its own label (X[labels == k] = ... means[k] ...)"
            )


def _covariance_fits(points, mean, covariance):
    """Whether points have this covariance about mean, each entry to within Z_LIMIT standard errors.

    Whitened by the Cholesky factor L of the covariance, n S has a Wishart(I, n)
    distribution: diagonal entries of S have standard error sqrt(2 / n),
    off-diagonal ones sqrt(1 / n).
    """
    n_points, n_features = points.shape
    whitened = np.linalg.solve(np.linalg.cholesky(covariance), (points - mean).T)
    scatter = whitened @ whitened.T / n_points
    standard_errors = np.sqrt((1 + np.eye(n_features)) / n_points)
    return np.all(np.abs(scatter - np.eye(n_features)) <= Z_LIMIT * standard_errors)


def _wrong_covariances(covariance):
    """(covariance a known mistake gives, what it tells the learner) pairs."""
    cholesky_factor = np.linalg.cholesky(covariance)
    return [
        (
            covariance @ covariance,
            ("you multiplied the noise by Sigma_k itself, which gives covariance Sigma_k^2 - multiply by a "
            "square root of it, the Cholesky factor L_k = np.linalg.cholesky(Sigma_k)"),
        ),
        (
            cholesky_factor.T @ cholesky_factor,
            ("you multiplied by L_k^T instead of L_k: for standard normal rows eps of shape "
            "(n, n_features) use eps @ L_k.T"),
        ),
        (
            np.diag(np.diag(covariance)),
            ("the correlations (off-diagonal entries of Sigma_k) are missing - scaling each coordinate by its "
            "standard deviation is not enough; multiply by the Cholesky factor L_k"),
        ),
        (
            np.eye(covariance.shape[0]),
            ("the points have identity covariance - multiply the standard normal noise by the Cholesky factor "
            "L_k of Sigma_k"),
        ),
    ]


def _covariances(submission):
    """The points labelled k have covariance Sigma_k (not Sigma_k^2, L^T L, its diagonal or I)."""
    X, labels = _samples(submission, N_STATISTICAL, seed=5)
    for k, (mean, covariance) in enumerate(zip(SAMPLING_COMPONENTS["means"], SAMPLING_COMPONENTS["covariances"])):
        points = X[labels == k]
        if _covariance_fits(points, mean, covariance):
            continue
        hint = next(
            (message for wrong, message in _wrong_covariances(covariance) if _covariance_fits(points, mean, wrong)),
            "x = mu_k + L_k eps with L_k = np.linalg.cholesky(Sigma_k) and eps standard normal, "
            "or rng.multivariate_normal(mu_k, Sigma_k)",
        )
        scatter = (points - mean).T @ (points - mean) / len(points)
        raise CheckFailed(
            f"points labelled {k} have covariance {fmt(scatter)}, but covariances[{k}] is {fmt(covariance)} - {hint}"
        )


EXERCISE = Exercise(
    name="sample_mixture",
    lesson="01",
    title="sampler",
    signature="fn(weights, means, covariances, n_samples, rng=rng) -> (X, labels)",
    about="""\
``fn`` takes weights (n_components,), means (n_components, n_features),
covariances (n_components, n_features, n_features), n_samples and a
keyword ``rng``, a ``numpy.random.Generator``; it returns X of shape
(n_samples, n_features) and labels of shape (n_samples,), the component
index of each point. The statistical cases draw 20000 samples and allow
6 standard errors, so a correct sampler fails them with probability below
one in a million.""",
    cases=(
        _shapes,
        same_seed_case(lambda submission, seed: _samples(submission, 50, seed), "samples"),
        _label_frequencies,
        _points_match_labels,
        _covariances,
    ),
    rng_calls="rng.choice(...), rng.multivariate_normal(...), rng.standard_normal(...)",
    references=("sample_mixture",),
)

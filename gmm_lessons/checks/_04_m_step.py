"""Lesson 04's exercise: Bishop's M-step, ``m_step``."""

import numpy as np

from ..em import e_step as reference_e_step
from ..em import m_step as reference_m_step
from ._data import THREE_COMPONENTS, points
from ._harness import CheckFailed, Exercise, argument_names
from ._results import as_array, as_tuple, assert_finite, close, diagnose, expected_got, fmt

SIGNATURE = "fn(data, responsibilities) -> (weights, means, covariances)"
# The lesson's name for X, which messages use.
DATA = argument_names(SIGNATURE)[0]


def _inputs():
    """Ten points in three clusters and soft responsibilities with unequal N_k."""
    X = points(THREE_COMPONENTS, 10, seed=4)
    broad = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1]), "covariances": 4.0 * np.array([np.eye(2)] * 3)}
    return {"X": X, "responsibilities": reference_e_step(X, **broad)}


def _expected(inputs):
    """Bishop's M-step, without regularisation: (weights, means, covariances)."""
    return reference_m_step(**inputs, reg_covar=0)


def _outputs(submission, inputs):
    """The learner's (weights, means, covariances), each of the right shape."""
    weights, means, covariances = as_tuple(submission(inputs), ("weights", "means", "covariances"))
    n_samples, n_features = inputs["X"].shape
    n_components = inputs["responsibilities"].shape[1]
    out_of_order = "that is the shape of the {} - return weights, means, covariances in this order"
    weights = as_array(
        weights,
        "weights",
        "(n_components,)",
        (n_components,),
        hints={
            (n_samples,): "you summed over components; N_k sums the responsibilities over samples: "
            "responsibilities.sum(axis=0)",
            (n_components, n_features): out_of_order.format("means"),
        },
    )
    means = as_array(
        means,
        "means",
        "(n_components, n_features)",
        (n_components, n_features),
        hints={(n_components,): out_of_order.format("weights")},
    )
    covariances = as_array(
        covariances, "covariances", "(n_components, n_features, n_features)", (n_components, n_features, n_features)
    )
    if close(weights, _hard_weights(inputs["responsibilities"])):
        raise CheckFailed(
            "your weights count the samples whose largest responsibility is gamma(z_nk) (a hard assignment by "
            "argmax, as k-means does) - the M-step weights every sample by all of its responsibilities: "
            "N_k = responsibilities.sum(axis=0), with no argmax or one-hot rows"
        )
    for name, values in (("weights", weights), ("means", means), ("covariances", covariances)):
        assert_finite(values, name, "look for a division by a sum that is 0 (0 / 0) or the log of 0")
    return weights, means, covariances


def _hard_weights(responsibilities):
    """The weights of a hard-assignment M-step: the share of samples whose most responsible component is k."""
    n_components = responsibilities.shape[1]
    return np.bincount(responsibilities.argmax(axis=1), minlength=n_components) / responsibilities.shape[0]


def _shapes(submission):
    """weights (3,), means (3, 2), covariances (3, 2, 2) from 10 samples."""
    _outputs(submission, _inputs())


def _agrees_with_bishop(part, equation, mismatch):
    """A case: the learner's weights (part 0), means (1) or covariances (2) against Bishop's M-step.

    ``mismatch(inputs, got, expected)`` says what is wrong with a part that differs.
    """

    def case(submission):
        inputs = _inputs()
        got = _outputs(submission, inputs)[part]
        expected = _expected(inputs)[part]
        if not close(got, expected):
            raise CheckFailed(mismatch(inputs, got, expected))

    case.__name__ = mismatch.__name__.replace("_mismatch", "")
    case.__doc__ = f"{equation}."
    return case


def _weights_mismatch(inputs, weights, expected):
    N_k = inputs["responsibilities"].sum(axis=0)
    n_samples, n_components = inputs["responsibilities"].shape
    if close(weights, N_k):
        return (
            f"weights are N_k = {fmt(N_k)} (they sum to N = {n_samples}), not N_k / N - "
            "divide by the number of samples"
        )
    if close(weights, 1.0 / n_components):
        return "weights are all 1 / n_components - compute them from the responsibilities: pi_k = N_k / N"
    if not close(weights.sum(), 1.0):
        return (
            f"weights sum to {weights.sum():.4g}, not 1 - "
            "pi_k = N_k / N with N_k = responsibilities.sum(axis=0) and N the number of samples"
        )
    return f"weights: {expected_got(expected, weights)} - pi_k = N_k / N"


def _means_mismatch(inputs, means, expected):
    X, gamma = inputs["X"], inputs["responsibilities"]
    weighted_sums = gamma.T @ X
    wrong_answers = [
        (
            weighted_sums / X.shape[0],
            ("means are divided by N (the number of samples) instead of N_k - "
            "mu_k = sum_n gamma(z_nk) x_n / N_k with N_k = responsibilities[:, k].sum()"),
        ),
        (weighted_sums, "means are sum_n gamma(z_nk) x_n, not divided by N_k - mu_k = sum_n gamma(z_nk) x_n / N_k"),
        (
            np.repeat(X.mean(axis=0, keepdims=True), gamma.shape[1], axis=0),
            (f"every mean is the plain average of {DATA} - weight each sample by its responsibility: "
            "mu_k = sum_n gamma(z_nk) x_n / N_k"),
        ),
    ]
    default = f"means: {expected_got(expected, means)} - mu_k = sum_n gamma(z_nk) x_n / N_k"
    return diagnose(means, wrong_answers, default)


def _scatter(X, weights, centres, divisors):
    """sum_n w_nk (x_n - c_k)(x_n - c_k)^T / divisor_k for each k, shape (K, d, d)."""
    centred = X[np.newaxis] - centres[:, np.newaxis]  # (K, n, d)
    return np.einsum("nk,kni,knj->kij", weights, centred, centred) / np.reshape(divisors, (-1, 1, 1))


def _wrong_covariances(inputs, covariances):
    """(covariances a known mistake gives, what it tells the learner) pairs, for the learner's covariances."""
    X, gamma = inputs["X"], inputs["responsibilities"]
    _, means, expected = _expected(inputs)
    n_samples, n_components = gamma.shape
    N_k = gamma.sum(axis=0)
    unweighted = np.ones_like(gamma)
    global_mean = np.repeat(X.mean(axis=0, keepdims=True), n_components, axis=0)
    # np.cov(X.T, aweights=gamma[:, k]) divides by N_k - sum_n gamma_nk^2 / N_k.
    unbiased = expected * (N_k / (N_k - (gamma**2).sum(axis=0) / N_k))[:, np.newaxis, np.newaxis]
    not_weighted = (
        "covariances are not weighted by the responsibilities - multiply each "
        "(x_n - mu_k)(x_n - mu_k)^T by gamma(z_nk) before summing"
    )
    wrong_centre = (
        "covariances are centred on {} rather than the new mu_k - use "
        f"diff = {DATA} - means[k] with the means of this M-step"
    )
    # A regulariser adds the same constant to every diagonal entry: their mean offset.
    regularised = np.diagonal(covariances - expected, axis1=1, axis2=2).mean() * np.eye(X.shape[1])
    return [
        (_scatter(X, unweighted, means, N_k), not_weighted),
        (_scatter(X, unweighted, means, np.full(n_components, n_samples)), not_weighted),
        (np.repeat(np.cov(X.T)[np.newaxis], n_components, axis=0), not_weighted),
        (_scatter(X, gamma, global_mean, N_k), wrong_centre.format(f"the mean of all of {DATA}")),
        (_scatter(X, gamma, np.zeros_like(means), N_k), wrong_centre.format("zero (not centred at all)")),
        (
            _scatter(X, gamma, means, np.full(n_components, n_samples)),
            "covariances are divided by N (the number of samples) instead of N_k",
        ),
        (
            unbiased,
            ("covariances have a bias correction, as np.cov gives by default - Bishop (9.25) "
            "divides by N_k: use np.cov(..., aweights=..., bias=True) or compute the weighted sum / N_k"),
        ),
        (
            expected + regularised,
            (f"covariances have {regularised[0, 0]:.2g} added to the diagonal - this exercise is "
            "Bishop's M-step without regularisation (reg_covar = 0); leave it out"),
        ),
    ]


def _covariances_mismatch(inputs, covariances, expected):
    default = (
        f"covariances: {expected_got(expected, covariances)} - "
        "Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k"
    )
    return diagnose(covariances, _wrong_covariances(inputs, covariances), default)


EXERCISE = Exercise(
    name="m_step",
    lesson="04",
    title="M-step",
    signature=SIGNATURE,
    about="""\
``fn`` takes data (n_samples, n_features) and responsibilities (n_samples,
n_components); it returns a tuple of weights (n_components,), means
(n_components, n_features) and covariances (n_components, n_features,
n_features). They are compared with Bishop's M-step, (9.24)-(9.27), without
regularisation (``gmm_lessons.m_step(data, responsibilities, reg_covar=0)``).""",
    cases=(
        _shapes,
        _agrees_with_bishop(0, "pi_k = N_k / N, Bishop (9.26)", _weights_mismatch),
        _agrees_with_bishop(1, "mu_k = sum_n gamma(z_nk) x_n / N_k, Bishop (9.24)", _means_mismatch),
        _agrees_with_bishop(
            2, "Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k, Bishop (9.25)", _covariances_mismatch
        ),
    ),
    references=("m_step", "em.m_step_by_component"),
)

"""Lesson 03's exercise: the responsibilities by Bayes' rule, ``e_step``."""

import numpy as np
from scipy.special import logsumexp, softmax

from ..em import e_step as reference_e_step
from ..em import log_mixture_density
from ..gaussian import log_gaussian_density
from ._data import FAR, MIXTURE_ARGUMENTS, THREE_COMPONENTS, TWO_COMPONENTS, far_point_inputs, log_weighted, points
from ._harness import CheckFailed, Exercise
from ._results import (
    as_array,
    assert_finite,
    close,
    diagnose,
    expected_got,
    fmt,
    judge_far_point,
    single_precision_rounding,
)


def _responsibilities(submission, inputs):
    shape = (inputs["X"].shape[0], inputs["weights"].shape[0])
    return as_array(submission(inputs), "responsibilities", "(n_samples, n_components)", shape)


def _bayes_rule_mismatch(gamma, inputs):
    """What is wrong with responsibilities gamma that differ from the reference."""
    expected = reference_e_step(**inputs)
    _, log_det = np.linalg.slogdet(inputs["covariances"])
    if close(gamma, softmax(log_weighted(inputs) + 0.5 * log_det, axis=1)):
        return (
            "your Gaussian densities leave out the factor |Sigma_k|^(-1/2) - it does not cancel "
            "between components of different sizes; only (2 pi)^(-d/2) does"
        )
    if close(gamma, np.eye(gamma.shape[1])[expected.argmax(axis=1)]):
        return (
            "your responsibilities are hard assignments (1 for the most probable component, 0 elsewhere, as "
            "k-means assigns points) - the E-step keeps the posterior probabilities themselves: "
            "gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j), without argmax"
        )
    n = int(np.argmax(np.abs(gamma - expected).max(axis=1)))
    mismatch = (
        f"your responsibilities differ from Bayes' rule (Bishop 9.23): for x = {fmt(inputs['X'][n])} "
        f"{expected_got(expected[n], gamma[n])}"
    )
    if single_precision_rounding(gamma, expected):
        return mismatch
    return f"{mismatch} - gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)"


def _shape(submission):
    """Six samples, two components: shape (6, 2), not its transpose."""
    inputs = {"X": points(TWO_COMPONENTS, 6, seed=1), **TWO_COMPONENTS}
    assert_finite(_responsibilities(submission, inputs), "responsibilities")


def _rows_sum_to_one(submission):
    """Each row is a distribution over components.

    Three samples and three components, so that dividing by sums over the
    wrong axis, or without keepdims, broadcasts without an error.
    """
    inputs = {"X": points(THREE_COMPONENTS, 3, seed=2), **THREE_COMPONENTS}
    gamma = _responsibilities(submission, inputs)
    assert_finite(gamma, "responsibilities")
    row_sums = gamma.sum(axis=1)
    if close(row_sums, 1.0):
        return
    if close(gamma.sum(axis=0), 1.0):
        message = (
            "each column of your responsibilities sums to 1, not each row - you normalised over samples "
            "(axis=0); normalise over components: axis=1, keepdims=True"
        )
    elif close(logsumexp(gamma, axis=1), 0.0):
        message = (
            "your responsibilities look like log responsibilities (the exps of each row sum to 1) - "
            "return np.exp of them"
        )
    elif close(row_sums, np.exp(log_mixture_density(**inputs))):
        message = (
            "each row sums to the mixture density p(x_n), not 1 - you computed "
            "pi_k N(x_n | mu_k, Sigma_k) but did not divide by its sum over components"
        )
    else:
        message = (
            f"rows of your responsibilities sum to {fmt(row_sums)} not 1 - "
            "did you normalise over components (axis=1, keepdims=True)?"
        )
    raise CheckFailed(message)


def _uses_weights(submission):
    """Unequal weights [0.9, 0.1], points on the segment between the means."""
    mixture = {**TWO_COMPONENTS, "weights": np.array([0.9, 0.1])}
    inputs = {"X": np.linspace(*mixture["means"], 5), **mixture}
    gamma = _responsibilities(submission, inputs)
    if close(gamma, reference_e_step(**inputs)):
        return
    log_density = log_gaussian_density(inputs["X"], mixture["means"], mixture["covariances"])
    weights = mixture["weights"]
    in_log_space = "in log space add ln pi_k: log_density + np.log(weights)"
    wrong_answers = [
        (
            softmax(log_density, axis=1),
            (f"your responsibilities ignore the mixing weights pi_k: with weights {fmt(weights)} "
            "they equal those for equal weights - multiply each density by weights[k] "
            "(in log space: add np.log(weights[k]))"),
        ),
        (softmax(log_density + weights, axis=1), f"you added pi_k to the log-densities - {in_log_space}"),
        (softmax(log_density * weights, axis=1), f"you multiplied the log-densities by pi_k - {in_log_space}"),
    ]
    raise CheckFailed(diagnose(gamma, wrong_answers, _bayes_rule_mismatch(gamma, inputs)))


def _matches_bayes_rule(submission):
    """Three components of different sizes and eight points: Bayes' rule exactly."""
    inputs = {"X": points(THREE_COMPONENTS, 8, seed=3), **THREE_COMPONENTS}
    gamma = _responsibilities(submission, inputs)
    if not close(gamma, reference_e_step(**inputs)):
        raise CheckFailed(_bayes_rule_mismatch(gamma, inputs))


def _far_from_components(submission):
    """A point 40 standard deviations from every component: densities underflow to 0."""
    inputs = far_point_inputs()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        gamma = _responsibilities(submission, inputs)
    expected = reference_e_step(**inputs)
    judge_far_point(
        gamma,
        expected,
        where=f"for a point {FAR} standard deviations from every component",
        shown=(expected[-1], gamma[-1]),
        not_finite=(
            f"a point {FAR} standard deviations from every component gave NaN - its densities underflow "
            "to 0 and 0 / 0 is NaN; compute log densities and use log-sum-exp (scipy.special.logsumexp) "
            "instead of dividing densities"
        ),
        constant_added=(
            "a small constant added to the densities hides the 0 / 0 but gives the "
            "wrong answer; compute log densities and use log-sum-exp (scipy.special.logsumexp)"
        ),
    )

EXERCISE = Exercise(
    name="e_step",
    lesson="03",
    title="E-step",
    signature="fn(data, weights, means, covariances) -> responsibilities",
    about=f"``fn`` takes {MIXTURE_ARGUMENTS}; it returns the responsibilities gamma(z_nk) as an array of shape "
    "(n_samples, n_components), compared with Bayes' rule (Bishop 9.23).",
    cases=(_shape, _rows_sum_to_one, _uses_weights, _matches_bayes_rule, _far_from_components),
    references=("e_step", "em.e_step_by_component"),
)

"""Lesson 02's exercise: the log-likelihood of a mixture, ``log_likelihood``."""

import numpy as np
from scipy.special import logsumexp

from ..em import log_likelihood as reference_log_likelihood
from ..em import log_mixture_density
from ._data import FAR, MIXTURE_ARGUMENTS, THREE_COMPONENTS, TWO_COMPONENTS, far_point_inputs, log_weighted, points
from ._harness import CheckFailed, Exercise
from ._results import (
    as_number,
    assert_finite,
    close,
    diagnose,
    expected_got,
    fmt,
    judge_far_point,
)


def _value(submission, inputs):
    """The learner's log-likelihood as a float."""
    n_samples, n_components = inputs["X"].shape[0], inputs["weights"].shape[0]
    return as_number(
        submission(inputs),
        "ln p(X)",
        hints={
            (n_samples,): "you returned one value per sample (shape {shape}) instead of the total - "
            "sum them: ln p(X) = sum_n ln p(x_n)",
            (n_samples, n_components): "you returned one value per sample and component (shape {shape}) - "
            "combine the components with log-sum-exp, then sum over samples",
        },
    )


def _is_a_number(submission):
    """Six samples: one number, not one per sample."""
    inputs = {"X": points(TWO_COMPONENTS, 6, seed=5), **TWO_COMPONENTS}
    assert_finite(_value(submission, inputs), "log-likelihood value")


def _wrong_values(inputs, expected):
    """(value a known mistake gives, what it tells the learner) pairs."""
    log_mixture = log_mixture_density(**inputs)
    weighted = log_weighted(inputs)
    log_density = weighted - np.log(inputs["weights"])
    n_components = inputs["weights"].shape[0]
    ignored_weights = (
        f"your value ignores the mixing weights pi_k (weights {fmt(inputs['weights'])}) - "
        "ln p(x_n) = ln sum_k pi_k N(x_n | mu_k, Sigma_k)"
    )
    log_inside = (
        "you took the log of each component's term and summed over components - "
        "ln p(x_n) is the log of the sum, ln sum_k pi_k N(x_n | mu_k, Sigma_k): use logsumexp over components"
    )
    return [
        (
            np.exp(log_mixture).sum(),
            "you summed the densities p(x_n) without taking logs - the log-likelihood is sum_n ln p(x_n)",
        ),
        (
            np.exp(log_mixture.sum()),
            ("you returned the likelihood, the product of the p(x_n) - take logs and sum "
            "them: sum_n ln p(x_n) (a product of many densities underflows to 0)"),
        ),
        (log_mixture.mean(), "you averaged ln p(x_n) over samples - return their sum"),
        (-expected, "you returned minus the log-likelihood - return ln p(X) itself"),
        (logsumexp(log_density, axis=1).sum(), ignored_weights),
        (logsumexp(log_density, axis=1).sum() - len(log_mixture) * np.log(n_components), ignored_weights),
        (weighted.sum(), log_inside),
        ((inputs["weights"] * log_density).sum(), log_inside),
    ]


def _matches(submission):
    """Three components with unequal weights: sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), Bishop (9.14)."""
    mixture = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1])}
    inputs = {"X": points(mixture, 8, seed=6), **mixture}
    value = _value(submission, inputs)
    expected = reference_log_likelihood(**inputs)
    if close(value, expected):
        return
    raise CheckFailed(
        diagnose(
            value,
            _wrong_values(inputs, expected),
            f"{expected_got(expected, value)} - ln p(X) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), Bishop (9.14)",
        )
    )


def _far_from_components(submission):
    """A point 40 standard deviations from every component: its density underflows to 0."""
    inputs = far_point_inputs()
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        value = _value(submission, inputs)
    expected = reference_log_likelihood(**inputs)
    judge_far_point(
        value,
        expected,
        where=f"with a point {FAR} standard deviations from every component",
        shown=(expected, value),
        not_finite=(
            f"with a point {FAR} standard deviations from every component you returned {value} - "
            "its density underflows to 0 and ln 0 = -inf; compute ln pi_k + ln N(x_n | mu_k, Sigma_k) and "
            "combine them with log-sum-exp (scipy.special.logsumexp) instead of summing densities"
        ),
        constant_added=(
            "a small constant added to the densities hides ln 0 but gives the wrong value; use log-sum-exp "
            "(scipy.special.logsumexp) on ln pi_k + ln N(x_n | mu_k, Sigma_k)"
        ),
    )

EXERCISE = Exercise(
    name="log_likelihood",
    lesson="02",
    title="log-likelihood",
    signature="fn(data, weights, means, covariances) -> float",
    about=f"``fn`` takes {MIXTURE_ARGUMENTS}; it returns ln p(X) = sum_n ln p(x_n), a number (Bishop 9.14).",
    cases=(_is_a_number, _matches, _far_from_components),
    references=("log_likelihood", "log_mixture_density"),
)

"""Lesson 10's exercise: the lower bound L(q, theta) of EM, ``lower_bound``."""

import numpy as np

from ..em import e_step as reference_e_step
from ..em import log_likelihood as reference_log_likelihood
from ..em import lower_bound as reference_lower_bound
from ._data import THREE_COMPONENTS, log_weighted, points
from ._harness import CheckFailed, Exercise
from ._results import as_number, close, diagnose

N_SAMPLES = 8
# A broad mixture whose E-step gives soft responsibilities that are not THREE_COMPONENTS' own.
BROAD = {**THREE_COMPONENTS, "weights": np.array([0.2, 0.3, 0.5]), "covariances": 4.0 * np.array([np.eye(2)] * 3)}


def _inputs(responsibilities_from):
    """Eight points of THREE_COMPONENTS with unequal weights, and q = the E-step of ``responsibilities_from``."""
    mixture = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1])}
    data = points(mixture, N_SAMPLES, seed=10)
    q = reference_e_step(data, **(mixture if responsibilities_from is None else responsibilities_from))
    return {"data": data, **mixture, "responsibilities": q}


def _value(submission, inputs):
    """The learner's L(q, theta) as a float."""
    n_components = inputs["weights"].shape[0]
    per_sample = ("you returned one value per {what} (shape {{shape}}) - L(q, theta) is one number: "
                  "sum over both samples n and components k")
    return as_number(
        submission(inputs),
        "L(q, theta)",
        hints={
            (N_SAMPLES,): per_sample.format(what="sample"),
            (n_components,): per_sample.format(what="component"),
            (N_SAMPLES, n_components): per_sample.format(what="sample and component"),
        },
    )


BISHOP = "L(q, theta) = sum_n sum_k q_nk [ln pi_k + ln N(x_n | mu_k, Sigma_k) - ln q_nk], Bishop (9.71)"


def _wrong_values(inputs):
    """(value a known mistake gives, what it tells the learner) pairs."""
    q = inputs["responsibilities"]
    log_joint = log_weighted({"X": inputs["data"], **inputs})
    log_density = log_joint - np.log(inputs["weights"])
    entropy = -(q * np.log(q)).sum()
    expected = reference_lower_bound(inputs["data"], inputs["weights"], inputs["means"], inputs["covariances"], q)
    mixture = {"X": inputs["data"], "weights": inputs["weights"], "means": inputs["means"],
               "covariances": inputs["covariances"]}
    without_entropy = (
        "you left out the entropy term - subtract q_nk ln q_nk inside the sum: "
        "L = sum_nk q_nk [ln pi_k + ln N(x_n | mu_k, Sigma_k) - ln q_nk]"
    )
    entropy_sign = "the entropy term has the wrong sign - it is minus q_nk ln q_nk, which is >= 0 and raises L"
    without_log_weights = (
        "you left out ln pi_k - the joint is pi_k N(x_n | mu_k, Sigma_k), "
        "so each term needs ln pi_k + ln N(x_n | mu_k, Sigma_k)"
    )
    densities = (
        "you used the densities pi_k N(x_n | mu_k, Sigma_k) instead of their logs - "
        "use ln pi_k + ln N(x_n | mu_k, Sigma_k)"
    )
    own_responsibilities = (
        "you returned the log-likelihood ln p(X | theta): did you ignore the responsibilities argument and "
        "use the E-step's own? L must use the q it is given"
    )
    return [
        ((q * log_joint).sum(), without_entropy),
        ((q * log_joint).sum() - entropy, entropy_sign),
        ((q * (log_density - np.log(q))).sum(), without_log_weights),
        ((q * (np.exp(log_joint) - np.log(q))).sum(), densities),
        ((q * (np.log(inputs["weights"]) + np.exp(log_density) - np.log(q))).sum(),
         "you used the density N(x_n | mu_k, Sigma_k) instead of its log - use its log-density"),
        (reference_log_likelihood(**mixture), own_responsibilities),
        (expected / N_SAMPLES, "you averaged over the samples - return the sum over n (and k)"),
        (expected / q.size, "you averaged over samples and components - return the sum over n and k"),
        (-expected, "you returned minus L(q, theta) - return L itself"),
    ]


def _touches_at_the_e_step(submission):
    """q = the E-step's responsibilities: L(q, theta) equals ln p(X | theta) (KL = 0), Bishop (9.70)."""
    inputs = _inputs(None)
    value = _value(submission, inputs)
    expected = reference_log_likelihood(inputs["data"], inputs["weights"], inputs["means"], inputs["covariances"])
    if not np.isfinite(value):
        raise CheckFailed(f"you returned {value} on ordinary inputs - look for 0 * ln 0, ln of a negative number "
                          "or the log of densities that underflowed")
    if not close(value, expected):
        raise CheckFailed(diagnose(value, _wrong_values(inputs),
                                   f"with q = the E-step's responsibilities L must equal ln p(X | theta) = "
                                   f"{expected:.6g} (KL = 0), got {value:.6g} - {BISHOP}"))


def _matches_for_another_q(submission):
    """q from another mixture's E-step: the double sum of (9.71), below ln p(X | theta)."""
    inputs = _inputs(BROAD)
    value = _value(submission, inputs)
    expected = reference_lower_bound(*inputs.values())
    if not close(value, expected):
        raise CheckFailed(diagnose(value, _wrong_values(inputs),
                                   f"expected {expected:.6g}, got {value:.6g} - {BISHOP}"))


def _zero_responsibilities(submission):
    """One-hot q (hard assignments): every q_nk = 0 term is 0 ln 0 = 0."""
    inputs = _inputs(None)
    inputs["responsibilities"] = np.eye(3)[inputs["responsibilities"].argmax(axis=1)]
    with np.errstate(divide="ignore", invalid="ignore"):
        value = _value(submission, inputs)
    expected = reference_lower_bound(*inputs.values())
    if np.isnan(value):
        raise CheckFailed("with q_nk = 0 you returned nan - q ln q is 0 * (-inf) = nan in floating point, but "
                          "its limit is 0 ln 0 = 0: use scipy.special.xlogy(q, q), or sum only where q > 0")
    if not close(value, expected):
        raise CheckFailed(diagnose(value, [], f"with one-hot q expected {expected:.6g}, got {value:.6g} - "
                                              f"the q_nk = 0 terms count 0; {BISHOP}"))


EXERCISE = Exercise(
    name="lower_bound",
    lesson="10",
    title="lower bound L(q, theta)",
    signature="fn(data, weights, means, covariances, responsibilities) -> float",
    about=("``fn`` takes data (n_samples, n_features), weights (n_components,), means (n_components, n_features), "
           "covariances (n_components, n_features, n_features) and responsibilities q (n_samples, n_components); "
           f"it returns {BISHOP.replace(', Bishop (9.71)', '')}, one number, with 0 ln 0 = 0 (Bishop 9.71)."),
    cases=(_touches_at_the_e_step, _matches_for_another_q, _zero_responsibilities),
    references=("lower_bound",),
)

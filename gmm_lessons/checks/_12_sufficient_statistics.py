"""Lesson 12's exercise: the sufficient statistics of the M-step, ``sufficient_statistics``."""

import numpy as np

from ..em import e_step as reference_e_step
from ..streaming import sufficient_statistics as reference_statistics
from ._data import THREE_COMPONENTS, points
from ._harness import CheckFailed, Exercise, argument_names
from ._results import as_array, as_tuple, assert_finite, close, diagnose, expected_got

SIGNATURE = "fn(data, responsibilities) -> (N_k, sum_x, sum_xx)"
# The lesson's name for X, which messages use.
DATA = argument_names(SIGNATURE)[0]
NAMES = ("N_k", "sum_x", "sum_xx")
EQUATIONS = {
    "N_k": "N_k = sum_n gamma(z_nk)",
    "sum_x": "sum_x[k] = sum_n gamma(z_nk) x_n",
    "sum_xx": "sum_xx[k] = sum_n gamma(z_nk) x_n x_n^T",
}


def _inputs():
    """Ten points in three clusters and soft responsibilities with unequal N_k."""
    X = points(THREE_COMPONENTS, 10, seed=12)
    broad = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1]), "covariances": 4.0 * np.array([np.eye(2)] * 3)}
    return {"X": X, "responsibilities": reference_e_step(X, **broad)}


def _outputs(submission, inputs):
    """The learner's (N_k, sum_x, sum_xx), each of the right shape and finite."""
    result = as_tuple(submission(inputs), NAMES)
    n_samples, n_features = inputs["X"].shape
    n_components = inputs["responsibilities"].shape[1]
    K, d = n_components, n_features
    N_k = as_array(result[0], "N_k", "(n_components,)", (K,), hints={
        (n_samples,): "you summed over the components; N_k sums the responsibilities over the samples: "
                      "responsibilities.sum(axis=0)"})
    sum_x = as_array(result[1], "sum_x", "(n_components, n_features)", (K, d), hints={
        (d,): "you summed over the samples without weighting per component - one weighted sum per component: "
              f"responsibilities.T @ {DATA}"})
    sum_xx = as_array(result[2], "sum_xx", "(n_components, n_features, n_features)", (K, d, d), hints={
        (d, d): "you summed the outer products over the components too - keep one (d, d) matrix per component",
        (K, d): "these are squares x_ni^2, one per feature - sum_xx needs the whole outer product x_n x_n^T "
                "(a (d, d) matrix per component), cross terms x_ni x_nj included",
        (n_samples, d, d): "one outer product per sample - weight each by gamma(z_nk) and sum over the samples n",
        (K, n_samples, d, d): "you kept every sample's weighted outer product - sum them over the samples n"})
    for name, values in zip(NAMES, (N_k, sum_x, sum_xx)):
        assert_finite(values, name, "look for a division by a sum that is 0 or the log of 0")
    return N_k, sum_x, sum_xx


def _shapes(submission):
    """N_k (3,), sum_x (3, 2), sum_xx (3, 2, 2) from 10 samples."""
    _outputs(submission, _inputs())


def _wrong_answers(inputs, part):
    """(what a known mistake gives, what it tells the learner) pairs for one of the statistics."""
    X, gamma = inputs["X"], inputs["responsibilities"]
    n_samples, n_components = gamma.shape
    N_k, sum_x, _ = reference_statistics(X, gamma)
    means = sum_x / N_k[:, np.newaxis]
    unweighted_note = f"weight each sample by gamma(z_nk): {EQUATIONS[part]}"
    normalised = ("you divided by N_k - that is already a step of the M-step; the statistics are plain sums, which "
                  "add over chunks (a mean of one chunk and a mean of another do not add up)")

    def outer(weights, centres):  # sum_n w_nk (x_n - c_k)(x_n - c_k)^T, shape (K, d, d)
        centred = X[np.newaxis] - centres[:, np.newaxis]
        return np.einsum("nk,kni,knj->kij", weights, centred, centred)

    if part == "N_k":
        hard = np.bincount(gamma.argmax(axis=1), minlength=n_components).astype(float)
        return [
            (hard, ("you counted the samples whose largest responsibility is gamma(z_nk) (a hard assignment) - "
                    "add every sample's responsibility: N_k = responsibilities.sum(axis=0)")),
            (N_k / n_samples, "these are the weights pi_k = N_k / N - return N_k itself, not divided by N"),
            (np.full(n_components, float(n_samples)), f"every N_k is N - {unweighted_note}"),
        ]
    if part == "sum_x":
        plain = np.repeat(X.sum(axis=0, keepdims=True), n_components, axis=0)
        return [
            (plain, f"every sum_x[k] is the plain sum of {DATA} - {unweighted_note}"),
            (means, normalised),
            (sum_x / n_samples, "you divided by N - the statistics are plain sums"),
        ]
    zeros = np.zeros_like(means)
    return [
        (outer(np.ones_like(gamma), zeros), f"every sum_xx[k] is the unweighted sum of x_n x_n^T - {unweighted_note}"),
        (outer(gamma**2, zeros), ("your outer products are weighted by gamma(z_nk)^2 - (gamma x)(gamma x)^T squares "
                                  "the weight; weight x_n x_n^T by gamma(z_nk) once")),
        (outer(gamma, means), ("you centred x_n on mu_k - sum_xx is the raw sum of x_n x_n^T; the M-step subtracts "
                               "mu_k mu_k^T itself, and a stream has no mu_k before its end")),
        (outer(gamma, zeros) / N_k[:, np.newaxis, np.newaxis], normalised),
        (outer(gamma, means) / N_k[:, np.newaxis, np.newaxis],
         "these are the covariances Sigma_k - return the raw sum sum_n gamma(z_nk) x_n x_n^T"),
        (sum_x[:, :, np.newaxis] * sum_x[:, np.newaxis, :],
         "you took the outer product of the sums, sum_x[k] sum_x[k]^T - sum the outer products instead"),
    ]


def _agrees(part):
    """A case: the learner's N_k (part 0), sum_x (1) or sum_xx (2) against the reference."""
    name = NAMES[part]

    def case(submission):
        inputs = _inputs()
        got = _outputs(submission, inputs)[part]
        expected = reference_statistics(inputs["X"], inputs["responsibilities"])[part]
        if not close(got, expected):
            default = f"{name}: {expected_got(expected, got)} - {EQUATIONS[name]}"
            raise CheckFailed(diagnose(got, _wrong_answers(inputs, name), default))

    case.__name__ = f"{name}_agrees"
    case.__doc__ = f"{EQUATIONS[name]}."
    return case


EXERCISE = Exercise(
    name="sufficient_statistics",
    lesson="12",
    title="sufficient statistics",
    signature=SIGNATURE,
    about="""\
``fn`` takes data (n_samples, n_features) and responsibilities (n_samples,
n_components); it returns a tuple of N_k (n_components,), sum_x
(n_components, n_features) and sum_xx (n_components, n_features,
n_features): the sums sum_n gamma(z_nk), sum_n gamma(z_nk) x_n and
sum_n gamma(z_nk) x_n x_n^T, compared with
``gmm_lessons.sufficient_statistics(data, responsibilities)``.""",
    cases=(_shapes, _agrees(0), _agrees(1), _agrees(2)),
    references=("sufficient_statistics", "streaming.statistics_by_component"),
)

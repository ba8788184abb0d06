"""Lesson 07's exercise: counting a mixture's free parameters, ``n_parameters``."""

import numpy as np

from ..selection import n_parameters as reference_n_parameters
from ._harness import CheckFailed, Exercise, describe
from ._results import not_none

# Every covariance type is compared for K = 1..6 components and d = 1..5 features.
GRID_COMPONENTS, GRID_FEATURES = (axis.ravel() for axis in np.meshgrid(np.arange(1, 7), np.arange(1, 6), indexing="ij"))
SYMMETRIC = "a symmetric d x d matrix has d(d+1)/2 free entries (the diagonal and one triangle), not d * d"
PER_COMPONENT = "tied covariances are one matrix shared by all K components: d(d+1)/2 in total, not per component"


def _covariance_counts(K, d, covariance_type):
    """Covariance parameters of a type: the right count, what it is, and (wrong count, why it is wrong) pairs."""
    symmetric = d * (d + 1) // 2
    return {
        "full": (K * symmetric, "K d(d+1)/2: each Sigma_k is a symmetric d x d matrix", [(K * d * d, SYMMETRIC)]),
        "diag": (
            K * d,
            "K d: each Sigma_k has its d variances on the diagonal and nothing else",
            [(K * symmetric, "a diagonal Sigma_k has only its d variances: d per component, not d(d+1)/2")],
        ),
        "spherical": (
            K,
            "K: each Sigma_k = sigma_k^2 I has a single variance",
            [(K * d, "a spherical Sigma_k = sigma_k^2 I has a single variance: 1 parameter per component, not d")],
        ),
        "tied": (
            symmetric,
            "d(d+1)/2: all K components share one full matrix",
            [(d * d, SYMMETRIC), (K * symmetric, PER_COMPONENT), (K * d * d, f"{PER_COMPONENT}; and {SYMMETRIC}")],
        ),
    }[covariance_type]


def _count(submission, num_components, num_features, covariance_type):
    """The learner's count, checked to be an int."""
    arguments = {"num_components": num_components, "num_features": num_features, "covariance_type": covariance_type}
    result = submission(arguments)
    not_none(result, "return p")
    if isinstance(result, (int, np.integer)) and not isinstance(result, bool):
        return int(result)
    call = f"{submission.exercise.name}({num_components}, {num_features}, {covariance_type!r})"
    if isinstance(result, (float, np.floating)):
        hint = (
            "a count is a whole number, an int: divide with // (d * (d + 1) // 2), which keeps integers integers"
            if float(result).is_integer()
            else "a count of parameters is a whole number, and so is d(d+1)/2"
        )
        raise CheckFailed(f"{call} returned {float(result)!r}, a float - {hint}")
    raise CheckFailed(f"{call} returned {describe(result)} - return the number of parameters, an int")


def _mismatch(name, counts, expected, covariance_type):
    """Which mistake, in the weights or the covariances, explains every wrong count of the learner's ``name``."""
    K, d = GRID_COMPONENTS, GRID_FEATURES
    right_covariance, what_it_is, wrong_covariances = _covariance_counts(K, d, covariance_type)
    n = int(np.argmax(counts != expected))
    example = f"{name}({K[n]}, {d[n]}, {covariance_type!r}) returned {counts[n]}, expected {expected[n]}"
    weights = [(K - 1, []), (K, ["there are K weights, but they sum to 1, so only K - 1 are free"])]
    covariances = [(right_covariance, [])] + [(count, [why]) for count, why in wrong_covariances]
    for weight_count, weight_mistakes in weights:
        for covariance_count, covariance_mistakes in covariances:
            if np.array_equal(counts, weight_count + K * d + covariance_count):
                return f"{example} - " + "; and ".join(weight_mistakes + covariance_mistakes)
    return (
        f"{example}: {K[n] - 1} weights (K of them, but they sum to 1) + {K[n] * d[n]} means + "
        f"{right_covariance[n]} covariance parameters ({what_it_is})"
    )


def _counts_agree(covariance_type, formula):
    """A case: the counts of this type for K = 1..6 and d = 1..5 against the reference."""

    def case(submission):
        grid = list(zip(GRID_COMPONENTS.tolist(), GRID_FEATURES.tolist()))
        counts = np.array([_count(submission, K, d, covariance_type) for K, d in grid])
        expected = np.array([reference_n_parameters(K, d, covariance_type) for K, d in grid])
        if not np.array_equal(counts, expected):
            raise CheckFailed(_mismatch(submission.exercise.name, counts, expected, covariance_type))

    case.__name__ = f"counts_{covariance_type}"
    case.__doc__ = f'covariance_type="{covariance_type}": {formula}, for K = 1..6 and d = 1..5.'
    return case


def _is_an_int(submission):
    """n_parameters(3, 2, "full") is an int, not a float or an array."""
    _count(submission, 3, 2, "full")


EXERCISE = Exercise(
    name="n_parameters",
    lesson="07",
    title="parameter count",
    signature="fn(num_components, num_features, covariance_type) -> int",
    about="""\
``fn`` takes num_components K, num_features d and covariance_type, one of
"full", "diag", "spherical", "tied"; it returns the number of free
parameters, an int, compared with ``gmm_lessons.n_parameters``
(scikit-learn's count): K - 1 weights, K d means, and the covariance
parameters of the type. K weights, d * d entries of a symmetric matrix and a
count of the wrong type are named.""",
    cases=(
        _is_an_int,
        _counts_agree("full", "K - 1 + K d + K d(d+1)/2"),
        _counts_agree("diag", "K - 1 + K d + K d"),
        _counts_agree("spherical", "K - 1 + K d + K"),
        _counts_agree("tied", "K - 1 + K d + d(d+1)/2"),
    ),
    references=("n_parameters",),
)

"""Odd number types and dtypes at every public function: accepted as the plain number, or refused by name.

Two declarative tables. ``ARGUMENTS`` lists every argument of every public
function with its kind (a count, a seed, a real, an array of reals, an array
of indices) in an otherwise valid call; ``REFUSED`` and ``ACCEPTED`` give, per
kind, the odd values and what they must do. A refused value gets a
ValueError whose message starts with the argument's name; an accepted one
gives exactly what the plain int, float or float64 array gives (the calls'
numbers are exact in every type they are given in: X on a grid of 1/8,
tol = 2^-10).
"""

import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import gmm_lessons as gl
from gmm_lessons import alignment, streaming

X = np.round(8 * np.random.default_rng(0).normal(size=(10, 2))) / 8
WEIGHTS = np.array([0.5, 0.5])
MEANS = np.array([[0.0, 0.0], [1.0, 1.0]])
COVARIANCES = np.array([np.eye(2), 2 * np.eye(2)])
RESPONSIBILITIES = np.column_stack([np.arange(10) % 9 / 8, 1 - np.arange(10) % 9 / 8])
MIXTURE = (WEIGHTS, MEANS, COVARIANCES)
N_K, SUM_X, SUM_XX = gl.sufficient_statistics(X, RESPONSIBILITIES)
FIT = gl.fit_gmm(X, 2, max_iter=2, rng=0)


def fitted_estimator(X, **parameters):
    return gl.GaussianMixture(2, random_state=0, **parameters).fit(X)


# name: (function, valid keyword arguments, {argument: kind})
ARGUMENTS = {
    "fit_gmm": (
        gl.fit_gmm,
        {"X": X, "n_components": 2, "max_iter": 3, "tol": 2.0**-10, "rng": 0, "reg_covar": 2.0**-20, "n_init": 1},
        {"X": "array", "n_components": "count", "max_iter": "count", "tol": "real", "rng": "seed",
         "reg_covar": "real", "n_init": "count"},
    ),
    "fit_gmm init": (gl.fit_gmm, {"X": X, "n_components": 2, "init": MIXTURE}, {"X": "array"}),
    "e_step": (
        gl.e_step,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "weights": "array", "means": "array", "covariances": "array"},
    ),
    "m_step": (
        gl.m_step,
        {"X": X, "responsibilities": RESPONSIBILITIES, "reg_covar": 2.0**-20},
        {"X": "array", "responsibilities": "array", "reg_covar": "real"},
    ),
    "log_likelihood": (
        gl.log_likelihood,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "weights": "array", "means": "array", "covariances": "array"},
    ),
    "log_mixture_density": (
        gl.log_mixture_density,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "weights": "array", "means": "array", "covariances": "array"},
    ),
    "lower_bound": (
        gl.lower_bound,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES, "responsibilities": RESPONSIBILITIES},
        {"X": "array", "weights": "array", "means": "array", "covariances": "array", "responsibilities": "array"},
    ),
    "log_gaussian_density": (
        gl.log_gaussian_density,
        {"X": X, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "means": "array", "covariances": "array"},
    ),
    "sample_mixture": (
        gl.sample_mixture,
        {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES, "n_samples": 5, "rng": 0},
        {"weights": "array", "means": "array", "covariances": "array", "n_samples": "count", "rng": "seed"},
    ),
    "sample_chunk": (
        gl.sample_chunk,
        {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES, "chunk_size": 5, "seed": 1, "chunk": 2},
        {"weights": "array", "chunk_size": "count", "seed": "count", "chunk": "count"},
    ),
    "initialize_parameters": (
        gl.initialize_parameters,
        {"X": X, "n_components": 2, "rng": 0, "reg_covar": 2.0**-20},
        {"X": "array", "n_components": "count", "rng": "seed", "reg_covar": "real"},
    ),
    "bic": (gl.bic, {"X": X, "result": FIT}, {"X": "array"}),
    "aic": (gl.aic, {"X": X, "result": FIT}, {"X": "array"}),
    "n_parameters": (gl.n_parameters, {"n_components": 2, "n_features": 2},
                     {"n_components": "count", "n_features": "count"}),
    "conditional_gaussian": (
        gl.conditional_gaussian,
        {"mean": np.zeros(2), "covariance": np.eye(2), "x": np.array([1.0, np.nan]), "observed": [True, False]},
        {"mean": "array", "covariance": "array", "x": "array"},
    ),
    "impute_mean": (gl.impute_mean, {"X": X}, {"X": "array"}),
    "observed_log_likelihood": (
        gl.observed_log_likelihood,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "weights": "array", "means": "array", "covariances": "array"},
    ),
    "sufficient_statistics": (
        gl.sufficient_statistics,
        {"X": X, "responsibilities": RESPONSIBILITIES},
        {"X": "array", "responsibilities": "array"},
    ),
    "m_step_from_statistics": (
        gl.m_step_from_statistics,
        {"N_k": N_K, "sum_x": SUM_X, "sum_xx": SUM_XX, "reg_covar": 2.0**-20},
        {"N_k": "array", "sum_x": "array", "sum_xx": "array", "reg_covar": "real"},
    ),
    "stepwise_em": (
        gl.stepwise_em,
        {"batches": [X, X], "n_components": 2, "alpha": 0.75, "t0": 2.0, "rng": 0, "reg_covar": 2.0**-20,
         "held_out": X},
        {"n_components": "count", "alpha": "real", "t0": "real", "rng": "seed", "reg_covar": "real",
         "held_out": "array"},
    ),
    "chunk_statistics": (
        streaming.chunk_statistics,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES},
        {"X": "array", "weights": "array"},
    ),
    "minibatches": (
        lambda **arguments: list(streaming.minibatches(**arguments)),
        {"X": X, "batch_size": 4, "n_epochs": 2, "rng": 0},
        {"X": "array", "batch_size": "count", "n_epochs": "count", "rng": "seed"},
    ),
    "match_components": (
        alignment.match_components,
        {"means": MEANS, "reference_means": MEANS[::-1]},
        {"means": "array", "reference_means": "array"},
    ),
    "permute_components": (alignment.permute_components, {"parameters": MIXTURE, "order": [1, 0]},
                           {"order": "indices"}),
    "sort_components": (alignment.sort_components, {"parameters": MIXTURE, "feature": 1}, {"feature": "count"}),
    "GaussianMixture.fit": (
        lambda X, **parameters: gl.GaussianMixture(**parameters).fit(X),
        {"X": X, "n_components": 2, "tol": 2.0**-10, "reg_covar": 2.0**-20, "max_iter": 5, "n_init": 1,
         "random_state": 0},
        {"X": "estimator X", "n_components": "count", "tol": "real", "reg_covar": "real", "max_iter": "count",
         "n_init": "count", "random_state": "seed"},
    ),
    "GaussianMixture given start": (
        fitted_estimator,
        {"X": X, "weights_init": WEIGHTS, "means_init": MEANS, "precisions_init": COVARIANCES},
        {"weights_init": "array", "means_init": "array", "precisions_init": "array"},
    ),
    "GaussianMixture.score": (lambda X: fitted_estimator(X).score(X), {"X": X}, {"X": "estimator X"}),
    "GaussianMixture.sample": (lambda n_samples: fitted_estimator(X).sample(n_samples), {"n_samples": 3},
                               {"n_samples": "count"}),
    "widgets.sampling_explorer": (
        gl.widgets.sampling_explorer,
        {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES, "n_samples": 50, "rng": 0},
        {"weights": "array", "means": "array", "covariances": "array", "n_samples": "count", "rng": "seed"},
    ),
    "widgets.responsibility_explorer": (
        gl.widgets.responsibility_explorer,
        {"X": X, "weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES, "component": 1},
        {"X": "array", "weights": "array", "component": "count"},
    ),
}
# The widgets are slow to build: only their refusals are checked here (their inputs go through the same checks).
SLOW = {"widgets.sampling_explorer", "widgets.responsibility_explorer"}


def _durations(array):
    return np.round(np.nan_to_num(8 * array)).astype(np.int64).astype("timedelta64[s]")


def _fractions(array):
    """Nested lists of Fractions (NaN, which no Fraction holds, stays a float)."""
    return np.frompyfunc(lambda value: Fraction(value) if np.isfinite(value) else value, 1, 1)(array).tolist()


# kind: [(label, make the odd value from the plain one, message after the argument's name)]
REFUSED = {
    "count": [
        ("Fraction", Fraction, r" must be an integer, got Fraction\(\d+, 1\) of type Fraction"),
        ("Decimal", lambda value: Decimal(value), r" must be an integer, got Decimal\('\d+'\) of type Decimal"),
        ("True", lambda value: True, r" must be an integer, got True of type bool"),
        ("numpy True", lambda value: np.True_, r" must be an integer, got .*True.* of type bool"),
        ("numpy float", np.float64, r" must be an integer, got .* of type float64"),
        ("complex", complex, r" must be an integer, got .*j\) of type complex"),
        ("numpy duration", lambda value: np.timedelta64(value, "s"), r" must be an integer, got .* of type timedelta"),
    ],
    "seed": [
        ("Fraction", Fraction, r" must be None, a non-negative integer.*, got Fraction\(0, 1\)"),
        ("Decimal", Decimal, r" must be None, a non-negative integer.*, got Decimal\('0'\)"),
        ("True", lambda value: True, r" must be None, a non-negative integer.*, got True"),
        ("numpy float", np.float64, r" must be None, a non-negative integer.*, got np.float64\(0.0\)"),
        ("numpy duration", lambda value: np.timedelta64(value, "s"),
         r" must be None, a non-negative integer.*, got np.timedelta64\(0,'s'\)"),
    ],
    "real": [
        ("Decimal", lambda value: Decimal(str(value)),
         r" must be a real number .*got Decimal\('.*'\) of type Decimal; convert a Decimal with float\(\)"),
        ("True", lambda value: True, r" must be a real number \(.*not a bool\), got True of type bool"),
        ("numpy True", lambda value: np.True_, r" must be a real number \(.*not a bool\), got .*True.* of type bool"),
        ("complex", complex, r" must be a real number .*, got \(.*j\) of type complex"),
        ("string", str, r" must be a real number .*, got '.*' of type str"),
        ("numpy duration", lambda value: np.timedelta64(1, "s"), r" must be a real number .* of type timedelta64"),
        ("int beyond float64", lambda value: 10**400, r" must be a finite number, got 1000"),
        ("Fraction beyond float64", lambda value: Fraction(10**400, 3), r" must be a finite number, got Fraction"),
    ],
    "array": [
        ("timedelta64", _durations, r" must contain numbers, got dtype timedelta64\[s\]: time stamps and durations"),
        ("datetime64", lambda array: _durations(array) + np.datetime64("2024-01-01"),
         r" must contain numbers, got dtype datetime64\[s\]: time stamps and durations"),
        ("strings", lambda array: np.asarray(array).astype(str), r" must contain numbers, got dtype <U"),
        ("object of numbers", lambda array: np.asarray(array).astype(object),
         r" must contain numbers, got dtype object"),
        ("list of Fractions", _fractions, r" must contain numbers, got dtype object"),
        ("object of None", lambda array: np.full(np.shape(array), None), r" must contain numbers, got dtype object"),
        ("complex", lambda array: np.asarray(array).astype(complex),
         r" must contain real numbers, got dtype complex128"),
        ("booleans", lambda array: np.asarray(array) > 0, r" must contain numbers, got dtype bool"),
    ],
    "indices": [
        ("floats", lambda order: np.asarray(order, dtype=float),
         r" must be a permutation of 0\.\.1 \(integers, each once\), got \[1\.0, 0\.0\] of dtype float64"),
        ("booleans", lambda order: np.asarray(order, dtype=bool), r" must be a permutation .*, got \[True, False\]"),
        ("strings", lambda order: np.asarray(order).astype(str), r" must be a permutation .* of dtype <U"),
        ("object", lambda order: np.asarray(order, dtype=object), r" must be a permutation .* of dtype object"),
        ("timedelta64", lambda order: np.asarray(order).astype("timedelta64[s]"),
         r" must be a permutation .* of dtype timedelta64\[s\]"),
        ("ragged", lambda order: [[1], [0, 1]], r" must be a rectangular array of numbers"),
    ],
    # scikit-learn's conventions (object arrays and strings of numbers are converted, complex data is refused
    # with its own message), and no dates or durations.
    "estimator X": [
        ("timedelta64", _durations, r" must contain numbers, got dtype timedelta64\[s\]: time stamps and durations"),
        ("datetime64", lambda array: _durations(array) + np.datetime64("2024-01-01"),
         r" must contain numbers, got dtype datetime64\[s\]"),
    ],
}

# kind: [(label, make the odd value from the plain one)]: each gives the plain value's result exactly.
ACCEPTED = {
    "count": [("numpy int64", np.int64), ("numpy uint8", np.uint8)],
    "seed": [("numpy int64", np.int64), ("numpy uint32", np.uint32)],
    "real": [("Fraction", lambda value: Fraction(str(value))), ("numpy float32", np.float32),
             ("numpy float64", np.float64)],
    "array": [("float32", lambda array: np.asarray(array, dtype=np.float32)),
              ("big-endian float64", lambda array: np.asarray(array, dtype=">f8")),
              ("nested lists", lambda array: np.asarray(array).tolist())],
    "indices": [("numpy int32", lambda order: np.asarray(order, dtype=np.int32)),
                ("numpy uint8", lambda order: np.asarray(order, dtype=np.uint8))],
    "estimator X": [("float32", lambda array: np.asarray(array, dtype=np.float32)),
                    ("object of numbers", lambda array: np.asarray(array).astype(object))],
}


def cases(table, fast_only=False):
    """The rows of the product ARGUMENTS x table, as pytest parameters."""
    return [
        pytest.param(function, arguments, argument, make, *message, id=f"{function_name}-{argument}-{label}")
        for function_name, (function, arguments, kinds) in ARGUMENTS.items()
        if not (fast_only and function_name in SLOW)
        for argument, kind in kinds.items()
        for label, make, *message in table[kind]
    ]


@pytest.mark.parametrize(("function", "arguments", "argument", "make", "message"), cases(REFUSED))
def test_odd_values_are_refused_by_name(function, arguments, argument, make, message):
    """The odd value gets a ValueError that starts with the argument's name and says what is wrong."""
    with pytest.raises(ValueError, match="^" + re.escape(argument) + message):
        function(**{**arguments, argument: make(arguments[argument])})


def outcome(result):
    """A result as a flat list of arrays, whatever the function returns."""
    if hasattr(result, "weights_"):
        return [result.weights_, result.means_, result.covariances_]
    if hasattr(result, "history"):
        return [array for parameters in result.history for array in parameters]
    if isinstance(result, (tuple, list)):
        return [array for part in result for array in outcome(part)]
    return [np.asarray(result)]


@pytest.mark.parametrize(("function", "arguments", "argument", "make"), cases(ACCEPTED, fast_only=True))
def test_accepted_values_give_the_plain_result(function, arguments, argument, make):
    """A numpy scalar, a Fraction or another float layout gives exactly the plain value's result; it is not modified."""
    odd = make(arguments[argument])
    given = np.array(odd, dtype=object if isinstance(odd, Fraction) else None, copy=True)
    expected = outcome(function(**arguments))
    got = outcome(function(**{**arguments, argument: odd}))
    assert len(got) == len(expected)
    for got_array, expected_array in zip(got, expected, strict=True):
        np.testing.assert_array_equal(got_array, expected_array)
    np.testing.assert_array_equal(np.array(odd, dtype=given.dtype), given)


def test_every_public_function_is_in_the_table():
    """Each function of gl.__all__ that takes arguments has a row (results and submodules take none here)."""
    without_arguments = {"seed_dataset", "GMMFit", "MixtureParameters", "StepwiseFit", "GaussianMixture", "checks",
                         "environment", "plotting", "streaming", "widgets"}
    covered = {name.split(" ")[0] for name in ARGUMENTS}
    assert set(gl.__all__) - without_arguments <= covered

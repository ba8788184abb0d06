"""What the tests of the self-checks share: calling a check, and each exercise's test module.

Each exercise of ``checks.EXERCISES`` has a test module here, ``test_NN_name.py`` (NN its lesson), which
defines ``correct_<name>``, a correct function written in NumPy and SciPy apart from the package's reference
(which the checks reject); ``MISTAKES``, its table of (label, buggy function, the diagnosis its message must
match), one realistic mistake each; and optionally ``ALSO_CORRECT``, other correct functions that must pass
too. ``test_harness.py`` runs the tests every check must pass over all of them.
"""

import importlib
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import multivariate_normal

import gmm_lessons
from gmm_lessons import checks
from gmm_lessons.checks import EXERCISES, CheckFailed

HERE = Path(__file__).resolve().parent


def exercise_file(name):
    """The path of exercise ``name``'s test module, tests/checks/test_NN_name.py."""
    return HERE / f"test_{EXERCISES[name].lesson}_{name}.py"


def exercise_module(name):
    """Exercise ``name``'s test module, or None if it has none.

    Imported by its file name: pytest puts this folder on ``sys.path`` (it has no ``__init__.py``) and
    later finds the module already imported, so each module is imported, and its tests collected, once.
    """
    path = exercise_file(name)
    return importlib.import_module(path.stem) if path.is_file() else None


def correct(name):
    """The correct function of exercise ``name``, ``correct_<name>`` of its test module."""
    module = exercise_module(name)
    if module is None:
        raise LookupError(f"exercise {name} has no test module {exercise_file(name)}")
    return getattr(module, f"correct_{name}")


def check(name):
    """The public check of an exercise, as the lessons call it."""
    return getattr(checks, f"check_{name}")


def fails(name, function):
    """Run the exercise's check on a wrong function; its message, asserted to be one line naming the exercise."""
    with pytest.raises(CheckFailed) as failure:
        check(name)(function)
    message = str(failure.value)
    assert "\n" not in message, f"a check's message should be one line: {message!r}"
    assert message.startswith(f"{name}: "), message
    return failure.value


# ---------------------------------------------------------------------------
# Weighted log-densities, which the log-likelihood, the E-step and the lower bound (and their mistakes) share
# ---------------------------------------------------------------------------


def correct_log_weighted(data, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) by scipy's multivariate_normal: shape (n_samples, n_components)."""
    return np.column_stack(
        [np.log(w) + multivariate_normal.logpdf(data, m, c) for w, m, c in zip(weights, means, covariances)]
    )


def log_weighted_densities(X, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) by the package, shape (n_samples, n_components): for the mistakes."""
    return np.log(weights) + gmm_lessons.log_gaussian_density(X, means, covariances)


def densities(X, weights, means, covariances):
    """pi_k N(x_n | mu_k, Sigma_k) in density space, shape (n_samples, n_components)."""
    return np.exp(log_weighted_densities(X, weights, means, covariances))

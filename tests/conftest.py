"""Shared data and helpers of the core test suite (tests/test_core_*.py), and the fast tier's guard.

Helpers are handed out as session-scoped fixtures (so that they also work
inside hypothesis tests) and are written once, here. A test that starts a
Jupyter kernel must be marked ``kernel`` (or ``build``, ``browser``): in
an unmarked test the kernel's launch fails, so the fast tier stays fast.
"""

import contextlib
import itertools
import os

import numpy as np
import pytest

import gmm_lessons as gl

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")


def _read_only(*arrays):
    for array in arrays:
        array.flags.writeable = False
    return arrays


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_data():
    """The original lesson's 300 points and labels (read-only: no test may change them)."""
    return _read_only(*gl.seed_dataset())


@pytest.fixture(scope="session")
def overlapping_3d():
    """400 points of three overlapping 3-D clusters, and their labels (read-only)."""
    weights = [0.3, 0.3, 0.4]
    means = [[0.0, 0.0, 0.0], [1.5, 0.0, 1.0], [0.0, 1.5, -1.0]]
    covariances = [
        np.eye(3),
        np.diag([1.0, 2.0, 0.5]),
        [[1.0, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 1.0]],
    ]
    return _read_only(*gl.sample_mixture(weights, means, covariances, 400, rng=1))


@pytest.fixture(scope="session")
def one_feature():
    """250 points of a two-component 1-D mixture as a 1-D array (read-only)."""
    X, _ = gl.sample_mixture([0.4, 0.6], [-1.0, 2.0], [0.5, 1.5], 250, rng=2)
    return _read_only(X[:, 0].copy())[0]


@pytest.fixture(scope="session")
def lesson_start():
    """The original lesson's start, from its own legacy RNG stream.

    The lesson seeds the global RNG with 42, draws its three clusters, then
    ``np.random.choice(300, 3, False)`` picks the start means; the weights are
    equal and every covariance is ``np.cov(data.T)``. A private
    ``RandomState(42)`` replays the same stream without touching the global one.
    """
    legacy = np.random.RandomState(42)
    data = np.vstack(
        [
            legacy.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 100),
            legacy.multivariate_normal([6, 6], [[1.5, -0.7], [-0.7, 1.5]], 100),
            legacy.multivariate_normal([-4, 5], [[0.8, 0], [0, 2.0]], 100),
        ]
    )
    weights = np.ones(3) / 3
    means = data[legacy.choice(300, 3, False)]
    covariances = np.array([np.cov(data.T)] * 3)
    return _read_only(weights, means, covariances)


@pytest.fixture(scope="session", autouse=True)
def executed_lessons_cache(tmp_path_factory, worker_id):
    """One cache of executed lessons for the session (course.execute): each lesson runs once per kind.

    Under pytest-xdist the workers share it (their base folders have a common parent); a worker that wants a
    lesson another one is executing waits for it.
    """
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "executed-lessons"
    previous = os.environ.get("COURSE_CACHE")
    os.environ["COURSE_CACHE"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["COURSE_CACHE"]
    else:
        os.environ["COURSE_CACHE"] = previous


@pytest.fixture(params=COVARIANCE_TYPES)
def covariance_type(request):
    """Each covariance type in turn: a test taking this argument runs once per type."""
    return request.param


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _best_permutation(reference_means, means):
    """The order such that ``means[order]`` is closest to ``reference_means`` (all K! orders tried)."""
    reference_means = np.asarray(reference_means, dtype=float)
    means = np.asarray(means, dtype=float)
    orders = itertools.permutations(range(len(means)))
    return np.array(min(orders, key=lambda order: np.sum((means[list(order)] - reference_means) ** 2)))


def _permute_components(parameters, order):
    """(weights, means, covariances) with the components taken in ``order``."""
    return tuple(np.asarray(array)[order] for array in parameters)


def _sklearn_precisions(covariances, covariance_type):
    """Inverses of full (K, d, d) covariances, in the shape sklearn's ``precisions_init`` wants."""
    covariances = np.asarray(covariances, dtype=float)
    precisions = np.linalg.inv(covariances)
    precisions = (precisions + precisions.transpose(0, 2, 1)) / 2
    if covariance_type == "full":
        return precisions
    if covariance_type == "diag":
        return np.diagonal(precisions, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return precisions[:, 0, 0].copy()
    if covariance_type == "tied":
        return precisions[0]
    raise AssertionError(covariance_type)


def _full_from_sklearn(covariances, covariance_type, n_components, n_features):
    """sklearn's ``covariances_`` (shape depends on the type) as full (K, d, d) matrices."""
    if covariance_type == "full":
        return np.asarray(covariances)
    if covariance_type == "diag":
        return np.array([np.diag(variances) for variances in covariances])
    if covariance_type == "spherical":
        return np.asarray(covariances)[:, np.newaxis, np.newaxis] * np.eye(n_features)
    if covariance_type == "tied":
        return np.repeat(np.asarray(covariances)[np.newaxis], n_components, axis=0)
    raise AssertionError(covariance_type)


def _assert_rng_states_equal(before, after):
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


@contextlib.contextmanager
def _global_rng_untouched():
    """Fail if the block changes numpy's global (legacy) RNG state."""
    before = np.random.get_state()
    yield
    _assert_rng_states_equal(before, np.random.get_state())


@pytest.fixture(scope="session")
def best_permutation():
    return _best_permutation


@pytest.fixture(scope="session")
def permute_components():
    return _permute_components


@pytest.fixture(scope="session")
def sklearn_precisions():
    return _sklearn_precisions


@pytest.fixture(scope="session")
def full_from_sklearn():
    return _full_from_sklearn


@pytest.fixture(scope="session")
def global_rng_untouched():
    return _global_rng_untouched


@pytest.fixture(scope="session")
def assert_rng_states_equal():
    return _assert_rng_states_equal


# --------------------------------------------------------------------------
# The fast tier (unmarked tests, make check) starts no kernel
# --------------------------------------------------------------------------

COSTLY_MARKS = ("kernel", "build", "browser")


async def _refuse_kernel_launch(self, cmd, **kwargs):
    raise RuntimeError("an unmarked test started a Jupyter kernel: mark it kernel (or build, if it builds an artefact)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Around an unmarked test function (nbval's notebook cells are not functions), every kernel launch of this
    process fails: jupyter_client's LocalProvisioner starts each one (nbclient, nbconvert, KernelManager)."""
    if not isinstance(item, pytest.Function) or any(item.get_closest_marker(mark) for mark in COSTLY_MARKS):
        return (yield)
    from jupyter_client.provisioning import LocalProvisioner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LocalProvisioner, "launch_kernel", _refuse_kernel_launch)
        return (yield)

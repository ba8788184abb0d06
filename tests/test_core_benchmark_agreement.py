"""The implementations the benchmark times compute the same EM, on the benchmark's kind of data.

``benchmarks/bench_em_iteration.py`` times ``em_implementations.run_*`` on
random full-covariance mixtures; here the same functions run on small
problems of the same shapes, from the same kind of start: ours must equal
the original lesson's code (without regularisation, which it lacks) and
scikit-learn (with ``reg_covar=1e-6``), iteration by iteration, and so must
the course's estimator ``gl.GaussianMixture``.
"""

import pytest
from em_implementations import make_problem, run_estimator, run_original, run_ours, run_sklearn
from numpy.testing import assert_allclose

N_SAMPLES = 2_000
N_ITERATIONS = 10
TOLERANCE = {"rtol": 1e-8, "atol": 1e-10}
# (n_features, n_components) of the benchmark's configurations.
SHAPES = [(2, 3), (10, 5)]


@pytest.fixture(scope="module", params=SHAPES, ids=lambda shape: f"d={shape[0]}-K={shape[1]}")
def problem(request):
    n_features, n_components = request.param
    return make_problem(N_SAMPLES, n_features, n_components, seed=0)


def assert_same_parameters(actual, expected, context):
    for a, e, name in zip(actual, expected, ("weights", "means", "covariances"), strict=True):
        assert_allclose(a, e, **TOLERANCE, err_msg=f"{name}, {context}")


def test_ours_without_regularisation_equals_the_original_lesson_at_every_iteration(problem):
    X, start = problem
    ours = run_ours(X, start, N_ITERATIONS, reg_covar=0.0)
    for t in range(1, N_ITERATIONS + 1):
        assert_same_parameters(ours.history[t], run_original(X, start, t), f"iteration {t}")


def test_ours_equals_sklearn_and_so_does_every_iterations_log_likelihood(problem):
    """sklearn's ``lower_bounds_[t]`` is the mean log-likelihood after t iterations, as is ours / n."""
    X, start = problem
    ours = run_ours(X, start, N_ITERATIONS)
    model = run_sklearn(X, start, N_ITERATIONS)

    assert_same_parameters(ours.history[-1], (model.weights_, model.means_, model.covariances_), "final")
    assert_allclose(ours.log_likelihood_history[:N_ITERATIONS] / len(X), model.lower_bounds_, rtol=1e-10)


@pytest.mark.parametrize("n_iter", [1, N_ITERATIONS])
def test_the_course_estimator_equals_sklearn(problem, n_iter):
    X, start = problem
    ours, theirs = run_estimator(X, start, n_iter), run_sklearn(X, start, n_iter)
    for name in ("weights_", "means_", "covariances_", "lower_bound_"):
        assert_allclose(getattr(ours, name), getattr(theirs, name), **TOLERANCE, err_msg=f"{name}, {n_iter} iterations")

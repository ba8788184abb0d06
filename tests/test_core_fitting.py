"""fit_gmm and initialize_parameters: the lesson's result, the loop's semantics, starts, randomness, collapse."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import gmm_lessons as gl

# The original lesson's printed result after 100 iterations of density-space EM.
LESSON_WEIGHTS = np.array([0.33333333, 0.33332184, 0.33334483])
LESSON_MEANS = np.array([[5.8929956, 6.1620124], [0.08311716, 0.11705503], [-4.11284378, 4.93617906]])
LESSON_COVARIANCES = np.array(
    [
        [[1.62964951, -0.83088117], [-0.83088117, 1.41626199]],
        [[0.81505632, 0.29757755], [0.29757755, 0.76766384]],
        [[0.73865817, 0.1067509], [0.1067509, 2.08052127]],
    ]
)
# numpy prints 8 decimals; half a unit in the last place, plus a little for the float arithmetic.
PRINTED_ATOL = 5e-9 + 1e-12


def assert_same_parameters(actual, expected, rtol=0.0, atol=0.0):
    for a, e, name in zip(actual, expected, ("weights", "means", "covariances")):
        assert_allclose(a, e, rtol=rtol, atol=atol, err_msg=name)


def assert_same_fit(a, b):
    """Two GMMFit results are identical in every recorded array."""
    assert a.n_iter == b.n_iter and a.converged == b.converged
    assert_array_equal(a.log_likelihood_history, b.log_likelihood_history)
    assert_array_equal(a.responsibilities, b.responsibilities)
    for first, second in zip(a.history, b.history):
        assert_same_parameters(first, second)


# --------------------------------------------------------------------------
# The original lesson, reproduced
# --------------------------------------------------------------------------


def test_reproduces_the_lesson_printed_result(seed_data, lesson_start, best_permutation):
    """100 unregularised iterations from the lesson's start give its printed weights, means, covariances."""
    X, _ = seed_data

    fit = gl.fit_gmm(X, 3, max_iter=100, tol=0, init=lesson_start, reg_covar=0)

    assert fit.n_iter == 100
    order = best_permutation(LESSON_MEANS, fit.means)
    assert_allclose(fit.weights[order], LESSON_WEIGHTS, rtol=0, atol=PRINTED_ATOL)
    assert_allclose(fit.means[order], LESSON_MEANS, rtol=0, atol=PRINTED_ATOL)
    assert_allclose(fit.covariances[order], LESSON_COVARIANCES, rtol=0, atol=PRINTED_ATOL)


def test_default_fit_reaches_the_lesson_solution(seed_data, best_permutation):
    """fit_gmm(X, 3, rng=0) with all defaults lands on the lesson's solution to about 1e-4."""
    X, _ = seed_data

    fit = gl.fit_gmm(X, 3, rng=0)

    order = best_permutation(LESSON_MEANS, fit.means)
    assert_allclose(fit.weights[order], LESSON_WEIGHTS, atol=1e-4)
    assert_allclose(fit.means[order], LESSON_MEANS, atol=1e-4)
    assert_allclose(fit.covariances[order], LESSON_COVARIANCES, atol=1e-4)


# --------------------------------------------------------------------------
# Loop semantics
# --------------------------------------------------------------------------


def test_max_iter_zero_returns_the_start(seed_data, lesson_start):
    """max_iter=0: history is just the start, not converged, responsibilities are the start's E-step."""
    X, _ = seed_data

    fit = gl.fit_gmm(X, 3, max_iter=0, init=lesson_start)

    assert fit.n_iter == 0 and len(fit.history) == 1 and not fit.converged
    assert_same_parameters(fit.history[0], lesson_start)
    assert_same_parameters((fit.weights, fit.means, fit.covariances), lesson_start)
    assert_allclose(fit.log_likelihood_history, [gl.log_likelihood(X, *lesson_start)], rtol=1e-13)
    assert_allclose(fit.responsibilities, gl.e_step(X, *lesson_start), rtol=1e-13, atol=1e-15)


def test_history_bookkeeping(overlapping_3d, covariance_type):
    """len(ll history) == n_iter + 1 == len(history); each entry's ll is log_likelihood(X, *history[t])."""
    X, _ = overlapping_3d

    fit = gl.fit_gmm(X, 3, max_iter=15, tol=0, rng=1, covariance_type=covariance_type)

    assert fit.n_iter == 15
    assert len(fit.log_likelihood_history) == fit.n_iter + 1 == len(fit.history)
    for t, parameters in enumerate(fit.history):
        assert isinstance(parameters, gl.MixtureParameters)
        assert_allclose(fit.log_likelihood_history[t], gl.log_likelihood(X, *parameters), rtol=1e-12)
    assert fit.log_likelihood == fit.log_likelihood_history[-1]
    assert fit.covariance_type == covariance_type
    final = fit.history[-1]
    assert fit.weights is final.weights and fit.means is final.means and fit.covariances is final.covariances


def test_each_iteration_is_an_e_step_then_an_m_step(seed_data, covariance_type):
    """history[t+1] = m_step(X, e_step(X, *history[t])): EM by the public steps gives the same path."""
    X, _ = seed_data
    start = gl.initialize_parameters(X, 3, rng=4, covariance_type=covariance_type)

    fit = gl.fit_gmm(X, 3, max_iter=5, tol=0, init=start, covariance_type=covariance_type)

    parameters = start
    for t in range(1, 6):
        parameters = gl.m_step(X, gl.e_step(X, *parameters), covariance_type=covariance_type)
        assert_same_parameters(fit.history[t], parameters, rtol=1e-10, atol=1e-12)
    assert_allclose(fit.responsibilities, gl.e_step(X, *fit.history[-1]), rtol=1e-10, atol=1e-14)
    assert_array_equal(fit.labels, fit.responsibilities.argmax(axis=1))


def test_kept_responsibilities_are_the_e_step_of_each_history_entry(overlapping_3d, covariance_type):
    """responsibilities_history[t] == e_step(X, *history[t]) in the (n_samples, n_components) layout."""
    X, _ = overlapping_3d

    fit = gl.fit_gmm(X, 3, max_iter=8, tol=0, rng=2, covariance_type=covariance_type, keep_responsibilities=True)

    assert len(fit.responsibilities_history) == len(fit.history) == 9
    for parameters, responsibilities in zip(fit.history, fit.responsibilities_history):
        assert responsibilities.shape == (X.shape[0], 3)
        assert_allclose(responsibilities, gl.e_step(X, *parameters), rtol=1e-10, atol=1e-14)
    assert_array_equal(fit.responsibilities_history[-1], fit.responsibilities)


def test_kept_responsibilities_belong_to_the_best_of_n_init_runs(overlapping_3d):
    X, _ = overlapping_3d
    fit = gl.fit_gmm(X, 3, max_iter=10, init="random", rng=0, n_init=3, keep_responsibilities=True)
    assert len(fit.responsibilities_history) == len(fit.history)
    for parameters, responsibilities in zip(fit.history, fit.responsibilities_history):
        assert_allclose(responsibilities, gl.e_step(X, *parameters), rtol=1e-10, atol=1e-14)


def test_responsibilities_are_not_kept_by_default_and_keeping_them_changes_nothing_else(overlapping_3d):
    X, _ = overlapping_3d
    plain = gl.fit_gmm(X, 3, max_iter=10, rng=1)
    kept = gl.fit_gmm(X, 3, max_iter=10, rng=1, keep_responsibilities=True)
    assert plain.responsibilities_history is None
    assert_same_fit(plain, kept)


def test_history_starts_with_the_given_start(seed_data, lesson_start):
    """history[0] is the init tuple given, unchanged."""
    X, _ = seed_data
    fit = gl.fit_gmm(X, 3, max_iter=3, init=lesson_start)
    assert_same_parameters(fit.history[0], lesson_start)


def test_tol_zero_runs_exactly_max_iter(seed_data):
    """With tol=0 the loop never stops early and reports not converged."""
    X, _ = seed_data
    fit = gl.fit_gmm(X, 3, max_iter=37, tol=0, rng=2)
    assert fit.n_iter == 37 and not fit.converged


def test_loose_tol_converges_early_by_the_documented_rule(seed_data):
    """A loose tol stops after a few iterations, with converged True and the last change below tol."""
    X, _ = seed_data
    tol = 1e-2

    fit = gl.fit_gmm(X, 3, max_iter=100, tol=tol, init="random", rng=3)

    changes = np.abs(np.diff(fit.log_likelihood_history)) / X.shape[0]
    assert fit.converged and fit.n_iter < 100
    assert changes[-1] < tol
    assert np.all(changes[:-1] >= tol)


@pytest.mark.parametrize("tol", [1e-2, 1e-3, 1e-4, 1e-5, 1e-6])
def test_stops_at_the_first_iteration_whose_mean_change_is_below_tol(overlapping_3d, tol):
    """n_iter is the first t with |ln L_t - ln L_(t-1)| / n_samples < tol, read off a tol=0 run."""
    X, _ = overlapping_3d
    start = gl.initialize_parameters(X, 3, rng=8)
    reference = gl.fit_gmm(X, 3, max_iter=300, tol=0, init=start)
    changes = np.abs(np.diff(reference.log_likelihood_history)) / X.shape[0]
    assert np.any(changes < tol), "the reference run must get below tol"
    expected_n_iter = int(np.argmax(changes < tol)) + 1

    fit = gl.fit_gmm(X, 3, max_iter=300, tol=tol, init=start)

    assert fit.converged
    assert fit.n_iter == expected_n_iter
    assert_allclose(fit.log_likelihood_history, reference.log_likelihood_history[: expected_n_iter + 1], rtol=0)


def test_not_converged_when_max_iter_is_reached(seed_data):
    """A tiny tol with a small max_iter: n_iter == max_iter and converged is False."""
    X, _ = seed_data
    fit = gl.fit_gmm(X, 3, max_iter=2, tol=1e-12, init="random", rng=3)
    assert fit.n_iter == 2 and not fit.converged


def test_one_feature_data(one_feature):
    """1-D X fits like the same data as one column, with 1-D means and variances accepted as init."""
    x = one_feature
    start = ([0.5, 0.5], [-0.5, 0.5], [1.0, 1.0])

    fit = gl.fit_gmm(x, 2, max_iter=20, tol=0, init=start)
    column = gl.fit_gmm(x[:, None], 2, max_iter=20, tol=0, init=([0.5, 0.5], [[-0.5], [0.5]], [[[1.0]], [[1.0]]]))

    assert fit.means.shape == (2, 1) and fit.covariances.shape == (2, 1, 1)
    assert_same_fit(fit, column)


def test_single_component_is_the_sample_mean_and_covariance(seed_data):
    """K = 1: one EM iteration gives the ML estimates, X.mean and np.cov(bias=True) + reg_covar I."""
    X, _ = seed_data
    fit = gl.fit_gmm(X, 1, rng=0)
    assert_allclose(fit.weights, [1.0])
    assert_allclose(fit.means[0], X.mean(axis=0), rtol=1e-12)
    assert_allclose(fit.covariances[0], np.cov(X.T, bias=True) + 1e-6 * np.eye(2), rtol=1e-10)
    assert fit.converged


# --------------------------------------------------------------------------
# n_init
# --------------------------------------------------------------------------


def test_n_init_keeps_the_best_of_the_same_starts(overlapping_3d):
    """n_init=5 equals the best of 5 single runs from the 5 starts the same generator stream gives."""
    X, _ = overlapping_3d
    generator = np.random.default_rng(11)
    starts = [gl.initialize_parameters(X, 4, generator, "kmeans++") for _ in range(5)]
    singles = [gl.fit_gmm(X, 4, max_iter=20, init=start) for start in starts]
    final_log_likelihoods = [single.log_likelihood for single in singles]
    assert len(set(np.round(final_log_likelihoods, 6))) > 1, "the starts must lead to different results"

    best_of_five = gl.fit_gmm(X, 4, max_iter=20, rng=11, n_init=5)

    assert best_of_five.log_likelihood == max(final_log_likelihoods)
    assert_same_fit(best_of_five, singles[int(np.argmax(final_log_likelihoods))])


def test_n_init_one_is_the_first_start(overlapping_3d):
    """n_init=1 (the default) is the run from the first start of the stream."""
    X, _ = overlapping_3d
    start = gl.initialize_parameters(X, 4, np.random.default_rng(11), "kmeans++")
    assert_same_fit(gl.fit_gmm(X, 4, max_iter=20, rng=11), gl.fit_gmm(X, 4, max_iter=20, init=start))


# --------------------------------------------------------------------------
# Starts
# --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_random_init_is_the_lesson_start(seed_data, seed):
    """method='random': equal weights, K distinct data points as means, np.cov(X.T) + reg_covar I."""
    X, _ = seed_data

    weights, means, covariances = gl.initialize_parameters(X, 3, rng=seed, method="random", reg_covar=1e-3)

    assert_allclose(weights, [1 / 3] * 3, rtol=1e-15)
    row_of = [np.flatnonzero((X == mean).all(axis=1)) for mean in means]
    assert all(len(rows) >= 1 for rows in row_of), "each mean must be a data point"
    assert len({int(rows[0]) for rows in row_of}) == 3, "the means must be distinct data points"
    for covariance in covariances:
        assert_allclose(covariance, np.cov(X.T) + 1e-3 * np.eye(2), rtol=1e-12)


def test_random_init_default_reg_covar_and_all_points(one_feature):
    """With K = n every data point is a mean once; the default reg_covar 1e-6 is added."""
    x = one_feature[:6]
    weights, means, covariances = gl.initialize_parameters(x, 6, rng=0)
    assert_allclose(np.sort(means[:, 0]), np.sort(x), rtol=0)
    assert_allclose(covariances[:, 0, 0], np.var(x, ddof=1) + 1e-6, rtol=1e-12)
    assert_allclose(weights, np.full(6, 1 / 6))


def test_random_init_constrained_to_the_covariance_type(seed_data):
    """The data covariance is constrained like an M-step: diag, spherical (mean variance), tied (itself)."""
    X, _ = seed_data
    data_covariance = np.cov(X.T)
    expected = {
        "full": data_covariance,
        "tied": data_covariance,
        "diag": np.diag(np.diag(data_covariance)),
        "spherical": np.trace(data_covariance) / 2 * np.eye(2),
    }
    for covariance_type, covariance in expected.items():
        _, _, covariances = gl.initialize_parameters(X, 3, rng=0, reg_covar=0, covariance_type=covariance_type)
        assert_allclose(covariances, np.broadcast_to(covariance, (3, 2, 2)), rtol=1e-12, err_msg=covariance_type)


def test_random_init_depends_on_the_seed(seed_data):
    """Different seeds pick different means; the same seed the same ones."""
    X, _ = seed_data
    picks = [gl.initialize_parameters(X, 3, rng=seed)[1] for seed in range(5)]
    assert_array_equal(picks[0], gl.initialize_parameters(X, 3, rng=0)[1])
    assert len({pick.tobytes() for pick in picks}) > 1


@pytest.mark.parametrize("seed", range(6))
def test_kmeans_plus_plus_start_is_a_voronoi_m_step(seed):
    """method='kmeans++': some K distinct data points exist whose nearest-point cells give exactly the
    start's weights (cell fractions), means (centroids) and covariances (cell scatter + reg_covar I).

    Found by brute force over all ordered K-tuples of the 10 points.
    """
    X = np.random.default_rng(100 + seed).normal(size=(10, 2)) * [3.0, 1.0]
    n_components, reg_covar = 3, 1e-4

    weights, means, covariances = gl.initialize_parameters(
        X, n_components, rng=seed, method="kmeans++", reg_covar=reg_covar
    )

    def voronoi_m_step(centre_indices):
        distances = ((X[:, None, :] - X[list(centre_indices)][None]) ** 2).sum(axis=2)
        cell = distances.argmin(axis=1)
        cell_weights = np.array([np.mean(cell == k) for k in range(n_components)])
        centroids = np.array([X[cell == k].mean(axis=0) for k in range(n_components)])
        scatters = np.array(
            [
                (X[cell == k] - centroids[k]).T @ (X[cell == k] - centroids[k]) / np.sum(cell == k)
                for k in range(n_components)
            ]
        )
        return cell_weights, centroids, scatters + reg_covar * np.eye(2)

    matches = [
        centres
        for centres in itertools.permutations(range(10), n_components)
        if np.allclose(voronoi_m_step(centres)[1], means, rtol=1e-12, atol=1e-12)
    ]
    assert matches, "the start means are not the centroids of any K distinct data points' cells"
    expected_weights, _, expected_covariances = voronoi_m_step(matches[0])
    assert_allclose(weights, expected_weights, rtol=1e-12)
    assert_allclose(covariances, expected_covariances, rtol=1e-10, atol=1e-14)


def test_init_string_equals_initialize_parameters_start(seed_data, covariance_type):
    """fit_gmm(init=method, rng=s) starts from initialize_parameters(X, K, s, method) (same reg and type)."""
    X, _ = seed_data
    for method in ("random", "kmeans++"):
        start = gl.initialize_parameters(X, 3, 9, method, reg_covar=1e-4, covariance_type=covariance_type)
        fit = gl.fit_gmm(X, 3, max_iter=0, init=method, rng=9, reg_covar=1e-4, covariance_type=covariance_type)
        assert_same_parameters(fit.history[0], start)


# --------------------------------------------------------------------------
# Randomness
# --------------------------------------------------------------------------


def test_same_int_seed_identical_fit(overlapping_3d):
    """The same int seed gives an identical fit; a Generator seeded alike gives the same one too."""
    X, _ = overlapping_3d
    first = gl.fit_gmm(X, 3, max_iter=10, rng=5, n_init=2)
    assert_same_fit(first, gl.fit_gmm(X, 3, max_iter=10, rng=5, n_init=2))
    assert_same_fit(first, gl.fit_gmm(X, 3, max_iter=10, rng=np.random.default_rng(5), n_init=2))


def test_generator_is_advanced_by_random_starts(overlapping_3d):
    """A Generator passed as rng is used (its state moves), so reusing it gives a different start."""
    X, _ = overlapping_3d
    generator = np.random.default_rng(3)
    state_before = generator.bit_generator.state
    first = gl.initialize_parameters(X, 3, generator)
    assert generator.bit_generator.state != state_before
    second = gl.initialize_parameters(X, 3, generator)
    assert not np.array_equal(first.means, second.means)

    state_before = generator.bit_generator.state
    gl.fit_gmm(X, 3, max_iter=1, rng=generator)
    assert generator.bit_generator.state != state_before


# --------------------------------------------------------------------------
# Collapse onto a point (Bishop section 9.2.1)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outlier_problem():
    """~20 points from N(0, 1) and one outlier at 100; a start with a component sitting on the outlier."""
    x = np.append(np.random.default_rng(0).normal(size=20), 100.0)
    start = ([0.9, 0.1], [0.0, 100.0], [1.0, 1.0])
    return x, start


def test_collapse_without_regularisation_raises(outlier_problem):
    """reg_covar=0: the component on the outlier collapses; fit_gmm raises a ValueError saying so."""
    x, start = outlier_problem
    with pytest.raises(ValueError, match=r"(?s)singular.*reg_covar"):
        gl.fit_gmm(x, 2, init=start, reg_covar=0)


def test_collapse_in_two_dimensions_raises():
    """The same in 2-D: a component left alone on one point collapses with reg_covar=0."""
    X = np.vstack([np.random.default_rng(1).normal(size=(30, 2)), [[100.0, 100.0]]])
    start = ([0.9, 0.1], [[0.0, 0.0], [100.0, 100.0]], [np.eye(2), np.eye(2)])
    with pytest.raises(ValueError, match=r"(?s)singular.*reg_covar"):
        gl.fit_gmm(X, 2, init=start, reg_covar=0)


def test_singular_start_raises_naming_reg_covar():
    """A random start with reg_covar=0 on data with a constant feature is singular from the start."""
    X = np.column_stack([np.arange(10.0), np.zeros(10)])
    with pytest.raises(ValueError, match=r"(?s)singular.*reg_covar"):
        gl.fit_gmm(X, 2, init="random", rng=0, reg_covar=0)


def test_collapse_without_regularisation_suggests_reg_covar(outlier_problem):
    """reg_covar=0: the advice is to use reg_covar > 0."""
    x, start = outlier_problem
    with pytest.raises(ValueError, match=r"Use reg_covar > 0 \(the default, 1e-6") as error:
        gl.fit_gmm(x, 2, init=start, reg_covar=0)
    assert "standardise" not in str(error.value)


def test_collapse_with_regularisation_suggests_scaling():
    """Data of scale 1e5: the default reg_covar is lost in rounding, so the advice is what helps then."""
    X = np.random.default_rng(13).normal(0.0, 1e5, size=(200, 4))
    with pytest.raises(ValueError, match=r"(?s)singular.*reg_covar=1e-06 is too small for the scale of X") as error:
        gl.fit_gmm(X, 4, rng=13)
    message = str(error.value)
    assert "standardise X" in message and "larger reg_covar" in message and "fewer components" in message
    assert "reg_covar > 0" not in message
    gl.fit_gmm(X / X.std(axis=0), 4, rng=13)  # the first advice works


def test_default_regularisation_keeps_the_collapse_finite(outlier_problem):
    """With the default reg_covar the outlier's component keeps variance reg_covar and everything is finite."""
    x, start = outlier_problem

    fit = gl.fit_gmm(x, 2, init=start)

    for parameters in fit.history:
        for array in parameters:
            assert np.isfinite(array).all()
    assert np.isfinite(fit.log_likelihood_history).all() and np.isfinite(fit.responsibilities).all()
    assert_allclose(fit.means[1, 0], 100.0, rtol=1e-12)
    assert_allclose(fit.covariances[1, 0, 0], 1e-6, rtol=1e-6)
    assert_allclose(fit.weights, [20 / 21, 1 / 21], rtol=1e-12)


def test_no_false_alarm_for_offset_data():
    """reg_covar=0 on well-spread data far from the origin (offset 1e8) fits without a collapse error."""
    X = 1e8 + np.random.default_rng(2).normal(size=(200, 2))
    fit = gl.fit_gmm(X, 2, max_iter=20, rng=0, reg_covar=0)
    assert np.isfinite(fit.log_likelihood_history).all()
    assert np.all(np.linalg.eigvalsh(fit.covariances) > 0.01)


def test_history_does_not_share_memory_with_the_init_tuple():
    """Editing a fit's start must not change the caller's arrays (and vice versa)."""
    X, _ = gl.seed_dataset()
    start = gl.initialize_parameters(X, 3, rng=0)
    fit = gl.fit_gmm(X, 3, init=start, max_iter=1)
    for stored, given in zip(fit.history[0], start):
        assert not np.shares_memory(stored, given)
        np.testing.assert_array_equal(stored, given)

"""gmm_lessons.GaussianMixture: scikit-learn's estimator checks, and agreement with sklearn.mixture.GaussianMixture.

From the same start (weights_init, means_init, precisions_init) both classes
must give the same fit to 1e-8 after every number of iterations, and the same
n_iter_, converged_ and lower_bound_ when they stop on ``tol``.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.mixture import GaussianMixture as SklearnGaussianMixture
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator

import gmm_lessons as gl

TOLERANCE = {"rtol": 1e-8, "atol": 1e-8}
FITTED_ARRAYS = ("weights_", "means_", "covariances_", "precisions_cholesky_")


def check_results(estimator):
    """{check name: status} of scikit-learn's estimator checks on ``estimator``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(estimator, on_fail=None, on_skip=None)
    return {result["check_name"]: (result["status"], result["exception"]) for result in results}


def test_passes_every_estimator_check_that_sklearns_own_class_passes():
    """check_estimator: ours passes each check GaussianMixture passes, and skips only what it skips."""
    ours = check_results(gl.GaussianMixture())
    theirs = check_results(SklearnGaussianMixture())
    passed_by_theirs = {name for name, (status, _) in theirs.items() if status == "passed"}
    not_passed_by_ours = {name: result for name, result in ours.items() if result[0] != "passed"}
    assert passed_by_theirs, "scikit-learn's own class passed no check: the comparison would be empty"
    assert passed_by_theirs <= set(ours), f"checks not run on ours: {passed_by_theirs - set(ours)}"
    assert not passed_by_theirs & set(not_passed_by_ours), f"failed or skipped on ours: {not_passed_by_ours}"
    assert all(theirs.get(name, ("",))[0] == status for name, (status, _) in not_passed_by_ours.items()), (
        f"ours does not pass {not_passed_by_ours}, which scikit-learn's class does not skip the same way"
    )


def test_importing_gmm_lessons_does_not_import_sklearn():
    """In a fresh interpreter, `import gmm_lessons` leaves sklearn out; gl.GaussianMixture then imports and fits."""
    code = """
import sys
import numpy as np
import gmm_lessons as gl
assert "sklearn" not in sys.modules, "import gmm_lessons imported sklearn"
assert "GaussianMixture" in gl.__all__
model = gl.GaussianMixture(2, random_state=0).fit(np.random.default_rng(0).normal(size=(40, 2)))
assert "sklearn" in sys.modules and model.means_.shape == (2, 2)
try:
    gl.NoSuchThing
except AttributeError as error:
    assert "NoSuchThing" in str(error)
else:
    raise AssertionError("gl.NoSuchThing did not raise AttributeError")
"""
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


def given_start(X, n_components, covariance_type, seed, sklearn_precisions):
    """A k-means++ start of the type (unequal weights and covariances): scikit-learn's three *_init,
    and the start's full covariances."""
    weights, means, covariances = gl.initialize_parameters(
        X, n_components, rng=seed, method="kmeans++", covariance_type=covariance_type
    )
    start = {
        "weights_init": weights,
        "means_init": means,
        "precisions_init": sklearn_precisions(covariances, covariance_type),
    }
    return start, covariances


def fit_both(X, **parameters):
    """(ours, scikit-learn's) fitted with the same parameters; convergence warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gl.GaussianMixture(**parameters).fit(X), SklearnGaussianMixture(**parameters).fit(X)


def assert_same_fit(ours, theirs, what):
    for name in FITTED_ARRAYS:
        assert getattr(ours, name).shape == getattr(theirs, name).shape, f"{name} shape, {what}"
        assert_allclose(getattr(ours, name), getattr(theirs, name), **TOLERANCE, err_msg=f"{name}, {what}")
    assert ours.n_iter_ == theirs.n_iter_, what
    assert ours.converged_ == theirs.converged_, what
    assert_allclose(ours.lower_bound_, theirs.lower_bound_, rtol=1e-10, err_msg=what)
    assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-10, err_msg=what)


@pytest.fixture(params=["seed", "overlapping_3d"])
def data(request, seed_data, overlapping_3d):
    return seed_data[0] if request.param == "seed" else overlapping_3d[0]


def test_every_iteration_matches_sklearn_from_the_same_start(data, covariance_type, sklearn_precisions):
    """max_iter = 1..10 with tol=0: every fitted attribute equals GaussianMixture's to 1e-8."""
    start, _ = given_start(data, 3, covariance_type, 0, sklearn_precisions)
    for max_iter in range(1, 11):
        ours, theirs = fit_both(
            data, n_components=3, covariance_type=covariance_type, max_iter=max_iter, tol=0, **start
        )
        assert ours.n_iter_ == max_iter
        assert_same_fit(ours, theirs, f"{covariance_type}, max_iter={max_iter}")


@pytest.mark.parametrize("tol", [1e-3, 1e-6])
def test_stopping_on_tol_and_every_method_match_sklearn(data, covariance_type, tol, sklearn_precisions):
    """Stopping on tol: same iteration, lower bound and fit; then the same answers on new data."""
    start, _ = given_start(data, 3, covariance_type, 1, sklearn_precisions)
    ours, theirs = fit_both(data, n_components=3, covariance_type=covariance_type, max_iter=1000, tol=tol, **start)
    assert ours.converged_
    assert_same_fit(ours, theirs, f"{covariance_type}, tol={tol}")
    new_data = data[::2] + 0.1
    assert_allclose(ours.score_samples(new_data), theirs.score_samples(new_data), rtol=1e-10)
    assert_allclose(ours.score(new_data), theirs.score(new_data), rtol=1e-10)
    assert_allclose(ours.predict_proba(new_data), theirs.predict_proba(new_data), rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(ours.predict(new_data), theirs.predict(new_data))
    assert_allclose(ours.bic(new_data), theirs.bic(new_data), rtol=1e-10)
    assert_allclose(ours.aic(new_data), theirs.aic(new_data), rtol=1e-10)


def test_fit_predict_is_fit_then_predict(seed_data):
    X, _ = seed_data
    labels = gl.GaussianMixture(3, random_state=0).fit_predict(X)
    np.testing.assert_array_equal(labels, gl.GaussianMixture(3, random_state=0).fit(X).predict(X))


@pytest.mark.parametrize(("init_params", "method"), [("k-means++", "kmeans++"), ("random", "random")])
def test_random_state_draws_the_start_fit_gmm_draws(seed_data, init_params, method):
    """random_state=s starts where initialize_parameters(rng=s) starts: lower_bounds_[0] is that start's."""
    X, _ = seed_data
    model = gl.GaussianMixture(3, init_params=init_params, random_state=5, max_iter=1, tol=0)
    with pytest.warns(ConvergenceWarning):
        model.fit(X)
    start = gl.initialize_parameters(X, 3, rng=5, method=method)
    assert_allclose(model.lower_bounds_[0] * X.shape[0], gl.log_likelihood(X, *start), rtol=1e-12)


def test_n_init_keeps_the_best_run(seed_data):
    """n_init=4 from seed 3 keeps the best of the four runs that one seeded Generator starts one after another."""
    X, _ = seed_data
    four = gl.GaussianMixture(3, init_params="random", random_state=3, n_init=4).fit(X)
    shared = np.random.default_rng(3)
    runs = [gl.GaussianMixture(3, init_params="random", random_state=shared).fit(X) for _ in range(4)]
    best = max(runs, key=lambda run: run.lower_bound_)
    assert four.lower_bound_ == best.lower_bound_
    np.testing.assert_array_equal(four.means_, best.means_)


def test_a_legacy_random_state_is_accepted_and_advanced(seed_data):
    X, _ = seed_data
    legacy = np.random.RandomState(0)
    before = legacy.get_state()[1].copy()
    gl.GaussianMixture(3, random_state=legacy).fit(X)
    assert not np.array_equal(before, legacy.get_state()[1])


def test_a_partial_start_keeps_what_is_given(seed_data):
    """means_init alone: the start has those means, and the rest of init_params' start."""
    X, _ = seed_data
    means = np.array([[0.0, 0.0], [6.0, 6.0], [-4.0, 5.0]])
    means.flags.writeable = False
    model = gl.GaussianMixture(3, init_params="random", means_init=means, random_state=2, max_iter=1)
    with pytest.warns(ConvergenceWarning):
        model.fit(X)
    weights, _, covariances = gl.initialize_parameters(X, 3, rng=2, method="random")
    assert_allclose(model.lower_bounds_[0] * X.shape[0], gl.log_likelihood(X, weights, means, covariances), rtol=1e-12)


def test_max_iter_0_returns_the_given_start(seed_data, covariance_type, sklearn_precisions, full_from_sklearn):
    """No iteration: the fitted parameters are the start, with lower_bound_ = -inf as in scikit-learn."""
    X, _ = seed_data
    start, covariances = given_start(X, 3, covariance_type, 2, sklearn_precisions)
    for array in start.values():
        array.flags.writeable = False  # the estimator must not write into what it is given
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning without iterations
        model = gl.GaussianMixture(3, covariance_type=covariance_type, max_iter=0, **start).fit(X)
    assert_allclose(model.weights_, start["weights_init"])
    assert_allclose(model.means_, start["means_init"])
    assert_allclose(full_from_sklearn(model.covariances_, covariance_type, 3, 2), covariances, rtol=1e-10)
    assert (model.n_iter_, model.converged_, model.lower_bound_, model.lower_bounds_.size) == (0, False, -np.inf, 0)


def test_not_converging_warns(seed_data):
    X, _ = seed_data
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = gl.GaussianMixture(3, max_iter=2, tol=0, random_state=0).fit(X)
    assert not model.converged_


@pytest.mark.parametrize(
    ("parameters", "named"),
    [
        ({"init_params": "kmeans"}, "init_params"),
        ({"covariance_type": "shared"}, "covariance_type"),
        ({"max_iter": -1}, "max_iter"),
        ({"n_init": 0}, "n_init"),
        ({"tol": -1.0}, "tol"),
        ({"reg_covar": float("nan")}, "reg_covar"),
        ({"n_components": 0}, "n_components"),
        ({"n_components": 301}, "n_components"),
        ({"random_state": "zero"}, "random_state"),
        ({"weights_init": [0.5, 0.5]}, "weights_init"),
        ({"weights_init": [0.5, 0.4, 0.3]}, "weights_init"),
        ({"means_init": np.zeros((2, 2))}, "means_init"),
        ({"precisions_init": np.ones((3, 2))}, "precisions_init"),
        ({"precisions_init": np.array([np.eye(2), np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])}, "precisions_init"),
        ({"precisions_init": np.array([np.eye(2), np.eye(2), [[1.0, 0.5], [0.0, 1.0]]])}, "precisions_init"),
    ],
)
def test_bad_parameters_raise_value_error_naming_them(seed_data, parameters, named):
    X, _ = seed_data
    with pytest.raises(ValueError, match=named):
        gl.GaussianMixture(**{"n_components": 3, **parameters}).fit(X)


def test_collapse_raises_value_error_and_predict_needs_a_fit():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="singular"):
        gl.GaussianMixture(2, reg_covar=0, random_state=0).fit(X)
    with pytest.raises(NotFittedError):
        gl.GaussianMixture(2).predict(X)


def test_sample_draws_from_the_fitted_mixture(seed_data):
    """Reproducible with a seed; about weights_[k] of the samples from component k, around means_[k]."""
    X, _ = seed_data
    model = gl.GaussianMixture(3, random_state=0).fit(X)
    samples, labels = model.sample(30_000)
    again, _ = model.sample(30_000)
    np.testing.assert_array_equal(samples, again)
    assert samples.shape == (30_000, 2)
    assert_allclose(np.bincount(labels, minlength=3) / labels.size, model.weights_, atol=0.02)
    for k in range(3):
        assert_allclose(samples[labels == k].mean(axis=0), model.means_[k], atol=0.1)
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)


def test_grid_search_on_bic_in_a_pipeline_chooses_what_sklearn_chooses(seed_data):
    """GridSearchCV over n_components scored by -BIC, after StandardScaler: the same K as with sklearn's class."""
    X, _ = seed_data

    def negative_bic(pipeline, X, y=None):
        *scaling, mixture = pipeline  # BIC of the held-out fold, in the pipeline's scaled coordinates
        return -mixture.bic(make_pipeline(*scaling).transform(X))

    folds = KFold(n_splits=3, shuffle=True, random_state=0)  # the data are sorted by cluster
    chosen = []
    for estimator in (gl.GaussianMixture(random_state=0), SklearnGaussianMixture(random_state=0)):
        pipeline = make_pipeline(StandardScaler(), estimator)
        search = GridSearchCV(
            pipeline, {"gaussianmixture__n_components": [1, 2, 3, 4, 5]}, scoring=negative_bic, cv=folds
        )
        chosen.append(search.fit(X).best_params_["gaussianmixture__n_components"])
    assert chosen[0] == chosen[1]
    assert 1 < chosen[0] < 5  # an interior K: the search has a minimum to find, not an end of the grid

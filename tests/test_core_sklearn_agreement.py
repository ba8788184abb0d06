"""fit_gmm against scikit-learn's GaussianMixture, iteration for iteration, for every covariance type.

sklearn is started from exactly our start (weights_init, means_init and
precisions_init in its shape for the type); after ``max_iter=t`` iterations
with ``tol=0`` its parameters must equal our ``history[t]``.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmm_lessons as gl

N_ITERATIONS = 8
REG_COVAR = 1e-6
TOLERANCE = {"rtol": 1e-8, "atol": 1e-8}


def start_for(covariance_type, X, n_components, seed):
    """A start obeying the type's constraint, built by hand: unequal weights, data points as means,
    and covariances that differ between components (except for 'tied')."""
    rng = np.random.default_rng(seed)
    n_samples, n_features = X.shape
    weights = rng.dirichlet(np.full(n_components, 5.0))
    means = X[rng.choice(n_samples, n_components, replace=False)]
    spread = np.cov(X.T).reshape(n_features, n_features)
    scales = rng.uniform(0.3, 1.5, n_components)
    if covariance_type == "full":
        factors = rng.normal(size=(n_components, n_features, n_features)) * 0.3
        covariances = scales[:, None, None] * spread + factors @ factors.transpose(0, 2, 1)
    elif covariance_type == "diag":
        covariances = np.array([np.diag(s * rng.uniform(0.5, 2.0, n_features) * np.diag(spread)) for s in scales])
    elif covariance_type == "spherical":
        covariances = (scales * np.trace(spread) / n_features)[:, None, None] * np.eye(n_features)
    else:  # tied: one matrix shared by every component
        covariances = np.repeat((0.5 * spread)[np.newaxis], n_components, axis=0)
    return weights, means, covariances


def sklearn_fit(X, start, covariance_type, max_iter, sklearn_precisions):
    weights, means, covariances = start
    model = GaussianMixture(
        n_components=len(weights),
        covariance_type=covariance_type,
        weights_init=weights,
        means_init=means,
        precisions_init=sklearn_precisions(covariances, covariance_type),
        max_iter=max_iter,
        tol=0,
        reg_covar=REG_COVAR,
        init_params="random",  # its initial responsibilities are overridden by the three *_init
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X)


@pytest.fixture(scope="module", params=["seed", "overlapping_3d", "one_feature"])
def dataset(request, seed_data, overlapping_3d, one_feature):
    """(X for us, X as 2-D for sklearn, n_components)."""
    if request.param == "seed":
        return seed_data[0], seed_data[0], 3
    if request.param == "overlapping_3d":
        return overlapping_3d[0], overlapping_3d[0], 3
    return one_feature, one_feature[:, np.newaxis], 2  # 1-D X for us: n samples of one feature


@pytest.fixture(scope="module")
def fits(dataset, sklearn_precisions):
    """For every covariance type: our fit and sklearn's fit after t = 1..N_ITERATIONS iterations."""
    X, X_2d, n_components = dataset
    result = {}
    for seed, covariance_type in enumerate(("full", "diag", "spherical", "tied")):
        start = start_for(covariance_type, X_2d, n_components, seed)
        ours = gl.fit_gmm(
            X,
            n_components,
            max_iter=N_ITERATIONS,
            tol=0,
            init=start,
            reg_covar=REG_COVAR,
            covariance_type=covariance_type,
        )
        theirs = [sklearn_fit(X_2d, start, covariance_type, t, sklearn_precisions) for t in range(1, N_ITERATIONS + 1)]
        result[covariance_type] = (ours, theirs)
    return result


def test_every_iteration_matches_sklearn(fits, dataset, covariance_type, full_from_sklearn):
    """history[t] equals GaussianMixture(max_iter=t) from the same start, t = 1..8, to 1e-8."""
    _, X_2d, n_components = dataset
    ours, theirs = fits[covariance_type]
    assert ours.n_iter == N_ITERATIONS
    for t, model in enumerate(theirs, start=1):
        assert model.n_iter_ == t
        weights, means, covariances = ours.history[t]
        assert_allclose(weights, model.weights_, **TOLERANCE, err_msg=f"weights, iteration {t}")
        assert_allclose(means, model.means_, **TOLERANCE, err_msg=f"means, iteration {t}")
        expected = full_from_sklearn(model.covariances_, covariance_type, n_components, X_2d.shape[1])
        assert_allclose(covariances, expected, **TOLERANCE, err_msg=f"covariances, iteration {t}")


def test_final_log_likelihood_responsibilities_and_criteria_match_sklearn(fits, dataset, covariance_type):
    """Final ln L = score(X) * n; responsibilities = predict_proba; bic/aic = sklearn's bic/aic."""
    X, X_2d, _ = dataset
    ours, theirs = fits[covariance_type]
    model = theirs[-1]
    n_samples = X_2d.shape[0]

    assert_allclose(ours.log_likelihood, model.score(X_2d) * n_samples, rtol=1e-10)
    assert_allclose(ours.responsibilities, model.predict_proba(X_2d), rtol=1e-7, atol=1e-10)
    assert_allclose(gl.bic(X, ours), model.bic(X_2d), rtol=1e-10)
    assert_allclose(gl.aic(X, ours), model.aic(X_2d), rtol=1e-10)


@pytest.mark.parametrize("n_components", [1, 2, 5])
@pytest.mark.parametrize("n_features", [1, 2, 4])
def test_n_parameters_matches_sklearn(n_components, n_features, covariance_type):
    """n_parameters(K, d, type) equals GaussianMixture._n_parameters() of a model of that shape."""
    X = np.random.default_rng(0).normal(size=(20, n_features))
    model = GaussianMixture(n_components, covariance_type=covariance_type, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    assert gl.n_parameters(n_components, n_features, covariance_type) == model._n_parameters()


def test_sklearn_from_its_own_kmeans_start_agrees_after_convergence(seed_data, best_permutation):
    """Independent starts (ours kmeans++, sklearn's k-means) on well-separated data reach one optimum."""
    X, _ = seed_data
    ours = gl.fit_gmm(X, 3, tol=1e-10, max_iter=500, rng=0)
    model = GaussianMixture(3, tol=1e-10, max_iter=500, random_state=0).fit(X)
    order = best_permutation(model.means_, ours.means)
    assert_allclose(ours.means[order], model.means_, atol=1e-6)
    assert_allclose(ours.covariances[order], model.covariances_, atol=1e-6)
    assert_allclose(ours.weights[order], model.weights_, atol=1e-6)

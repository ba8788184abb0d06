"""Model selection: parameter counts, BIC and AIC (Bishop, PRML section 1.3 and 4.4.1)."""

import numpy as np

from ._validation import COVARIANCE_TYPES, check_choice, check_count, check_data, check_parameters
from .em import e_step_by_component

# What a fitted mixture must carry to be scored: a GMMFit, or the course estimator's fitted mixture.
FITTED_ATTRIBUTES = ("weights", "means", "covariances", "covariance_type")


def n_parameters(n_components, n_features, covariance_type="full"):
    """Number of free parameters of a Gaussian mixture.

    Taught in lesson 07 (choosing K).

    K - 1 weights (they sum to 1), K d means, and per covariance type:
    "full" K d(d+1)/2, "diag" K d, "spherical" K, "tied" d(d+1)/2.
    Same counts as scikit-learn's ``GaussianMixture._n_parameters``.
    """
    n_components = check_count(n_components, "n_components", minimum=1)
    n_features = check_count(n_features, "n_features", minimum=1)
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    symmetric_matrix = n_features * (n_features + 1) // 2
    covariance_parameters = {
        "full": n_components * symmetric_matrix,
        "diag": n_components * n_features,
        "spherical": n_components,
        "tied": symmetric_matrix,
    }[covariance_type]
    return (n_components - 1) + n_components * n_features + covariance_parameters


def _fitted_log_likelihood(X, result):
    missing = [name for name in FITTED_ATTRIBUTES if not hasattr(result, name)]
    if missing:
        raise ValueError(
            f"result must be a GMMFit from fit_gmm, got an object of type {type(result).__name__} "
            f"(it has no {', '.join(missing)})"
        )
    X = check_data(X)
    weights, means, covariances = check_parameters(result.weights, result.means, result.covariances, X.shape[1])
    log_likelihood = e_step_by_component(X, weights, means, covariances)[1].sum()
    return X.shape[0], log_likelihood, n_parameters(weights.shape[0], X.shape[1], result.covariance_type)


def bic(X, result):
    """Bayesian information criterion, -2 ln L + p ln N; lower is better.

    Taught in lesson 07 (choosing K).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data to score (usually the data the model was fitted on).
    result : GMMFit
        From :func:`fit_gmm` (or any object with ``weights``, ``means``,
        ``covariances`` and ``covariance_type``); its ``covariance_type``
        sets the parameter count p.
    """
    n_samples, log_likelihood, p = _fitted_log_likelihood(X, result)
    return float(-2.0 * log_likelihood + p * np.log(n_samples))


def aic(X, result):
    """Akaike information criterion, -2 ln L + 2 p; lower is better.

    Taught in lesson 07 (choosing K).

    Parameters are as for :func:`bic`.
    """
    _, log_likelihood, p = _fitted_log_likelihood(X, result)
    return float(-2.0 * log_likelihood + 2.0 * p)

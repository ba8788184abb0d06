"""The two steps of EM for a Gaussian mixture, and the log-likelihood.

Names follow Bishop, PRML section 9.2.2: weights pi_k, means mu_k,
covariances Sigma_k, responsibilities gamma(z_nk), effective counts N_k.

Internally the per-sample arrays are component-major, shape
(n_components, n_samples): every sum over components then adds K contiguous
rows, which is several times faster than reducing the short last axis of an
(n_samples, n_components) array. The public functions take and return the
usual (n_samples, n_components) layout.
"""

import numpy as np
from scipy.special import xlogy

from ._validation import (
    COVARIANCE_TYPES,
    check_choice,
    check_data,
    check_non_negative,
    check_parameters,
    check_responsibilities,
)
from .gaussian import log_gaussian_density_by_component, precision_cholesky

# Added to every N_k, as in scikit-learn, so that a component nobody is
# responsible for keeps a finite mean (0 / 0 would be NaN).
N_K_FLOOR = 10 * np.finfo(np.float64).eps


def log_weighted_density_by_component(X, weights, means, covariances, variance_floor=0.0):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), the numerator of Bishop (9.23) in log space.

    ``variance_floor`` is passed to :func:`gaussian.precision_cholesky`.

    Returns
    -------
    log_weighted : ndarray of shape (n_components, n_samples)
    """
    log_weighted = log_gaussian_density_by_component(X, means, precision_cholesky(covariances, variance_floor))
    with np.errstate(divide="ignore"):  # a zero weight is a log-weight of -inf, which is right
        log_weighted += np.log(weights)[:, np.newaxis]
    return log_weighted


def _far_from_every_component(n):
    # -inf under every component would make the log-sum-exp -inf - (-inf) = NaN.
    return ValueError(
        f"X[{n}] has a log-density of -inf or NaN under every component: its squared Mahalanobis distance "
        "(x_n - mu_k)^T Sigma_k^-1 (x_n - mu_k) overflows float64 for every k, so the point is too far from "
        "every mean for the covariances' scale; check the means and covariances against X, or standardise X"
    )


def normalise_in_log_space(log_weighted):
    """Bayes' rule with the log-sum-exp trick, in place (Bishop 9.23).

    gamma(z_nk) = exp(a_nk - m_n) / sum_j exp(a_nj - m_n) with a_nk the log
    weighted densities and m_n = max_k a_nk, so that the largest term is
    exp(0) = 1 and nothing overflows or underflows to 0 / 0.

    Parameters
    ----------
    log_weighted : ndarray of shape (n_components, n_samples)
        Overwritten with the responsibilities.

    Returns
    -------
    responsibilities : ndarray of shape (n_components, n_samples)
        The same array as ``log_weighted``.
    log_mixture_density : ndarray of shape (n_samples,)
        ln p(x_n) = m_n + ln sum_k exp(a_nk - m_n).

    Raises
    ------
    ValueError
        If some m_n is not finite (-inf or NaN under every component), which
        would make its row NaN.
    """
    row_max = log_weighted.max(axis=0)
    if not np.isfinite(row_max).all():
        raise _far_from_every_component(int(np.argmin(np.isfinite(row_max))))
    log_weighted -= row_max
    responsibilities = np.exp(log_weighted, out=log_weighted)
    normaliser = responsibilities.sum(axis=0)
    responsibilities /= normaliser
    return responsibilities, row_max + np.log(normaliser)


def e_step_by_component(X, weights, means, covariances, variance_floor=0.0):
    """E-step on trusted inputs: (responsibilities (K, n), ln p(x_n) (n,))."""
    return normalise_in_log_space(log_weighted_density_by_component(X, weights, means, covariances, variance_floor))


def effective_counts(responsibilities):
    """N_k = sum_n gamma(z_nk), Bishop (9.27), from (K, n) responsibilities."""
    return responsibilities.sum(axis=1) + N_K_FLOOR


def weighted_means(X, responsibilities, N_k):
    """mu_k = (1 / N_k) sum_n gamma(z_nk) x_n, Bishop (9.24). Shape (K, d)."""
    return (responsibilities @ X) / N_k[:, np.newaxis]


def weighted_scatter(X, responsibilities, N_k, means):
    """(1 / N_k) sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T, Bishop (9.25) before regularisation.

    Centred on mu_k before squaring (two passes), which avoids the
    cancellation of the one-pass E[x x^T] - mu mu^T. Shape (K, d, d).
    """
    n_components, n_features = means.shape
    scatter = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        centred = X.T - means[k][:, np.newaxis]
        scatter[k] = (centred * responsibilities[k]) @ centred.T / N_k[k]
    return scatter


def constrain_covariances(scatter, N_k, covariance_type, reg_covar):
    """Restrict full scatter matrices to a covariance type and regularise.

    "full" keeps each Sigma_k; "diag" keeps its diagonal; "spherical" keeps
    the mean variance times the identity; "tied" shares the N_k-weighted
    average, sum_k N_k Sigma_k / N, across components. Each is the maximum
    of the expected complete-data log-likelihood under that constraint, as in
    scikit-learn. ``reg_covar`` is then added to every diagonal, which keeps
    a component from collapsing onto a point (Bishop section 9.2.1).

    Returns full matrices of shape (K, d, d) for every type, exactly
    symmetric (the matrix products of the scatter leave entries (i, j) and
    (j, i) different in their last bits).
    """
    n_components, n_features, _ = scatter.shape
    diagonal_index = np.arange(n_features)
    if covariance_type == "full":
        covariances = scatter
    elif covariance_type == "diag":
        covariances = np.zeros_like(scatter)
        covariances[:, diagonal_index, diagonal_index] = scatter[:, diagonal_index, diagonal_index]
    elif covariance_type == "spherical":
        variances = scatter[:, diagonal_index, diagonal_index].mean(axis=1)
        covariances = variances[:, np.newaxis, np.newaxis] * np.eye(n_features)
    else:  # "tied"
        shared = np.tensordot(N_k, scatter, axes=1) / N_k.sum()
        covariances = np.repeat(shared[np.newaxis], n_components, axis=0)
    # A new array (the scatter is not modified); exactly symmetric because a + b == b + a in floating point.
    covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    covariances[:, diagonal_index, diagonal_index] += reg_covar
    return covariances


def m_step_by_component(X, responsibilities, reg_covar, covariance_type):
    """M-step on trusted inputs, responsibilities of shape (K, n).

    Returns (weights (K,), means (K, d), covariances (K, d, d)).
    """
    N_k = effective_counts(responsibilities)
    means = weighted_means(X, responsibilities, N_k)
    scatter = weighted_scatter(X, responsibilities, N_k, means)
    return mixture_from_moments(N_k, means, scatter, reg_covar, covariance_type)


def mixture_from_moments(N_k, means, scatter, reg_covar, covariance_type):
    """The end of every M-step: weights pi_k = N_k / N (Bishop 9.26) and the constrained covariances.

    Shared by the M-step on complete data and the one with missing values
    (lesson 11), which differ only in how they get N_k, mu_k and the scatter.

    Returns (weights (K,), means (K, d), covariances (K, d, d)).
    """
    covariances = constrain_covariances(scatter, N_k, covariance_type, reg_covar)
    return N_k / N_k.sum(), means, covariances


def e_step(X, weights, means, covariances):
    """E-step: the responsibilities gamma(z_nk), Bishop (9.23).

    Taught in lesson 03 (the E-step).

    gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j),
    computed in log space with log-sum-exp, so a point far from every
    component still gets a valid row (the density-space version gives 0 / 0).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    weights : array-like of shape (n_components,)
        Mixing weights pi_k: non-negative, summing to 1.
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)
        Symmetric positive definite.

    Returns
    -------
    responsibilities : ndarray of shape (n_samples, n_components)
        Each row is a probability distribution over the components.
    """
    X = check_data(X)
    weights, means, covariances = check_parameters(weights, means, covariances, X.shape[1])
    responsibilities, _ = e_step_by_component(X, weights, means, covariances)
    return responsibilities.T


def m_step(X, responsibilities, reg_covar=1e-6, covariance_type="full"):
    """M-step: weighted maximum likelihood, Bishop (9.24)-(9.27).

    Taught in lesson 04 (the M-step).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    responsibilities : array-like of shape (n_samples, n_components)
        Rows of probabilities, e.g. from :func:`e_step`, or one-hot labels.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance. With 0 this is exactly
        Bishop's M-step; a component with fewer than n_features + 1 points
        then has a singular covariance.
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"
        The constraint on Sigma_k, as in scikit-learn.

    Returns
    -------
    weights : ndarray of shape (n_components,)
        pi_k = N_k / N.
    means : ndarray of shape (n_components, n_features)
        mu_k = sum_n gamma(z_nk) x_n / N_k.
    covariances : ndarray of shape (n_components, n_features, n_features)
        Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k (+ reg_covar I),
        always full matrices whatever the covariance type.
    """
    X = check_data(X)
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    reg_covar = check_non_negative(reg_covar, "reg_covar")
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return m_step_by_component(X, np.ascontiguousarray(responsibilities.T), reg_covar, covariance_type)


def log_mixture_density(X, weights, means, covariances):
    """ln p(x_n) = ln sum_k pi_k N(x_n | mu_k, Sigma_k) for each sample (Bishop 9.7).

    Taught in lesson 02 (Gaussians and the likelihood).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    weights, means, covariances : as in :func:`e_step`

    Returns
    -------
    log_density : ndarray of shape (n_samples,)
    """
    X = check_data(X)
    weights, means, covariances = check_parameters(weights, means, covariances, X.shape[1])
    return e_step_by_component(X, weights, means, covariances)[1]


def log_likelihood(X, weights, means, covariances):
    """Total log-likelihood ln p(X | pi, mu, Sigma) = sum_n ln p(x_n), Bishop (9.14) and (9.28).

    Taught in lesson 02 (Gaussians and the likelihood).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    weights, means, covariances : as in :func:`e_step`

    Returns
    -------
    log_likelihood : float
        Summed over samples (divide by n_samples for scikit-learn's ``score``).
    """
    return float(log_mixture_density(X, weights, means, covariances).sum())


def lower_bound(X, weights, means, covariances, responsibilities):
    """The lower bound L(q, theta) on the log-likelihood, Bishop (9.71) for a Gaussian mixture.

    For a distribution q(Z) that gives sample n to component k with
    probability q_nk (one row per sample, independent across samples),

        L(q, theta) = sum_n sum_k q_nk [ln pi_k + ln N(x_n | mu_k, Sigma_k) - ln q_nk],

    the expected complete-data log-likelihood under q plus the entropy of q.
    ln p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)) (9.70), so L is
    at most the log-likelihood, and equal to it when q is the E-step's
    responsibilities. A q_nk of 0 contributes 0 (0 ln 0 = 0), even where
    pi_k = 0. Taught in lesson 10.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    weights, means, covariances : as in :func:`e_step`
    responsibilities : array-like of shape (n_samples, n_components)
        q_nk: each row a probability distribution over the components.

    Returns
    -------
    lower_bound : float
        Summed over samples, like :func:`log_likelihood`.
    """
    X = check_data(X)
    weights, means, covariances = check_parameters(weights, means, covariances, X.shape[1])
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    if responsibilities.shape[1] != weights.shape[0]:
        raise ValueError(
            f"responsibilities has {responsibilities.shape[1]} columns but the mixture has "
            f"n_components = {weights.shape[0]}: one column per component"
        )
    q = responsibilities.T
    log_weighted = log_weighted_density_by_component(X, weights, means, covariances)
    # Only where q_nk > 0: 0 * ln 0 (a zero weight gives ln pi_k = -inf) would be NaN, and counts 0.
    expected_complete = np.multiply(q, log_weighted, out=np.zeros_like(q), where=q > 0).sum()
    return float(expected_complete - xlogy(q, q).sum())

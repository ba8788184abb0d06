"""EM for a Gaussian mixture when entries of X are missing at random (NaN marks a missing entry).

Taught in lesson 11 (missing values).

Split each row x_n into its observed coordinates o and its missing ones m.
The observed part of a Gaussian is Gaussian, N(x_o | mu_o, Sigma_oo)
(Bishop 2.98), so the likelihood of what was seen is the mixture of those
marginals, and the E-step's responsibilities use them. Given component k, the
missing part is Gaussian too, with the conditional mean and covariance of
Bishop (2.81)-(2.82):

    mu_m|o = mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o),
    Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om.

The M-step needs the expected sufficient statistics of the complete rows:
E[x_n] is x_n with x_m replaced by mu_m|o ("completed"), and
E[x_n x_n^T] is the completed row's outer product plus Sigma_m|o on the
missing block. That correction is what imputing a value (any value) leaves
out, and why imputing and then fitting shrinks the covariances.

Everything goes through the Cholesky factor L of Sigma_oo and solves with
it (L^-1 B); no covariance is inverted. Rows are grouped by which features
they observe (their pattern), so each pattern costs one factorisation per
component.
"""

import numpy as np
from scipy.linalg.lapack import dtrtri as trtri

from ._validation import SYMMETRY_RTOL, _numeric_array, check_data, check_parameters
from .em import effective_counts, mixture_from_moments, normalise_in_log_space, weighted_means, weighted_scatter
from .gaussian import LOG_2PI, NotPositiveDefiniteError


def _solve_lower(L, B):
    """L^-1 B for a lower-triangular L (a Cholesky factor), shape of B.

    Through LAPACK's triangular inverse of L, as :func:`gaussian.precision_cholesky`
    does: with a multi-threaded BLAS, LAPACK's triangular solve (and scipy's
    solve_triangular) costs milliseconds of thread start-up per call, and
    this runs once per pattern and component in every E-step. Only the
    triangular factor is inverted, never a covariance.
    """
    inverse_factor, _ = trtri(L, lower=1)
    return inverse_factor @ B


def _conditional_by_rows(mean, covariance, X_observed, observed):
    """Bishop (2.81)-(2.82) and the marginal (2.98) for rows that observe the same features.

    Parameters
    ----------
    mean : ndarray of shape (d,)
    covariance : ndarray of shape (d, d)
    X_observed : ndarray of shape (n_rows, o)
        The observed entries of each row (o = observed.sum() >= 1).
    observed : ndarray of bool, shape (d,)

    Returns
    -------
    log_marginal : ndarray of shape (n_rows,)
        ln N(x_o | mu_o, Sigma_oo).
    conditional_means : ndarray of shape (n_rows, m)
        mu_m|o of each row.
    conditional_covariance : ndarray of shape (m, m)
        Sigma_m|o, the same for every row of the pattern.

    Raises
    ------
    numpy.linalg.LinAlgError
        If Sigma_oo is not positive definite.
    """
    missing = ~observed
    L = np.linalg.cholesky(covariance[np.ix_(observed, observed)])  # Sigma_oo = L L^T
    z = _solve_lower(L, (X_observed - mean[observed]).T)  # L^-1 (x_o - mu_o), shape (o, n_rows)
    A = _solve_lower(L, covariance[np.ix_(observed, missing)])  # L^-1 Sigma_om, shape (o, m)
    log_marginal = -0.5 * (z**2).sum(axis=0) - np.log(np.diagonal(L)).sum() - 0.5 * observed.sum() * LOG_2PI
    # Sigma_mo Sigma_oo^-1 = A^T L^-1, so the regression term is A^T z and the Schur complement A^T A.
    conditional_means = mean[missing] + (A.T @ z).T
    conditional_covariance = covariance[np.ix_(missing, missing)] - A.T @ A
    return log_marginal, conditional_means, conditional_covariance


def conditional_gaussian(mean, covariance, x, observed):
    """The Gaussian of the unobserved coordinates given the observed ones, Bishop (2.81)-(2.82).

    Taught in lesson 11 (missing values).

    mu_m|o = mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o) and
    Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om (the Schur
    complement of Sigma_oo), computed with the Cholesky factor of Sigma_oo.

    Parameters
    ----------
    mean : array-like of shape (d,)
    covariance : array-like of shape (d, d)
        Symmetric positive definite.
    x : array-like of shape (d,)
        Finite where ``observed``; its unobserved entries (NaN, or anything)
        are never read.
    observed : array-like of bool, shape (d,)

    Returns
    -------
    conditional_mean : ndarray of shape (m,)
    conditional_covariance : ndarray of shape (m, m)
        For the m = (~observed).sum() unobserved coordinates, in their order
        in x. With nothing observed they are ``mean`` and ``covariance``;
        with everything observed, of shapes (0,) and (0, 0).
    """
    mean, covariance, x, observed = _check_conditional_arguments(mean, covariance, x, observed)
    if not observed.any():
        return mean.copy(), covariance.copy()
    try:
        _, conditional_means, conditional_covariance = _conditional_by_rows(
            mean, covariance, x[observed][np.newaxis], observed
        )
    except np.linalg.LinAlgError:
        raise ValueError(
            "covariance is not positive definite (the Cholesky factorisation of its observed block failed)"
        ) from None
    return conditional_means[0], conditional_covariance


def _check_conditional_arguments(mean, covariance, x, observed):
    mean = _numeric_array(mean, "mean")
    if mean.ndim != 1 or mean.size == 0:
        raise ValueError(f"mean must be a non-empty 1-D array of shape (d,), got shape {mean.shape}")
    d = mean.shape[0]
    covariance = _numeric_array(covariance, "covariance")
    if covariance.shape != (d, d):
        raise ValueError(f"covariance must have shape (d, d) = ({d}, {d}) as mean has d = {d}, "
                         f"got shape {covariance.shape}")
    if np.abs(covariance - covariance.T).max() > SYMMETRY_RTOL * np.abs(covariance).max():
        raise ValueError(f"covariance must be symmetric, got\n{covariance}")
    observed_array = np.asarray(observed)
    if observed_array.dtype != bool or observed_array.shape != (d,):
        raise ValueError(f"observed must be a boolean array of shape (d,) = ({d},), "
                         f"got dtype {observed_array.dtype} and shape {observed_array.shape}")
    x = _numeric_array(x, "x", allow_nan=True)
    if x.shape != (d,):
        raise ValueError(f"x must have shape (d,) = ({d},) as mean has d = {d}, got shape {x.shape}")
    unread = np.isnan(x) & observed_array
    if unread.any():
        raise ValueError(f"x[{int(np.argmax(unread))}] is NaN but observed says it is observed")
    return mean, covariance, x, observed_array


def missingness_patterns(X):
    """The rows of X grouped by which features they observe.

    Taught in lesson 11 (missing values).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        NaN where an entry is missing.

    Returns
    -------
    list of (observed, rows)
        ``observed`` a boolean array of shape (n_features,), ``rows`` the
        indices (ascending) of the rows that observe exactly those features.
    """
    observed = ~np.isnan(X)
    patterns, inverse = np.unique(observed, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    return [(pattern, np.flatnonzero(inverse == p)) for p, pattern in enumerate(patterns)]


def missing_e_step_by_component(X, patterns, weights, means, covariances):
    """E-step with missing entries, on trusted inputs: responsibilities from the observed marginals.

    Taught in lesson 11 (missing values).

    gamma(z_nk) is Bishop's (9.23) with N(x_n,o | mu_k,o, Sigma_k,oo) in
    place of N(x_n | mu_k, Sigma_k); the same E-step gives the expected
    sufficient statistics the M-step needs.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), NaN where missing
    patterns : list of (observed, rows), from :func:`missingness_patterns`
    weights, means, covariances : ndarrays of shapes (K,), (K, d), (K, d, d)

    Returns
    -------
    responsibilities : ndarray of shape (K, n_samples)
    log_density : ndarray of shape (n_samples,)
        ln p(x_n,o), the observed-data log-density of each row.
    statistics : (completed, conditional_covariances)
        ``completed`` (K, n_samples, d): each row with its missing entries
        replaced by mu_m|o under component k, E[x_n | x_n,o, z_nk = 1];
        ``conditional_covariances``: per pattern, an array (K, m, m) of
        Sigma_m|o under each component.

    Raises
    ------
    NotPositiveDefiniteError
        If a component's observed block Sigma_k,oo has no Cholesky factor.
    """
    n_components = weights.shape[0]
    log_weighted = np.empty((n_components, X.shape[0]))
    completed = np.repeat(X[np.newaxis], n_components, axis=0)
    conditional_covariances = []
    for observed, rows in patterns:
        missing = ~observed
        per_component = np.empty((n_components, missing.sum(), missing.sum()))
        X_observed = X[np.ix_(rows, observed)]
        for k in range(n_components):
            try:
                log_weighted[k, rows], conditional_means, per_component[k] = _conditional_by_rows(
                    means[k], covariances[k], X_observed, observed
                )
            except np.linalg.LinAlgError:
                raise NotPositiveDefiniteError(k) from None
            completed[k][np.ix_(rows, missing)] = conditional_means
        conditional_covariances.append(per_component)
    with np.errstate(divide="ignore"):  # a zero weight is a log-weight of -inf, which is right
        log_weighted += np.log(weights)[:, np.newaxis]
    responsibilities, log_density = normalise_in_log_space(log_weighted)
    return responsibilities, log_density, (completed, conditional_covariances)


def missing_m_step_by_component(patterns, statistics, responsibilities, reg_covar, covariance_type):
    """M-step from the expected sufficient statistics of :func:`missing_e_step_by_component`.

    Taught in lesson 11 (missing values).

    mu_k = sum_n gamma(z_nk) xhat_nk / N_k with xhat_nk the completed row, and

        Sigma_k = (1 / N_k) sum_n gamma(z_nk) [(xhat_nk - mu_k)(xhat_nk - mu_k)^T + C_nk],

    where C_nk is Sigma_m|o of row n under component k on the missing block
    and zero elsewhere: the conditional covariance correction (Ghahramani and
    Jordan, 1994). Without C_nk this is the M-step on imputed data, whose
    covariances are too small.

    Returns (weights (K,), means (K, d), covariances (K, d, d)).
    """
    completed, conditional_covariances = statistics
    n_components, _, n_features = completed.shape
    N_k = effective_counts(responsibilities)
    means = np.empty((n_components, n_features))
    scatter = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        # Each component completes the rows its own way, so each gets its own (1, n) M-step sums.
        gamma_k, N = responsibilities[k : k + 1], N_k[k : k + 1]
        means[k] = weighted_means(completed[k], gamma_k, N)[0]
        scatter[k] = weighted_scatter(completed[k], gamma_k, N, means[k : k + 1])[0]
    for (observed, rows), per_component in zip(patterns, conditional_covariances, strict=True):
        missing_block = np.ix_(~observed, ~observed)
        shares = responsibilities[:, rows].sum(axis=1) / N_k  # sum over the pattern's rows of gamma(z_nk) / N_k
        for k in range(n_components):
            scatter[k][missing_block] += shares[k] * per_component[k]
    return mixture_from_moments(N_k, means, scatter, reg_covar, covariance_type)


def observed_log_likelihood(X, weights, means, covariances):
    """The observed-data log-likelihood sum_n ln sum_k pi_k N(x_n,o | mu_k,o, Sigma_k,oo).

    Taught in lesson 11 (missing values).

    Each row contributes the mixture of its observed coordinates' marginals
    (Bishop 2.98: drop the missing rows and columns of mu_k and Sigma_k),
    combined by log-sum-exp. On data without NaN it is :func:`log_likelihood`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
        NaN where an entry is missing; every row and column observes something.
    weights, means, covariances : as in :func:`e_step`

    Returns
    -------
    float
    """
    X = check_data(X, missing=True)
    weights, means, covariances = check_parameters(weights, means, covariances, X.shape[1])
    try:
        _, log_density, _ = missing_e_step_by_component(X, missingness_patterns(X), weights, means, covariances)
    except NotPositiveDefiniteError as error:
        raise ValueError(str(error)) from None
    return float(log_density.sum())


def impute_mean(X):
    """X with every missing entry (NaN) replaced by the mean of its feature's observed entries.

    Taught in lesson 11 (missing values): the quick fix whose fit shrinks
    the covariances; also the data the missing-value fit draws its start from.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        A new array; X is not modified.
    """
    return mean_imputed(check_data(X, missing=True))


def mean_imputed(X):
    """:func:`impute_mean` on a trusted X of shape (n_samples, n_features), every column observed somewhere."""
    return np.where(np.isnan(X), np.nanmean(X, axis=0), X)

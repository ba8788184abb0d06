"""The multivariate Gaussian in log space, through Cholesky factors.

The density of one component (Bishop, PRML eq. 2.43) is

    N(x | mu, Sigma) = exp(-1/2 (x - mu)^T Sigma^-1 (x - mu)) / ((2 pi)^(d/2) |Sigma|^(1/2)).

Evaluating it as written underflows to 0 a few dozen standard deviations
from the mean, and then the E-step divides 0 by 0. So this module never
forms the density, only its logarithm, and never inverts Sigma: with the
Cholesky factorisation Sigma = L L^T, the precision is Sigma^-1 = U U^T with
U = L^-T (upper triangular), and

    (x - mu)^T Sigma^-1 (x - mu) = |U^T (x - mu)|^2,    ln |Sigma|^(-1/2) = sum_i ln U_ii.
"""

import numpy as np
from scipy.linalg.lapack import dtrtri as trtri

from ._validation import check_data, check_means_and_covariances

LOG_2PI = np.log(2.0 * np.pi)


class NotPositiveDefiniteError(ValueError):
    """A covariance matrix has no Cholesky factor: it is not positive definite."""

    def __init__(self, component):
        self.component = component
        super().__init__(
            f"covariances[{component}] is not positive definite (its Cholesky factorisation failed); "
            "a covariance matrix must be symmetric with all eigenvalues > 0"
        )


def precision_cholesky(covariances, variance_floor=0.0):
    """Cholesky factors of the precision matrices Sigma_k^-1.

    Parameters
    ----------
    covariances : ndarray of shape (n_components, n_features, n_features)
    variance_floor : float or ndarray of shape (n_features,), default 0
        Conditional variances (squared diagonal of L_k) at or below this
        count as 0: a covariance made of rounding errors is singular too.

    Returns
    -------
    precision_chol : ndarray of shape (n_components, n_features, n_features)
        Upper-triangular U_k with U_k U_k^T = Sigma_k^-1, i.e. U_k = L_k^-T
        for the Cholesky factor L_k of Sigma_k.

    Raises
    ------
    NotPositiveDefiniteError
        If some Sigma_k is not positive definite (above ``variance_floor``);
        ``.component`` says which.
    """
    precision_chol = np.empty_like(covariances)
    for k, covariance in enumerate(covariances):
        try:
            cholesky_factor = np.linalg.cholesky(covariance)
        except np.linalg.LinAlgError:
            raise NotPositiveDefiniteError(k) from None
        if np.any(np.diagonal(cholesky_factor) ** 2 <= variance_floor):
            raise NotPositiveDefiniteError(k)
        # LAPACK's triangular inverse: L^-1 is exact to rounding and costs a
        # microsecond (scipy's solve_triangular has ~10 ms of thread start-up
        # per call with a multi-threaded BLAS, which dominated small fits).
        inverse_factor, info = trtri(cholesky_factor, lower=1)
        if info != 0:
            raise NotPositiveDefiniteError(k)
        precision_chol[k] = inverse_factor.T
    return precision_chol


def log_gaussian_density_by_component(X, means, precision_chol):
    """ln N(x_n | mu_k, Sigma_k) for every component and sample (Bishop 2.43).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    means : ndarray of shape (n_components, n_features)
    precision_chol : ndarray of shape (n_components, n_features, n_features)
        From :func:`precision_cholesky`.

    Returns
    -------
    log_density : ndarray of shape (n_components, n_samples)
        Component-major, so that sums over components run over contiguous
        rows (the E-step's log-sum-exp reads it that way).
    """
    n_components, n_features, _ = precision_chol.shape
    squared_mahalanobis = np.empty((n_components, X.shape[0]))
    for k in range(n_components):
        # Whiten: row i of `whitened` is the i-th coordinate of U_k^T (x_n - mu_k), for all n.
        whitened = precision_chol[k].T @ X.T
        whitened -= (precision_chol[k].T @ means[k])[:, np.newaxis]
        whitened *= whitened
        whitened.sum(axis=0, out=squared_mahalanobis[k])
    log_det_precision_chol = np.log(np.diagonal(precision_chol, axis1=1, axis2=2)).sum(axis=1)
    log_density = squared_mahalanobis
    log_density *= -0.5
    log_density += (log_det_precision_chol - 0.5 * n_features * LOG_2PI)[:, np.newaxis]
    return log_density


def log_gaussian_density(X, means, covariances):
    """Log-density of each Gaussian component at each sample (Bishop 2.43).

    Taught in lesson 02 (Gaussians and the likelihood).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    means : array-like of shape (n_components, n_features)
    covariances : array-like of shape (n_components, n_features, n_features)

    Returns
    -------
    log_density : ndarray of shape (n_samples, n_components)
        ln N(x_n | mu_k, Sigma_k), finite however far x_n is from mu_k, unless
        the squared Mahalanobis distance overflows float64: then -inf.
    """
    X = check_data(X)
    means, covariances = check_means_and_covariances(means, covariances, X.shape[1])
    return log_gaussian_density_by_component(X, means, precision_cholesky(covariances)).T

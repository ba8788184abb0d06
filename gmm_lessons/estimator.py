"""The course's EM behind scikit-learn's ``GaussianMixture`` interface, for pipelines and searches.

The one module of gmm_lessons that imports scikit-learn: its base classes and
input checks make the estimator behave as scikit-learn's own (``clone``,
``get_params``, ``n_features_in_``, feature names, ``NotFittedError``). The
mathematics stays the package's: the starts, the EM loop and the E-step.

Two translations happen here.

* Shapes. scikit-learn stores covariances (and precision Cholesky factors) in
  a shape that depends on ``covariance_type``: (K, d, d) "full", (K, d)
  diagonals "diag", (K,) variances "spherical", one (d, d) matrix "tied". The
  package always works with full (K, d, d) matrices.
* Iterations. scikit-learn's iteration is an E-step then an M-step, and its
  convergence test looks at the E-step's log-likelihood, that is at the
  parameters *before* the iteration's M-step; :func:`fit_gmm` tests the
  parameters after it. So ``max_iter=m`` here is ``fit_gmm(max_iter=m - 1)``
  followed by one more M-step, and ``lower_bound_`` is the mean per-sample
  log-likelihood of the parameters before that last M-step, as scikit-learn
  reports it. From the same start the two estimators then agree iteration for
  iteration, in ``n_iter_``, ``converged_`` and ``lower_bound_`` too.
"""

import warnings
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import (
    COVARIANCE_TYPES,
    _numeric_array,
    check_choice,
    check_count,
    check_covariances,
    check_means,
    check_n_components,
    check_non_negative,
    check_not_time_dtype,
    check_rng,
    check_weights,
)
from .em import e_step_by_component, m_step_by_component
from .fitting import _collapse_error, fit_gmm, initialize_parameters
from .gaussian import NotPositiveDefiniteError, precision_cholesky
from .parameters import MixtureParameters
from .sampling import sample_mixture
from .selection import aic, bic

# scikit-learn's init_params -> the method of initialize_parameters. The names mean what they mean in
# scikit-learn, but the random numbers drawn differ: only given starts reproduce scikit-learn's numbers.
INIT_PARAMS = {"k-means++": "kmeans++", "random": "random"}


class _Mixture(NamedTuple):
    """A fitted mixture with full covariances, as :mod:`gmm_lessons.selection` reads it."""

    weights: np.ndarray  # (n_components,)
    means: np.ndarray  # (n_components, n_features)
    covariances: np.ndarray  # (n_components, n_features, n_features)
    covariance_type: str


def sklearn_shape(covariance_type, n_components, n_features):
    """The shape scikit-learn gives covariances and precisions of this type."""
    return {
        "full": (n_components, n_features, n_features),
        "diag": (n_components, n_features),
        "spherical": (n_components,),
        "tied": (n_features, n_features),
    }[covariance_type]


def to_sklearn_shape(matrices, covariance_type):
    """Full matrices of shape (K, d, d), obeying the type's constraint, in scikit-learn's shape.

    Works for covariances and for their precision Cholesky factors alike:
    both are diagonal for "diag" and "spherical", shared for "tied".
    """
    if covariance_type == "full":
        return matrices
    if covariance_type == "diag":
        return np.diagonal(matrices, axis1=1, axis2=2).copy()
    if covariance_type == "spherical":
        return matrices[:, 0, 0].copy()
    return matrices[0].copy()  # "tied": every component holds the same matrix


def to_full(array, covariance_type, n_components, n_features):
    """The inverse of :func:`to_sklearn_shape`: full matrices of shape (K, d, d)."""
    if covariance_type == "full":
        return array
    if covariance_type == "diag":
        return array[:, :, np.newaxis] * np.eye(n_features)
    if covariance_type == "spherical":
        return array[:, np.newaxis, np.newaxis] * np.eye(n_features)
    return np.repeat(array[np.newaxis], n_components, axis=0)


def covariances_from_precisions(precisions, covariance_type, n_components, n_features):
    """Sigma_k = Lambda_k^-1 from scikit-learn's ``precisions_init``, checked.

    Parameters
    ----------
    precisions : array-like in :func:`sklearn_shape` for the type
        Symmetric positive definite precision matrices Lambda_k (or their
        diagonals, or variances' inverses).

    Returns
    -------
    covariances : ndarray of shape (n_components, n_features, n_features)
    """
    precisions = _numeric_array(precisions, "precisions_init")
    expected = sklearn_shape(covariance_type, n_components, n_features)
    if precisions.shape != expected:
        raise ValueError(
            f"precisions_init must have shape {expected} for covariance_type={covariance_type!r}, "
            f"got shape {precisions.shape}"
        )
    precisions = to_full(precisions, covariance_type, n_components, n_features)
    try:
        check_covariances(precisions, n_components, n_features)  # the package's symmetry test
    except ValueError as error:
        raise ValueError(f"precisions_init must hold symmetric matrices; as full matrices, {error}") from None
    covariances = np.empty((n_components, n_features, n_features))
    for k, precision in enumerate(precisions):
        try:
            inverse_factor = np.linalg.inv(np.linalg.cholesky(precision))
        except np.linalg.LinAlgError:
            raise ValueError(f"precisions_init must be positive definite; component {k}'s is not") from None
        covariances[k] = inverse_factor.T @ inverse_factor  # (L L^T)^-1 = L^-T L^-1
    return covariances


def _validated(estimator, X, **options):
    """X as a float64 array by scikit-learn's ``validate_data`` and its conventions.

    As in scikit-learn, object arrays of numbers are converted and complex
    data is refused; unlike it, dates and durations are refused too rather
    than turned into counts of their unit.
    """
    check_not_time_dtype(np.asarray(X).dtype, "X")
    return validate_data(estimator, X, dtype=np.float64, **options)


def _nonsingular(start, reg_covar):
    """A drawn start, or the error fit_gmm gives for a singular one."""
    try:
        precision_cholesky(start.covariances)
    except NotPositiveDefiniteError as error:
        raise _collapse_error(0, error.component, reg_covar) from None
    return start


def _generator(random_state):
    """scikit-learn's random_state as fit_gmm's rng.

    None, a seed or a Generator pass as they are, so ``random_state=0`` draws
    the start ``fit_gmm(rng=0)`` draws; a legacy ``RandomState`` gives a seed.
    """
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    try:
        return check_rng(random_state)
    except ValueError:
        raise ValueError(
            "random_state must be None, a non-negative integer, a numpy.random.Generator or a "
            f"numpy.random.RandomState, got {random_state!r}"
        ) from None


class GaussianMixture(DensityMixin, BaseEstimator):
    """A Gaussian mixture fitted by the course's EM, with scikit-learn's interface.

    Parameters mean what they mean in ``sklearn.mixture.GaussianMixture``
    (scikit-learn's ``warm_start`` and ``verbose`` are left out).

    Parameters
    ----------
    n_components : int, default 1
        K, the number of components.
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"
    tol : float, default 1e-3
        Stop when the mean per-sample log-likelihood changes by less than this.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance in every M-step.
    max_iter : int, default 100
        Most EM iterations per run.
    n_init : int, default 1
        Number of runs; the one with the highest ``lower_bound_`` is kept.
    init_params : {"k-means++", "random"}, default "k-means++"
        How the start is drawn (see :func:`gmm_lessons.initialize_parameters`):
        "k-means++" seeds K samples and starts from the M-step of the hard
        assignment to them, "random" starts from K random samples as means,
        equal weights and the data covariance. The ideas are scikit-learn's
        (which also offers "kmeans", its default), the random numbers are not:
        only a given start reproduces scikit-learn's numbers.
    weights_init : array-like of shape (n_components,), default None
    means_init : array-like of shape (n_components, n_features), default None
    precisions_init : array-like, default None
        Inverse covariances, shaped as ``covariances_``. Whatever of the three
        is not given comes from ``init_params``.
    random_state : None, int, numpy.random.Generator or numpy.random.RandomState, default None
        Randomness of the starts and of :meth:`sample`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        pi_k.
    means_ : ndarray of shape (n_components, n_features)
        mu_k.
    covariances_ : ndarray
        Sigma_k, of shape (K, d, d) "full", (K, d) "diag", (K,) "spherical", (d, d) "tied".
    precisions_cholesky_ : ndarray, shaped as ``covariances_``
        Upper-triangular U_k with U_k U_k^T = Sigma_k^-1.
    converged_ : bool
    n_iter_ : int
        EM iterations of the kept run.
    lower_bound_ : float
        Mean per-sample log-likelihood of the kept run before its last M-step
        (-inf when ``max_iter=0``).
    lower_bounds_ : ndarray of shape (n_iter_,)
        The same before every M-step of the kept run.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X has string feature names.
    """

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="k-means++",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state

    def fit(self, X, y=None):
        """Fit the mixture to X by EM, ``n_init`` times; keep the best run.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        X = _validated(self, X, ensure_min_samples=2)
        n_components = check_n_components(self.n_components, X.shape[0])
        covariance_type = check_choice(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        tol = check_non_negative(self.tol, "tol")
        reg_covar = check_non_negative(self.reg_covar, "reg_covar")
        max_iter = check_count(self.max_iter, "max_iter")
        starts = self._starts(X, n_components, covariance_type, reg_covar)
        # fit_gmm stops one M-step short of scikit-learn's loop (see the module docstring).
        fits = (
            fit_gmm(
                X, n_components, max(max_iter - 1, 0), tol, start, reg_covar=reg_covar, covariance_type=covariance_type
            )
            for start in starts
        )
        best = max(fits, key=lambda fit: fit.log_likelihood)
        parameters, n_iter, lower_bounds = best.history[-1], 0, np.array([])
        if max_iter > 0:
            responsibilities = np.ascontiguousarray(best.responsibilities.T)
            parameters = MixtureParameters(*m_step_by_component(X, responsibilities, reg_covar, covariance_type))
            n_iter, lower_bounds = best.n_iter + 1, best.log_likelihood_history / X.shape[0]
        try:
            precisions_cholesky = precision_cholesky(parameters.covariances)
        except NotPositiveDefiniteError as error:
            raise _collapse_error(n_iter, error.component, reg_covar) from None
        if max_iter > 0 and not best.converged:
            warnings.warn(
                f"EM did not converge in max_iter={max_iter} iterations (tol={tol}); "
                "increase max_iter or tol, or try other starts",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.weights_, self.means_ = parameters.weights, parameters.means
        self.covariances_ = to_sklearn_shape(parameters.covariances, covariance_type)
        self.precisions_cholesky_ = to_sklearn_shape(precisions_cholesky, covariance_type)
        self.converged_ = best.converged
        self.n_iter_ = n_iter
        self.lower_bounds_ = lower_bounds
        self.lower_bound_ = float(lower_bounds[-1]) if max_iter > 0 else -np.inf
        return self

    def _starts(self, X, n_components, covariance_type, reg_covar):
        """The starts of the ``n_init`` runs: the given parts of the start, the rest drawn."""
        n_init = check_count(self.n_init, "n_init", minimum=1)
        method = INIT_PARAMS[check_choice(self.init_params, "init_params", tuple(INIT_PARAMS))]
        given = self._given_start(n_components, X.shape[1], covariance_type)
        rng = _generator(self.random_state)
        if all(part is not None for part in given):
            return [given]  # n_init runs from one start would all be the same run
        drawn = (
            initialize_parameters(X, n_components, rng, method, reg_covar=reg_covar, covariance_type=covariance_type)
            for _ in range(n_init)
        )
        return (
            _nonsingular(
                MixtureParameters(*(mine if mine is not None else new for mine, new in zip(given, start, strict=True))),
                reg_covar,
            )
            for start in drawn
        )

    def _given_start(self, n_components, n_features, covariance_type):
        """weights_init, means_init and precisions_init (as covariances), checked; None where not given."""
        weights = means = covariances = None
        if self.weights_init is not None:
            weights = check_weights(self.weights_init, "weights_init")
            if weights.shape[0] != n_components:
                raise ValueError(f"weights_init has {weights.shape[0]} components but n_components is {n_components}")
        if self.means_init is not None:
            means = check_means(self.means_init, n_components, n_features, name="means_init")
        if self.precisions_init is not None:
            covariances = covariances_from_precisions(self.precisions_init, covariance_type, n_components, n_features)
        return MixtureParameters(weights, means, covariances)

    def _mixture(self):
        check_is_fitted(self)
        n_components, n_features = self.means_.shape
        covariances = to_full(np.asarray(self.covariances_), self.covariance_type, n_components, n_features)
        return _Mixture(self.weights_, self.means_, covariances, self.covariance_type)

    def _e_step(self, X):
        """(responsibilities (K, n), ln p(x_n) (n,)) of new data under the fitted mixture."""
        mixture = self._mixture()
        X = _validated(self, X, reset=False)
        return e_step_by_component(X, mixture.weights, mixture.means, mixture.covariances)

    def predict(self, X):
        """The most responsible component of each sample, argmax_k gamma(z_nk); shape (n_samples,)."""
        return self._e_step(X)[0].argmax(axis=0)

    def predict_proba(self, X):
        """The responsibilities gamma(z_nk), Bishop (9.23); shape (n_samples, n_components)."""
        return np.ascontiguousarray(self._e_step(X)[0].T)

    def fit_predict(self, X, y=None):
        """Fit to X, then predict X's components; shape (n_samples,)."""
        return self.fit(X).predict(X)

    def score_samples(self, X):
        """ln p(x_n) of each sample (Bishop 9.7); shape (n_samples,)."""
        return self._e_step(X)[1]

    def score(self, X, y=None):
        """Mean per-sample log-likelihood of X, ln p(X) / n_samples."""
        return float(self.score_samples(X).mean())

    def bic(self, X):
        """Bayesian information criterion on X, -2 ln L + p ln N; lower is better."""
        mixture = self._mixture()
        return bic(_validated(self, X, reset=False), mixture)

    def aic(self, X):
        """Akaike information criterion on X, -2 ln L + 2 p; lower is better."""
        mixture = self._mixture()
        return aic(_validated(self, X, reset=False), mixture)

    def sample(self, n_samples=1):
        """Draw samples from the fitted mixture (ancestral sampling, :func:`gmm_lessons.sample_mixture`).

        Unlike scikit-learn, the samples are not grouped by component.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
        """
        mixture = self._mixture()
        n_samples = check_count(n_samples, "n_samples", minimum=1)
        return sample_mixture(
            mixture.weights, mixture.means, mixture.covariances, n_samples, rng=_generator(self.random_state)
        )

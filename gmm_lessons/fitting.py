"""Starting points and the EM loop (Bishop, PRML section 9.2.2)."""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    COVARIANCE_TYPES,
    check_choice,
    check_count,
    check_data,
    check_flag,
    check_n_components,
    check_non_negative,
    check_parameters,
    check_rng,
)
from .em import constrain_covariances, e_step_by_component, m_step_by_component
from .gaussian import NotPositiveDefiniteError, precision_cholesky
from .missing import mean_imputed, missing_e_step_by_component, missing_m_step_by_component, missingness_patterns
from .parameters import FinalParameters, MixtureParameters

INIT_METHODS = ("random", "kmeans++")
# fit_gmm's ways with NaN in X: refuse it, or read it as a missing entry and fit by EM over it (lesson 11).
MISSING_OPTIONS = ("reject", "em")
MISSING_HINT = '; if NaN marks missing entries, fit_gmm(X, ..., missing="em") fits around them (lesson 11)'

# With reg_covar = 0, a variance below SINGULAR_RTOL * max_n |x_ni| * (max_n x_ni - min_n x_ni) is
# rounding noise, not spread: the centred differences x_ni - mu_ki it is made of are only known to
# about eps * |x_ni|.
SINGULAR_RTOL = 100 * np.finfo(np.float64).eps


@dataclass(frozen=True, eq=False)
class GMMFit(FinalParameters):
    """The result of :func:`fit_gmm`.

    Taught in lesson 05 (the EM loop).

    Attributes
    ----------
    history : list of MixtureParameters, length n_iter + 1
        The start, then the parameters after each EM iteration.
    log_likelihood_history : ndarray of shape (n_iter + 1,)
        Total log-likelihood of each entry of ``history``; EM never lets it
        decrease (up to rounding, and to the tiny effect of ``reg_covar``).
    responsibilities : ndarray of shape (n_samples, n_components)
        gamma(z_nk) under the final parameters.
    converged : bool
        Whether the mean per-sample log-likelihood changed by less than
        ``tol`` in the last iteration.
    covariance_type : str
    responsibilities_history : list of ndarray of shape (n_samples, n_components), or None
        gamma(z_nk) under each entry of ``history`` (so the last is
        ``responsibilities``), kept by ``fit_gmm(..., keep_responsibilities=True)``
        for figures that replay the fit; None otherwise.
    """

    history: list
    log_likelihood_history: np.ndarray
    responsibilities: np.ndarray
    converged: bool
    covariance_type: str
    responsibilities_history: list | None = None

    @property
    def n_iter(self):
        """Number of EM iterations run (0 returns the start)."""
        return len(self.history) - 1

    @property
    def log_likelihood(self):
        """Final total log-likelihood."""
        return float(self.log_likelihood_history[-1])

    @property
    def labels(self):
        """Hard assignment argmax_k gamma(z_nk), shape (n_samples,)."""
        return self.responsibilities.argmax(axis=1)


def kmeans_plus_plus_centres(X, n_components, rng):
    """k-means++ seeding (Arthur and Vassilvitskii, 2007): indices of K samples.

    Taught in lesson 06 (initialisation).

    The first centre is uniform; each next one is drawn with probability
    proportional to the squared distance to the nearest centre chosen so far,
    so centres spread out over the data.
    """
    n_samples = X.shape[0]
    chosen = [int(rng.integers(n_samples))]
    squared_distance = ((X - X[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, n_components):
        total = squared_distance.sum()
        # Fewer distinct points than components: every point is a centre already.
        probabilities = squared_distance / total if total > 0 else None
        chosen.append(int(rng.choice(n_samples, p=probabilities)))
        np.minimum(squared_distance, ((X - X[chosen[-1]]) ** 2).sum(axis=1), out=squared_distance)
    return np.array(chosen)


def initialize_parameters(X, n_components, rng=None, method="random", *, reg_covar=1e-6, covariance_type="full"):
    """A starting point for EM.

    Taught in lesson 05 (the EM loop; the k-means++ start in lesson 06).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    n_components : int
        K, between 1 and n_samples.
    rng : None, int or numpy.random.Generator
    method : {"random", "kmeans++"}, default "random"
        "random" is the original lesson's start: equal weights, K distinct
        samples as means, the data covariance for every component.
        "kmeans++" picks K samples by k-means++ seeding, assigns every sample
        to its nearest pick, and starts from the M-step of that hard
        assignment (as scikit-learn's ``init_params="k-means++"``).
    reg_covar : float, default 1e-6
        Added to the diagonal of every start covariance.
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"
        The start covariances are constrained to this type.

    Returns
    -------
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)
    """
    X = check_data(X)
    n_components = check_n_components(n_components, X.shape[0])
    rng = check_rng(rng)
    method = check_choice(method, "method", INIT_METHODS)
    reg_covar = check_non_negative(reg_covar, "reg_covar")
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return _initial_parameters(X, n_components, rng, method, reg_covar, covariance_type)


def _initial_parameters(X, n_components, rng, method, reg_covar, covariance_type):
    n_samples = X.shape[0]
    if method == "kmeans++":
        centres = X[kmeans_plus_plus_centres(X, n_components, rng)]
        nearest = ((X[:, np.newaxis, :] - centres[np.newaxis]) ** 2).sum(axis=2).argmin(axis=1)
        one_hot = (nearest == np.arange(n_components)[:, np.newaxis]).astype(float)
        return MixtureParameters(*m_step_by_component(X, one_hot, reg_covar, covariance_type))
    if n_samples < 2:
        raise ValueError('method="random" uses the data covariance, which needs at least 2 samples in X')
    means = X[rng.choice(n_samples, n_components, replace=False)]
    data_covariance = np.cov(X, rowvar=False).reshape(X.shape[1], X.shape[1])
    weights = np.full(n_components, 1.0 / n_components)
    scatter = np.repeat(data_covariance[np.newaxis], n_components, axis=0)
    covariances = constrain_covariances(scatter, weights, covariance_type, reg_covar)
    return MixtureParameters(weights, means, covariances)


def _check_init(init, X, n_components):
    if isinstance(init, str):
        return check_choice(init, "init", INIT_METHODS)
    if not isinstance(init, (tuple, list)) or len(init) != 3:
        raise ValueError(
            f"init must be one of {', '.join(map(repr, INIT_METHODS))} or a "
            f"(weights, means, covariances) tuple; got {init!r}"
        )
    try:
        # Copies: the fit's history must not share memory with the caller's arrays.
        start = MixtureParameters(*(array.copy() for array in check_parameters(*init, n_features=X.shape[1])))
        precision_cholesky(start.covariances)
    except ValueError as error:
        raise ValueError(f"init: {error}") from None
    if start.weights.shape[0] != n_components:
        raise ValueError(f"init has {start.weights.shape[0]} components but n_components is {n_components}")
    return start


def _collapse_error(iteration, component, reg_covar):
    where = "at the start" if iteration == 0 else f"at iteration {iteration}"
    if reg_covar == 0:
        remedy = (
            "Use reg_covar > 0 (the default, 1e-6, adds it to every covariance's diagonal), "
            "fewer components, or another start."
        )
    else:
        # reg_covar is an absolute variance: next to variances of 1e10 it is lost in rounding.
        remedy = (
            f"reg_covar={reg_covar:g} is too small for the scale of X to keep it positive definite: "
            "standardise X (each feature to unit variance), use a larger reg_covar, or fewer components."
        )
    return ValueError(
        f"EM failed {where}: component {component}'s covariance is singular. "
        f"It sits on too few distinct points (a singularity of the likelihood, Bishop section 9.2.1). {remedy}"
    )


def _em_loop(start, first, e_step, m_step, n_samples, max_iter, tol, reg_covar, covariance_type, keep_responsibilities):
    """The EM loop from one start, whatever the E- and M-steps compute; returns a :class:`GMMFit`.

    ``first`` is ``e_step(start)``'s result; ``e_step(parameters)`` returns
    (responsibilities (K, n), log-density of each row (n,), statistics) and
    ``m_step(responsibilities, statistics)`` the next MixtureParameters. Each
    iteration is an M-step followed by the E-step of the new parameters,
    which also gives their log-likelihood: one E-step per iteration serves
    both the convergence test and the next M-step. With
    ``keep_responsibilities`` every E-step's result is kept, in the public
    (n_samples, n_components) layout.
    """
    responsibilities, log_density, statistics = first
    history = [start]
    log_likelihoods = [log_density.sum()]
    # Every E-step fills a new array, so keeping a view of each costs no copy.
    responsibilities_history = [responsibilities.T] if keep_responsibilities else None
    converged = False
    for iteration in range(1, max_iter + 1):
        parameters = m_step(responsibilities, statistics)
        try:
            responsibilities, log_density, statistics = e_step(parameters)
        except NotPositiveDefiniteError as error:
            raise _collapse_error(iteration, error.component, reg_covar) from None
        history.append(parameters)
        log_likelihoods.append(log_density.sum())
        if keep_responsibilities:
            responsibilities_history.append(responsibilities.T)
        # As in scikit-learn: the change of the mean per-sample log-likelihood.
        if abs(log_likelihoods[-1] - log_likelihoods[-2]) / n_samples < tol:
            converged = True
            break
    return GMMFit(
        history=history,
        log_likelihood_history=np.array(log_likelihoods),
        responsibilities=responsibilities.T,
        converged=converged,
        covariance_type=covariance_type,
        responsibilities_history=responsibilities_history,
    )


def run_em(X, start, max_iter, tol, reg_covar, covariance_type, keep_responsibilities=False):
    """The EM loop on trusted inputs from one start; returns a :class:`GMMFit`."""
    # A component left on one point gets, in floating point, a covariance of rounding errors (about 1e-26
    # for a point at x = 100) rather than exactly 0: its Cholesky factor exists and the likelihood is a
    # finite spike. Only reg_covar = 0 allows that (otherwise every variance is >= reg_covar).
    variance_floor = SINGULAR_RTOL * np.abs(X).max(axis=0) * np.ptp(X, axis=0) if reg_covar == 0 else 0.0

    def e_step(parameters):
        return *e_step_by_component(X, *parameters, variance_floor), None

    def m_step(responsibilities, _):
        return MixtureParameters(*m_step_by_component(X, responsibilities, reg_covar, covariance_type))

    first = (*e_step_by_component(X, *start), None)
    return _em_loop(start, first, e_step, m_step, X.shape[0], max_iter, tol, reg_covar, covariance_type,
                    keep_responsibilities)


def run_missing_em(X, start, max_iter, tol, reg_covar, covariance_type, keep_responsibilities=False):
    """The EM loop over missing entries (NaN in X) on trusted inputs from one start (lesson 11).

    The E-step's responsibilities and log-likelihood are those of the observed
    entries; the M-step uses the expected sufficient statistics with the
    conditional covariance correction (:mod:`gmm_lessons.missing`). The
    log-likelihood history is the observed-data log-likelihood, which EM never
    lets decrease.
    """
    patterns = missingness_patterns(X)

    def e_step(parameters):
        return missing_e_step_by_component(X, patterns, *parameters)

    def m_step(responsibilities, statistics):
        return MixtureParameters(
            *missing_m_step_by_component(patterns, statistics, responsibilities, reg_covar, covariance_type)
        )

    return _em_loop(start, e_step(start), e_step, m_step, X.shape[0], max_iter, tol, reg_covar, covariance_type,
                    keep_responsibilities)


def fit_gmm(
    X,
    n_components,
    max_iter=100,
    tol=1e-6,
    init="kmeans++",
    rng=None,
    reg_covar=1e-6,
    covariance_type="full",
    n_init=1,
    keep_responsibilities=False,
    missing="reject",
):
    """Fit a Gaussian mixture by EM (Bishop, PRML section 9.2.2).

    Taught in lesson 05 (the EM loop); with missing values, lesson 11.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
        With ``missing="em"``, NaN marks a missing entry.
    n_components : int
        K, between 1 and n_samples.
    max_iter : int, default 100
        Most EM iterations per run; 0 returns the start.
    tol : float, default 1e-6
        Stop when the mean per-sample log-likelihood changes by less than
        this (as scikit-learn); 0 always runs ``max_iter`` iterations.
    init : {"kmeans++", "random"} or (weights, means, covariances), default "kmeans++"
        How to start (see :func:`initialize_parameters`), or the exact start.
    rng : None, int or numpy.random.Generator
        Randomness of the starts; the global numpy RNG is never used.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance in every M-step.
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"
    n_init : int, default 1
        Number of runs from different random starts; the run with the
        highest final log-likelihood is returned.
    keep_responsibilities : bool, default False
        Also keep the responsibilities of every entry of ``history``, as
        ``responsibilities_history``, for figures and sliders that replay the
        fit (lesson 05). Off by default: it holds n_iter + 1 arrays of shape
        (n_samples, n_components).
    missing : {"reject", "em"}, default "reject"
        "reject" refuses NaN in X. "em" reads NaN as an entry missing at
        random and runs EM over it (:mod:`gmm_lessons.missing`): the
        responsibilities and ``log_likelihood_history`` are those of the
        observed entries, the M-step uses the expected sufficient statistics
        with the conditional covariance correction. Every row and every
        column must observe at least one entry (a ValueError names X
        otherwise); the random and k-means++ starts are drawn from the
        mean-imputed data. On X without NaN, "em" is exactly the plain fit.

    Returns
    -------
    GMMFit
        ``weights``, ``means``, ``covariances``, ``responsibilities``,
        ``converged``, ``n_iter``, ``log_likelihood_history``, ``history``
        and ``responsibilities_history`` (None unless kept).

    Raises
    ------
    ValueError
        For bad arguments, and when a component collapses (its covariance
        becomes singular): with ``reg_covar=0``, or when ``reg_covar`` is
        lost in rounding next to the scale of X.
    """
    missing = check_choice(missing, "missing", MISSING_OPTIONS)
    X = check_data(X, missing=missing == "em", nan_hint=MISSING_HINT)
    n_components = check_n_components(n_components, X.shape[0])
    max_iter = check_count(max_iter, "max_iter")
    tol = check_non_negative(tol, "tol")
    reg_covar = check_non_negative(reg_covar, "reg_covar")
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    n_init = check_count(n_init, "n_init", minimum=1)
    keep_responsibilities = check_flag(keep_responsibilities, "keep_responsibilities")
    init = _check_init(init, X, n_components)
    rng = check_rng(rng)
    has_missing = bool(np.isnan(X).any())
    if isinstance(init, MixtureParameters):
        if n_init != 1:
            raise ValueError(
                "n_init must be 1 when init is a (weights, means, covariances) tuple: every run would be the same"
            )
        starts = [init]
    else:
        # With missing entries the starts come from the mean-imputed data: a start only has to be reasonable.
        start_data = mean_imputed(X) if has_missing else X
        starts = (
            _initial_parameters(start_data, n_components, rng, init, reg_covar, covariance_type) for _ in range(n_init)
        )
    run = run_missing_em if has_missing else run_em
    best = None
    for start in starts:
        try:
            fit = run(X, start, max_iter, tol, reg_covar, covariance_type, keep_responsibilities)
        except NotPositiveDefiniteError as error:  # a singular start: reg_covar=0, or too small for X's scale
            raise _collapse_error(0, error.component, reg_covar) from None
        if best is None or fit.log_likelihood > best.log_likelihood:
            best = fit
    return best

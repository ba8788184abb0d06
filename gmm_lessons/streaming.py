"""EM from sufficient statistics: over the chunks of data larger than memory, and on a stream.

Taught in lesson 12 (streams and data larger than memory).

The M-step (Bishop 9.24-9.27) sees the data only through three sums per
component, its sufficient statistics,

    N_k = sum_n gamma(z_nk),   S1_k = sum_n gamma(z_nk) x_n,   S2_k = sum_n gamma(z_nk) x_n x_n^T,

and sums add over any split of the data. So one EM iteration over chunks is
a map (each chunk's E-step and sums, :func:`chunk_statistics`, computed where
the chunk is) and a reduce (:func:`combine_statistics`), after which only
K (1 + d + d^2) numbers meet in :func:`m_step_from_statistics`. Stepwise EM
(:func:`stepwise_em`, Cappé and Moulines 2009) sees every sample once: it
keeps a running average of per-sample statistics over mini-batches.

Nothing here imports dask: the lesson hands :func:`chunk_statistics` to
``dask.delayed`` itself, and ``import gmm_lessons`` needs no dask.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validation import (
    COVARIANCE_TYPES,
    _numeric_array,
    check_choice,
    check_count,
    check_data,
    check_n_components,
    check_non_negative,
    check_parameters,
    check_real,
    check_responsibilities,
    check_rng,
)
from .em import N_K_FLOOR, e_step_by_component, mixture_from_moments
from .fitting import _check_init, initialize_parameters
from .gaussian import NotPositiveDefiniteError, precision_cholesky
from .parameters import FinalParameters, MixtureParameters


class ChunkStatistics(NamedTuple):
    """What one chunk contributes to an EM iteration; unpacks as the five fields.

    Taught in lesson 12.

    Attributes
    ----------
    N_k : ndarray of shape (n_components,)
        sum_n gamma(z_nk) over the chunk.
    sum_x : ndarray of shape (n_components, n_features)
        sum_n gamma(z_nk) x_n.
    sum_xx : ndarray of shape (n_components, n_features, n_features)
        sum_n gamma(z_nk) x_n x_n^T.
    log_likelihood : float
        sum_n ln p(x_n) under the parameters the responsibilities came from.
    n_samples : int
    """

    N_k: np.ndarray
    sum_x: np.ndarray
    sum_xx: np.ndarray
    log_likelihood: float
    n_samples: int


def statistics_by_component(X, responsibilities):
    """(N_k (K,), S1 (K, d), S2 (K, d, d)) on trusted inputs, responsibilities of shape (K, n)."""
    n_components, n_features = responsibilities.shape[0], X.shape[1]
    sum_xx = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        sum_xx[k] = (X.T * responsibilities[k]) @ X
    return responsibilities.sum(axis=1), responsibilities @ X, sum_xx


def sufficient_statistics(X, responsibilities):
    """The sufficient statistics of the M-step: N_k, sum_n gamma(z_nk) x_n and sum_n gamma(z_nk) x_n x_n^T.

    Taught in lesson 12. They are sums over samples, so the statistics of
    the chunks of a data set add up to the statistics of the whole.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    responsibilities : array-like of shape (n_samples, n_components)

    Returns
    -------
    N_k : ndarray of shape (n_components,)
        sum_n gamma(z_nk), Bishop (9.27).
    sum_x : ndarray of shape (n_components, n_features)
        sum_n gamma(z_nk) x_n, the numerator of (9.24).
    sum_xx : ndarray of shape (n_components, n_features, n_features)
        sum_n gamma(z_nk) x_n x_n^T, raw (uncentred) second moments.
    """
    X = check_data(X)
    responsibilities = check_responsibilities(responsibilities, X.shape[0])
    return statistics_by_component(X, np.ascontiguousarray(responsibilities.T))


def chunk_statistics(X, weights, means, covariances):
    """The map of EM over chunks: one chunk's E-step (Bishop 9.23) and its sufficient statistics.

    Taught in lesson 12. Each worker calls this on the chunks it holds (or
    makes); only the small result travels.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        One chunk.
    weights, means, covariances : the current mixture, as in :func:`em.e_step`

    Returns
    -------
    ChunkStatistics
    """
    X = check_data(X)
    weights, means, covariances = check_parameters(weights, means, covariances, X.shape[1])
    responsibilities, log_density = e_step_by_component(X, weights, means, covariances)
    return ChunkStatistics(*statistics_by_component(X, responsibilities), float(log_density.sum()), X.shape[0])


def combine_statistics(parts):
    """The reduce of EM over chunks: the field-by-field sum of :class:`ChunkStatistics`.

    Taught in lesson 12. Addition is associative, so the parts may be
    combined in any grouping (a tree across workers): the result differs
    only by rounding.

    Parameters
    ----------
    parts : iterable of ChunkStatistics
        At least one, all with the same numbers of components and features.

    Returns
    -------
    ChunkStatistics
    """
    parts = list(parts)
    if not parts or not all(isinstance(part, ChunkStatistics) for part in parts):
        raise ValueError(f"parts must be a non-empty sequence of ChunkStatistics, got {len(parts)} items of types "
                         f"{sorted({type(part).__name__ for part in parts})}")
    if len({part.sum_xx.shape for part in parts}) != 1:
        raise ValueError("parts disagree on n_components or n_features: shapes of sum_xx "
                         f"{sorted({part.sum_xx.shape for part in parts})}")
    N_k, sum_x, sum_xx, log_likelihood, n_samples = parts[0]
    for part in parts[1:]:
        N_k, sum_x, sum_xx = N_k + part.N_k, sum_x + part.sum_x, sum_xx + part.sum_xx
        log_likelihood, n_samples = log_likelihood + part.log_likelihood, n_samples + part.n_samples
    return ChunkStatistics(N_k, sum_x, sum_xx, log_likelihood, n_samples)


def parameters_from_statistics(N_k, sum_x, sum_xx, reg_covar, covariance_type):
    """The M-step from sufficient statistics on trusted inputs: (weights (K,), means (K, d), covariances (K, d, d)).

    The statistics may be sums or per-sample averages (every formula is a
    ratio of them). N_k gets the same floor as :func:`em.effective_counts`,
    so that the result equals :func:`em.m_step` up to rounding.
    """
    N_k = N_k + N_K_FLOOR
    means = sum_x / N_k[:, np.newaxis]
    # One pass: E[x x^T] - mu mu^T, see m_step_from_statistics about its cancellation.
    scatter = sum_xx / N_k[:, np.newaxis, np.newaxis] - means[:, :, np.newaxis] * means[:, np.newaxis, :]
    return mixture_from_moments(N_k, means, scatter, reg_covar, covariance_type)


def _check_statistics(N_k, sum_x, sum_xx):
    N_k = _numeric_array(N_k, "N_k")
    sum_x = _numeric_array(sum_x, "sum_x")
    sum_xx = _numeric_array(sum_xx, "sum_xx")
    if N_k.ndim != 1 or N_k.size == 0:
        raise ValueError(f"N_k must be a non-empty 1-D array of shape (n_components,), got shape {N_k.shape}")
    if np.any(N_k < 0):
        raise ValueError(f"N_k must be non-negative (sums of responsibilities), got {N_k}")
    n_components = N_k.shape[0]
    if sum_x.ndim != 2 or sum_x.shape[0] != n_components or sum_x.shape[1] == 0:
        raise ValueError(f"sum_x must have shape (n_components, n_features) with n_components = {n_components} "
                         f"(N_k's length), got shape {sum_x.shape}")
    expected = (n_components, sum_x.shape[1], sum_x.shape[1])
    if sum_xx.shape != expected:
        raise ValueError(f"sum_xx must have shape (n_components, n_features, n_features) = {expected}, "
                         f"got shape {sum_xx.shape}")
    return N_k, sum_x, sum_xx


def m_step_from_statistics(N_k, sum_x, sum_xx, reg_covar=1e-6, covariance_type="full"):
    """The M-step from sufficient statistics alone: Bishop (9.24)-(9.27) rewritten.

    Taught in lesson 12.

        pi_k = N_k / N,   mu_k = S1_k / N_k,   Sigma_k = S2_k / N_k - mu_k mu_k^T (+ reg_covar I)

    The covariance is (9.25) expanded: sum_n gamma (x_n - mu)(x_n - mu)^T / N_k
    = S2 / N_k - mu mu^T. :func:`em.m_step` does not use this form: it has
    the data, so it centres x_n on mu_k first (two passes) and keeps full
    accuracy. Here the data are gone (streamed, or on other machines), and
    the subtraction cancels: both terms are about |mu|^2 + sigma^2 and the
    difference is sigma^2, so the covariance keeps only about
    16 - 2 log10(|mu| / sigma) significant digits (at |mu| / sigma = 1e4,
    half of them; at 1e8, none). Centre the data roughly first (subtract the
    mean of a first chunk); then the two M-steps agree to rounding.

    Parameters
    ----------
    N_k : array-like of shape (n_components,)
    sum_x : array-like of shape (n_components, n_features)
    sum_xx : array-like of shape (n_components, n_features, n_features)
        Sums over the data (from :func:`sufficient_statistics` or
        :func:`combine_statistics`), or their averages per sample.
    reg_covar : float, default 1e-6
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"

    Returns
    -------
    MixtureParameters
        weights (n_components,), means (n_components, n_features),
        covariances (n_components, n_features, n_features).
    """
    N_k, sum_x, sum_xx = _check_statistics(N_k, sum_x, sum_xx)
    reg_covar = check_non_negative(reg_covar, "reg_covar")
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    return MixtureParameters(*parameters_from_statistics(N_k, sum_x, sum_xx, reg_covar, covariance_type))


def statistics_of_parameters(weights, means, covariances):
    """Per-sample statistics a mixture implies: (pi_k, pi_k mu_k, pi_k (Sigma_k + mu_k mu_k^T)).

    Their M-step gives the mixture back (up to reg_covar): stepwise EM's
    running statistics start from them.
    """
    second_moments = covariances + means[:, :, np.newaxis] * means[:, np.newaxis, :]
    return weights.copy(), weights[:, np.newaxis] * means, weights[:, np.newaxis, np.newaxis] * second_moments


def step_size(t, alpha, t0):
    """eta_t = (t + t0)^(-alpha), the step size of stepwise EM at step t = 1, 2, ... (Cappé and Moulines 2009).

    With 0.5 < alpha <= 1 the steps sum to infinity while their squares do
    not (the Robbins-Monro conditions), which makes the running statistics
    converge.
    """
    return (t + t0) ** -alpha


def stepwise_update(statistics, batch_statistics, eta):
    """s_t = (1 - eta) s_(t-1) + eta s_batch, field by field: stepwise EM's stochastic approximation.

    With eta_t = 1 / t (alpha = 1, t0 = 0) s_t is the plain average of the
    first t batch statistics.
    """
    return tuple((1.0 - eta) * old + eta * new for old, new in zip(statistics, batch_statistics, strict=True))


@dataclass(frozen=True, eq=False)
class StepwiseFit(FinalParameters):
    """The result of :func:`stepwise_em`.

    Taught in lesson 12.

    Attributes
    ----------
    history : list of MixtureParameters, length n_steps + 1
        The start, then the parameters after each mini-batch.
    n_seen : ndarray of shape (n_steps + 1,)
        Samples seen when each entry of ``history`` was made (0 for the start).
    step_sizes : ndarray of shape (n_steps,)
        eta_t of each step.
    log_likelihood_history : ndarray of shape (n_steps + 1,), or None
        Mean per-sample ln p(x) of the ``held_out`` data under each entry
        of ``history``; None without ``held_out``.
    alpha, t0 : float
        The schedule eta_t = (t + t0)^(-alpha).
    """

    history: list
    n_seen: np.ndarray
    step_sizes: np.ndarray
    log_likelihood_history: np.ndarray | None
    alpha: float
    t0: float

    @property
    def n_steps(self):
        """Mini-batches seen."""
        return len(self.history) - 1


def _check_alpha(alpha):
    alpha = check_real(alpha, "alpha")
    if not 0.5 < alpha <= 1:
        raise ValueError(f"alpha must be a number with 0.5 < alpha <= 1 (Cappé and Moulines' condition for the "
                         f"step sizes (t + t0)^-alpha to converge), got {alpha!r}")
    return alpha


def _batches(batches):
    """An iterator over the batches, refusing an array (iterating one would give its rows as batches)."""
    if isinstance(batches, np.ndarray) or not hasattr(batches, "__iter__"):
        raise ValueError(f"batches must be an iterable of 2-D arrays (a list or generator of mini-batches), got "
                         f"{type(batches).__name__}; to stream an array X use gl.streaming.minibatches(X, batch_size)")
    return iter(batches)


def _check_batch(batch, step, n_features):
    batch = check_data(batch, f"batch {step}")
    if n_features is not None and batch.shape[1] != n_features:
        raise ValueError(f"batch {step} has {batch.shape[1]} features but the first batch has {n_features}")
    return batch


def stepwise_em(batches, n_components, alpha=0.6, t0=2.0, init="kmeans++", rng=None, reg_covar=1e-6,
                covariance_type="full", held_out=None):
    """Stepwise (online) EM over a stream of mini-batches (Cappé and Moulines 2009).

    Taught in lesson 12.

    Each batch B_t (of any size) is seen once: its E-step under the current
    parameters gives its per-sample statistics s_B = (N_k, S1_k, S2_k) / |B_t|;
    the running statistics move towards them, s_t = (1 - eta_t) s_(t-1) +
    eta_t s_B with eta_t = (t + t0)^(-alpha); the parameters are the M-step
    of s_t (:func:`m_step_from_statistics`). s_0 is the statistics of the
    start (:func:`statistics_of_parameters`), so t0 > 0 keeps some weight on
    it for the first steps. With t0 = 0, eta_1 = 1 and the first step is
    one batch EM iteration on the first batch.

    Parameters
    ----------
    batches : iterable of array-like of shape (batch_size, n_features)
        Read once, in order; a generator is never held in memory whole.
    n_components : int
        K, at most the size of the first batch.
    alpha : float, default 0.6
        The schedule's exponent, 0.5 < alpha <= 1: smaller forgets old
        batches faster (follows the data, noisier).
    t0 : float, default 2.0
        The schedule's offset, >= 0: larger gives smaller first steps.
    init : {"kmeans++", "random"} or (weights, means, covariances), default "kmeans++"
        A method applied to the first batch (:func:`initialize_parameters`), or the start.
    rng : None, int or numpy.random.Generator
        For the start; the global numpy RNG is never used.
    reg_covar : float, default 1e-6
    covariance_type : {"full", "diag", "spherical", "tied"}, default "full"
    held_out : array-like of shape (n_held_out, n_features), optional
        Data whose mean per-sample log-likelihood is recorded after every step.

    Returns
    -------
    StepwiseFit
    """
    iterator = _batches(batches)
    alpha = _check_alpha(alpha)
    t0 = check_non_negative(t0, "t0")
    reg_covar = check_non_negative(reg_covar, "reg_covar")
    covariance_type = check_choice(covariance_type, "covariance_type", COVARIANCE_TYPES)
    rng = check_rng(rng)
    first = next(iterator, None)
    if first is None:
        raise ValueError("batches is empty: stepwise EM needs at least one mini-batch")
    first = _check_batch(first, 0, None)
    n_components = check_n_components(n_components, first.shape[0])
    start = _check_init(init, first, n_components)
    if not isinstance(start, MixtureParameters):
        start = initialize_parameters(first, n_components, rng, start, reg_covar=reg_covar,
                                      covariance_type=covariance_type)
    if held_out is not None:
        held_out = check_data(held_out, "held_out")
        if held_out.shape[1] != first.shape[1]:
            raise ValueError(f"held_out has {held_out.shape[1]} features but the batches have {first.shape[1]}")

    def held_out_score(parameters):
        return float(e_step_by_component(held_out, *parameters)[1].mean())

    statistics = statistics_of_parameters(*start)
    history, n_seen, step_sizes = [start], [0], []
    scores = [held_out_score(start)] if held_out is not None else None
    batch, step = first, 0
    while batch is not None:
        batch = _check_batch(batch, step, first.shape[1])
        responsibilities, _ = e_step_by_component(batch, *history[-1])
        batch_statistics = [part / batch.shape[0] for part in statistics_by_component(batch, responsibilities)]
        step_sizes.append(step_size(step + 1, alpha, t0))
        statistics = stepwise_update(statistics, batch_statistics, step_sizes[-1])
        parameters = MixtureParameters(*parameters_from_statistics(*statistics, reg_covar, covariance_type))
        try:
            precision_cholesky(parameters.covariances)  # fails here, naming this step, if a Sigma_k is not PD
        except NotPositiveDefiniteError as error:
            raise ValueError(
                f"stepwise EM failed after batch {step}: component {error.component}'s covariance is not positive "
                "definite. The one-pass covariance S2 / N_k - mu mu^T cancels when |mu| is large next to the spread: "
                "centre the data (subtract a first batch's mean), or use a larger reg_covar"
            ) from None
        history.append(parameters)
        n_seen.append(n_seen[-1] + batch.shape[0])
        if scores is not None:
            scores.append(held_out_score(parameters))
        batch, step = next(iterator, None), step + 1
    return StepwiseFit(history=history, n_seen=np.array(n_seen), step_sizes=np.array(step_sizes),
                       log_likelihood_history=None if scores is None else np.array(scores), alpha=alpha, t0=t0)


def minibatches(X, batch_size, n_epochs=1, rng=None):
    """Shuffled mini-batches of an array, as a stream for :func:`stepwise_em`.

    Taught in lesson 12. Each epoch is a new random order of the samples,
    cut into batches of ``batch_size`` (the last one of an epoch may be
    smaller); every batch is a new array.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features) or (n_samples,)
    batch_size : int
        Samples per batch, >= 1.
    n_epochs : int, default 1
        Passes over X, >= 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    generator of ndarray of shape (batch_size, n_features)
    """
    X = check_data(X)
    batch_size = check_count(batch_size, "batch_size", minimum=1)
    n_epochs = check_count(n_epochs, "n_epochs", minimum=1)
    rng = check_rng(rng)

    def generate():
        for _ in range(n_epochs):
            order = rng.permutation(X.shape[0])
            for begin in range(0, X.shape[0], batch_size):
                yield X[order[begin : begin + batch_size]]

    return generate()

"""Drawing data from a Gaussian mixture by ancestral sampling (Bishop, PRML section 9.2)."""

import numpy as np

from ._validation import check_count, check_parameters, check_rng


def sample_mixture(weights, means, covariances, n_samples, rng=None):
    """Draw samples from a Gaussian mixture, and the component of each.

    Taught in lesson 01 (data from a mixture).

    Ancestral sampling: first the latent component z_n ~ Categorical(pi),
    then the point x_n ~ N(mu_{z_n}, Sigma_{z_n}), computed as
    mu + L eps with the Cholesky factor Sigma = L L^T and eps ~ N(0, I).

    Parameters
    ----------
    weights : array-like of shape (n_components,)
        Mixing weights pi_k, non-negative, summing to 1.
    means : array-like of shape (n_components, n_features)
        For one feature, shape (n_components,) is accepted.
    covariances : array-like of shape (n_components, n_features, n_features)
        For one feature, the variances, shape (n_components,), are accepted.
    n_samples : int
        Number of samples, >= 0.
    rng : None, int or numpy.random.Generator
        The global numpy RNG is never used.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    labels : ndarray of shape (n_samples,)
        The component each sample was drawn from (the latent z_n).
    """
    weights, means, covariances = check_parameters(weights, means, covariances)
    n_samples = check_count(n_samples, "n_samples")
    rng = check_rng(rng)
    n_components, n_features = means.shape
    cholesky_factors = np.empty_like(covariances)
    for k, covariance in enumerate(covariances):
        try:
            cholesky_factors[k] = np.linalg.cholesky(covariance)
        except np.linalg.LinAlgError:
            raise ValueError(f"covariances[{k}] is not positive definite (its Cholesky factorisation failed)") from None
    labels = rng.choice(n_components, size=n_samples, p=weights)
    standard_normal = rng.standard_normal((n_samples, n_features))
    X = np.empty((n_samples, n_features))
    for k in range(n_components):
        drawn_from_k = labels == k
        X[drawn_from_k] = means[k] + standard_normal[drawn_from_k] @ cholesky_factors[k].T
    return X, labels


def sample_chunk(weights, means, covariances, chunk_size, seed, chunk):
    """Chunk number ``chunk`` of an endless stream of samples from a mixture, made on its own.

    Taught in lesson 12 (streams and data larger than memory).

    Chunk ``chunk`` is drawn with the generator of ``SeedSequence(seed).spawn(...)[chunk]``
    (the child with spawn key ``(chunk,)``): each chunk is reproducible
    without drawing the chunks before it, so a data set far larger than
    memory can be made chunk by chunk, in any order, on any worker, and made
    again instead of stored.

    Parameters
    ----------
    weights, means, covariances : as in :func:`sample_mixture`
    chunk_size : int
        Samples in the chunk, >= 1.
    seed : int
        The stream's seed (non-negative).
    chunk : int
        The chunk's index in the stream, >= 0.

    Returns
    -------
    X : ndarray of shape (chunk_size, n_features)
    """
    chunk_size = check_count(chunk_size, "chunk_size", minimum=1)
    seed = check_count(seed, "seed")
    chunk = check_count(chunk, "chunk")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk,)))
    return sample_mixture(weights, means, covariances, chunk_size, rng)[0]

"""Lesson 12's exercise, ``sufficient_statistics``: correct sufficient statistics and the mistakes learners make."""

import numpy as np


def correct_sufficient_statistics(data, responsibilities):
    """The three sums of the M-step, one einsum each."""
    return (responsibilities.sum(axis=0), responsibilities.T @ data,
            np.einsum("nk,ni,nj->kij", responsibilities, data, data))


def statistics_with(N_k=None, sum_x=None, sum_xx=None):
    """A sufficient_statistics right but for the parts given, each a function of (data, responsibilities)."""

    def sufficient_statistics(data, R):
        right = correct_sufficient_statistics(data, R)
        return tuple(part if wrong is None else wrong(data, R) for part, wrong in zip(right, (N_k, sum_x, sum_xx)))

    return sufficient_statistics


def outer_sums(weights, data, centres=None):
    centred = data[np.newaxis] - (0.0 if centres is None else centres[:, np.newaxis])
    return np.einsum("nk,kni,knj->kij", weights, centred, centred)


def statistics_means(data, R):
    return R.T @ data / R.sum(axis=0)[:, np.newaxis]


MISTAKES = [
    ("N_k_over_components", statistics_with(N_k=lambda X, R: R.sum(axis=1)), r"you summed over the components"),
    ("N_k_hard", statistics_with(N_k=lambda X, R: np.bincount(R.argmax(axis=1), minlength=3).astype(float)),
     r"a hard assignment"),
    ("N_k_weights", statistics_with(N_k=lambda X, R: R.sum(axis=0) / len(X)), r"these are the weights pi_k"),
    ("sum_x_unweighted", statistics_with(sum_x=lambda X, R: np.tile(X.sum(axis=0), (3, 1))),
     r"every sum_x\[k\] is the plain sum of data"),
    ("sum_x_means", statistics_with(sum_x=statistics_means), r"you divided by N_k"),
    ("sum_x_transposed", statistics_with(sum_x=lambda X, R: X.T @ R), r"the axes are in the wrong order"),
    ("sum_x_summed_over_components", statistics_with(sum_x=lambda X, R: (R.T @ X).sum(axis=0)),
     r"without weighting per component"),
    ("sum_xx_unweighted", statistics_with(sum_xx=lambda X, R: outer_sums(np.ones_like(R), X)),
     r"unweighted sum of x_n x_n\^T"),
    ("sum_xx_gamma_squared", statistics_with(sum_xx=lambda X, R: outer_sums(R**2, X)), r"gamma\(z_nk\)\^2"),
    ("sum_xx_centred", statistics_with(sum_xx=lambda X, R: outer_sums(R, X, statistics_means(X, R))),
     r"you centred x_n on mu_k"),
    ("sum_xx_normalised", statistics_with(sum_xx=lambda X, R: outer_sums(R, X) / R.sum(axis=0)[:, None, None]),
     r"you divided by N_k"),
    ("sum_xx_covariances",
     statistics_with(sum_xx=lambda X, R: outer_sums(R, X, statistics_means(X, R)) / R.sum(axis=0)[:, None, None]),
     r"these are the covariances"),
    ("sum_xx_squares", statistics_with(sum_xx=lambda X, R: R.T @ X**2), r"these are squares x_ni\^2"),
    ("sum_xx_over_components", statistics_with(sum_xx=lambda X, R: outer_sums(R, X).sum(axis=0)),
     r"summed the outer products over the components too"),
    ("sum_xx_per_sample", statistics_with(sum_xx=lambda X, R: np.einsum("ni,nj->nij", X, X)),
     r"one outer product per sample"),
    ("sum_xx_outer_of_sums", statistics_with(sum_xx=lambda X, R: np.einsum("ki,kj->kij", R.T @ X, R.T @ X)),
     r"outer product of the sums"),
    ("returns_two", lambda X, R: correct_sufficient_statistics(X, R)[:2], r"expected a tuple \(N_k, sum_x, sum_xx\)"),
]

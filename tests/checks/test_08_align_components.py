"""Lesson 08's exercise, ``align_components``: a correct matching and the mistakes learners make."""

import numpy as np
from scipy.optimize import linear_sum_assignment


def correct_align_components(means, reference_means):
    cost = ((reference_means[:, np.newaxis, :] - means[np.newaxis, :, :]) ** 2).sum(axis=2)
    return linear_sum_assignment(cost)[1]


def squared_distances(rows, columns):
    return ((rows[:, np.newaxis, :] - columns[np.newaxis, :, :]) ** 2).sum(axis=2)


def align_greedy(means, reference_means):
    """The closest (reference, mean) pair first, then the closest of the rest, and so on."""
    cost = squared_distances(reference_means, means)
    order = np.zeros(len(means), dtype=int)
    for _ in range(len(means)):
        j, k = np.unravel_index(np.argmin(cost), cost.shape)
        order[j] = k
        cost[j, :] = cost[:, k] = np.inf
    return order


def align_by_sorting(means, reference_means):
    """Both sets of means sorted by their first feature, the k-th smallest matched to the k-th."""
    order = np.empty(len(means), dtype=int)
    order[np.argsort(reference_means[:, 0])] = np.argsort(means[:, 0])
    return order


MISTAKES = [
    (
        "sorted_by_first_feature",
        align_by_sorting,
        (r"your order \[1, 0\] has total squared distance [\d.]+, but \[0, 1\] has [\d.]+ - sorting both sets of "
         r"means by feature 0 does not match them in general \(lesson 08\)"),
    ),
    (
        "inverse",
        lambda means, reference: linear_sum_assignment(squared_distances(means, reference))[1],
        r"with 3 components expected order \[1, 2, 0\], got \[2, 0, 1\] - that is the inverse",
    ),
    (
        "row_indices",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means))[0],
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - you returned 0\.\.K-1 for every K: the row",
    ),
    ("greedy", align_greedy, r"your order \[1, 0\] has total squared distance 9\.01, but \[0, 1\] has 4\.81 - .*greed"),
    (
        "nearest_mean",
        lambda means, reference: squared_distances(reference, means).argmin(axis=1),
        r"order must be a permutation of 0\.\.1, each component once, got \[0, 0\] - .*argmin",
    ),
    (
        "maximises",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means), maximize=True)[1],
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - cost\[j, k\] = \|reference_means\[j\] - means",
    ),
    (
        "returns_both_outputs",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means)),
        r"got \(2, 3\) - linear_sum_assignment returns two arrays, \(row indices, column indices\)",
    ),
    (
        "returns_the_means",
        lambda means, reference: means[correct_align_components(means, reference)],
        r"got \(3, 2\) - that is the shape of the means",
    ),
    (
        "float_order",
        lambda means, reference: correct_align_components(means, reference).astype(float),
        r"order must hold integers, got \[1, 2, 0\] of type float64",
    ),
    (
        "counts_from_1",
        lambda means, reference: correct_align_components(means, reference) + 1,
        r"permutation of 0\.\.2, .* count components from 0",
    ),
]

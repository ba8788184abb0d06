"""Lesson 06's exercise, ``kmeans_plus_plus``: a correct seeding and the mistakes learners make."""

import numpy as np


def correct_kmeans_plus_plus(data, num_components, rng):
    chosen = [rng.integers(len(data))]
    squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(len(data), p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


def seeding_with(next_seed_weights, update=np.minimum):
    """k-means++ with the next seed drawn with probability proportional to next_seed_weights(D^2) and D^2 updated
    by update(D^2 so far, squared distance to the new seed)."""

    def kmeans_plus_plus(data, num_components, rng):
        n_samples = data.shape[0]
        chosen = [rng.integers(n_samples)]
        squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(1, num_components):
            weights = next_seed_weights(squared_distance)
            chosen.append(rng.choice(n_samples, p=weights / weights.sum()))
            squared_distance = update(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
        return np.array(chosen)

    return kmeans_plus_plus


def kmeans_plus_plus_newest_seed_skipping_chosen_rows(data, num_components, rng):
    """D to the newest seed only, with the rows chosen so far given probability 0 (so nothing repeats)."""
    n_samples = data.shape[0]
    chosen = [rng.integers(n_samples)]
    for _ in range(1, num_components):
        squared_distance = ((data - data[chosen[-1]]) ** 2).sum(axis=1)
        squared_distance[chosen] = 0
        chosen.append(rng.choice(n_samples, p=squared_distance / squared_distance.sum()))
    return np.array(chosen)


def kmeans_plus_plus_first_seed_is_row_0(data, num_components, rng):
    chosen = [0]
    squared_distance = ((data - data[0]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(data.shape[0], p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


MISTAKES = [
    (
        "uniform",
        lambda data, K, rng: rng.choice(data.shape[0], size=K, replace=False),
        r"your seeds are drawn uniformly: .* in \d+% of seedings, where D\^2 sampling gives 6%",
    ),
    (
        "uniform_with_replacement",
        lambda data, K, rng: rng.integers(data.shape[0], size=K),
        r"row \d+ was picked twice",
    ),
    (
        "distance_not_squared",
        seeding_with(np.sqrt),
        r"proportional to D\(x_n\), not D\(x_n\)\^2: .* in \d+% of seedings, .* square the distances",
    ),
    (
        "distance_to_the_newest_seed",
        seeding_with(lambda squared_distance: squared_distance, update=lambda squared_distance, to_new: to_new),
        r"row \d+ was picked twice .* nearest seed so far.*np\.minimum",
    ),
    (
        "newest_seed_skipping_chosen_rows",
        kmeans_plus_plus_newest_seed_skipping_chosen_rows,
        r"your third seed fell in the second seed's pair in \d+% of 400 seedings, expected 50% - .* NEAREST",
    ),
    (
        "first_seed_is_row_0",
        kmeans_plus_plus_first_seed_is_row_0,
        r"\(first, second\) seeds came up \[\[0, \d+, \d+\], \[0, 0, 0\], \[0, 0, 0\]\] .* first seed uniformly",
    ),
    (
        "returns_the_points",
        lambda data, K, rng: data[correct_kmeans_plus_plus(data, K, rng)],
        r"expected indices of shape \(num_components,\) = \(4,\), got \(4, 2\) - those are the seed points",
    ),
    (
        "float_indices",
        lambda data, K, rng: correct_kmeans_plus_plus(data, K, rng).astype(float),
        r"indices must hold integers, got \[.*\] of type float64",
    ),
    (
        "counts_rows_from_1",
        lambda data, K, rng: correct_kmeans_plus_plus(data, K, rng) + 1,
        r"indices must be rows of data, 0\.\.\d+, got .* count rows from 0",
    ),
]

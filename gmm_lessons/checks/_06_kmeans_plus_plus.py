"""Lesson 06's exercise: k-means++ seeding, ``kmeans_plus_plus``."""

import numpy as np
from scipy.stats import chi2

from ._data import CHI2_FALSE_ALARM, THREE_COMPONENTS, Z_LIMIT, points
from ._harness import CheckFailed, Exercise, argument_names, same_seed_case
from ._results import as_indices, fmt

SIGNATURE = "fn(data, num_components, rng) -> indices"
# The lesson's names of the arguments, which messages use.
DATA, COMPONENTS, RNG = argument_names(SIGNATURE)
# Three points on a line: after a first seed at 0, D^2 makes the point at 4 sixteen times as likely as the
# point at 1 to be the second seed (D alone: four times, uniform: as likely).
SEEDING_LINE = np.array([[0.0], [1.0], [4.0]])
# Two tight pairs, rows 0, 1 and rows 2, 3. The first two seeds almost always land in different pairs; the third,
# with D the distance to the nearest seed, is then the partner of either seed with probability 1/2.
SEEDING_PAIRS = np.array([[0.0], [1.0], [10.0], [11.0]])
# Seedings drawn for the statistical cases. On the line, the least likely (first, second) pair is still
# expected 100 times, so the chi-squared test is sound; on the pairs, a 6-standard-error band on how often
# the third seed joins the second seed's pair is +-15 percentage points around 50%.
N_SEEDINGS_LINE = 3000
N_SEEDINGS_PAIRS = 400
# Twelve points for the cases that look at one seeding at a time.
SEEDING_POINTS = points(THREE_COMPONENTS, 12, seed=7)


def _seeds(submission, data, num_components, rng):
    """The learner's seeds: distinct integer row indices of data."""
    result = submission({DATA: data, COMPONENTS: num_components, RNG: rng})
    n_samples, n_features = data.shape
    indices = as_indices(
        result,
        "indices",
        f"({COMPONENTS},)",
        (num_components,),
        hints={(num_components, n_features): f"those are the seed points {DATA}[indices] - return their row indices"},
    )
    if indices.min() < 0 or indices.max() >= n_samples:
        hint = (
            "count rows from 0"
            if np.all((indices >= 1) & (indices <= n_samples))
            else f"each index is the number of a row of {DATA}"
        )
        raise CheckFailed(f"indices must be rows of {DATA}, 0..{n_samples - 1}, got {indices.tolist()} - {hint}")
    if len(set(indices.tolist())) < num_components:
        repeated = next(index for position, index in enumerate(indices) if index in indices[:position])
        raise CheckFailed(
            f"row {repeated} was picked twice ({indices.tolist()}) - a row already chosen has "
            "D(x_n) = 0, D being the distance to the nearest seed so far, so D^2 sampling never draws it again: "
            "keep D^2 up to date with np.minimum(D^2, squared distance to the new seed) and draw with "
            "rng.choice(n_samples, p=D^2 / D^2.sum())"
        )
    return indices


def _seeding_counts(submission, data, num_components, n_seedings, seed):
    """How often each sequence of seeds came up in n_seedings calls sharing one generator.

    Returns an array with one axis of length n_samples per seed.
    """
    rng = np.random.default_rng(seed)
    counts = np.zeros((data.shape[0],) * num_components)
    for _ in range(n_seedings):
        counts[tuple(_seeds(submission, data, num_components, rng))] += 1
    return counts


def _seeding_probabilities(data, num_components, power):
    """The probability of every sequence of seeds, shaped as :func:`_seeding_counts`.

    The first seed is uniform; each next one is drawn with probability
    proportional to D(x_n)^power, D the distance to the nearest seed so far:
    power 2 is k-means++, power 0 draws uniformly among the rows not chosen.
    """
    n_samples = data.shape[0]
    probabilities = np.zeros((n_samples,) * num_components)

    def extend(seeds, probability):
        if len(seeds) == num_components:
            probabilities[tuple(seeds)] = probability
            return
        distances = np.sqrt(((data[:, np.newaxis, :] - data[seeds]) ** 2).sum(axis=2)).min(axis=1)
        weights = np.where(distances > 0, distances**power, 0.0)
        for row in np.flatnonzero(weights):
            extend(seeds + [row], probability * weights[row] / weights.sum())

    for first in range(n_samples):
        extend([first], 1 / n_samples)
    return probabilities


def _fits(counts, probabilities):
    """Whether the counts are plausible draws from these probabilities (chi-squared, false alarm CHI2_FALSE_ALARM)."""
    expected = counts.sum() * probabilities
    if np.any(counts[expected == 0] > 0):
        return False
    possible = expected > 0
    statistic = ((counts[possible] - expected[possible]) ** 2 / expected[possible]).sum()
    return statistic <= chi2.isf(CHI2_FALSE_ALARM, df=possible.sum() - 1)


def _indices(submission):
    """Twelve points, four seeds: four distinct integer row indices."""
    _seeds(submission, SEEDING_POINTS, 4, np.random.default_rng(0))


# (power of D, the mistake, its fix) for the wrong ways of drawing the next seed that the D^2 case names.
WRONG_POWERS = (
    (
        0,
        "your seeds are drawn uniformly",
        ("draw each next seed with probability D(x_n)^2 / sum_m D(x_m)^2: "
        "rng.choice(n_samples, p=squared_distance / squared_distance.sum())"),
    ),
    (
        1,
        "your seeds are drawn with probability proportional to D(x_n), not D(x_n)^2",
        f"square the distances: (({DATA} - {DATA}[seed]) ** 2).sum(axis=1), without np.sqrt",
    ),
)


def _d_squared(submission):
    """On three points on a line, x = 0, 1, 4: the first seed uniform, the second with probability D^2 / sum D^2."""
    counts = _seeding_counts(submission, SEEDING_LINE, 2, N_SEEDINGS_LINE, seed=8)
    probabilities = _seeding_probabilities(SEEDING_LINE, 2, power=2)
    if _fits(counts, probabilities):
        return
    for power, mistake, fix in WRONG_POWERS:
        if _fits(counts, _seeding_probabilities(SEEDING_LINE, 2, power)):
            share = counts[0, 1] / counts[0].sum()
            expected_share = probabilities[0, 1] / probabilities[0].sum()
            raise CheckFailed(
                f"{mistake}: on three points x = 0, 1, 4, after a first seed at 0 your second "
                f"seed was the point at 1 in {share:.0%} of seedings, where D^2 sampling gives {expected_share:.0%} "
                f"(the point at 4 is 16 times as likely) - {fix}"
            )
    raise CheckFailed(
        f"on three points x = 0, 1, 4 your (first, second) seeds came up {fmt(counts)} times in "
        f"{N_SEEDINGS_LINE} seedings (row: first seed, column: second), expected about "
        f"{fmt(np.round(N_SEEDINGS_LINE * probabilities))} - draw the first seed uniformly, rng.integers(n_samples), "
        "and each next one with probability D(x_n)^2 / sum_m D(x_m)^2"
    )


def _nearest_seed(submission):
    """On two tight pairs: no row twice, and the third seed joins the second seed's pair about half the time."""
    counts = _seeding_counts(submission, SEEDING_PAIRS, 3, N_SEEDINGS_PAIRS, seed=9)
    pair = np.arange(SEEDING_PAIRS.shape[0]) // 2
    with_second = (pair[:, np.newaxis] == pair)[np.newaxis]  # [first, second, third]: third in second's pair
    share = (counts * with_second).sum() / N_SEEDINGS_PAIRS
    expected = (_seeding_probabilities(SEEDING_PAIRS, 3, power=2) * with_second).sum()
    if abs(share - expected) <= Z_LIMIT * np.sqrt(expected * (1 - expected) / N_SEEDINGS_PAIRS):
        return
    raise CheckFailed(
        f"on two tight pairs of points, x = 0, 1 and x = 10, 11, your third seed fell in the "
        f"second seed's pair in {share:.0%} of {N_SEEDINGS_PAIRS} seedings, expected {expected:.0%} - D(x_n) is the "
        "distance to the NEAREST seed so far: after each draw update D^2 = np.minimum(D^2, squared distance to the "
        "new seed), not the distance to the newest seed alone"
    )


EXERCISE = Exercise(
    name="kmeans_plus_plus",
    lesson="06",
    title="k-means++ seeding",
    signature=SIGNATURE,
    about="""\
``fn`` takes data (n_samples, n_features), num_components and rng, a
``numpy.random.Generator``; it returns the row indices of the seeds, an
integer array of shape (num_components,). The first seed is a uniformly
drawn row; each next one is drawn with probability D(x_n)^2 / sum_m D(x_m)^2,
D the distance to the nearest seed so far (Arthur and Vassilvitskii, 2007).
The statistical cases name uniform and D sampling; a correct function fails
one with probability below one in a million.""",
    cases=(
        _indices,
        same_seed_case(
            lambda submission, seed: _seeds(submission, SEEDING_POINTS, 4, np.random.default_rng(seed)),
            "indices",
            other_seeds=(2, 3, 4, 5, 6),
        ),
        _d_squared,
        _nearest_seed,
    ),
    rng_calls="rng.integers(n_samples), rng.choice(n_samples, p=...)",
    references=("fitting.kmeans_plus_plus_centres",),
)

"""Data sets shipped with the lessons."""

from importlib import resources

import numpy as np

# The original lesson's three clusters, in the order it draws them.
SEED_DATASET_COMPONENTS = (
    ([0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]]),
    ([6.0, 6.0], [[1.5, -0.7], [-0.7, 1.5]]),
    ([-4.0, 5.0], [[0.8, 0.0], [0.0, 2.0]]),
)
SEED_DATASET_SEED = 42
SEED_DATASET_POINTS_PER_COMPONENT = 100


def seed_dataset():
    """The original lesson's 300 points, bit for bit.

    Taught in lesson 01 (data from a mixture).

    The original runs ``np.random.seed(42)`` and three
    ``np.random.multivariate_normal`` calls; a private legacy
    ``RandomState(42)`` makes the same draws without touching the global
    numpy RNG.

    Returns
    -------
    X : ndarray of shape (300, 2)
    labels : ndarray of shape (300,)
        100 x 0, then 100 x 1, then 100 x 2.
    """
    legacy_rng = np.random.RandomState(SEED_DATASET_SEED)
    X = np.vstack(
        [
            legacy_rng.multivariate_normal(mean, covariance, SEED_DATASET_POINTS_PER_COMPONENT)
            for mean, covariance in SEED_DATASET_COMPONENTS
        ]
    )
    labels = np.repeat(np.arange(len(SEED_DATASET_COMPONENTS)), SEED_DATASET_POINTS_PER_COMPONENT)
    return X, labels


OLD_FAITHFUL_FEATURES = ("eruption time (minutes)", "waiting time to the next eruption (minutes)")


def old_faithful():
    """The Old Faithful geyser data: 272 eruptions (Bishop, PRML figure 9.8).

    Taught in lesson 08 (Old Faithful).

    Shipped with the package (``gmm_lessons/data/old_faithful.csv``; source
    and licence in ``gmm_lessons/data/README.md``), so nothing is downloaded.

    Returns
    -------
    X : ndarray of shape (272, 2)
        Columns as in ``OLD_FAITHFUL_FEATURES``: eruption time and waiting
        time to the next eruption, in minutes.
    """
    with resources.files("gmm_lessons").joinpath("data/old_faithful.csv").open() as csv_file:
        return np.loadtxt(csv_file, delimiter=",", skiprows=1)


# Lesson 11's three tilted clusters, side by side along x_1 with the same mean of x_2, so that the mean of
# x_2 over all the data is every cluster's own: imputing it is the kindest imputation there is, and it still
# shrinks the variances and the tilt. Taught in lesson 11 (missing values); (weights, means, covariances).
TILTED_CLUSTERS = (
    (0.35, 0.3, 0.35),
    ((-5.0, 0.0), (0.0, 0.0), (5.0, 0.0)),
    (((1.0, 1.1), (1.1, 2.0)), ((1.0, -1.1), (-1.1, 2.0)), ((1.0, 1.1), (1.1, 2.0))),
)

"""seed_dataset: the original lesson's data, bit for bit, without touching the global RNG."""

import numpy as np
from numpy.testing import assert_array_equal

import gmm_lessons as gl


def original_recipe():
    """The lesson's own code, run literally on the global RNG; the global state is restored afterwards."""
    saved_state = np.random.get_state()
    try:
        np.random.seed(42)
        c1 = np.random.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], 100)
        c2 = np.random.multivariate_normal([6, 6], [[1.5, -0.7], [-0.7, 1.5]], 100)
        c3 = np.random.multivariate_normal([-4, 5], [[0.8, 0], [0, 2.0]], 100)
        data = np.vstack([c1, c2, c3])
    finally:
        np.random.set_state(saved_state)
    return data


def test_bit_for_bit_equal_to_the_original_recipe(assert_rng_states_equal):
    """seed_dataset() returns exactly the lesson's 300 x 2 array (and the recipe leaves the global RNG as it was)."""
    state_before = np.random.get_state()
    expected = original_recipe()
    assert_rng_states_equal(state_before, np.random.get_state())

    X, _ = gl.seed_dataset()

    assert X.shape == (300, 2) and X.dtype == np.float64
    assert_array_equal(X, expected)


def test_labels_are_100_of_each_in_order():
    """labels are 100 x 0, then 100 x 1, then 100 x 2."""
    _, labels = gl.seed_dataset()
    assert_array_equal(labels, np.repeat([0, 1, 2], 100))


def test_leaves_the_global_rng_untouched(global_rng_untouched):
    """seed_dataset() neither reads nor changes np.random's global state."""
    np.random.seed(123)
    with global_rng_untouched():
        first, _ = gl.seed_dataset()
    np.random.seed(7)  # a different global state must not change the data
    second, _ = gl.seed_dataset()
    assert_array_equal(first, second)


def test_returns_fresh_arrays():
    """Each call returns new arrays: changing one result does not change the next."""
    X, labels = gl.seed_dataset()
    X[:] = 0
    labels[:] = -1
    again, again_labels = gl.seed_dataset()
    assert_array_equal(again, original_recipe())
    assert_array_equal(again_labels, np.repeat([0, 1, 2], 100))

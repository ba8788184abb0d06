"""Label switching: matching, permuting and sorting components."""

import itertools

import numpy as np
import pytest

import gmm_lessons as gl
from gmm_lessons import alignment


@pytest.fixture(scope="module")
def mixture():
    weights = np.array([0.2, 0.3, 0.5])
    means = np.array([[0.0, 0.0], [5.0, 1.0], [-3.0, 4.0]])
    covariances = np.array([np.eye(2), 2 * np.eye(2), [[1.0, 0.4], [0.4, 0.5]]])
    return gl.MixtureParameters(weights, means, covariances)


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_align_to_undoes_any_relabelling(mixture, order):
    shuffled = alignment.permute_components(mixture, order)
    aligned = alignment.align_to(shuffled, mixture)
    for got, expected in zip(aligned, mixture):
        np.testing.assert_array_equal(got, expected)


def test_match_components_minimises_the_total_distance_over_all_permutations():
    rng = np.random.default_rng(0)
    reference, means = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    order = alignment.match_components(means, reference)
    best = min(itertools.permutations(range(5)), key=lambda p: ((means[list(p)] - reference) ** 2).sum())
    assert list(order) == list(best)


def test_match_components_beats_greedy_nearest_matching():
    """Greedy pairing of the closest pair first (mean 0 with reference 1, squared distance 0.01)
    leaves mean 1 for reference 0 (9.0): 9.01 in all. The optimum pays 0.81 + 4.0."""
    reference = np.array([[0.0, 0.0], [1.0, 0.0]])
    means = np.array([[0.9, 0.0], [3.0, 0.0]])
    assert list(alignment.match_components(means, reference)) == [0, 1]


def test_aligning_two_fits_from_different_starts_gives_the_same_parameters():
    X, _ = gl.seed_dataset()
    first = gl.fit_gmm(X, 3, rng=0, tol=1e-10)
    second = gl.fit_gmm(X, 3, init="random", rng=5, tol=1e-10)
    aligned = alignment.align_to(second.history[-1], first.history[-1])
    np.testing.assert_allclose(aligned.means, first.means, atol=1e-4)
    np.testing.assert_allclose(aligned.covariances, first.covariances, atol=1e-4)


def test_sort_components_orders_by_the_chosen_feature(mixture):
    by_first = alignment.sort_components(mixture)
    assert list(by_first.means[:, 0]) == sorted(mixture.means[:, 0])
    by_second = alignment.sort_components(mixture, feature=1)
    assert list(by_second.means[:, 1]) == sorted(mixture.means[:, 1])
    np.testing.assert_array_equal(by_second.weights, mixture.weights[np.argsort(mixture.means[:, 1])])


@pytest.mark.parametrize("order", [[0, 1], [0, 0, 1], [0, 1, 3], [[0, 1, 2]]])
def test_permute_components_rejects_what_is_not_a_permutation(mixture, order):
    with pytest.raises(ValueError, match="order must be a permutation of 0..2"):
        alignment.permute_components(mixture, order)


def test_sort_components_rejects_a_feature_out_of_range(mixture):
    with pytest.raises(ValueError, match="feature must be at least 0 and at most 1, got 2"):
        alignment.sort_components(mixture, feature=2)


def test_match_components_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="means must have shape"):
        alignment.match_components(np.zeros((3, 2)), np.zeros((2, 2)))


def test_permuted_components_are_the_package_mixture_parameters(mixture):
    assert isinstance(alignment.permute_components(mixture, [1, 2, 0]), gl.MixtureParameters)


def test_inputs_are_not_modified(mixture):
    copies = [array.copy() for array in mixture]
    alignment.align_to(alignment.permute_components(mixture, [2, 0, 1]), mixture)
    alignment.sort_components(mixture)
    for array, copy in zip(mixture, copies):
        np.testing.assert_array_equal(array, copy)

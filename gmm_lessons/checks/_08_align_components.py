"""Lesson 08's exercise: matching fitted components to reference ones, ``align_components``."""

import numpy as np

from ..alignment import match_components as reference_match_components
from ._harness import CheckFailed, Exercise
from ._results import as_indices, fmt

# How the cases relabel K reference means: means[i] is a perturbed copy of reference mean RELABELLINGS[K][i].
# For K >= 3 these are not their own inverses, so that the inverse order is caught.
RELABELLINGS = {2: [1, 0], 3: [2, 0, 1], 5: [3, 4, 1, 0, 2]}
# Greedy matching pairs the closest mean and reference first (mean 0 and reference 1, 0.1 apart), which leaves
# mean 1 to reference 0, 3 apart: a total squared distance of 9.01; the best order, [0, 1], totals 4.81.
GREEDY_TRAP = {"means": np.array([[0.9, 0.0], [3.0, 0.0]]), "reference_means": np.array([[0.0, 0.0], [1.0, 0.0]])}
# Two components 0.3 apart in the first feature and 4 apart in the second: mean 0 lies next to reference 0, but
# sorting both sets by the first feature pairs mean 1 (-0.05) with reference 0 (0.0), as lesson 08 warns.
SORTING_TRAP = {
    "means": np.array([[0.35, 0.1], [-0.05, 4.1]]),
    "reference_means": np.array([[0.0, 0.0], [0.3, 4.0]]),
}


def _relabelled(n_components, seed):
    """Reference means, and the same means relabelled and perturbed, rounded to 2 decimals to read well."""
    generator = np.random.default_rng(seed)
    reference_means = np.round(generator.normal(scale=3.0, size=(n_components, 2)), 2)
    means = reference_means[RELABELLINGS[n_components]] + generator.normal(scale=0.3, size=(n_components, 2))
    return {"means": np.round(means, 2), "reference_means": reference_means}


def _order(submission, inputs):
    """The learner's order, checked to be a permutation of 0..K-1."""
    n_components = inputs["reference_means"].shape[0]
    order = as_indices(
        submission(inputs),
        "order",
        "(n_components,)",
        (n_components,),
        hints={
            (2, n_components): "linear_sum_assignment returns two arrays, (row indices, column indices) - "
            "return only the second: _, order = linear_sum_assignment(cost)",
            inputs["means"].shape: "that is the shape of the means - return the order (indices), not means[order]",
        },
    )
    if sorted(order.tolist()) != list(range(n_components)):
        hint = (
            "count components from 0"
            if sorted(order.tolist()) == list(range(1, n_components + 1))
            else "matching each reference component to its nearest mean (argmin) can give two of them the same "
            "mean; solve the assignment problem: _, order = linear_sum_assignment(cost)"
        )
        raise CheckFailed(
            f"order must be a permutation of 0..{n_components - 1}, each component once, got {order.tolist()} - {hint}"
        )
    return order


def _total_squared_distance(order, means, reference_means):
    return ((means[order] - reference_means) ** 2).sum()


def _is_a_permutation(submission):
    """Three components: an integer order of shape (3,), a permutation of 0, 1, 2."""
    _order(submission, _relabelled(3, seed=0))


def _relabelled_orders(submission):
    """Relabelled, perturbed means with 2, 3 and 5 components: the reference order."""
    inputs = [_relabelled(n_components, seed=n_components) for n_components in RELABELLINGS]
    orders = [_order(submission, case) for case in inputs]
    expected_orders = [reference_match_components(**case) for case in inputs]
    for order, expected in zip(orders, expected_orders):
        if np.array_equal(order, expected):
            continue
        if all(np.array_equal(returned, np.arange(len(returned))) for returned in orders):
            hint = (
                "you returned 0..K-1 for every K: the row indices, the first output of linear_sum_assignment - "
                "return the second, the column indices: _, order = linear_sum_assignment(cost)"
            )
        elif np.array_equal(order, np.argsort(expected)):
            hint = (
                "that is the inverse order: means[order] must line up with reference_means, so the rows of the "
                "cost matrix are reference components and its columns means: "
                "cost[j, k] = |reference_means[j] - means[k]|^2"
            )
        else:
            hint = "cost[j, k] = |reference_means[j] - means[k]|^2, then _, order = linear_sum_assignment(cost)"
        raise CheckFailed(
            f"with {len(order)} components expected order {expected.tolist()}, got {order.tolist()} - {hint}"
        )


def _sorted_order(means, reference_means, feature):
    """The order that sorting both sets of means by one feature gives: the k-th smallest matched to the k-th."""
    order = np.empty(len(means), dtype=int)
    order[np.argsort(reference_means[:, feature])] = np.argsort(means[:, feature])
    return order


def _not_sorted(submission):
    """Two components close in the first feature, apart in the second: sorting by a feature does not match them."""
    order = _order(submission, SORTING_TRAP)
    expected = reference_match_components(**SORTING_TRAP)
    if np.array_equal(order, expected):
        return
    n_features = SORTING_TRAP["means"].shape[1]
    sorted_by = [f for f in range(n_features) if np.array_equal(order, _sorted_order(**SORTING_TRAP, feature=f))]
    how = (
        f"sorting both sets of means by feature {sorted_by[0]} does not match them in general (lesson 08): it fails "
        "when components are close in that feature, however far apart in another - match all features at once"
        if sorted_by
        else "match the means by their squared distances in all features"
    )
    raise CheckFailed(
        f"for reference_means {fmt(SORTING_TRAP['reference_means'])} and means {fmt(SORTING_TRAP['means'])} "
        f"your order {order.tolist()} has total squared distance "
        f"{_total_squared_distance(order, **SORTING_TRAP):.3g}, but {expected.tolist()} has "
        f"{_total_squared_distance(expected, **SORTING_TRAP):.3g} - {how}: "
        "cost[j, k] = |reference_means[j] - means[k]|^2, then _, order = linear_sum_assignment(cost)"
    )


def _not_greedy(submission):
    """Two components on which matching the closest pair first is not optimal."""
    order = _order(submission, GREEDY_TRAP)
    expected = reference_match_components(**GREEDY_TRAP)
    if np.array_equal(order, expected):
        return
    raise CheckFailed(
        f"for reference_means {fmt(GREEDY_TRAP['reference_means'])} and means "
        f"{fmt(GREEDY_TRAP['means'])} your order {order.tolist()} has total squared distance "
        f"{_total_squared_distance(order, **GREEDY_TRAP):.3g}, but {expected.tolist()} has "
        f"{_total_squared_distance(expected, **GREEDY_TRAP):.3g} - matching the closest pair first (greedy) is "
        "not optimal; linear_sum_assignment(cost) minimises the total"
    )


EXERCISE = Exercise(
    name="align_components",
    lesson="08",
    title="component matching",
    signature="fn(means, reference_means) -> order",
    about="""\
``fn`` takes means and reference_means, both (n_components, n_features);
it returns order, an integer array of shape (n_components,), such that
``means[order]`` lines up with ``reference_means``: component ``order[j]``
is matched to reference component j so that the total squared distance
between matched means is smallest (the assignment problem, solved by
``scipy.optimize.linear_sum_assignment``), as
``gmm_lessons.alignment.match_components`` does. The inverse order and the
row indices of ``linear_sum_assignment`` are named, and so are sorting by a
feature and greedy matching, which fail in general.""",
    cases=(_is_a_permutation, _relabelled_orders, _not_sorted, _not_greedy),
    references=("alignment.match_components",),
)

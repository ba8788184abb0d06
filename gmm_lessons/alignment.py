"""Label switching: putting the components of two fits in the same order.

The likelihood of a mixture does not change when its components are
relabelled, so two fits of the same data (other starts, other software) may
find the same components in a different order. To compare them, match each
component of one fit to one of the other so that the total squared distance
between matched means is smallest: an assignment problem, solved exactly by
the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``).
"""

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validation import check_count, check_means, check_parameters, check_permutation
from .parameters import MixtureParameters


def match_components(means, reference_means):
    """The order of ``means`` that best matches ``reference_means``.

    Taught in lesson 08 (label switching).

    Parameters
    ----------
    means : array-like of shape (n_components, n_features)
    reference_means : array-like of shape (n_components, n_features)

    Returns
    -------
    order : ndarray of shape (n_components,)
        ``means[order]`` lines up with ``reference_means``: component
        ``order[j]`` is matched to reference component j, minimising the
        total squared distance between matched means.
    """
    means = check_means(means)
    reference_means = check_means(reference_means, means.shape[0], means.shape[1], name="reference_means")
    squared_distances = ((reference_means[:, np.newaxis, :] - means[np.newaxis, :, :]) ** 2).sum(axis=2)
    _, order = linear_sum_assignment(squared_distances)
    return order


def permute_components(parameters, order):
    """Reorder a mixture's components.

    Taught in lesson 08 (label switching).

    Parameters
    ----------
    parameters : (weights, means, covariances)
    order : array-like of shape (n_components,)
        A permutation of 0 .. n_components - 1.

    Returns
    -------
    MixtureParameters
        Component j of the result is component ``order[j]`` of the input.
    """
    weights, means, covariances = check_parameters(*parameters)
    order = check_permutation(order, weights.shape[0])
    return MixtureParameters(weights[order], means[order], covariances[order])


def align_to(parameters, reference):
    """Reorder ``parameters`` so its components line up with those of ``reference``.

    Taught in lesson 08 (label switching).

    Parameters
    ----------
    parameters, reference : (weights, means, covariances)
        Mixtures with the same number of components and features.

    Returns
    -------
    MixtureParameters
    """
    return permute_components(parameters, match_components(parameters[1], reference[1]))


def sort_components(parameters, feature=0):
    """Order components by their mean along one feature: a canonical order for reporting.

    Taught in lesson 08 (label switching).

    Sorting is simpler than matching but only reliable when the means are
    well apart along that feature.
    """
    weights, means, covariances = check_parameters(*parameters)
    feature = check_count(feature, "feature", maximum=means.shape[1] - 1)
    return permute_components((weights, means, covariances), np.argsort(means[:, feature], kind="stable"))

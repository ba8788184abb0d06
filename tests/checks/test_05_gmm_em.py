"""Lesson 05's exercise, ``gmm_em``: a correct EM loop, the mistakes learners make, other correct loops."""

import numpy as np
from checks_support import correct

import gmm_lessons


def correct_gmm_em(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        weights, means, covariances = correct("m_step")(data, correct("e_step")(data, weights, means, covariances))
    return weights, means, covariances


def gmm_em_stale_responsibilities(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    responsibilities = correct("e_step")(data, weights, means, covariances)
    for _ in range(num_iterations):
        weights, means, covariances = correct("m_step")(data, responsibilities)
    return weights, means, covariances


def gmm_em_from(start):
    """An EM loop of the right steps from start(data, num_components, rng)."""

    def gmm_em(data, num_components, num_iterations, rng):
        weights, means, covariances = start(data, num_components, rng)
        for _ in range(num_iterations):
            weights, means, covariances = correct("m_step")(data, correct("e_step")(data, weights, means, covariances))
        return weights, means, covariances

    return gmm_em


def start_by_hand(data, num_components, rng):
    """The "random" start of gl.initialize_parameters written out, without its 1e-6 on the covariances."""
    means = data[rng.choice(len(data), num_components, replace=False)]
    covariances = np.repeat(np.cov(data.T)[np.newaxis], num_components, axis=0)
    return np.full(num_components, 1 / num_components), means, covariances


MISTAKES = [
    (
        "one_iteration_too_many",
        lambda data, K, num_iterations, rng: correct_gmm_em(data, K, num_iterations + 1, rng),
        r"with num_iterations=0 your result equals EM after 1 iterations",
    ),
    (
        "kmeans_plus_plus_start",
        gmm_em_from(lambda data, K, rng: gmm_lessons.initialize_parameters(data, K, rng, method="kmeans++")),
        r"with num_iterations=0 expected the start itself, gl\.initialize_parameters\(data, num_components, rng\)",
    ),
    (
        "start_without_reg_covar",
        gmm_em_from(start_by_hand),
        (r"with num_iterations=1 your result is EM from a start whose covariances lack the 1e-06 that "
         r"gl\.initialize_parameters\(data, num_components, rng\) adds to their diagonal \(reg_covar\)"),
    ),
    (
        "calls_fit_gmm",
        lambda data, K, num_iterations, rng: tuple(
            gmm_lessons.fit_gmm(
                data, K, max_iter=num_iterations, tol=0, init=gmm_lessons.initialize_parameters(data, K, rng),
                reg_covar=0,
            ).history[-1]
        ),
        r"^gmm_em: this is the package's own gl\.fit_gmm \(or calls it\) - the exercise is to write gmm_em without it",
    ),
    ("stale_responsibilities", gmm_em_stale_responsibilities, r"after 4 iterations your parameters differ from EM"),
    (
        "returns_responsibilities",
        lambda data, K, num_iterations, rng: correct("e_step")(data, *correct_gmm_em(data, K, num_iterations, rng)),
        r"expected a tuple \(weights, means, covariances\), got an array of shape \(120, 3\)",
    ),
]


def gmm_em_regularised(data, num_components, num_iterations, rng):
    """The package's default reg_covar in every M-step."""
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = correct("e_step")(data, weights, means, covariances)
        weights, means, covariances = gmm_lessons.m_step(data, responsibilities)
    return weights, means, covariances


def gmm_em_with_the_packages_steps(data, num_components, num_iterations, rng):
    """Lesson 05's loop composes the package's E- and M-steps on purpose: only fit_gmm is its reference."""
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = gmm_lessons.e_step(data, weights, means, covariances)
        weights, means, covariances = gmm_lessons.m_step(data, responsibilities, reg_covar=0)
    return weights, means, covariances


ALSO_CORRECT = [gmm_em_regularised, gmm_em_with_the_packages_steps]

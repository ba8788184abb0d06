"""Lesson 09's exercise, ``sample_images``: a correct sampler, the mistakes learners make, another correct one."""

import numpy as np

import gmm_lessons


def correct_sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    # gl.sample_mixture is what the exercise asks for; the package has no reference image sampler.
    scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + scores @ basis, 0, 16)


def images_from_scores(to_images):
    """An image sampler that maps the scores drawn by gl.sample_mixture with to_images(scores, pixel_mean, basis)."""

    def sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis):
        scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
        return to_images(scores, pixel_mean, basis)

    return sample_images


def images_after_another_draw(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    rng.permutation(n_samples)
    return correct_sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis)


def images_without_noise(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    """Each image the mean of the component drawn for it."""
    _, labels = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + means[labels] @ basis, 0, 16)


MISTAKES = [
    (
        "clipped_to_0_1",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis, 0, 1)),
        r"you clipped to 0\.\.1, the grey levels of these images run from 0 to 16",
    ),
    (
        "clipped_to_0_255",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis, 0, 255)),
        r"you clipped to 0\.\.255, the grey levels",
    ),
    (
        "clipped_before_the_mean",
        images_from_scores(lambda scores, pixel_mean, basis: pixel_mean + np.clip(scores @ basis, 0, 16)),
        r"you clipped before adding the mean image",
    ),
    (
        "clipped_above_only",
        images_from_scores(lambda scores, pixel_mean, basis: np.minimum(pixel_mean + scores @ basis, 16)),
        r"your pixels are right where they lie inside 0\.\.16 and wrong where they need clipping",
    ),
    ("means_without_noise", images_without_noise, r"every image is the mean of its component"),
    (
        "without_mean",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(scores @ basis, 0, 16)),
        r"you left out the mean image - .* pixel_mean \+ scores @ basis",
    ),
    (
        "without_clipping",
        images_from_scores(lambda scores, pixel_mean, basis: pixel_mean + scores @ basis),
        r"some of your pixels lie outside the grey levels 0\.\.16 \(from -.* np\.clip",
    ),
    (
        "without_mean_or_clipping",
        images_from_scores(lambda scores, pixel_mean, basis: scores @ basis),
        r"you left out the mean image and the clipping",
    ),
    (
        "basis_transposed",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis.T, 0, 16)),
        r"raised ValueError: matmul: .* basis of shape \(4, 16\); a @ b needs the last axis of a as long as",
    ),
    (
        "in_columns",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean[:, None] + basis.T @ scores.T, 0, 16)),
        r"expected images of shape \(n_samples, n_pixels\) = \(10, 16\), got \(16, 10\) - one row",
    ),
    (
        "as_scores",
        images_from_scores(lambda scores, pixel_mean, basis: scores),
        r"got \(10, 4\) - those are the PCA scores",
    ),
    (
        "with_components",
        lambda *inputs: (correct_sample_images(*inputs), np.zeros(10)),
        r"expected images as an array of numbers, .* got a tuple of 2 items - return only images",
    ),
    (
        "after_another_draw",
        images_after_another_draw,
        r"your images differ from those drawn with the same seed .* nothing else from rng",
    ),
]


def sample_images_one_by_one(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    """x-bar + B^T z for each score vector z, as the equation is written."""
    sampled_scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.array([np.clip(pixel_mean + basis.T @ z, 0, 16) for z in sampled_scores])


ALSO_CORRECT = [sample_images_one_by_one]

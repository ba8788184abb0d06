"""Lesson 09's exercise: generating images from a mixture in PCA space, ``sample_images``."""

import numpy as np

from ..sampling import sample_mixture
from ._harness import CheckFailed, Exercise, same_seed_case
from ._results import as_array, assert_finite, close, diagnose

# A mixture of three components in a 4-dimensional PCA space of 16-pixel images; the PCA directions, the
# orthonormal rows of a basis (from the QR decomposition of a fixed random matrix); and a mean image whose grey
# levels come close enough to 0 and 16 that sampled images need clipping.
IMAGE_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[6.0, 0.0, 0.0, 0.0], [-4.0, 5.0, 0.0, 0.0], [0.0, -4.0, 4.0, 2.0]]),
    "covariances": np.array(
        [np.diag([4.0, 2.0, 1.0, 1.0]), np.diag([1.0, 3.0, 2.0, 1.0]), np.diag([2.0, 1.0, 1.0, 3.0])]
    ),
}
IMAGE_BASIS = np.linalg.qr(np.random.default_rng(16).standard_normal((16, 4)))[0].T
IMAGE_PIXEL_MEAN = np.round(np.random.default_rng(17).uniform(0, 16, size=16), 1)
# Images per call: not the number of components, directions or pixels, so that no wrong product fits by chance.
N_IMAGES = 10


def _images(submission, seed):
    """The learner's images from ``rng=np.random.default_rng(seed)``, checked for shape and finiteness."""
    n_dims, n_pixels = IMAGE_BASIS.shape
    arguments = {
        **IMAGE_COMPONENTS,
        "n_samples": N_IMAGES,
        "rng": np.random.default_rng(seed),
        "pixel_mean": IMAGE_PIXEL_MEAN,
        "basis": IMAGE_BASIS,
    }
    images = as_array(
        submission(arguments),
        "images",
        "(n_samples, n_pixels)",
        (N_IMAGES, n_pixels),
        hints={
            (n_pixels, N_IMAGES): "one row per image, not one column: map all the scores at once with "
            "scores @ basis (each row z^T B is (B^T z)^T)",
            (N_IMAGES, n_dims): "those are the PCA scores - map them back to pixels: pixel_mean + scores @ basis",
        },
    )
    assert_finite(images, "images")
    return images


def _shape(submission):
    """Ten images of 16 pixels from a mixture in 4 PCA dimensions: shape (10, 16)."""
    _images(submission, seed=0)


def _wrong_images(scores, labels):
    """(images a known mistake gives, what it tells the learner) pairs, for the scores and labels of the same seed."""
    unclipped = IMAGE_PIXEL_MEAN + scores @ IMAGE_BASIS
    without_noise = IMAGE_PIXEL_MEAN + IMAGE_COMPONENTS["means"][labels] @ IMAGE_BASIS
    grey_levels = "the grey levels of these images run from 0 to 16 - clip with np.clip(images, 0, 16)"
    return [
        (
            np.clip(scores @ IMAGE_BASIS, 0, 16),
            ("you left out the mean image - the scores are coordinates of x - x-bar, so the "
            "pixels are pixel_mean + scores @ basis"),
        ),
        (
            unclipped,
            (f"some of your pixels lie outside the grey levels 0..16 (from "
            f"{unclipped.min():.3g} to {unclipped.max():.3g}) - a Gaussian knows nothing of that range: "
            "clip them with np.clip(images, 0, 16)"),
        ),
        (
            scores @ IMAGE_BASIS,
            "you left out the mean image and the clipping - the pixels are np.clip(pixel_mean + scores @ basis, 0, 16)",
        ),
        (np.clip(unclipped, 0, 1), f"you clipped to 0..1, {grey_levels}"),
        (np.clip(unclipped, 0, 255), f"you clipped to 0..255, {grey_levels}"),
        (
            IMAGE_PIXEL_MEAN + np.clip(scores @ IMAGE_BASIS, 0, 16),
            ("you clipped before adding the mean image - clip the finished pixels: "
            "np.clip(pixel_mean + scores @ basis, 0, 16)"),
        ),
        (
            np.clip(without_noise, 0, 16),
            ("every image is the mean of its component (pixel_mean + means[label] @ basis): the scores must be "
            "drawn from the components, noise included - use the scores gl.sample_mixture returns, not means[labels]"),
        ),
        (
            without_noise,
            ("every image is the mean of its component, without noise - use the scores gl.sample_mixture returns, "
            "not means[labels]"),
        ),
    ]


def _match(submission):
    """np.clip(pixel_mean + scores @ basis, 0, 16), the scores drawn by gl.sample_mixture from the same seed."""
    images = _images(submission, seed=3)
    scores, labels = sample_mixture(**IMAGE_COMPONENTS, n_samples=N_IMAGES, rng=np.random.default_rng(3))
    unclipped = IMAGE_PIXEL_MEAN + scores @ IMAGE_BASIS
    expected = np.clip(unclipped, 0, 16)
    if close(images, expected):
        return
    inside = (unclipped > 0) & (unclipped < 16)
    if close(images[inside], expected[inside]):
        default = (
            "your pixels are right where they lie inside 0..16 and wrong where they need clipping - "
            "clip the finished pixels to the grey levels: np.clip(pixel_mean + scores @ basis, 0, 16)"
        )
    else:
        default = (
            "your images differ from those drawn with the same seed - draw the scores first, with "
            "gl.sample_mixture(weights, means, covariances, n_samples, rng=rng) and nothing else from rng before "
            "it, then return np.clip(pixel_mean + scores @ basis, 0, 16)"
        )
    raise CheckFailed(diagnose(images, _wrong_images(scores, labels), default))


EXERCISE = Exercise(
    name="sample_images",
    lesson="09",
    title="image sampler",
    signature="fn(weights, means, covariances, n_samples, rng, pixel_mean, basis) -> images",
    about="""\
Ancestral sampling in PCA space, then back to pixels: scores drawn by
``gl.sample_mixture(weights, means, covariances, n_samples, rng=rng)``,
images ``np.clip(pixel_mean + scores @ basis, 0, 16)``. ``fn`` takes
weights (n_components,), means (n_components, n_dims), covariances
(n_components, n_dims, n_dims), n_samples, rng (a
``numpy.random.Generator``), pixel_mean (n_pixels,) and basis (n_dims,
n_pixels) with orthonormal rows; it returns images of shape (n_samples,
n_pixels). The cases use a small made-up mixture (three components in 4 PCA
dimensions, images of 16 pixels); a missing mean image or clipping, clipping
to other ranges or before adding the mean, and images without noise are named.""",
    cases=(_shape, same_seed_case(_images, "images"), _match),
    rng_calls="gl.sample_mixture(weights, means, covariances, n_samples, rng=rng)",
)

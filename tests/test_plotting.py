"""The plotting helpers draw what the lessons say they draw."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from scipy.stats import chi2

import gmm_lessons as gl
from gmm_lessons import plotting


def _axes():
    return Figure().subplots()


def _inside(patch, points):
    """Whether data points lie inside an Ellipse patch (unit circle in patch coordinates)."""
    unit = patch.get_patch_transform().inverted().transform(points)
    return np.hypot(unit[:, 0], unit[:, 1]) <= 1.0


@pytest.mark.parametrize("n_std", [1, 2, 3])
def test_coverage_of_ellipse_is_the_chi_square_2_probability(n_std):
    assert plotting.coverage_of_ellipse(n_std) == pytest.approx(chi2(df=2).cdf(n_std**2))


def test_ellipse_geometry_of_an_axis_aligned_covariance():
    width, height, angle = plotting.ellipse_geometry(np.diag([4.0, 1.0]), n_std=2)
    assert (width, height) == pytest.approx((8.0, 4.0))
    assert angle % 180 == pytest.approx(0.0)


@pytest.mark.parametrize("degrees", [-60.0, 15.0, 30.0, 75.0, 120.0])
def test_ellipse_geometry_recovers_a_rotation(degrees):
    theta = np.radians(degrees)
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    covariance = rotation @ np.diag([9.0, 0.25]) @ rotation.T
    width, height, angle = plotting.ellipse_geometry(covariance, n_std=1)
    assert (width, height) == pytest.approx((6.0, 1.0))
    assert (angle - degrees) % 180 == pytest.approx(0.0, abs=1e-9) or (angle - degrees) % 180 == pytest.approx(180.0)


def test_ellipses_hold_the_stated_probability_mass():
    """About 39 %, 86 % and 99 % of samples fall inside the 1, 2, 3 standard-deviation ellipses."""
    covariance = np.array([[2.0, 1.2], [1.2, 1.0]])
    mean = np.array([1.0, -2.0])
    X, _ = gl.sample_mixture([1.0], [mean], [covariance], 40_000, rng=0)
    ellipses = plotting.plot_ellipses([mean], [covariance], _axes())[0]
    for patch, n_std in zip(ellipses, plotting.ELLIPSE_STDS):
        fraction = _inside(patch, X).mean()
        assert fraction == pytest.approx(plotting.coverage_of_ellipse(n_std), abs=0.01)


def test_update_ellipses_moves_the_patches_to_new_parameters():
    ax = _axes()
    ellipses = plotting.plot_ellipses([[0.0, 0.0]], [np.eye(2)], ax)
    plotting.update_ellipses(ellipses, [[3.0, 4.0]], [np.diag([4.0, 1.0])])
    one_std = ellipses[0][0]
    assert one_std.get_center() == pytest.approx((3.0, 4.0))
    assert (one_std.width, one_std.height) == pytest.approx((4.0, 2.0))


def _mixture_plot_case():
    X, _ = gl.sample_mixture([0.5, 0.5], [[0.0, 0.0], [4.0, 1.0]], [np.eye(2), np.diag([2.0, 0.5])], 50, rng=0)
    means = np.array([[0.0, 0.0], [4.0, 1.0]])
    covariances = np.array([np.eye(2), np.diag([2.0, 0.5])])
    return X, gl.e_step(X, [0.5, 0.5], means, covariances), means, covariances


def _centres(ellipses):
    return np.array([[patch.get_center() for patch in component] for component in ellipses])


def test_mixture_plot_draws_responsibility_colours_ellipses_and_means():
    X, gamma, means, covariances = _mixture_plot_case()
    mixture = plotting.MixturePlot(_axes(), X, gamma, means, covariances, n_stds=(1, 2))
    np.testing.assert_allclose(mixture.points.get_offsets(), X)
    np.testing.assert_allclose(mixture.points.get_facecolors(), plotting.responsibility_colours(gamma))
    assert [len(component) for component in mixture.ellipses] == [2, 2]
    np.testing.assert_allclose(_centres(mixture.ellipses), np.repeat(means[:, np.newaxis], 2, axis=1))
    width, height, _ = plotting.ellipse_geometry(covariances[1], n_std=2)
    assert (mixture.ellipses[1][1].width, mixture.ellipses[1][1].height) == pytest.approx((width, height))
    np.testing.assert_allclose([marker.get_xydata()[0] for marker in mixture.mean_markers], means)
    assert set(mixture.artists) == {"points", "ellipses", "means"}


def test_mixture_plot_update_changes_only_what_is_given():
    X, gamma, means, covariances = _mixture_plot_case()
    mixture = plotting.MixturePlot(_axes(), X, gamma, means, covariances)
    moved = means + [1.0, -2.0]
    mixture.update(means=moved)
    np.testing.assert_allclose(_centres(mixture.ellipses)[:, 0], moved)
    np.testing.assert_allclose([marker.get_xydata()[0] for marker in mixture.mean_markers], moved)
    np.testing.assert_allclose(mixture.points.get_facecolors(), plotting.responsibility_colours(gamma))
    width, _, _ = plotting.ellipse_geometry(covariances[0], n_std=1)
    assert mixture.ellipses[0][0].width == pytest.approx(width)
    mixture.update(covariances=4 * covariances)
    assert mixture.ellipses[0][0].width == pytest.approx(2 * width)
    np.testing.assert_allclose(_centres(mixture.ellipses)[:, 0], moved)
    swapped = gamma[:, ::-1]
    mixture.update(responsibilities=swapped)
    np.testing.assert_allclose(mixture.points.get_facecolors(), plotting.responsibility_colours(swapped))


def test_mixture_plot_without_responsibilities_starts_grey():
    X, gamma, means, covariances = _mixture_plot_case()
    mixture = plotting.MixturePlot(_axes(), X, None, means, covariances)
    np.testing.assert_allclose(mixture.points.get_facecolors(), np.tile(to_rgba(plotting.DATA_COLOUR, 0.6), (50, 1)))
    mixture.update(gamma)
    np.testing.assert_allclose(mixture.points.get_facecolors(), plotting.responsibility_colours(gamma))


def test_mixture_plot_rejects_mismatched_inputs():
    X, gamma, means, covariances = _mixture_plot_case()
    with pytest.raises(ValueError, match=r"^responsibilities must have one column per component \(2, as the means\)"):
        plotting.MixturePlot(_axes(), X, np.ones((50, 1)), means, covariances)
    wrong_samples = r"^responsibilities must have shape \(n_samples, n_components\) with n_samples = 50"
    with pytest.raises(ValueError, match=wrong_samples):
        plotting.MixturePlot(_axes(), X, gamma[:10], means, covariances)
    with pytest.raises(ValueError, match=r"^X must have 2 features"):
        plotting.MixturePlot(_axes(), X[:, :1], gamma, means, covariances)
    mixture = plotting.MixturePlot(_axes(), X, gamma, means, covariances)
    with pytest.raises(ValueError, match=r"^covariances must have shape"):
        mixture.update(covariances=covariances[:1])


def test_responsibility_colours_blend_the_component_colours():
    responsibilities = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    rgba = plotting.responsibility_colours(responsibilities, alpha=1.0)
    first, second = np.array(to_rgba(plotting.component_colour(0))), np.array(to_rgba(plotting.component_colour(1)))
    np.testing.assert_allclose(rgba[0], first)
    np.testing.assert_allclose(rgba[1], second)
    np.testing.assert_allclose(rgba[2, :3], (first[:3] + second[:3]) / 2)


def test_twelve_components_get_distinct_colours_and_distinct_markers():
    n_components = len(plotting.COMPONENT_COLOURS)
    assert n_components >= 12
    colours = [to_rgba(plotting.component_colour(k)) for k in range(n_components)]
    markers = [plotting.component_marker(k) for k in range(n_components)]
    assert len(set(colours)) == n_components
    assert len(set(markers)) == n_components


@pytest.mark.parametrize("k", [-1, 12])
def test_a_component_beyond_the_palette_is_refused_rather_than_given_a_colour_twice(k):
    with pytest.raises(ValueError, match="k must be a component index"):
        plotting.component_colour(k)
    with pytest.raises(ValueError, match="k must be a component index"):
        plotting.component_marker(k)


def test_each_mean_is_drawn_with_its_components_marker():
    markers = plotting.plot_means(np.zeros((3, 2)), _axes())
    assert [marker.get_marker() for marker in markers] == [plotting.component_marker(k) for k in range(3)]


def test_log_likelihood_curve_marker_follows_the_iteration():
    log_likelihoods = np.array([-10.0, -5.0, -4.0, -3.9])
    line, marker = plotting.plot_log_likelihood_curve(log_likelihoods, _axes(), current=1)
    np.testing.assert_array_equal(line.get_ydata(), log_likelihoods)
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (1, -5.0)
    plotting.update_curve_marker(marker, log_likelihoods, 3)
    assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (3, -3.9)


def test_mixture_1d_curves_integrate_to_the_weights():
    ax = _axes()
    X, _ = gl.sample_mixture([0.3, 0.7], [-2.0, 3.0], [1.0, 0.25], 500, rng=0)
    plotting.plot_mixture_1d(X, [0.3, 0.7], [-2.0, 3.0], [1.0, 0.25], ax)
    first, second, total = ax.get_lines()
    for line, mass in [(first, 0.3), (second, 0.7), (total, 1.0)]:
        assert np.trapezoid(line.get_ydata(), line.get_xdata()) == pytest.approx(mass, abs=1e-3)


def test_grid_over_covers_the_data():
    X = np.array([[0.0, 1.0], [10.0, 3.0]])
    x1, x2, points = plotting.grid_over(X, n_points=5)
    assert points.shape == (25, 2)
    assert x1.min() < 0 and x1.max() > 10 and x2.min() < 1 and x2.max() > 3


def test_plot_image_grid_tiles_images_with_one_pixel_gaps():
    images = np.arange(5 * 4, dtype=float).reshape(5, 4)  # five 2x2 images
    picture = plotting.plot_image_grid(images, _axes(), image_shape=(2, 2), n_columns=3, value_range=(0, 19))
    mosaic = picture.get_array()
    assert mosaic.shape == (2 * 3 + 1, 3 * 3 + 1)
    np.testing.assert_array_equal(mosaic[1:3, 1:3], images[0].reshape(2, 2))
    np.testing.assert_array_equal(mosaic[4:6, 4:6], images[4].reshape(2, 2))
    assert np.ma.getmaskarray(mosaic)[0].all() and np.ma.getmaskarray(mosaic)[4:6, 7:9].all()

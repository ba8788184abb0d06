"""The slider widgets, driven headlessly: move a slider, check what it controls changed."""

import base64
import dataclasses
import io
import re
from decimal import Decimal
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import numpy as np
import pytest
import traitlets
from PIL import Image

import gmm_lessons as gl
from gmm_lessons import plotting, widgets
from gmm_lessons.widgets._render import new_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data():
    return gl.seed_dataset()[0]


@pytest.fixture(scope="module")
def fit(data):
    return gl.fit_gmm(data, 3, init="random", rng=3, max_iter=30, keep_responsibilities=True)


def _facecolours(widget):
    return widget.artists["points"].get_facecolors()


def test_em_history_explorer_scrubs_the_stored_fit(data, fit):
    widget = widgets.em_history_explorer(data, fit)
    slider = widget.sliders["iteration"]
    assert [value for _, value in slider.options] == list(range(fit.n_iter + 1))
    assert slider.value == 0
    first_image, first_caption = widget.image.value, widget.caption.value
    for iteration in (1, fit.n_iter // 2, fit.n_iter):
        slider.value = iteration
        parameters = fit.history[iteration]
        expected = plotting.responsibility_colours(gl.e_step(data, *parameters))
        np.testing.assert_allclose(_facecolours(widget), expected)
        for component_ellipses, mean in zip(widget.artists["ellipses"], parameters.means):
            np.testing.assert_allclose([patch.get_center() for patch in component_ellipses], [mean] * 3)
        marker = widget.artists["curve_marker"]
        assert marker.get_xdata()[0] == iteration
        assert marker.get_ydata()[0] == pytest.approx(fit.log_likelihood_history[iteration])
        assert f"iteration {iteration}</b> of {fit.n_iter}" in widget.caption.value
        assert f"{fit.log_likelihood_history[iteration]:.2f}" in widget.caption.value
    assert widget.image.value != first_image
    assert widget.caption.value != first_caption


def test_responsibility_explorer_recolours_with_the_moved_mean(data, fit):
    widget = widgets.responsibility_explorer(data, fit.weights, fit.means, fit.covariances, component=1)
    before = _facecolours(widget).copy()
    image_before = widget.image.value
    widget.sliders["mean_x1"].value = widget.sliders["mean_x1"].min
    widget.sliders["mean_x2"].value = widget.sliders["mean_x2"].max
    moved = fit.means.copy()
    moved[1] = (widget.sliders["mean_x1"].value, widget.sliders["mean_x2"].value)
    expected = plotting.responsibility_colours(gl.e_step(data, fit.weights, moved, fit.covariances))
    np.testing.assert_allclose(_facecolours(widget), expected)
    assert not np.allclose(_facecolours(widget), before)
    assert widget.image.value != image_before
    counts = np.bincount(gl.e_step(data, fit.weights, moved, fit.covariances).argmax(axis=1), minlength=3)
    assert re.findall(r"■</span> (\d+)", widget.caption.value) == [str(c) for c in counts]


def test_likelihood_explorer_reports_the_log_likelihood_of_the_moved_mean(data, fit):
    widget = widgets.likelihood_explorer(data, fit.weights, fit.means, fit.covariances, component=0, n_steps=11)
    widget.sliders["mean_x1"].value = widget.sliders["mean_x1"].min
    moved = fit.means.copy()
    moved[0] = (widget.sliders["mean_x1"].value, widget.sliders["mean_x2"].value)
    reported = float(re.search(r"<b>(-?[\d.]+)</b>", widget.caption.value).group(1))
    assert reported == pytest.approx(gl.log_likelihood(data, fit.weights, moved, fit.covariances), abs=0.01)
    assert reported < gl.log_likelihood(data, fit.weights, fit.means, fit.covariances)


def test_em_step_explorer_draws_the_m_step_of_the_e_step(data, fit):
    widget = widgets.em_step_explorer(data, fit.weights, fit.means, fit.covariances, component=2)
    widget.sliders["mean_x2"].value = widget.sliders["mean_x2"].min
    moved = fit.means.copy()
    moved[2] = (widget.sliders["mean_x1"].value, widget.sliders["mean_x2"].value)
    _, new_means, new_covariances = gl.m_step(data, gl.e_step(data, fit.weights, moved, fit.covariances))
    before = [patches[0] for patches in widget.artists["ellipses_before"]]
    after = [patches[0] for patches in widget.artists["ellipses_after"]]
    np.testing.assert_allclose([patch.get_center() for patch in before], moved)
    np.testing.assert_allclose([patch.get_center() for patch in after], new_means)
    width, height, _ = plotting.ellipse_geometry(new_covariances[2], n_std=2)
    assert (after[2].width, after[2].height) == pytest.approx((width, height))


def test_sampling_explorer_weight_slider_moves_points_between_components():
    widget = widgets.sampling_explorer([0.5, 0.5], [[0.0, 0.0], [4.0, 4.0]], [np.eye(2), np.eye(2)], 400, rng=0)
    owner = plotting.component_colour
    widget.sliders["weight_1"].value = 1.0
    assert re.findall(r"■</span> (\d+)", widget.caption.value) == ["400", "0"]
    np.testing.assert_allclose(_facecolours(widget)[:, :3], np.tile(matplotlib.colors.to_rgb(owner(0)), (400, 1)))
    widget.sliders["weight_1"].value = 0.0
    assert re.findall(r"■</span> (\d+)", widget.caption.value) == ["0", "400"]


def test_sampling_explorer_moves_component_2_samples_with_its_mean():
    widget = widgets.sampling_explorer([0.0, 1.0], [[0.0, 0.0], [0.0, 0.0]], [np.eye(2), np.eye(2)], 2000, rng=1)
    slider = widget.sliders["mean_2_x1"]
    slider.value = slider.max
    samples = widget.artists["points"].get_offsets()
    assert samples[:, 0].mean() == pytest.approx(slider.max, abs=0.1)
    widget.sliders["spread_2"].value = 2.0
    assert widget.artists["points"].get_offsets()[:, 1].std() == pytest.approx(2.0, rel=0.1)


def test_slider_figure_text_and_static_image_for_readers_without_a_kernel(data, fit):
    widget = widgets.em_history_explorer(data, fit)
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"] == "<EM iteration explorer: move the sliders in a running notebook>"
    assert base64.b64decode(bundle["image/png"]).startswith(PNG_SIGNATURE)
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_sampling_explorer_rejects_one_dimensional_mixtures():
    with pytest.raises(ValueError, match="2 components in 2 features"):
        widgets.sampling_explorer([1.0], [[0.0, 0.0]], [np.eye(2)])


def test_restart_explorer_shows_each_run(data):
    fits = [gl.fit_gmm(data, 3, init="random", rng=seed, max_iter=40) for seed in range(4)]
    widget = widgets.restart_explorer(data, fits)
    slider = widget.sliders["run"]
    assert (slider.min, slider.max) == (0, 3)
    for run in (3, 1):
        slider.value = run
        fit = fits[run]
        path = np.array([parameters.means for parameters in fit.history])
        for k, line in enumerate(widget.artists["paths"]):
            np.testing.assert_allclose(np.column_stack(line.get_data()), path[:, k])
        np.testing.assert_allclose([m.get_xdata()[0] for m in widget.artists["ends"]], fit.means[:, 0])
        assert widget.artists["selected_run"].get_ydata()[0] == pytest.approx(fit.log_likelihood)
        assert f"run {run}</b>: {fit.n_iter} iterations" in widget.caption.value


def test_restart_explorer_needs_comparable_fits(data):
    with pytest.raises(ValueError, match="same number of components"):
        widgets.restart_explorer(data, [gl.fit_gmm(data, 2, rng=0), gl.fit_gmm(data, 3, rng=0)])


def test_kmeans_limit_explorer_hardens_the_responsibilities_as_epsilon_shrinks(data, fit):
    widget = widgets.kmeans_limit_explorer(data, fit.means)
    slider = widget.sliders["epsilon"]
    largest, smallest = slider.options[-1][1], slider.options[0][1]
    assert (smallest, largest) == pytest.approx((1e-3, 1e2))
    slider.value = largest
    soft = _facecolours(widget).copy()
    slider.value = smallest
    nearest = ((data[:, None, :] - fit.means[None]) ** 2).sum(axis=2).argmin(axis=1)
    one_hot = np.eye(3)[nearest]
    np.testing.assert_allclose(_facecolours(widget), plotting.responsibility_colours(one_hot), atol=1e-6)
    assert not np.allclose(soft, _facecolours(widget))
    assert f"γ > 0.99: {data.shape[0]} of {data.shape[0]}" in widget.caption.value
    radius = widget.artists["circles"][0][0].width / 2
    assert radius == pytest.approx(np.sqrt(smallest))


@pytest.mark.parametrize("n_iter", [0, 1, widgets.MAX_ITERATION_FRAMES - 1, widgets.MAX_ITERATION_FRAMES, 97, 1000])
def test_a_long_em_history_is_shown_at_about_max_frames_iterations_every_early_one(n_iter):
    shown = widgets.shown_iterations(n_iter)
    assert shown[0] == 0 and shown[-1] == n_iter and np.all(np.diff(shown) > 0)
    if n_iter < widgets.MAX_ITERATION_FRAMES:
        np.testing.assert_array_equal(shown, np.arange(n_iter + 1))
    else:
        assert widgets.MAX_ITERATION_FRAMES <= len(shown) <= widgets.MAX_ITERATION_FRAMES + 2
        np.testing.assert_array_equal(shown[:8], np.arange(8))  # EM moves most at the start
        assert np.all(np.diff(np.diff(shown)) >= -1)  # gaps grow (rounding aside)


def test_em_history_explorer_can_start_the_curve_view_later(data):
    fit = gl.fit_gmm(data, 3, init="random", rng=3, max_iter=30, keep_responsibilities=True)
    widget = widgets.em_history_explorer(data, fit, curve_from=2)
    curve_ax = widget.artists["curve_marker"].axes
    low, high = curve_ax.get_ylim()
    assert low > fit.log_likelihood_history[0]
    assert low < fit.log_likelihood_history[2:].min() and high > fit.log_likelihood_history.max()
    assert curve_ax.get_xlim()[0] == pytest.approx(1.5)


def test_kmeans_limit_explorer_starts_at_the_nearest_epsilon_it_has_a_frame_for(data, fit):
    widget = widgets.kmeans_limit_explorer(data, fit.means, epsilon=0.3)
    epsilons = np.array([value for _, value in widget.sliders["epsilon"].options])
    np.testing.assert_allclose(np.diff(np.log10(epsilons)), 1 / widgets.EPSILONS_PER_DECADE)
    nearest = epsilons[np.abs(np.log10(epsilons) - np.log10(0.3)).argmin()]
    assert widget.sliders["epsilon"].value == nearest != 0.3
    assert widget.caption.value.startswith(f"ε = {nearest:.3g} ")


@pytest.mark.parametrize(("argument", "value", "message"), [
    ("epsilon", -1.0, "epsilon must be a positive variance"),
    ("epsilon_range", (1.0, 0.1), "epsilon_range must be two increasing positive variances"),
])
def test_kmeans_limit_explorer_rejects_variances_that_are_not_positive(data, fit, argument, value, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        widgets.kmeans_limit_explorer(data, fit.means, **{argument: value})


# A builder's numbers of another type, or not numbers at all: a ValueError naming the argument (issue 20).
NUMBER_ARGUMENTS = [
    ("responsibility_explorer", "span", Decimal(4), "span must be a real number"),
    ("responsibility_explorer", "span", -1.0, "span must be a positive distance"),
    ("em_step_explorer", "span", True, "span must be a real number"),
    ("likelihood_explorer", "span", "4", "span must be a real number"),
    ("likelihood_explorer", "n_steps", 11.0, "n_steps must be an integer"),
    ("likelihood_explorer", "n_steps", True, "n_steps must be an integer"),
    ("likelihood_explorer", "n_steps", 1, "n_steps must be at least 2"),
    ("kmeans_limit_explorer", "epsilon", Decimal(1), "epsilon must be a real number"),
    ("kmeans_limit_explorer", "epsilon", complex(1, 0), "epsilon must be a real number"),
    ("kmeans_limit_explorer", "epsilon_range", (1e-3, float("inf")), "epsilon_range must be a finite number"),
    ("kmeans_limit_explorer", "epsilon_range", "ab", "epsilon_range must be two increasing positive variances"),
    ("kmeans_limit_explorer", "epsilon_range", (1e-3, None), "epsilon_range must be a real number"),
    ("kmeans_limit_explorer", "means", np.array([["a", "b"], ["c", "d"]]), "means"),
]


@pytest.mark.parametrize(("builder", "argument", "value", "message"), NUMBER_ARGUMENTS,
                         ids=[f"{builder}-{argument}-{value!r}" for builder, argument, value, _ in NUMBER_ARGUMENTS])
def test_a_builders_bad_number_is_refused_by_name(data, fit, builder, argument, value, message):
    mixture = {"means": fit.means} if builder == "kmeans_limit_explorer" else {
        "weights": fit.weights, "means": fit.means, "covariances": fit.covariances}
    with pytest.raises(ValueError, match=f"^{re.escape(message)}"):
        getattr(widgets, builder)(data, **{**mixture, argument: value})


@pytest.mark.parametrize("span", [Fraction(3), np.float32(3.0), np.int64(3)])
def test_a_builder_takes_any_real_number(data, fit, span):
    widget = widgets.responsibility_explorer(data, fit.weights, fit.means, fit.covariances, span=span)
    assert widget.sliders["mean_x1"].max == pytest.approx(fit.means[0, 0] + 3)


def _frame_explorers(data, fit):
    fits = [gl.fit_gmm(data, 3, init="random", rng=seed, max_iter=10) for seed in range(3)]
    return {"em_history": widgets.em_history_explorer(data, fit), "restart": widgets.restart_explorer(data, fits),
            "kmeans_limit": widgets.kmeans_limit_explorer(data, fit.means)}


@pytest.mark.parametrize("name", ["em_history", "restart", "kmeans_limit"])
def test_frame_sliders_switch_a_stack_of_frames_in_the_browser(data, fit, name):
    """The slider's index is linked (browser-side, one way) to the Stack's selected_index; every state is a
    frame of its own caption and palette PNG, and .caption/.image are those of the frame the slider selects."""
    widget = _frame_explorers(data, fit)[name]
    (slider,) = widget.sliders.values()
    index_trait = "index" if isinstance(slider, ipywidgets.SelectionSlider) else "value"
    link = widget._link
    assert link._model_name == "DirectionalLinkModel"  # jsdlink: slider to Stack only, never back
    assert (link.source, link.target) == ((slider, index_trait), (widget.stack, "selected_index"))
    assert widget.children == (slider, widget.stack)
    assert widget.stack.children == tuple(widget.frames)
    n_states = len(slider.options) if index_trait == "index" else slider.max + 1
    assert len(widget.frames) == n_states
    images = [frame.children[1].value for frame in widget.frames]
    assert all(Image.open(io.BytesIO(png)).mode == "P" for png in images)
    assert len(set(images)) == n_states  # every state looks different
    assert widget.payload() == (n_states, sum(map(len, images)))
    for index in (n_states - 1, 1):
        setattr(slider, index_trait, index)
        assert widget.image is widget.frames[index].children[1]
        assert widget.caption is widget.frames[index].children[0]
    widget.redraw()
    assert widget.image.value == images[1]


def test_a_frame_slider_counts_its_frames_from_zero(data, fit):
    figure, (ax,) = new_figure()
    (line,) = ax.plot([0], [0])
    with pytest.raises(ValueError, match="must start at 0"):
        widgets.FrameSliderFigure("t", figure, "i", ipywidgets.IntSlider(value=1, min=1, max=3),
                                  lambda i: str(i), {"line": line})


def test_em_history_explorer_needs_the_kept_responsibilities(data):
    fit = gl.fit_gmm(data, 3, rng=0, max_iter=5)
    with pytest.raises(ValueError, match=r"^fit has no responsibilities_history .*keep_responsibilities=True"):
        widgets.em_history_explorer(data, fit)


def test_em_history_explorer_rejects_a_fit_of_other_data(data, fit):
    with pytest.raises(ValueError, match=r"^fit was fitted to 300 samples but X has 100"):
        widgets.em_history_explorer(data[:100], fit)
    three_features = np.column_stack([data, data[:, 0]])
    fit_3d = gl.fit_gmm(three_features, 2, rng=0, max_iter=2, keep_responsibilities=True)
    with pytest.raises(ValueError, match=r"^fit has 3 features but X has 2"):
        widgets.em_history_explorer(data, fit_3d)
    with pytest.raises(ValueError, match=r"^X must have 2 features to be drawn in the plane, got shape \(300, 3\)"):
        widgets.em_history_explorer(three_features, fit_3d)
    with pytest.raises(ValueError, match=r"^fit must be a GMMFit from fit_gmm, got MixtureParameters"):
        widgets.em_history_explorer(data, fit.history[-1])


def test_em_history_explorer_rejects_a_curve_start_past_the_last_iteration(data, fit):
    with pytest.raises(ValueError, match=rf"^curve_from must be at least 0 and at most {fit.n_iter}"):
        widgets.em_history_explorer(data, fit, curve_from=fit.n_iter + 1)


def test_restart_explorer_names_the_fit_of_other_data(data, fit):
    other = gl.fit_gmm(data[:150], 3, rng=0, max_iter=5)
    with pytest.raises(ValueError, match=r"^fits\[1\] was fitted to 150 samples but X has 300"):
        widgets.restart_explorer(data, [fit, other])


@pytest.mark.parametrize("builder", [widgets.responsibility_explorer, widgets.likelihood_explorer,
                                     widgets.em_step_explorer])
def test_mean_explorers_reject_a_component_out_of_range(data, fit, builder):
    with pytest.raises(ValueError, match=r"^component must be at least 0 and at most 2, got 3"):
        builder(data, fit.weights, fit.means, fit.covariances, component=3)


def test_kmeans_limit_explorer_rejects_data_off_the_plane(data, fit):
    with pytest.raises(ValueError, match=r"^X must have 2 features"):
        widgets.kmeans_limit_explorer(data[:, :1], fit.means)


def test_em_history_explorer_draws_the_responsibilities_the_fit_carries(data, fit):
    """The slider shows the fit's responsibilities_history as it is: it runs no E-step of its own."""
    one_hot = [np.eye(3)[np.arange(data.shape[0]) % 3] for _ in fit.history]
    widget = widgets.em_history_explorer(data, dataclasses.replace(fit, responsibilities_history=one_hot))
    widget.sliders["iteration"].value = fit.n_iter
    np.testing.assert_allclose(_facecolours(widget), plotting.responsibility_colours(one_hot[-1]))
    assert widget.image is widget.frames[-1].children[1]
    assert re.findall(r"■</span> (\d+)", widget.caption.value) == ["100", "100", "100"]


def test_lower_bound_explorer_draws_the_kl_gap_of_each_half_step(data, fit):
    widget = widgets.lower_bound_explorer(data, fit)
    slider = widget.sliders["half_step"]
    assert [value for _, value in slider.options] == list(range(2 * fit.n_iter + 1))
    assert slider.value == 1  # starts at an M-step: a gap to see
    first_image, first_caption = widget.image.value, widget.caption.value
    for half_step in (2, 3, 2 * fit.n_iter - 1, 0):
        slider.value = half_step
        iteration = (half_step + 1) // 2
        theta = fit.history[iteration]
        q = fit.responsibilities_history[half_step // 2]  # an M-step keeps the q of the E-step before it
        posterior = gl.e_step(data, *theta)
        kl = np.sum(q * (np.log(q) - np.log(posterior)))
        gap = widget.artists["gap_bar"]
        assert gap.get_height() == pytest.approx(kl, abs=1e-8)
        assert gap.get_y() + gap.get_height() == pytest.approx(fit.log_likelihood_history[iteration])
        assert np.ptp(widget.artists["gap_line"].get_ydata()) == pytest.approx(kl, abs=1e-8)
        assert ("M-step" if half_step % 2 else "E-step") in widget.caption.value
        assert f"KL gap = {kl:.3f}" in widget.caption.value
    assert widget.image.value != first_image
    assert widget.caption.value != first_caption


def test_lower_bound_explorer_bound_rises_and_touches(data, fit):
    log_likelihoods, lower_bounds = widgets.em_half_steps(data, fit)
    np.testing.assert_allclose(lower_bounds[::2], log_likelihoods[::2], rtol=1e-10)
    assert np.all(lower_bounds[1::2] < log_likelihoods[1::2])
    assert np.all(np.diff(lower_bounds) > -1e-8)


def test_lower_bound_explorer_needs_the_kept_responsibilities_and_an_iteration(data, fit):
    with pytest.raises(ValueError, match=r"^fit has no responsibilities_history"):
        widgets.lower_bound_explorer(data, gl.fit_gmm(data, 3, rng=0, max_iter=5))
    with pytest.raises(ValueError, match=r"^fit has no EM iteration to show"):
        widgets.lower_bound_explorer(data, gl.fit_gmm(data, 3, rng=0, max_iter=0, keep_responsibilities=True))
    with pytest.raises(ValueError, match=rf"^curve_from must be at least 0 and at most {fit.n_iter - 1}"):
        widgets.lower_bound_explorer(data, fit, curve_from=fit.n_iter)


def test_lower_bound_explorer_starts_its_view_later(data, fit):
    widget = widgets.lower_bound_explorer(data, fit, curve_from=3)
    slider = widget.sliders["half_step"]
    assert (slider.options[0][1], slider.value) == (6, 7)
    assert "M-step of iteration 4" in widget.caption.value


def test_the_still_image_for_readers_without_a_kernel_carries_the_caption(data, fit):
    import base64
    import io

    from PIL import Image

    widget = widgets.likelihood_explorer(data, fit.weights, fit.means, fit.covariances)
    still = Image.open(io.BytesIO(base64.b64decode(widget._repr_mimebundle_()["image/png"])))
    figure = Image.open(io.BytesIO(widget.image.value))
    assert still.width == figure.width and still.height > figure.height  # a caption band above the figure
    other = widgets.captioned_png(widget.image.value, "<b>another</b> caption")
    assert other != base64.b64decode(widget._repr_mimebundle_()["image/png"])


def test_a_replayed_iteration_left_of_the_curves_view_keeps_a_marker_at_its_edge(data):
    fit = gl.fit_gmm(data, 3, init="random", rng=3, max_iter=30, keep_responsibilities=True)
    widget = widgets.em_history_explorer(data, fit, curve_from=2)
    marker = widget.artists["curve_marker"]
    widget.sliders["iteration"].value = 0
    assert marker.get_marker() == "<" and marker.get_xdata()[0] == pytest.approx(1.5)
    assert "below the curve’s view" in widget.caption.value
    widget.sliders["iteration"].value = 3
    assert marker.get_marker() == "o" and marker.get_xdata()[0] == 3


@pytest.fixture(scope="module")
def incomplete_data():
    """Lesson 11's tilted clusters with x_2 hidden in 0%, 30% and 60% of the rows, and the three kinds of fit."""
    rng = np.random.default_rng(11)
    X, _ = gl.sample_mixture(*gl.datasets.TILTED_CLUSTERS, n_samples=200, rng=rng)
    order = rng.permutation(len(X))
    incomplete = []
    for fraction in (0.0, 0.3, 0.6):
        X_missing = X.copy()
        X_missing[order[: round(fraction * len(X))], 1] = np.nan
        incomplete.append(X_missing)
    fits = {"complete_fit": gl.fit_gmm(X, 3, rng=0),
            "em_fits": [gl.fit_gmm(X_missing, 3, rng=0, missing="em") for X_missing in incomplete],
            "imputed_fits": [gl.fit_gmm(gl.impute_mean(X_missing), 3, rng=0) for X_missing in incomplete]}
    return X, incomplete, fits


def test_missing_values_explorer_shows_each_fraction(incomplete_data):
    X, incomplete, fits = incomplete_data
    widget = widgets.missing_values_explorer(X, incomplete, **fits)
    slider = widget.sliders["step"]
    assert [label for label, _ in slider.options] == ["0%", "30%", "60%"]
    for step in (2, 1):
        slider.index = step
        hidden = np.isnan(incomplete[step]).any(axis=1)
        for points in widget.artists["points"]:  # the complete rows, in both panels
            np.testing.assert_allclose(points.get_offsets(), X[~hidden])
        assert len(widget.artists["rug"][0].get_xdata()) == hidden.sum()  # one tick per row missing x_2
        imputed = widget.artists["imputed_points"].get_offsets()
        np.testing.assert_allclose(imputed[:, 1], np.nanmean(incomplete[step][:, 1]))
        aligned = gl.alignment.align_to(fits["em_fits"][step].history[-1], fits["complete_fit"].history[-1])
        np.testing.assert_allclose([m.get_xdata()[0] for m in widget.artists["em_means"]], aligned.means[:, 0])
        assert f"{hidden.sum()} of {len(X)} rows" in widget.caption.value


def test_missing_values_explorer_needs_x_with_entries_hidden(incomplete_data):
    X, incomplete, fits = incomplete_data
    changed = incomplete[1].copy()
    changed[0, 0] += 1.0
    with pytest.raises(ValueError, match=r"^incomplete\[1\] must be X with some entries set to NaN"):
        widgets.missing_values_explorer(X, [incomplete[0], changed, incomplete[2]], **fits)
    with pytest.raises(ValueError, match=r"^incomplete, em_fits and imputed_fits must have one entry per step"):
        widgets.missing_values_explorer(X, incomplete[:2], **fits)


@pytest.fixture(scope="module")
def stepwise_runs():
    """Held-out data, stepwise EM runs for three alphas on one stream, and batch EM on the stream's samples."""
    mixture = ([0.5, 0.5], [[0.0, 0.0], [4.0, 1.0]], [np.eye(2), np.eye(2)])
    held_out = gl.sample_chunk(*mixture, 300, 1, 0)
    batches = [gl.sample_chunk(*mixture, 50, 2, t) for t in range(30)]
    start = gl.initialize_parameters(batches[0], 2, rng=0)
    runs = {alpha: gl.stepwise_em(batches, 2, alpha=alpha, init=tuple(start), held_out=held_out)
            for alpha in (0.6, 0.8, 1.0)}
    return held_out, runs, gl.fit_gmm(np.concatenate(batches), 2, init=tuple(start))


def test_stepwise_em_explorer_shows_each_alphas_path_and_final_components(stepwise_runs):
    held_out, runs, batch_fit = stepwise_runs
    widget = widgets.stepwise_em_explorer(held_out, runs, batch_fit)
    slider = widget.sliders["alpha"]
    assert [value for _, value in slider.options] == [0.6, 0.8, 1.0]
    images = set()
    for alpha, fit in runs.items():
        slider.value = alpha
        x, y = widget.artists["selected_path"].get_data()
        np.testing.assert_array_equal(x, fit.n_seen[1:])
        np.testing.assert_allclose(y, fit.log_likelihood_history[1:])
        for component_ellipses, mean in zip(widget.artists["ellipses"], fit.means):
            np.testing.assert_allclose(component_ellipses[0].get_center(), mean)
        assert f"α = {alpha:.2f}" in widget.caption.value
        assert f"{fit.log_likelihood_history[-1]:.4f}" in widget.caption.value
        images.add(widget.image.value)
    assert len(images) == 3


def test_stepwise_em_explorer_needs_runs_scored_on_its_data(stepwise_runs):
    held_out, runs, batch_fit = stepwise_runs
    with pytest.raises(ValueError, match=r"fits\[0.6\] was not scored on X"):
        widgets.stepwise_em_explorer(held_out[:100], runs, batch_fit)
    with pytest.raises(ValueError, match="at least 2 step-size exponents"):
        widgets.stepwise_em_explorer(held_out, {0.6: runs[0.6]}, batch_fit)
    with pytest.raises(ValueError, match="batch_fit must be a GMMFit"):
        widgets.stepwise_em_explorer(held_out, runs, runs[0.6])


def _computing_explorers(data, fit):
    """The four explorers that compute from their sliders' values, built on the same data and fit."""
    mixture = (fit.weights, fit.means, fit.covariances)
    return {
        "responsibility": widgets.responsibility_explorer(data, *mixture, component=1),
        "likelihood": widgets.likelihood_explorer(data, *mixture, component=0, n_steps=11),
        "em_step": widgets.em_step_explorer(data, *mixture, component=2),
        "sampling": widgets.sampling_explorer(*mixture, n_samples=50, rng=4),
    }


# Each explorer's anywidget, and the traits it adds to MixtureCanvas's besides its sliders'.
CANVASES = {
    "responsibility": (widgets.ResponsibilityCanvas, {"X", "component"}),
    "likelihood": (widgets.LikelihoodCanvas, {"X", "component", "best_log_likelihood"}),
    "em_step": (widgets.EMStepCanvas, {"X", "component", "reg_covar"}),
    "sampling": (widgets.SamplingCanvas, {"uniforms", "standard_normal", "stds_2"}),
}


def test_computing_explorers_draw_in_the_browser_from_the_data_they_ship(data, fit):
    """Each is sliders jsdlinked to its MixtureCanvas that holds the module, the data, the mixture and the figure."""
    for kind, widget in _computing_explorers(data, fit).items():
        canvas = widget.canvas
        assert isinstance(canvas, CANVASES[kind][0]) and canvas.kind == kind
        assert list(widget.children) == [*widget.sliders.values(), canvas]
        assert canvas._esm == widgets.CANVAS_MODULE.read_text(encoding="utf-8")
        for name, slider in widget.sliders.items():
            assert getattr(canvas, name) == slider.value
            assert any(link.source == (slider, "value") and link.target == (canvas, name) for link in widget._links)
        png = base64.b64decode(canvas.background.removeprefix("data:image/png;base64,"))
        assert Image.open(io.BytesIO(png)).size == tuple(canvas.size) == widget.figure.canvas.get_width_height()
        width, height = canvas.size
        for axes in canvas.axes:
            left, top, right, bottom = axes["box"]
            assert 0 <= left < right <= width and 0 <= top < bottom <= height
        np.testing.assert_array_equal(canvas.covariances, fit.covariances)
        if kind != "sampling":
            np.testing.assert_array_equal(canvas.X, data)
            np.testing.assert_array_equal(canvas.means, fit.means)
            assert canvas.appearance["colours"] == [plotting.component_colour(k) for k in range(3)]


def test_each_canvas_syncs_only_the_traits_of_its_explorer(data, fit):
    shared = set(widgets.MixtureCanvas.class_trait_names(sync=True))
    for kind, widget in _computing_explorers(data, fit).items():
        canvas_class, own = CANVASES[kind]
        assert set(canvas_class.class_trait_names(sync=True)) - shared == own | set(widget.sliders), kind
    with pytest.raises(traitlets.TraitError, match="read-only"):
        widgets.SamplingCanvas(kind="responsibility")


def test_the_sampling_canvas_gets_the_seeded_draws_the_kernel_turns_into_samples(data, fit):
    first, again = (widgets.sampling_explorer(fit.weights, fit.means, fit.covariances, 50, rng=4) for _ in range(2))
    assert first.canvas.uniforms == again.canvas.uniforms
    assert first.canvas.standard_normal == again.canvas.standard_normal
    first.sliders["weight_1"].value = 0.0  # every sample from components 2 and 3
    weights = np.array([0.0, *fit.weights[1:] / fit.weights[1:].sum()])
    labels = np.minimum(np.searchsorted(np.cumsum(weights), first.canvas.uniforms, side="right"), 2)
    assert set(labels) == {1, 2}
    factors = np.linalg.cholesky(fit.covariances)
    expected = fit.means[labels] + np.einsum("nij,nj->ni", factors[labels], np.array(first.canvas.standard_normal))
    np.testing.assert_allclose(first.artists["points"].get_offsets(), expected)


def test_a_computing_explorer_keeps_the_kernels_figure_and_caption_with_its_sliders(data, fit):
    widget = widgets.em_step_explorer(data, fit.weights, fit.means, fit.covariances, component=0)
    image_before, caption_before = widget.image.value, widget.caption.value
    widget.sliders["mean_x1"].value = widget.sliders["mean_x1"].max
    moved = fit.means.copy()
    moved[0, 0] = widget.sliders["mean_x1"].value
    new_weights, _, _ = gl.m_step(data, gl.e_step(data, fit.weights, moved, fit.covariances))
    assert widget.caption.value.startswith("new weights π: " + ", ".join(f"{w:.2f}" for w in new_weights))
    assert widget.caption.value != caption_before
    assert widget.image.value != image_before
    assert widget.image.value.startswith(PNG_SIGNATURE)

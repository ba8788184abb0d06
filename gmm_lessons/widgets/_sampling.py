"""The sampling explorer of lessons 00 and 01: ancestral sampling, computed and drawn in the browser."""

import numpy as np

from .. import plotting
from .._validation import check_count, check_parameters, check_rng
from ._canvas import CanvasSliderFigure, SamplingCanvas, canvas_style
from ._parts import count_caption, fix_limits, number_slider
from ._render import new_figure


def sampling_explorer(weights, means, covariances, n_samples=600, rng=None):
    """Ancestral sampling with sliders on the weight of component 1 and on component 2.

    The uniform and normal draws behind every point are made once; a slider
    only changes how they are turned into a sample (z_n from the weights,
    x_n = mu_z + L_z eps_n), so you watch the same points move rather than
    new random clouds.
    """
    weights, means, covariances = check_parameters(weights, means, covariances)
    n_samples = check_count(n_samples, "n_samples", minimum=1)
    rng = check_rng(rng)
    if means.shape[0] < 2 or means.shape[1] != 2:
        raise ValueError(
            f"sampling_explorer needs at least 2 components in 2 features, got means of shape {means.shape}"
        )
    uniforms = rng.random(n_samples)
    standard_normal = rng.standard_normal((n_samples, 2))
    stds = np.sqrt(np.diagonal(covariances[1]))
    base_correlation = covariances[1, 0, 1] / (stds[0] * stds[1])

    figure, (ax,) = new_figure(1, width=6.5, height=5.0)
    plotting.label_axes(ax, "Samples coloured by their component z")
    # The view holds every component's 3-standard-deviation box; mean 2 can move anywhere in it.
    three_stds = 3 * np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    low, high = (means - three_stds).min(axis=0), (means + three_stds).max(axis=0)
    fix_limits(ax, np.array([low, high]), margin=0.1)
    points = ax.scatter(*standard_normal.T, s=12, linewidths=0)
    ellipses = plotting.plot_ellipses(means, covariances, ax, n_stds=(2,))

    def draw(weight_1, mean_2_x1, mean_2_x2, spread_2, correlation_2):
        new_weights = weights.copy()
        new_weights[0] = weight_1
        new_weights[1:] = (1 - weight_1) * weights[1:] / weights[1:].sum()
        new_means = means.copy()
        new_means[1] = (mean_2_x1, mean_2_x2)
        new_covariances = covariances.copy()
        scaled = spread_2 * stds
        new_covariances[1] = [[scaled[0] ** 2, correlation_2 * scaled[0] * scaled[1]],
                              [correlation_2 * scaled[0] * scaled[1], scaled[1] ** 2]]
        labels = np.minimum(np.searchsorted(np.cumsum(new_weights), uniforms, side="right"), len(weights) - 1)
        factors = np.linalg.cholesky(new_covariances)
        samples = new_means[labels] + np.einsum("nij,nj->ni", factors[labels], standard_normal)
        points.set_offsets(samples)
        points.set_facecolors([plotting.component_colour(k) for k in labels])
        plotting.update_ellipses(ellipses, new_means, new_covariances, n_stds=(2,))
        return "samples per component: " + count_caption(labels, len(weights))

    sliders = {
        "weight_1": number_slider("weight π₁ of component 1", float(weights[0]), 0.0, 1.0, 0.01),
        "mean_2_x1": number_slider("mean of component 2: x₁", float(means[1, 0]), low[0], high[0], 0.1),
        "mean_2_x2": number_slider("mean of component 2: x₂", float(means[1, 1]), low[1], high[1], 0.1),
        "spread_2": number_slider("spread of component 2 (×σ)", 1.0, 0.2, 2.5, 0.05),
        "correlation_2": number_slider("correlation of component 2", float(base_correlation), -0.95, 0.95, 0.05),
    }
    traits = {"appearance": canvas_style(len(weights), n_stds=(2,), point_size=12, point_alpha=1.0),
              "weights": weights.tolist(), "means": means.tolist(), "covariances": covariances.tolist(),
              "uniforms": uniforms.tolist(), "standard_normal": standard_normal.tolist(), "stds_2": stds.tolist()}
    return CanvasSliderFigure("Sampling explorer", figure, sliders, draw, {"points": points, "ellipses": ellipses},
                              [ax], SamplingCanvas, traits)

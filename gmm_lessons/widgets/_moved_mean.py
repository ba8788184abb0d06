"""Explorers that move one mean of a mixture, computed and drawn in the browser (lessons 02, 03 and 04).

Lesson 02 watches the log-likelihood (:func:`likelihood_explorer`), 03 the
responsibilities (:func:`responsibility_explorer`), 04 one EM step
(:func:`em_step_explorer`); each is a :class:`CanvasSliderFigure`.
"""

import numpy as np

from .. import plotting
from .._validation import check_count, check_parameters, check_plane_data, check_positive
from ..em import e_step, log_likelihood, m_step
from ._canvas import CanvasSliderFigure, EMStepCanvas, LikelihoodCanvas, ResponsibilityCanvas, canvas_style
from ._parts import assignment_caption, fix_limits, number_slider
from ._render import new_figure

EM_STEP_REG_COVAR = 1e-6  # m_step's default; the browser's M-step adds the same


def _moved(means, component, mean):
    """A copy of ``means`` with row ``component`` replaced by ``mean``."""
    moved = means.copy()
    moved[component] = mean
    return moved


def _mean_sliders(label, start, low, high, step):
    """Two sliders, ``mean_x1`` and ``mean_x2``, for the coordinates of one mean."""
    return {
        "mean_x1": number_slider(f"{label}: x₁", start[0], low[0], high[0], step),
        "mean_x2": number_slider(f"{label}: x₂", start[1], low[1], high[1], step),
    }


def _check_mixture_and_component(X, weights, means, covariances, component, span):
    """X (n_samples, 2), the mixture's (weights, means, covariances), the component to move and the span."""
    X = check_plane_data(X)
    parameters = check_parameters(weights, means, covariances, X.shape[1])
    component = check_count(component, "component", maximum=parameters[0].shape[0] - 1)
    return X, parameters, component, check_positive(span, "span", "distance")


def _mixture_traits(X, weights, means, covariances, component):
    """The data, the mixture and the component the sliders move, as the traits of a moved-mean canvas."""
    return {"X": X.tolist(), "weights": weights.tolist(), "means": means.tolist(),
            "covariances": covariances.tolist(), "component": int(component)}


def _responsibility_figure(X, responsibilities, means, covariances, title, n_stds=plotting.ELLIPSE_STDS):
    """One square panel with a :class:`plotting.MixturePlot` of the data: (figure, ax, mixture)."""
    figure, (ax,) = new_figure(1, width=6.5, height=5.0)
    plotting.label_axes(ax, title)
    fix_limits(ax, X)
    return figure, ax, plotting.MixturePlot(ax, X, responsibilities, means, covariances, n_stds=n_stds)


def likelihood_explorer(X, weights, means, covariances, component=0, span=4.0, n_steps=41):
    """Move one component's mean and watch the log-likelihood.

    Left: data and the mixture's ellipses. Right: the log-likelihood as a
    function of that mean (computed once on the sliders' grid) with a
    marker where the mean is now.
    """
    X, (weights, means, covariances), component, span = _check_mixture_and_component(
        X, weights, means, covariances, component, span)
    n_steps = check_count(n_steps, "n_steps", minimum=2)
    start = means[component].copy()
    offsets = np.linspace(-span, span, n_steps)
    step = offsets[1] - offsets[0]
    grid_x1, grid_x2 = start[0] + offsets, start[1] + offsets

    def log_likelihood_at(mean):
        return log_likelihood(X, weights, _moved(means, component, mean), covariances)

    surface = np.array([[log_likelihood_at((x1, x2)) for x1 in grid_x1] for x2 in grid_x2])

    figure, (data_ax, surface_ax) = new_figure(2, width=8.0, height=4.0)
    plotting.label_axes(data_ax, "Data and the mixture")
    fix_limits(data_ax, X)
    plotting.plot_points(X, data_ax)
    ellipses = plotting.plot_ellipses(means, covariances, data_ax)
    mean_markers = plotting.plot_means(means, data_ax)
    top = surface.max()
    contours = surface_ax.contourf(grid_x1, grid_x2, surface, levels=np.linspace(top - 400.0, top, 21),
                                   cmap="viridis", extend="min")
    figure.colorbar(contours, ax=surface_ax, label=r"$\ln p(\mathbf{X})$", shrink=0.85)
    (where,) = surface_ax.plot([start[0]], [start[1]], marker="X", markersize=12,
                               color=plotting.component_colour(component), markeredgecolor="white",
                               linestyle="none")
    surface_ax.set_title(rf"$\ln p(\mathbf{{X}})$ as $\boldsymbol{{\mu}}_{component + 1}$ moves")
    surface_ax.set_xlabel(rf"$\mu_{{{component + 1},1}}$")
    surface_ax.set_ylabel(rf"$\mu_{{{component + 1},2}}$")
    surface_ax.set_aspect("equal")

    def draw(mean_x1, mean_x2):
        moved = _moved(means, component, (mean_x1, mean_x2))
        plotting.update_ellipses(ellipses, moved, covariances)
        plotting.update_means(mean_markers, moved)
        where.set_data([mean_x1], [mean_x2])
        # The sliders step along the grid the surface was computed on: look the value up.
        column, row = round((mean_x1 - grid_x1[0]) / step), round((mean_x2 - grid_x2[0]) / step)
        return f"log-likelihood ln p(X) = <b>{surface[row, column]:.2f}</b> (best on this grid: {top:.2f})"

    sliders = _mean_sliders(f"mean {component + 1}", start, (grid_x1[0], grid_x2[0]), (grid_x1[-1], grid_x2[-1]),
                            step)
    artists = {"ellipses": ellipses, "means": mean_markers, "surface_marker": where}
    traits = {"appearance": canvas_style(means.shape[0]), "best_log_likelihood": float(top),
              **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("Log-likelihood explorer", figure, sliders, draw, artists, [data_ax, surface_ax],
                              LikelihoodCanvas, traits)


def responsibility_explorer(X, weights, means, covariances, component=0, span=4.0):
    """Move one component's mean and watch the responsibilities recolour the points.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    weights, means, covariances : the mixture (2 features)
    component : int
        Which mean the two sliders move (0-based).
    span : float
        How far (in data units) each slider reaches either side of the start.
    """
    X, (weights, means, covariances), component, span = _check_mixture_and_component(
        X, weights, means, covariances, component, span)
    start = means[component].copy()

    figure, ax, mixture = _responsibility_figure(X, e_step(X, weights, means, covariances), means, covariances,
                                                 "Points coloured by responsibility")

    def draw(mean_x1, mean_x2):
        moved = _moved(means, component, (mean_x1, mean_x2))
        responsibilities = e_step(X, weights, moved, covariances)
        mixture.update(responsibilities, moved)
        return f"points per component (largest responsibility): {assignment_caption(responsibilities)}"

    sliders = _mean_sliders(f"mean {component + 1}", start, start - span, start + span, 0.1)
    traits = {"appearance": canvas_style(means.shape[0]), **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("Responsibility explorer", figure, sliders, draw, mixture.artists, [ax],
                              ResponsibilityCanvas, traits)


def em_step_explorer(X, weights, means, covariances, component=0, span=4.0):
    """Put one mean anywhere and see where a single EM step sends the mixture.

    The dashed ellipses are the parameters you set with the sliders; the
    points are coloured by their E-step responsibilities; the solid
    ellipses are the M-step's new parameters computed from those colours.
    """
    X, (weights, means, covariances), component, span = _check_mixture_and_component(
        X, weights, means, covariances, component, span)
    start = means[component].copy()

    figure, ax, after = _responsibility_figure(X, e_step(X, weights, means, covariances), means, covariances,
                                               "One EM step: dashed = before, solid = after", n_stds=(2,))
    before = plotting.plot_ellipses(means, covariances, ax, n_stds=(2,), linestyle="--")

    def draw(mean_x1, mean_x2):
        moved = _moved(means, component, (mean_x1, mean_x2))
        responsibilities = e_step(X, weights, moved, covariances)
        new_weights, new_means, new_covariances = m_step(X, responsibilities, reg_covar=EM_STEP_REG_COVAR)
        after.update(responsibilities, new_means, new_covariances)
        plotting.update_ellipses(before, moved, covariances, n_stds=(2,))
        shift = np.linalg.norm(new_means - moved, axis=1)
        return "new weights π: " + ", ".join(f"{w:.2f}" for w in new_weights) + \
            " · how far each mean moved: " + ", ".join(f"{s:.2f}" for s in shift)

    sliders = _mean_sliders(f"start mean {component + 1}", start, start - span, start + span, 0.1)
    artists = {"points": after.points, "ellipses_before": before, "ellipses_after": after.ellipses,
               "means_after": after.mean_markers}
    traits = {"appearance": canvas_style(means.shape[0], n_stds=(2,)),
              "reg_covar": EM_STEP_REG_COVAR, **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("One-EM-step explorer", figure, sliders, draw, artists, [ax], EMStepCanvas, traits)

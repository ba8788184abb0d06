"""The restart explorer of lesson 06: EM runs from different starts, one frame each."""

import numpy as np

from .. import plotting
from .._validation import check_plane_data
from ._frames import FrameSliderFigure
from ._parts import check_fit, fix_limits, number_slider
from ._render import new_figure


def restart_explorer(X, fits):
    """Step through EM runs from different starts: each run's path, its end, and its log-likelihood.

    Left: the data, the path of every mean from its start (circle) to its
    end (cross), and the final 1-2-3 standard-deviation ellipses. Right: the
    final log-likelihood of every run, with the selected one marked.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    fits : list of GMMFit
        Runs on X with the same number of components, e.g. from different seeds.
    """
    X = check_plane_data(X)
    fits = list(fits)
    for run, fit in enumerate(fits):
        check_fit(fit, X, f"fits[{run}]")
    if len(fits) < 2 or len({fit.means.shape for fit in fits}) != 1:
        raise ValueError("fits must be at least 2 GMMFit results with the same number of components and features")
    paths = [np.array([parameters.means for parameters in fit.history]) for fit in fits]  # (n_iter + 1, K, 2)
    finals = np.array([fit.log_likelihood for fit in fits])
    n_components = fits[0].means.shape[0]

    figure, (data_ax, runs_ax) = new_figure(2, width=8.0, height=4.2, width_ratios=(1.3, 1))
    plotting.label_axes(data_ax, "Each mean's path, start ○ to end ×")
    fix_limits(data_ax, X)
    plotting.plot_points(X, data_ax, alpha=0.35)
    path_lines = [data_ax.plot([], [], color=plotting.component_colour(k), linewidth=1.5, zorder=3)[0]
                  for k in range(n_components)]
    start_markers = [data_ax.plot([], [], marker="o", markersize=7, markerfacecolor="white", linestyle="none",
                                  color=plotting.component_colour(k), zorder=4)[0] for k in range(n_components)]
    ellipses = plotting.plot_ellipses(fits[0].means, fits[0].covariances, data_ax)
    end_markers = plotting.plot_means(fits[0].means, data_ax)
    runs_ax.plot(np.arange(len(fits)), finals, marker="o", linestyle="none", color="#555555")
    runs_ax.axhline(finals.max(), color="#999999", linewidth=1, linestyle=":")
    (selected,) = runs_ax.plot([0], [finals[0]], marker="o", markersize=11, markerfacecolor="none",
                               markeredgewidth=2, color=plotting.COMPONENT_COLOURS[1], linestyle="none")
    runs_ax.set_xlabel("run (start)")
    runs_ax.set_ylabel("final log-likelihood")
    runs_ax.set_title("Where each run ended")
    runs_ax.grid(alpha=0.3)

    def draw(run):
        fit = fits[run]
        for k in range(n_components):
            path_lines[k].set_data(paths[run][:, k, 0], paths[run][:, k, 1])
            start_markers[k].set_data([paths[run][0, k, 0]], [paths[run][0, k, 1]])
        plotting.update_ellipses(ellipses, fit.means, fit.covariances)
        plotting.update_means(end_markers, fit.means)
        selected.set_data([run], [finals[run]])
        gap = finals.max() - finals[run]
        verdict = "as good as the best run" if round(gap, 2) == 0 else f"{gap:.2f} below the best run"
        return (f"<b>run {run}</b>: {fit.n_iter} iterations, {'converged' if fit.converged else 'not converged'}, "
                f"final log-likelihood {finals[run]:.2f} ({verdict})")

    artists = {"paths": path_lines, "starts": start_markers, "ellipses": ellipses, "ends": end_markers,
               "selected_run": selected}
    slider = number_slider("run (start)", 0, 0, len(fits) - 1, 1)
    return FrameSliderFigure("Restart explorer", figure, "run", slider, draw, artists)

"""The stepwise EM explorer of lesson 12: the step-size exponent alpha against batch EM."""

import numpy as np

from .. import plotting
from .._validation import check_plane_data
from ..em import log_likelihood
from ..fitting import GMMFit
from ..streaming import StepwiseFit
from ._frames import FrameSliderFigure
from ._parts import fix_limits, selection_slider
from ._render import new_figure


def stepwise_em_explorer(X, fits, batch_fit):
    """Scrub stepwise EM's step-size exponent alpha: its held-out log-likelihood path against batch EM's.

    Left: the mean per-sample log-likelihood of the held-out data X against
    the samples seen (log scale), for every alpha (grey) with the selected
    one in colour, and batch EM's (black: every iteration reads all of its
    n_train samples once more). Right: X with the selected run's final
    components (solid) and batch EM's (dashed), 2 standard deviations.
    Taught in lesson 12.

    Parameters
    ----------
    X : array-like of shape (n_held_out, 2)
        The held-out data the runs were scored on.
    fits : dict of float to StepwiseFit
        Runs of :func:`streaming.stepwise_em` with ``held_out=X``, by alpha,
        on the same stream; at least 2.
    batch_fit : GMMFit
        ``fit_gmm`` on n_train samples of the same source (its samples
        seen after iteration i are i n_train).
    """
    X = check_plane_data(X)
    fits = dict(fits)
    if len(fits) < 2 or not all(isinstance(fit, StepwiseFit) for fit in fits.values()):
        raise ValueError("fits must map at least 2 step-size exponents alpha to StepwiseFit results of stepwise_em")
    for alpha, fit in fits.items():
        if fit.log_likelihood_history is None or not np.isclose(
                fit.log_likelihood_history[-1], log_likelihood(X, *fit.history[-1]) / X.shape[0]):
            raise ValueError(f"fits[{alpha}] was not scored on X: run stepwise_em(..., held_out=X)")
    if not isinstance(batch_fit, GMMFit) or batch_fit.means.shape != next(iter(fits.values())).means.shape:
        raise ValueError("batch_fit must be a GMMFit from fit_gmm with the runs' numbers of components and features")
    alphas = sorted(fits)
    n_train = batch_fit.responsibilities.shape[0]
    batch_seen = n_train * np.arange(1, batch_fit.n_iter + 1)
    batch_scores = np.array([log_likelihood(X, *theta) / X.shape[0] for theta in batch_fit.history[1:]])
    paths = {alpha: (fits[alpha].n_seen[1:], fits[alpha].log_likelihood_history[1:]) for alpha in alphas}
    every_score = np.concatenate([batch_scores, *(scores for _, scores in paths.values())])
    top = max(every_score.max(), batch_scores[-1])
    low = np.quantile(every_score, 0.05)

    figure, (curve_ax, data_ax) = new_figure(2, width=8.4, height=4.2, width_ratios=(1.35, 1))
    for seen, scores in paths.values():
        curve_ax.plot(seen, scores, color="#c8c8c8", linewidth=1)
    (selected,) = curve_ax.plot([], [], color=plotting.component_colour(1), linewidth=2, label="stepwise EM")
    curve_ax.plot(batch_seen, batch_scores, color="#222222", marker="o", markersize=3.5, linewidth=1.2,
                  label="batch EM")
    curve_ax.axhline(batch_scores[-1], color="#222222", linestyle=":", linewidth=1)
    curve_ax.set(xscale="log", ylim=(low - 0.1 * (top - low), top + 0.1 * (top - low)), xlabel="samples seen",
                 ylabel="held-out mean ln p(x)", title="Held-out log-likelihood as data streams in")
    curve_ax.grid(alpha=0.3)
    curve_ax.legend(loc="lower right")
    plotting.label_axes(data_ax, "Final components (2 sd)")
    fix_limits(data_ax, X)
    plotting.plot_points(X, data_ax, alpha=0.25)
    plotting.plot_ellipses(batch_fit.means, batch_fit.covariances, data_ax, n_stds=(2,), linestyle="--")
    first = fits[alphas[0]]
    ellipses = plotting.plot_ellipses(first.means, first.covariances, data_ax, n_stds=(2,))
    mean_markers = plotting.plot_means(first.means, data_ax)

    def draw(alpha):
        fit = fits[alpha]
        selected.set_data(*paths[alpha])
        plotting.update_ellipses(ellipses, fit.means, fit.covariances, n_stds=(2,))
        plotting.update_means(mean_markers, fit.means)
        final = fit.log_likelihood_history[-1]
        return (f"<b>α = {alpha:.2f}</b> (η<sub>t</sub> = (t + {fit.t0:g})<sup>−α</sup>) · after {fit.n_seen[-1]} "
                f"samples seen once: held-out mean ln p = {final:.4f} · batch EM after {batch_fit.n_iter} passes "
                f"over {n_train}: {batch_scores[-1]:.4f} (difference {final - batch_scores[-1]:+.4f})")

    slider = selection_slider("step-size exponent α", [(f"{alpha:.2f}", alpha) for alpha in alphas], alphas[0])
    artists = {"selected_path": selected, "ellipses": ellipses, "means": mean_markers}
    return FrameSliderFigure("Stepwise EM explorer", figure, "alpha", slider, draw, artists)

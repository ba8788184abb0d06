"""Scrubbing a stored EM fit: iteration by iteration (lessons 05, 08 and 09), half-step by half-step (lesson 10)."""

import numpy as np

from .. import plotting
from .._validation import check_count, check_data, check_plane_data
from ..em import lower_bound
from ._frames import FrameSliderFigure
from ._parts import assignment_caption, check_fit, fix_limits, selection_slider
from ._render import new_figure

MAX_ITERATION_FRAMES = 40  # an EM history slider's frames at most (a frame is 10-25 kB and 15-50 ms to draw)


def shown_iterations(n_iter):
    """The iterations 0 .. n_iter an EM history slider shows, one precomputed frame each.

    Every iteration while there are at most MAX_ITERATION_FRAMES; beyond,
    about MAX_ITERATION_FRAMES of them (a frame or two more), geometrically spaced: every one of
    the first iterations, where EM moves most, then ever fewer, and always
    the last. Returns a sorted int array starting at 0 and ending at n_iter.
    """
    if n_iter + 1 <= MAX_ITERATION_FRAMES:
        return np.arange(n_iter + 1)
    # Rounding merges the first points of a geometric grid; ask for more of them until enough are distinct.
    for n_points in range(MAX_ITERATION_FRAMES, n_iter + 2):
        shown = np.unique(np.round(np.geomspace(1, n_iter + 1, n_points)).astype(int) - 1)
        if len(shown) >= MAX_ITERATION_FRAMES:
            return shown
    return np.arange(n_iter + 1)


def em_history_explorer(X, fit, curve_from=0):
    """Scrub through a stored EM fit with one iteration slider.

    Left: the data coloured by the responsibilities of the parameters at
    that iteration, with their means and 1-2-3 standard-deviation ellipses.
    Right: the log-likelihood curve with a marker at that iteration.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    fit : GMMFit
        From ``fit_gmm(X, ..., keep_responsibilities=True)``: the slider
        scrubs its ``history`` and ``responsibilities_history``, at the
        iterations of :func:`shown_iterations` (every one for up to
        ``MAX_ITERATION_FRAMES`` iterations).
    curve_from : int, default 0
        First iteration the curve's axes show. A poor start's log-likelihood
        can be so low that it flattens the rest of the curve; starting the
        view later shows the later iterations' progress.
    """
    X = check_plane_data(X)
    check_fit(fit, X, replay=True)
    curve_from = check_count(curve_from, "curve_from", maximum=fit.n_iter)
    history = fit.history
    responsibilities = fit.responsibilities_history
    log_likelihoods = np.asarray(fit.log_likelihood_history)

    figure, (data_ax, curve_ax) = new_figure(2, width=8.0, height=4.2, width_ratios=(1.25, 1))
    plotting.label_axes(data_ax, "Responsibilities and components")
    fix_limits(data_ax, X)
    mixture = plotting.MixturePlot(data_ax, X, responsibilities[0], history[0].means, history[0].covariances)
    _, curve_marker = plotting.plot_log_likelihood_curve(log_likelihoods, curve_ax, current=0)
    curve_ax.set_title("Log-likelihood never decreases")
    if curve_from > 0:
        shown = log_likelihoods[curve_from:]
        pad = 0.05 * (np.ptp(shown) or 1.0)
        curve_ax.set_xlim(curve_from - 0.5, len(history) - 0.5)
        curve_ax.set_ylim(shown.min() - pad, shown.max() + pad)

    def draw(iteration):
        parameters = history[iteration]
        mixture.update(responsibilities[iteration], parameters.means, parameters.covariances)
        plotting.update_curve_marker(curve_marker, log_likelihoods, iteration)
        # An iteration left of the curve's view still gets a marker: a triangle at the view's edge pointing to it.
        off_view = iteration < curve_from
        if off_view:
            curve_marker.set_data([curve_from - 0.5], [curve_ax.get_ylim()[0]])
        curve_marker.set_marker("<" if off_view else "o")
        return (
            f"<b>iteration {iteration}</b> of {len(history) - 1} · "
            f"log-likelihood {log_likelihoods[iteration]:.2f}{' (below the curve’s view)' if off_view else ''} · "
            f"points per component: {assignment_caption(responsibilities[iteration])}"
        )

    slider = selection_slider("EM iteration", [(str(i), i) for i in shown_iterations(fit.n_iter)], 0)
    artists = {**mixture.artists, "curve_marker": curve_marker}
    return FrameSliderFigure("EM iteration explorer", figure, "iteration", slider, draw, artists)


def em_half_steps(X, fit):
    """ln p(X | theta) and L(q, theta) after every half-step of a stored fit (Bishop figures 9.12-9.14).

    Half-step 2t is the E-step of iteration t: theta_t with q_t, its own
    responsibilities, so L = ln p (KL = 0). Half-step 2t + 1 is the next
    M-step: theta_(t+1) with q_t still, so L rises and the KL gap opens.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    fit : GMMFit
        From ``fit_gmm(X, ..., keep_responsibilities=True)``.

    Returns
    -------
    log_likelihoods, lower_bounds : ndarray of shape (2 n_iter + 1,)
    """
    X = check_data(X)
    check_fit(fit, X, replay=True)
    parameters = [fit.history[(step + 1) // 2] for step in range(2 * fit.n_iter + 1)]
    log_likelihoods = np.array([fit.log_likelihood_history[(step + 1) // 2] for step in range(len(parameters))])
    lower_bounds = np.array([lower_bound(X, *theta, fit.responsibilities_history[step // 2])
                             for step, theta in enumerate(parameters)])
    return log_likelihoods, lower_bounds


def _half_step_name(step):
    iteration = (step + 1) // 2
    return f"after the M-step of iteration {iteration}" if step % 2 else f"after the E-step of iteration {iteration}"


def lower_bound_explorer(X, fit, curve_from=0):
    """Scrub EM half-step by half-step: ln p(X | theta), the bound L(q, theta) and the KL gap between them.

    Left: ln p(X | theta) (a staircase: it changes only in M-steps) and
    L(q, theta) after every half-step, with a marker at the current one.
    Right: Bishop's figure 9.11 for the current half-step, ln p(X | theta)
    = L(q, theta) + KL(q || p(Z | X, theta)) as a stacked bar. After an
    E-step the gap is 0 (figure 9.12); the M-step raises L and opens it
    (figure 9.13). Taught in lesson 10.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    fit : GMMFit
        From ``fit_gmm(X, ..., keep_responsibilities=True)``: the slider
        scrubs its ``history`` and ``responsibilities_history``.
    curve_from : int, default 0
        First iteration the axes show (a poor start's values can dwarf the
        later, smaller steps). The slider starts at that iteration's M-step,
        so the still image shows a gap.
    """
    log_likelihoods, lower_bounds = em_half_steps(X, fit)  # checks X and the fit
    if fit.n_iter == 0:
        raise ValueError("fit has no EM iteration to show (n_iter = 0): fit it with max_iter >= 1")
    curve_from = check_count(curve_from, "curve_from", maximum=fit.n_iter - 1)
    steps = np.arange(len(log_likelihoods))
    shown = slice(2 * curve_from, None)
    low, high = lower_bounds[shown].min(), log_likelihoods[shown].max()
    pad = 0.08 * ((high - low) or 1.0)
    floor = low - pad

    figure, (curve_ax, bar_ax) = new_figure(2, width=8.0, height=4.2, width_ratios=(1.6, 1))
    curve_ax.step(steps / 2, log_likelihoods, where="post", color="#333333", linewidth=1.5,
                  label=r"$\ln p(\mathbf{X}\mid\boldsymbol{\theta})$")
    curve_ax.plot(steps / 2, lower_bounds, color=plotting.component_colour(0), marker="o", markersize=3.5,
                  linewidth=1.2, label=r"$\mathcal{L}(q, \boldsymbol{\theta})$")
    (current,) = curve_ax.plot([0], [lower_bounds[0]], marker="o", markersize=10, markerfacecolor="none",
                               markeredgewidth=2, color=plotting.component_colour(1), linestyle="none", zorder=4)
    (gap_line,) = curve_ax.plot([0, 0], [lower_bounds[0], log_likelihoods[0]], color=plotting.component_colour(1),
                                linewidth=3, solid_capstyle="butt", zorder=3, label="KL gap")
    curve_ax.set(xlim=(curve_from - 0.25, fit.n_iter + 0.25), ylim=(floor, high + pad), xlabel="EM iteration",
                 title="The bound touches after each E-step")
    curve_ax.grid(alpha=0.3)
    curve_ax.legend(loc="lower right")

    bound_bar, gap_bar = bar_ax.bar([0, 0], [lower_bounds[0] - floor, 0.0], bottom=[floor, lower_bounds[0]],
                                    width=0.6, color=[plotting.component_colour(0), plotting.component_colour(1)])
    gap_bar.set_hatch("//")
    bar_ax.set(xlim=(-0.8, 0.8), ylim=(floor, high + pad), xticks=[], title="ln p = L + KL  (Bishop 9.70)")
    bar_ax.legend([bound_bar, gap_bar], [r"$\mathcal{L}(q, \boldsymbol{\theta})$",
                                         r"KL$(q \,\Vert\, p(\mathbf{Z}\mid\mathbf{X}, \boldsymbol{\theta}))$"],
                  loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize="small")
    bar_ax.grid(alpha=0.3, axis="y")

    def draw(half_step):
        bound, log_likelihood_now = lower_bounds[half_step], log_likelihoods[half_step]
        current.set_data([half_step / 2], [bound])
        gap_line.set_data([half_step / 2, half_step / 2], [bound, log_likelihood_now])
        bound_bar.set_height(bound - floor)
        gap_bar.set_y(bound)
        gap_bar.set_height(log_likelihood_now - bound)
        return (f"<b>{_half_step_name(half_step)}</b> · ln p(X | θ) = {log_likelihood_now:.3f} · "
                f"L(q, θ) = {bound:.3f} · KL gap = {log_likelihood_now - bound:.3f}")

    slider = selection_slider("half-step (E, M, E, ...)", [(str(step), step) for step in steps[shown]],
                              2 * curve_from + 1)
    artists = {"current": current, "gap_line": gap_line, "bound_bar": bound_bar, "gap_bar": gap_bar}
    return FrameSliderFigure("Lower-bound explorer", figure, "half_step", slider, draw, artists)

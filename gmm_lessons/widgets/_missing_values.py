"""The missing-values explorer of lesson 11: EM over the gaps against mean imputation, as the gaps grow."""

import numpy as np

from .. import plotting
from .._validation import check_data, check_plane_data
from ..alignment import align_to
from ..missing import mean_imputed
from ._frames import FrameSliderFigure
from ._parts import check_fit, fix_limits, selection_slider
from ._render import new_figure


def _check_incomplete(X, incomplete):
    """Each entry of ``incomplete`` is X with some entries hidden (NaN): shape and observed values equal X's."""
    checked = []
    for i, X_missing in enumerate(incomplete):
        X_missing = check_data(X_missing, f"incomplete[{i}]", missing=True)
        seen = ~np.isnan(X_missing)
        if X_missing.shape != X.shape or not np.array_equal(X_missing[seen], X[seen]):
            raise ValueError(f"incomplete[{i}] must be X with some entries set to NaN: same shape {X.shape} and the "
                             "same values where it is not NaN")
        checked.append(X_missing)
    return checked


def _rug(ax, X_missing, colour):
    """Tick marks at the axes' edges for the rows with a missing coordinate: | at x_1 (x_2 missing), — at x_2."""
    style = {"linestyle": "none", "color": colour, "markersize": 9, "markeredgewidth": 1.5, "clip_on": False,
             "zorder": 2}
    (x2_missing,) = ax.plot([], [], marker="|", **style)
    (x1_missing,) = ax.plot([], [], marker="_", **style)

    def update(X_missing):
        gone = np.isnan(X_missing)
        x2_rows, x1_rows = gone[:, 1] & ~gone[:, 0], gone[:, 0] & ~gone[:, 1]
        x2_missing.set_data(X_missing[x2_rows, 0], np.full(x2_rows.sum(), ax.get_ylim()[0]))
        x1_missing.set_data(np.full(x1_rows.sum(), ax.get_xlim()[0]), X_missing[x1_rows, 1])

    update(X_missing)
    return [x2_missing, x1_missing], update


def missing_values_explorer(X, incomplete, complete_fit, em_fits, imputed_fits):
    """Step through growing fractions of missing entries: EM over the gaps against mean imputation.

    Taught in lesson 11 (missing values). Left: the fit of EM with missing
    values (``fit_gmm(..., missing="em")``), the complete rows as points and
    every incomplete row as a tick at the edge, at its observed coordinate.
    Right: the fit of the mean-imputed data, with the imputed points drawn
    as rings. Both panels show the complete-data fit's 2-standard-deviation
    ellipses dashed; the caption gives each component's variances of x_2.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The complete data.
    incomplete : list of array-like of shape (n_samples, 2)
        X with some entries set to NaN, one data set a slider step (e.g.
        growing fractions of missing entries); no row entirely NaN.
    complete_fit : GMMFit
        A fit of X.
    em_fits, imputed_fits : list of GMMFit
        For each data set of ``incomplete``, its fit with ``missing="em"``
        and the fit of its mean-imputed copy (``impute_mean``). The
        components of every fit are matched to those of ``complete_fit``
        (:func:`alignment.align_to`), so that colours agree.
    """
    X = check_plane_data(X)
    incomplete = _check_incomplete(X, incomplete)
    check_fit(complete_fit, X, "complete_fit")
    em_fits, imputed_fits = list(em_fits), list(imputed_fits)
    if not len(incomplete) == len(em_fits) == len(imputed_fits) >= 2:
        raise ValueError(f"incomplete, em_fits and imputed_fits must have one entry per step, at least 2; got "
                         f"{len(incomplete)}, {len(em_fits)} and {len(imputed_fits)}")
    for name, fits in (("em_fits", em_fits), ("imputed_fits", imputed_fits)):
        for i, fit in enumerate(fits):
            check_fit(fit, X, f"{name}[{i}]")
            if fit.means.shape != complete_fit.means.shape:
                raise ValueError(f"{name}[{i}] has {fit.means.shape[0]} components but complete_fit has "
                                 f"{complete_fit.means.shape[0]}")
    reference = complete_fit.history[-1]
    em_parameters = [align_to(fit.history[-1], reference) for fit in em_fits]
    imputed_parameters = [align_to(fit.history[-1], reference) for fit in imputed_fits]

    figure, (em_ax, imputed_ax) = new_figure(2, width=9.0, height=3.9)
    panels = {}
    for ax, title, parameters in ((em_ax, "EM over the missing values", em_parameters[0]),
                                  (imputed_ax, "Mean imputation, then fit", imputed_parameters[0])):
        plotting.label_axes(ax, title)
        fix_limits(ax, X)
        plotting.plot_ellipses(reference.means, reference.covariances, ax, n_stds=(2,), linestyle="--")
        panels[ax] = {"points": plotting.plot_points(X, ax, alpha=0.45),
                      "ellipses": plotting.plot_ellipses(parameters.means, parameters.covariances, ax),
                      "means": plotting.plot_means(parameters.means, ax)}
    rug, update_rug = _rug(em_ax, incomplete[0], plotting.DATA_COLOUR)
    imputed_points = imputed_ax.scatter([], [], s=22, facecolors="none", edgecolors="#333333",
                                        linewidths=1.0, zorder=2)

    def variances(parameters):
        return ", ".join(f"{variance:.2f}" for variance in parameters.covariances[:, 1, 1])

    def draw(step):
        X_missing = incomplete[step]
        complete_rows = ~np.isnan(X_missing).any(axis=1)
        for ax, parameters in ((em_ax, em_parameters[step]), (imputed_ax, imputed_parameters[step])):
            panels[ax]["points"].set_offsets(X[complete_rows])
            plotting.update_ellipses(panels[ax]["ellipses"], parameters.means, parameters.covariances)
            plotting.update_means(panels[ax]["means"], parameters.means)
        update_rug(X_missing)
        imputed_points.set_offsets(mean_imputed(X_missing)[~complete_rows].reshape(-1, 2))
        n_incomplete = int((~complete_rows).sum())
        return (f"<b>{n_incomplete} of {X.shape[0]} rows ({100 * n_incomplete / X.shape[0]:.0f}%) incomplete</b> · "
                f"variance of x₂ per component: complete data {variances(reference)} · "
                f"EM {variances(em_parameters[step])} · mean imputation {variances(imputed_parameters[step])}")

    labels = [f"{100 * np.isnan(X_missing).any(axis=1).mean():.0f}%" for X_missing in incomplete]
    slider = selection_slider("incomplete rows", list(zip(labels, range(len(incomplete)), strict=True)), 0)
    artists = {"points": [panels[ax]["points"] for ax in (em_ax, imputed_ax)], "rug": rug,
               "imputed_points": imputed_points,
               "em_ellipses": panels[em_ax]["ellipses"], "em_means": panels[em_ax]["means"],
               "imputed_ellipses": panels[imputed_ax]["ellipses"], "imputed_means": panels[imputed_ax]["means"]}
    return FrameSliderFigure("Missing-values explorer", figure, "step", slider, draw, artists)

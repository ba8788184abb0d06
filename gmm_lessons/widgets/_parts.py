"""What the lesson explorers share: their sliders, axes limits, captions and the check of a fit."""

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..fitting import GMMFit

SLIDER_LAYOUT = widgets.Layout(width="460px")
SLIDER_STYLE = {"description_width": "170px"}


def number_slider(description, value, low, high, step, readout_format=".2f"):
    """An IntSlider (an int ``step``) or a FloatSlider, live while dragged, in the lessons' layout."""
    kind = widgets.IntSlider if isinstance(step, int) else widgets.FloatSlider
    options = {} if kind is widgets.IntSlider else {"readout_format": readout_format}
    return kind(value=value, min=low, max=high, step=step, description=description, continuous_update=True,
                layout=SLIDER_LAYOUT, style=SLIDER_STYLE, **options)


def selection_slider(description, options, value):
    """A SelectionSlider over ``options`` (label, value) pairs, live while dragged, in the lessons' layout."""
    return widgets.SelectionSlider(options=options, value=value, description=description, continuous_update=True,
                                   layout=SLIDER_LAYOUT, style=SLIDER_STYLE)


def fix_limits(ax, X, margin=0.12):
    """Limit ``ax`` to the box of the rows of X, ``margin`` of its size wider on each side, for good."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * (high - low)
    ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
    ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
    ax.set_autoscale_on(False)


def count_caption(labels, n_components):
    """Caption fragment: a coloured square and a count per component."""
    counts = np.bincount(labels, minlength=n_components)
    return " · ".join(
        f'<span style="color:{plotting.component_colour(k)}">■</span> {count}' for k, count in enumerate(counts)
    )


def assignment_caption(responsibilities):
    """How many points each component owns, from (n_samples, n_components) responsibilities."""
    return count_caption(responsibilities.argmax(axis=1), responsibilities.shape[1])


def check_fit(fit, X, name="fit", replay=False):
    """That ``fit`` is a GMMFit of the data X (same features, same samples); with ``replay``, that it kept
    the responsibilities of every iteration."""
    if not isinstance(fit, GMMFit):
        # The API promises ValueError for every bad argument, wrong type included.
        raise ValueError(f"{name} must be a GMMFit from fit_gmm, got {type(fit).__name__}")  # noqa: TRY004
    if fit.means.shape[1] != X.shape[1]:
        raise ValueError(f"{name} has {fit.means.shape[1]} features but X has {X.shape[1]}")
    if fit.responsibilities.shape[0] != X.shape[0]:
        raise ValueError(f"{name} was fitted to {fit.responsibilities.shape[0]} samples but X has {X.shape[0]}: "
                         "pass the data it was fitted to")
    if replay and fit.responsibilities_history is None:
        raise ValueError(f"{name} has no responsibilities_history to replay: fit it with "
                         "fit_gmm(X, ..., keep_responsibilities=True)")

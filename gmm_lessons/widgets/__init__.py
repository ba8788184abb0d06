"""Slider widgets for the lessons.

Each builder returns a slider figure: ipywidgets sliders above a figure
drawn with matplotlib. What a slider scrubs is computed when the widget is
built, or computed from the sliders' values in the browser. Two kinds:

- :class:`FrameSliderFigure` (EM iterations, restarts, the epsilon of the
  k-means limit, the fraction of missing values): a slider over precomputed states. Every state is rendered
  once, as a palette PNG, into one child of an ipywidgets ``Stack``, and the
  slider is linked to the Stack's ``selected_index`` in the browser
  (``jsdlink``). Moving the slider never calls the kernel, so a frame
  changes within the browser's next frames, and the widget keeps working
  where there is no kernel at all: the slide decks and an HTML export with
  its widget state (``python -m course pages``), rendered by
  ``@jupyter-widgets/html-manager``. Only core ipywidgets models are used.
  The price is the frames' bytes, which are why each frame is a palette PNG
  and why a 2-D slider (a mean on a 41 x 41 grid) is not one.
- :class:`CanvasSliderFigure` (dragging a mean, the sampling explorer):
  sliders ``jsdlink``-ed to a :class:`MixtureCanvas`, one small anywidget
  per explorer whose ES module (``static/mixture_canvas.js``) computes the
  state from the slider values (log-space densities, responsibilities, one
  EM step, samples from draws made here with the seeded rng) and draws the
  moving parts on the figure's static PNG. No kernel round trip, and no
  kernel needed: pages with widget state load anywidget's front end from
  their ``vendor/``.
Both keep their pieces reachable (``.sliders``, ``.caption``, ``.image``,
``.figure``, ``.artists``), so a test can move a slider and check what
changed: for a frame slider, ``.caption`` and ``.image`` are the widgets of
the frame its value selects, and ``.figure`` is redrawn in that state.
Builders take the public layouts (responsibilities of shape (n_samples,
n_components)) and check once that a fit belongs to the data it is drawn on.
Outside a live kernel and without widget state (on GitHub, in nbviewer) a
widget shows as a still image of its first state.

The machinery is in ``_render`` (figure, blitting, PNGs, still image),
``_frames`` and ``_canvas``; the explorers are grouped by the lessons that
teach them: ``_sampling`` (00, 01), ``_moved_mean`` (02-04), ``_em_history``
(05, 08-10), ``_restarts`` (06), ``_kmeans_limit`` (07), ``_missing_values``
(11) and ``_stepwise`` (12), on what they share in ``_parts``.
"""

from ._canvas import (
    CANVAS_CLASS,
    CANVAS_MODULE,
    CanvasSliderFigure,
    EMStepCanvas,
    LikelihoodCanvas,
    MixtureCanvas,
    ResponsibilityCanvas,
    SamplingCanvas,
)
from ._em_history import (
    MAX_ITERATION_FRAMES,
    em_half_steps,
    em_history_explorer,
    lower_bound_explorer,
    shown_iterations,
)
from ._frames import FRAMES_CLASS, FrameSliderFigure
from ._kmeans_limit import EPSILONS_PER_DECADE, kmeans_limit_explorer
from ._missing_values import missing_values_explorer
from ._moved_mean import EM_STEP_REG_COVAR, em_step_explorer, likelihood_explorer, responsibility_explorer
from ._render import RENDER_DPI, captioned_png
from ._restarts import restart_explorer
from ._sampling import sampling_explorer
from ._stepwise import stepwise_em_explorer

__all__ = [
    "CANVAS_CLASS",
    "CANVAS_MODULE",
    "EM_STEP_REG_COVAR",
    "EPSILONS_PER_DECADE",
    "FRAMES_CLASS",
    "MAX_ITERATION_FRAMES",
    "RENDER_DPI",
    "CanvasSliderFigure",
    "EMStepCanvas",
    "FrameSliderFigure",
    "LikelihoodCanvas",
    "MixtureCanvas",
    "ResponsibilityCanvas",
    "SamplingCanvas",
    "captioned_png",
    "em_half_steps",
    "em_history_explorer",
    "em_step_explorer",
    "kmeans_limit_explorer",
    "likelihood_explorer",
    "lower_bound_explorer",
    "missing_values_explorer",
    "responsibility_explorer",
    "restart_explorer",
    "sampling_explorer",
    "shown_iterations",
    "stepwise_em_explorer",
]

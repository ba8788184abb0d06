"""Canvas sliders: sliders linked in the browser to an anywidget that computes and draws each state.

One small anywidget per explorer (:class:`ResponsibilityCanvas` for lesson
03, :class:`EMStepCanvas` for 04, :class:`LikelihoodCanvas` for 02,
:class:`SamplingCanvas` for 00 and 01) on the base :class:`MixtureCanvas`;
they share one ES module, ``static/mixture_canvas.js``, which draws the
explorer its widget's ``kind`` names.
"""

import base64
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets

from .. import plotting
from ._render import RENDER_DPI, BlitCanvas, StillImage

CANVAS_CLASS = "gmm-canvas"
CANVAS_MODULE = Path(__file__).resolve().parent.parent / "static" / "mixture_canvas.js"  # anywidget reads its text


class MixtureCanvas(anywidget.AnyWidget):
    """The browser half of a :class:`CanvasSliderFigure`: the base of the explorers' anywidgets.

    Its ES module (``static/mixture_canvas.js``) draws on the figure's static
    PNG (``background``) the moving parts of the explorer ``kind``, from the
    mixture and the slider traits, which the sliders set in the browser
    (``jsdlink``). Each subclass fixes its ``kind`` and adds the traits of
    its explorer only. The lists are the arrays as nested lists of floats.
    """

    _esm = CANVAS_MODULE
    kind = traitlets.Unicode(read_only=True).tag(sync=True)  # the module's explorer; each subclass sets it
    title = traitlets.Unicode().tag(sync=True)
    size = traitlets.List(traitlets.Int()).tag(sync=True)  # (width, height) of the PNG, in pixels
    background = traitlets.Unicode().tag(sync=True)  # a data: URL, so a page needs no other file
    axes = traitlets.List(traitlets.Dict()).tag(sync=True)  # from BlitCanvas.axes_boxes
    # How to draw (sizes, colours); not "style", which a DOM widget view takes for a Style model.
    appearance = traitlets.Dict().tag(sync=True)
    weights = traitlets.List().tag(sync=True)
    means = traitlets.List().tag(sync=True)
    covariances = traitlets.List().tag(sync=True)


class _MovedMeanCanvas(MixtureCanvas):
    """A mixture fitted to data X with the mean of one ``component`` set by two sliders."""

    X = traitlets.List().tag(sync=True)
    component = traitlets.Int(0).tag(sync=True)
    mean_x1 = traitlets.Float(0.0).tag(sync=True)
    mean_x2 = traitlets.Float(0.0).tag(sync=True)


class ResponsibilityCanvas(_MovedMeanCanvas):
    """Lesson 03: the points coloured by their responsibilities under the moved mean."""

    kind = traitlets.Unicode("responsibility", read_only=True).tag(sync=True)


class EMStepCanvas(_MovedMeanCanvas):
    """Lesson 04: one E-step from the moved mean, then the M-step (``reg_covar`` on its diagonal)."""

    kind = traitlets.Unicode("em_step", read_only=True).tag(sync=True)
    reg_covar = traitlets.Float(0.0).tag(sync=True)


class LikelihoodCanvas(_MovedMeanCanvas):
    """Lesson 02: ln p(X) of the moved mean, marked on the surface precomputed in the background."""

    kind = traitlets.Unicode("likelihood", read_only=True).tag(sync=True)
    best_log_likelihood = traitlets.Float(0.0).tag(sync=True)


class SamplingCanvas(MixtureCanvas):
    """Lessons 00 and 01: fixed uniforms and standard-normal draws turned into samples of the slid mixture."""

    kind = traitlets.Unicode("sampling", read_only=True).tag(sync=True)
    uniforms = traitlets.List().tag(sync=True)
    standard_normal = traitlets.List().tag(sync=True)
    stds_2 = traitlets.List().tag(sync=True)
    weight_1 = traitlets.Float(0.0).tag(sync=True)
    mean_2_x1 = traitlets.Float(0.0).tag(sync=True)
    mean_2_x2 = traitlets.Float(0.0).tag(sync=True)
    spread_2 = traitlets.Float(0.0).tag(sync=True)
    correlation_2 = traitlets.Float(0.0).tag(sync=True)


def canvas_style(n_components, n_stds=plotting.ELLIPSE_STDS, point_size=16, point_alpha=0.8):
    """How a :class:`MixtureCanvas` draws, in the figure's pixels: matplotlib's sizes (points) at RENDER_DPI."""
    pixels_per_point = RENDER_DPI / 72
    return {
        "colours": [plotting.component_colour(k) for k in range(n_components)],
        "markers": [plotting.component_marker(k) for k in range(n_components)],
        "px": pixels_per_point,
        "n_stds": list(n_stds),
        "point_radius_px": np.sqrt(point_size) / 2 * pixels_per_point,  # a scatter's size is its area in points²
        "point_alpha": point_alpha,
        "mean_size_px": np.sqrt(120) * pixels_per_point,  # plotting.plot_means' size
        "mean_edge_px": 1.2 * pixels_per_point,
        "where_size_px": 12 * pixels_per_point,
    }


class _Shown:
    """What a browser-drawn figure shows, kept in the kernel with a widget's ``.value`` (never displayed)."""

    def __init__(self, value):
        self.value = value


class CanvasSliderFigure(StillImage, widgets.VBox):
    """Sliders linked in the browser to a :class:`MixtureCanvas` that computes and draws every state itself.

    A move never waits for the kernel, and the widget works with no kernel
    (an HTML export, a deck: the anywidget front end is served with the
    pages). A move costs the kernel nothing either: reading ``.figure``,
    ``.artists``, ``.caption`` or ``.image`` first runs ``draw`` for the
    sliders' current values (when they changed), so these follow the sliders
    as they would if the kernel drew every move.

    Parameters
    ----------
    title, figure, draw, artists : as for :class:`FrameSliderFigure`
        ``draw(**slider_values)`` gives the caption of any state.
    sliders : dict of str to ipywidgets slider
        Named as the traits of ``canvas`` they set.
    axes : list of matplotlib Axes
        The axes the browser draws in; the first holds the mixture.
    canvas : subclass of MixtureCanvas
        The explorer's anywidget.
    traits : dict
        Its traits of the explorer (the data and mixture, ``appearance``);
        the background, axes and slider traits are added here.
    """

    def __init__(self, title, figure, sliders, draw, artists, axes, canvas, traits):
        self.title = title
        self.sliders = dict(sliders)
        self._figure, self._artists, self._draw = figure, artists, draw
        self._canvas = BlitCanvas(figure, artists)
        background = base64.b64encode(self._canvas.background_png()).decode("ascii")
        self.canvas = canvas(
            title=title, size=list(figure.canvas.get_width_height()),
            background=f"data:image/png;base64,{background}", axes=self._canvas.axes_boxes(axes),
            **traits, **self._values())
        self.canvas.add_class(CANVAS_CLASS)  # how the browser tests and benchmark tell a canvas slider's widget
        self._links = [widgets.jsdlink((slider, "value"), (self.canvas, name)) for name, slider in self.sliders.items()]
        self._drawn_values, self._caption = None, None
        super().__init__([*self.sliders.values(), self.canvas])

    def _values(self):
        return {name: float(slider.value) for name, slider in self.sliders.items()}

    def redraw(self):
        """Put the kernel's figure and caption in the sliders' current state, unless they are in it already."""
        values = self._values()
        if values != self._drawn_values:
            self._caption = _Shown(self._draw(**values))
            self._drawn_values = values

    @property
    def figure(self):
        self.redraw()
        return self._figure

    @property
    def artists(self):
        self.redraw()
        return self._artists

    @property
    def caption(self):
        """The caption's HTML (``.value``) for the sliders' current values, as the browser writes it."""
        self.redraw()
        return self._caption

    @property
    def image(self):
        """The figure in the sliders' current state as a PNG (``.value``), as the browser shows it."""
        self.redraw()
        self._canvas.redraw()
        return _Shown(self._canvas.png(reuse_palette=True))

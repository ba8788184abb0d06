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
  its widget state (``tools/widget_state.py``), rendered by
  ``@jupyter-widgets/html-manager``. Only core ipywidgets models are used.
  The price is the frames' bytes, which are why each frame is a palette PNG
  and why a 2-D slider (a mean on a 41 x 41 grid) is not one.
- :class:`CanvasSliderFigure` (dragging a mean, the sampling explorer):
  sliders ``jsdlink``-ed to a :class:`MixtureCanvas`, an anywidget whose ES
  module (``static/mixture_canvas.js``) computes the state from the slider
  values (log-space densities, responsibilities, one EM step, samples from
  draws made here with the seeded rng) and draws the moving parts on the
  figure's static PNG. No kernel round trip, and no kernel needed: pages
  with widget state load anywidget's front end from their ``vendor/``.
Both keep their pieces reachable (``.sliders``, ``.caption``, ``.image``,
``.figure``, ``.artists``), so a test can move a slider and check what
changed: for a frame slider, ``.caption`` and ``.image`` are the widgets of
the frame its value selects, and ``.figure`` is redrawn in that state.
Builders take the public layouts (responsibilities of shape (n_samples,
n_components)) and check once that a fit belongs to the data it is drawn on.
Outside a live kernel and without widget state (on GitHub, in nbviewer) a
widget shows as a still image of its first state.
"""

import base64
import html
import io
import re
import textwrap
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont

from . import plotting
from ._validation import check_count, check_data, check_parameters, check_plane_data, check_rng
from .alignment import align_to
from .em import e_step, log_likelihood, lower_bound, m_step
from .fitting import GMMFit
from .missing import mean_imputed
from .streaming import StepwiseFit

RENDER_DPI = 90
# zlib levels of a frame (encoded once: small) and of a canvas slider's `.image` (one per move: fast).
PNG_COMPRESS_LEVELS = {False: 6, True: 1}
MAX_ITERATION_FRAMES = 40  # an EM history slider's frames at most (a frame is 10-25 kB and 15-50 ms to draw)
EPSILONS_PER_DECADE = 8  # the k-means limit slider's frames: 41 over epsilon 1e-3 .. 1e2
PALETTE_COLOURS = 128  # the figures' flat colours, their blends and anti-aliasing fit in it
FRAMES_CLASS = "gmm-frames"
CANVAS_CLASS = "gmm-canvas"
CANVAS_MODULE = Path(__file__).resolve().parent / "static" / "mixture_canvas.js"  # anywidget reads its text
STILL_CAPTION_PT = 13  # the caption over a still image, in pixels of its font
EM_STEP_REG_COVAR = 1e-6  # m_step's default; the browser's M-step adds the same
SLIDER_LAYOUT = widgets.Layout(width="460px")
SLIDER_STYLE = {"description_width": "170px"}


class _BlitCanvas:
    """A figure rendered once without its ``animated`` artists, then redrawn by drawing only those on it.

    Every redraw restores that background and draws the animated artists
    (blitting), so it costs a few milliseconds however many tick labels the
    figure has.
    """

    def __init__(self, figure, artists):
        self.figure = figure
        self._animated = list(_flatten(artists.values()))
        self._canvas = FigureCanvasAgg(figure)
        for artist in self._animated:
            artist.set_animated(True)
        self._canvas.draw()
        # Lay the figure out once: the axes then stay put while the sliders move.
        figure.set_layout_engine("none")
        self._background = self._canvas.copy_from_bbox(figure.bbox)
        self._palette = None

    def redraw(self):
        self._canvas.restore_region(self._background)
        for artist in self._animated:
            self.figure.draw_artist(artist)

    def _rgb(self):
        width, height = self._canvas.get_width_height()
        return Image.frombuffer("RGBA", (width, height), self._canvas.buffer_rgba()).convert("RGB")

    @staticmethod
    def _encode(image, compress_level):
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=compress_level)
        return buffer.getvalue()

    def png(self, reuse_palette):
        """The canvas as a palette PNG (a quarter of the bytes of RGBA, and faster to encode and decode).

        With ``reuse_palette``, the colours are mapped onto the palette of the
        first PNG (under 2 ms, for a canvas slider's ``.image`` after every move) and
        compressed fast; otherwise each PNG gets its own palette and tighter
        compression (a frame is encoded once and shipped once).
        """
        image = self._rgb()
        if reuse_palette and self._palette is not None:
            image = image.quantize(palette=self._palette, dither=Image.Dither.NONE)
        else:
            # The octree quantiser is the fast one (about 5 ms here, against 15 for median cut).
            image = self._palette = image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
        return self._encode(image, PNG_COMPRESS_LEVELS[reuse_palette])

    def background_png(self):
        """The figure without its animated artists, as a palette PNG of its own; call it before any redraw."""
        image = self._rgb().quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
        return self._encode(image, PNG_COMPRESS_LEVELS[False])

    def axes_boxes(self, axes):
        """Where each of ``axes`` is on the PNG: its pixel box [left, top, right, bottom] and its data limits."""
        height = self._canvas.get_width_height()[1]
        boxes = []
        for ax in axes:
            extent = ax.get_window_extent()  # display pixels, from the bottom
            boxes.append({"box": [extent.x0, height - extent.y1, extent.x1, height - extent.y0],
                          "xlim": list(ax.get_xlim()), "ylim": list(ax.get_ylim())})
        return boxes


def captioned_png(png, caption_html):
    """The PNG ``png`` with the caption's text (HTML tags dropped) written above it, wrapped to its width.

    The still image of a slider carries its caption too: without a kernel the
    caption widget is not drawn, and the prose often points at its numbers.
    """
    figure = Image.open(io.BytesIO(png)).convert("RGB")
    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), STILL_CAPTION_PT)
    text = html.unescape(re.sub(r"<[^>]+>", "", caption_html))
    characters_per_line = max(20, int(figure.width / (0.6 * STILL_CAPTION_PT)))
    lines = textwrap.wrap(text, characters_per_line) or [""]
    line_height = int(1.4 * STILL_CAPTION_PT)
    still = Image.new("RGB", (figure.width, figure.height + line_height * len(lines) + 8), "white")
    draw = ImageDraw.Draw(still)
    for number, line in enumerate(lines):
        draw.text((6, 4 + number * line_height), line, fill="black", font=font)
    still.paste(figure, (0, line_height * len(lines) + 8))
    buffer = io.BytesIO()
    still.save(buffer, format="png")
    return buffer.getvalue()


class _StillImage:
    """The text and still PNG a reader without a kernel or widget state sees (GitHub, nbviewer)."""

    def __repr__(self):
        return f"<{self.title}: move the sliders in a running notebook>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(captioned_png(self.image.value, self.caption.value)).decode("ascii")
        return bundle


class FrameSliderFigure(_StillImage, widgets.VBox):
    """One slider over precomputed states, switched in the browser: a ``Stack`` of one frame per state.

    Each frame is a ``VBox`` of the state's caption (``HTML``) and its figure
    (a palette PNG ``Image``). The slider's index drives the Stack's
    ``selected_index`` through ``jsdlink`` (one way: nothing is echoed back
    to move the slider), so switching frames needs no kernel. In the kernel,
    moving the slider also redraws ``.figure`` in the selected state (no
    PNG), so ``.artists`` show what the visible frame shows.

    Parameters
    ----------
    title : str
        What the widget shows; also its text representation.
    figure : matplotlib.figure.Figure
    artists : dict of str to artist, or to (nested) lists of artists
        Everything ``draw`` changes, by name (kept as ``.artists``); the rest
        of the figure is static.
    draw : callable
        ``draw(**{name: value})`` moves the animated artists into a state and
        returns its caption (HTML); called once per state while building.
    name : str
        The slider's keyword for ``draw`` and its key in ``.sliders``.
    slider : ipywidgets.IntSlider or ipywidgets.SelectionSlider
        An IntSlider from 0 (its value is the frame's index), or a
        SelectionSlider (its ``index`` is).
    """

    def __init__(self, title, figure, name, slider, draw, artists):
        self.title = title
        self.figure = figure
        self.sliders = {name: slider}
        self.artists = artists
        self._name, self._draw = name, draw
        canvas = _BlitCanvas(figure, artists)
        self.frames = []
        for value in self._values():
            caption = widgets.HTML(draw(**{name: value}))
            canvas.redraw()
            image = widgets.Image(value=canvas.png(reuse_palette=False), format="png")
            self.frames.append(widgets.VBox([caption, image]))
        self.stack = widgets.Stack(self.frames, selected_index=self._index())
        self.stack.add_class(FRAMES_CLASS)  # how the browser tests and benchmark tell a frame slider's widget
        self._link = widgets.jsdlink((slider, self._index_trait()), (self.stack, "selected_index"))
        self.redraw()
        slider.observe(self.redraw, names="value")
        super().__init__([slider, self.stack])

    def _selection(self):
        return isinstance(self.sliders[self._name], widgets.SelectionSlider)

    def _index_trait(self):
        return "index" if self._selection() else "value"

    def _values(self):
        slider = self.sliders[self._name]
        if self._selection():
            return [value for _, value in slider.options]
        if slider.min != 0:
            raise ValueError(f"a frame slider's IntSlider must start at 0 (its value is the frame), got {slider.min}")
        return list(range(slider.max + 1))

    def _index(self):
        return getattr(self.sliders[self._name], self._index_trait())

    def redraw(self, change=None):
        """Put ``.figure``'s artists in the selected state (the frames themselves are never redrawn)."""
        self._draw(**{self._name: self.sliders[self._name].value})

    @property
    def caption(self):
        """The HTML caption of the frame the slider selects."""
        return self.frames[self._index()].children[0]

    @property
    def image(self):
        """The Image of the frame the slider selects."""
        return self.frames[self._index()].children[1]

    def payload(self):
        """(number of frames, bytes of all their PNGs): what the widget ships to the browser, captions aside."""
        return len(self.frames), sum(len(frame.children[1].value) for frame in self.frames)


class MixtureCanvas(anywidget.AnyWidget):
    """The browser half of a :class:`CanvasSliderFigure`: an anywidget that computes and draws each state.

    Its ES module (``static/mixture_canvas.js``) draws on the figure's static
    PNG (``background``) the moving parts of the explorer ``kind``, from the
    mixture and the slider traits, which the sliders set in the browser
    (``jsdlink``). The lists are the arrays as nested lists of floats.
    """

    _esm = CANVAS_MODULE
    kind = traitlets.Unicode().tag(sync=True)
    title = traitlets.Unicode().tag(sync=True)
    size = traitlets.List(traitlets.Int()).tag(sync=True)  # (width, height) of the PNG, in pixels
    background = traitlets.Unicode().tag(sync=True)  # a data: URL, so a page needs no other file
    axes = traitlets.List(traitlets.Dict()).tag(sync=True)  # from _BlitCanvas.axes_boxes
    # How to draw (sizes, colours); not "style", which a DOM widget view takes for a Style model.
    appearance = traitlets.Dict().tag(sync=True)
    X = traitlets.List().tag(sync=True)
    weights = traitlets.List().tag(sync=True)
    means = traitlets.List().tag(sync=True)
    covariances = traitlets.List().tag(sync=True)
    component = traitlets.Int(0).tag(sync=True)
    reg_covar = traitlets.Float(0.0).tag(sync=True)
    best_log_likelihood = traitlets.Float(0.0).tag(sync=True)
    uniforms = traitlets.List().tag(sync=True)
    standard_normal = traitlets.List().tag(sync=True)
    stds_2 = traitlets.List().tag(sync=True)
    # The slider traits (the sliders' names): a mean, or the sampling explorer's five.
    mean_x1 = traitlets.Float(0.0).tag(sync=True)
    mean_x2 = traitlets.Float(0.0).tag(sync=True)
    weight_1 = traitlets.Float(0.0).tag(sync=True)
    mean_2_x1 = traitlets.Float(0.0).tag(sync=True)
    mean_2_x2 = traitlets.Float(0.0).tag(sync=True)
    spread_2 = traitlets.Float(0.0).tag(sync=True)
    correlation_2 = traitlets.Float(0.0).tag(sync=True)


class _Shown:
    """What a browser-drawn figure shows, kept in the kernel with a widget's ``.value`` (never displayed)."""

    def __init__(self, value):
        self.value = value


class CanvasSliderFigure(_StillImage, widgets.VBox):
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
        Named as the :class:`MixtureCanvas` traits they set.
    axes : list of matplotlib Axes
        The axes the browser draws in; the first holds the mixture.
    canvas : dict
        The :class:`MixtureCanvas` traits of the explorer (``kind``, the
        data and mixture, ``appearance``); the background, axes and slider
        traits are added here.
    """

    def __init__(self, title, figure, sliders, draw, artists, axes, canvas):
        self.title = title
        self.sliders = dict(sliders)
        self._figure, self._artists, self._draw = figure, artists, draw
        self._canvas = _BlitCanvas(figure, artists)
        background = base64.b64encode(self._canvas.background_png()).decode("ascii")
        self.canvas = MixtureCanvas(
            title=title, size=list(figure.canvas.get_width_height()),
            background=f"data:image/png;base64,{background}", axes=self._canvas.axes_boxes(axes),
            **canvas, **self._values())
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


def _slider(description, value, low, high, step, readout_format=".2f"):
    kind = widgets.IntSlider if isinstance(step, int) else widgets.FloatSlider
    options = {} if kind is widgets.IntSlider else {"readout_format": readout_format}
    return kind(value=value, min=low, max=high, step=step, description=description, continuous_update=True,
                layout=SLIDER_LAYOUT, style=SLIDER_STYLE, **options)


def _figure(n_columns=1, width=7.5, height=4.8, width_ratios=None):
    figure = Figure(figsize=(width, height), dpi=RENDER_DPI, layout="constrained")
    axes = figure.subplots(1, n_columns, width_ratios=width_ratios, squeeze=False)[0]
    return figure, axes


def _flatten(nested):
    """Artists from arbitrarily nested lists of artists."""
    for item in nested:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def _fix_limits(ax, X, margin=0.12):
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * (high - low)
    ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
    ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
    ax.set_autoscale_on(False)


def _count_caption(labels, n_components):
    """Caption fragment: a coloured square and a count per component."""
    counts = np.bincount(labels, minlength=n_components)
    return " · ".join(
        f'<span style="color:{plotting.component_colour(k)}">■</span> {count}' for k, count in enumerate(counts)
    )


def _assignment_caption(responsibilities):
    """How many points each component owns, from (n_samples, n_components) responsibilities."""
    return _count_caption(responsibilities.argmax(axis=1), responsibilities.shape[1])


def _check_fit(fit, X, name="fit", replay=False):
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


def _moved(means, component, mean):
    """A copy of ``means`` with row ``component`` replaced by ``mean``."""
    moved = means.copy()
    moved[component] = mean
    return moved


def _mean_sliders(label, start, low, high, step):
    """Two sliders, ``mean_x1`` and ``mean_x2``, for the coordinates of one mean."""
    return {
        "mean_x1": _slider(f"{label}: x₁", start[0], low[0], high[0], step),
        "mean_x2": _slider(f"{label}: x₂", start[1], low[1], high[1], step),
    }


def _check_mixture_and_component(X, weights, means, covariances, component):
    """X (n_samples, 2), the mixture's (weights, means, covariances) and the index of the component to move."""
    X = check_plane_data(X)
    parameters = check_parameters(weights, means, covariances, X.shape[1])
    return X, parameters, check_count(component, "component", maximum=parameters[0].shape[0] - 1)


def _canvas_style(n_components, n_stds=plotting.ELLIPSE_STDS, point_size=16, point_alpha=0.8):
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


def _mixture_traits(X, weights, means, covariances, component):
    """The data and the mixture as :class:`MixtureCanvas` traits."""
    return {"X": X.tolist(), "weights": weights.tolist(), "means": means.tolist(),
            "covariances": covariances.tolist(), "component": int(component)}


def _responsibility_figure(X, responsibilities, means, covariances, title, n_stds=plotting.ELLIPSE_STDS):
    """One square panel with a :class:`plotting.MixturePlot` of the data: (figure, ax, mixture)."""
    figure, (ax,) = _figure(1, width=6.5, height=5.0)
    plotting.label_axes(ax, title)
    _fix_limits(ax, X)
    return figure, ax, plotting.MixturePlot(ax, X, responsibilities, means, covariances, n_stds=n_stds)


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
    _check_fit(fit, X, replay=True)
    curve_from = check_count(curve_from, "curve_from", maximum=fit.n_iter)
    history = fit.history
    responsibilities = fit.responsibilities_history
    log_likelihoods = np.asarray(fit.log_likelihood_history)

    figure, (data_ax, curve_ax) = _figure(2, width=8.0, height=4.2, width_ratios=(1.25, 1))
    plotting.label_axes(data_ax, "Responsibilities and components")
    _fix_limits(data_ax, X)
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
            f"points per component: {_assignment_caption(responsibilities[iteration])}"
        )

    slider = widgets.SelectionSlider(options=[(str(i), i) for i in shown_iterations(fit.n_iter)], value=0,
                                     description="EM iteration", continuous_update=True, layout=SLIDER_LAYOUT,
                                     style=SLIDER_STYLE)
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
    _check_fit(fit, X, replay=True)
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

    figure, (curve_ax, bar_ax) = _figure(2, width=8.0, height=4.2, width_ratios=(1.6, 1))
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

    slider = widgets.SelectionSlider(options=[(str(step), step) for step in steps[shown]], value=2 * curve_from + 1,
                                     description="half-step (E, M, E, ...)", continuous_update=True,
                                     layout=SLIDER_LAYOUT, style=SLIDER_STYLE)
    artists = {"current": current, "gap_line": gap_line, "bound_bar": bound_bar, "gap_bar": gap_bar}
    return FrameSliderFigure("Lower-bound explorer", figure, "half_step", slider, draw, artists)


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
    X, (weights, means, covariances), component = _check_mixture_and_component(X, weights, means, covariances,
                                                                                 component)
    start = means[component].copy()

    figure, ax, mixture = _responsibility_figure(X, e_step(X, weights, means, covariances), means, covariances,
                                                 "Points coloured by responsibility")

    def draw(mean_x1, mean_x2):
        moved = _moved(means, component, (mean_x1, mean_x2))
        responsibilities = e_step(X, weights, moved, covariances)
        mixture.update(responsibilities, moved)
        return f"points per component (largest responsibility): {_assignment_caption(responsibilities)}"

    sliders = _mean_sliders(f"mean {component + 1}", start, start - span, start + span, 0.1)
    canvas = {"kind": "responsibility", "appearance": _canvas_style(means.shape[0]),
              **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("Responsibility explorer", figure, sliders, draw, mixture.artists, [ax], canvas)


def likelihood_explorer(X, weights, means, covariances, component=0, span=4.0, n_steps=41):
    """Move one component's mean and watch the log-likelihood.

    Left: data and the mixture's ellipses. Right: the log-likelihood as a
    function of that mean (computed once on the sliders' grid) with a
    marker where the mean is now.
    """
    X, (weights, means, covariances), component = _check_mixture_and_component(X, weights, means, covariances,
                                                                                 component)
    start = means[component].copy()
    offsets = np.linspace(-span, span, n_steps)
    step = offsets[1] - offsets[0]
    grid_x1, grid_x2 = start[0] + offsets, start[1] + offsets

    def log_likelihood_at(mean):
        return log_likelihood(X, weights, _moved(means, component, mean), covariances)

    surface = np.array([[log_likelihood_at((x1, x2)) for x1 in grid_x1] for x2 in grid_x2])

    figure, (data_ax, surface_ax) = _figure(2, width=8.0, height=4.0)
    plotting.label_axes(data_ax, "Data and the mixture")
    _fix_limits(data_ax, X)
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
    canvas = {"kind": "likelihood", "appearance": _canvas_style(means.shape[0]), "best_log_likelihood": float(top),
              **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("Log-likelihood explorer", figure, sliders, draw, artists, [data_ax, surface_ax], canvas)


def em_step_explorer(X, weights, means, covariances, component=0, span=4.0):
    """Put one mean anywhere and see where a single EM step sends the mixture.

    The dashed ellipses are the parameters you set with the sliders; the
    points are coloured by their E-step responsibilities; the solid
    ellipses are the M-step's new parameters computed from those colours.
    """
    X, (weights, means, covariances), component = _check_mixture_and_component(X, weights, means, covariances,
                                                                                 component)
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
    canvas = {"kind": "em_step", "appearance": _canvas_style(means.shape[0], n_stds=(2,)),
              "reg_covar": EM_STEP_REG_COVAR, **_mixture_traits(X, weights, means, covariances, component)}
    return CanvasSliderFigure("One-EM-step explorer", figure, sliders, draw, artists, [ax], canvas)


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

    figure, (ax,) = _figure(1, width=6.5, height=5.0)
    plotting.label_axes(ax, "Samples coloured by their component z")
    # The view holds every component's 3-standard-deviation box; mean 2 can move anywhere in it.
    three_stds = 3 * np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    low, high = (means - three_stds).min(axis=0), (means + three_stds).max(axis=0)
    _fix_limits(ax, np.array([low, high]), margin=0.1)
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
        return "samples per component: " + _count_caption(labels, len(weights))

    sliders = {
        "weight_1": _slider("weight π₁ of component 1", float(weights[0]), 0.0, 1.0, 0.01),
        "mean_2_x1": _slider("mean of component 2: x₁", float(means[1, 0]), low[0], high[0], 0.1),
        "mean_2_x2": _slider("mean of component 2: x₂", float(means[1, 1]), low[1], high[1], 0.1),
        "spread_2": _slider("spread of component 2 (×σ)", 1.0, 0.2, 2.5, 0.05),
        "correlation_2": _slider("correlation of component 2", float(base_correlation), -0.95, 0.95, 0.05),
    }
    appearance = _canvas_style(len(weights), n_stds=(2,), point_size=12, point_alpha=1.0)
    canvas = {"kind": "sampling", "appearance": appearance,
              "weights": weights.tolist(), "means": means.tolist(), "covariances": covariances.tolist(),
              "uniforms": uniforms.tolist(), "standard_normal": standard_normal.tolist(), "stds_2": stds.tolist()}
    return CanvasSliderFigure("Sampling explorer", figure, sliders, draw, {"points": points, "ellipses": ellipses},
                              [ax], canvas)


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
        _check_fit(fit, X, f"fits[{run}]")
    if len(fits) < 2 or len({fit.means.shape for fit in fits}) != 1:
        raise ValueError("fits must be at least 2 GMMFit results with the same number of components and features")
    paths = [np.array([parameters.means for parameters in fit.history]) for fit in fits]  # (n_iter + 1, K, 2)
    finals = np.array([fit.log_likelihood for fit in fits])
    n_components = fits[0].means.shape[0]

    figure, (data_ax, runs_ax) = _figure(2, width=8.0, height=4.2, width_ratios=(1.3, 1))
    plotting.label_axes(data_ax, "Each mean's path, start ○ to end ×")
    _fix_limits(data_ax, X)
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
    slider = _slider("run (start)", 0, 0, len(fits) - 1, 1)
    return FrameSliderFigure("Restart explorer", figure, "run", slider, draw, artists)


def kmeans_limit_explorer(X, means, weights=None, epsilon_range=(1e-3, 1e2), epsilon=1.0):
    """Shrink a shared spherical covariance epsilon I and watch EM's soft assignments turn into k-means'.

    With Sigma_k = epsilon I for every k (Bishop section 9.3.2),
    gamma(z_nk) is proportional to pi_k exp(-|x_n - mu_k|^2 / (2 epsilon)); as
    epsilon -> 0 each point's responsibility goes to 1 for its nearest mean.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    means : array-like of shape (n_components, 2)
    weights : array-like of shape (n_components,), optional
        pi_k; equal by default.
    epsilon_range : (float, float)
        The slider's smallest and largest epsilon.
    epsilon : float, default 1.0
        Where the slider starts (the nearest of its values, which are
        ``EPSILONS_PER_DECADE`` to a decade, log-spaced from the range's ends).
    """
    X = check_plane_data(X)
    means = np.asarray(means, dtype=float)
    n_components = means.shape[0]
    weights = np.full(n_components, 1.0 / n_components) if weights is None else weights

    def shared_spherical(epsilon):  # Sigma_k = epsilon I for every k
        return np.repeat(epsilon * np.eye(2)[np.newaxis], n_components, axis=0)

    weights, means, _ = check_parameters(weights, means, shared_spherical(1.0), 2)
    if not 0 < epsilon_range[0] < epsilon_range[1]:
        raise ValueError(f"epsilon_range must be two increasing positive variances, got {epsilon_range}")
    if not epsilon > 0:
        raise ValueError(f"epsilon must be a positive variance, got {epsilon}")
    low, high = np.log10(epsilon_range[0]), np.log10(epsilon_range[1])
    # The slider's states, EPSILONS_PER_DECADE to a factor of 10: one precomputed frame each.
    epsilons = np.logspace(low, high, round((high - low) * EPSILONS_PER_DECADE) + 1)

    def responsibilities_at(epsilon):
        return e_step(X, weights, means, shared_spherical(epsilon))

    curve_epsilons = np.logspace(low, high, 60)
    certainty = np.array([responsibilities_at(epsilon).max(axis=1).mean() for epsilon in curve_epsilons])

    figure, (data_ax, curve_ax) = _figure(2, width=8.0, height=4.0, width_ratios=(1.2, 1))
    plotting.label_axes(data_ax, r"Responsibilities with $\boldsymbol{\Sigma}_k = \epsilon\mathbf{I}$")
    _fix_limits(data_ax, X)
    mixture = plotting.MixturePlot(data_ax, X, responsibilities_at(epsilon), means, shared_spherical(epsilon),
                                   n_stds=(1,))
    curve_ax.semilogx(curve_epsilons, certainty, color="#333333")
    (marker,) = curve_ax.plot([], [], marker="o", markersize=9, color=plotting.COMPONENT_COLOURS[1], linestyle="none")
    curve_ax.set_xlabel(r"$\epsilon$ (shared variance)")
    curve_ax.set_ylabel(r"mean of $\max_k \gamma(z_{nk})$")
    curve_ax.set_title("Soft → hard as ε → 0")
    curve_ax.set_ylim(1.0 / n_components - 0.05, 1.02)
    curve_ax.grid(alpha=0.3)

    def draw(epsilon):  # the slider's value, the shared variance
        responsibilities = responsibilities_at(epsilon)
        mixture.update(responsibilities, covariances=shared_spherical(epsilon))
        mean_certainty = responsibilities.max(axis=1).mean()
        marker.set_data([epsilon], [mean_certainty])
        hard = int((responsibilities.max(axis=1) > 0.99).sum())
        return (f"ε = {epsilon:.3g} · mean of max<sub>k</sub> γ(z<sub>nk</sub>) = {mean_certainty:.3f} · "
                f"points assigned with γ > 0.99: {hard} of {X.shape[0]}")

    slider = widgets.SelectionSlider(options=[(f"{value:.3g}", float(value)) for value in epsilons],
                                     value=epsilons[np.abs(np.log10(epsilons / epsilon)).argmin()],
                                     description="shared variance ε", continuous_update=True, layout=SLIDER_LAYOUT,
                                     style=SLIDER_STYLE)
    artists = {"points": mixture.points, "circles": mixture.ellipses, "means": mixture.mean_markers,
               "curve_marker": marker}
    return FrameSliderFigure("k-means limit explorer", figure, "epsilon", slider, draw, artists)


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
    _check_fit(complete_fit, X, "complete_fit")
    em_fits, imputed_fits = list(em_fits), list(imputed_fits)
    if not len(incomplete) == len(em_fits) == len(imputed_fits) >= 2:
        raise ValueError(f"incomplete, em_fits and imputed_fits must have one entry per step, at least 2; got "
                         f"{len(incomplete)}, {len(em_fits)} and {len(imputed_fits)}")
    for name, fits in (("em_fits", em_fits), ("imputed_fits", imputed_fits)):
        for i, fit in enumerate(fits):
            _check_fit(fit, X, f"{name}[{i}]")
            if fit.means.shape != complete_fit.means.shape:
                raise ValueError(f"{name}[{i}] has {fit.means.shape[0]} components but complete_fit has "
                                 f"{complete_fit.means.shape[0]}")
    reference = complete_fit.history[-1]
    em_parameters = [align_to(fit.history[-1], reference) for fit in em_fits]
    imputed_parameters = [align_to(fit.history[-1], reference) for fit in imputed_fits]

    figure, (em_ax, imputed_ax) = _figure(2, width=9.0, height=3.9)
    panels = {}
    for ax, title, parameters in ((em_ax, "EM over the missing values", em_parameters[0]),
                                  (imputed_ax, "Mean imputation, then fit", imputed_parameters[0])):
        plotting.label_axes(ax, title)
        _fix_limits(ax, X)
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
    slider = widgets.SelectionSlider(options=list(zip(labels, range(len(incomplete)), strict=True)), value=0,
                                     description="incomplete rows", continuous_update=True, layout=SLIDER_LAYOUT,
                                     style=SLIDER_STYLE)
    artists = {"points": [panels[ax]["points"] for ax in (em_ax, imputed_ax)], "rug": rug,
               "imputed_points": imputed_points,
               "em_ellipses": panels[em_ax]["ellipses"], "em_means": panels[em_ax]["means"],
               "imputed_ellipses": panels[imputed_ax]["ellipses"], "imputed_means": panels[imputed_ax]["means"]}
    return FrameSliderFigure("Missing-values explorer", figure, "step", slider, draw, artists)


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

    figure, (curve_ax, data_ax) = _figure(2, width=8.4, height=4.2, width_ratios=(1.35, 1))
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
    _fix_limits(data_ax, X)
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

    slider = widgets.SelectionSlider(options=[(f"{alpha:.2f}", alpha) for alpha in alphas], value=alphas[0],
                                     description="step-size exponent α", continuous_update=True,
                                     layout=SLIDER_LAYOUT, style=SLIDER_STYLE)
    artists = {"selected_path": selected, "ellipses": ellipses, "means": mean_markers}
    return FrameSliderFigure("Stepwise EM explorer", figure, "alpha", slider, draw, artists)

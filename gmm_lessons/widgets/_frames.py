"""Frame sliders: one slider over precomputed states, each a palette PNG, switched in the browser.

Lessons 05-08 and 10-12 scrub theirs (EM iterations, restarts, the epsilon
of the k-means limit, the fraction of missing values, stepwise EM's step
size).
"""

import ipywidgets as widgets

from ._render import BlitCanvas, StillImage

FRAMES_CLASS = "gmm-frames"


class FrameSliderFigure(StillImage, widgets.VBox):
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
        canvas = BlitCanvas(figure, artists)
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

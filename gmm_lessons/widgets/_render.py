"""Rendering a slider figure: its matplotlib figure, blitted redraws, palette PNGs and the still image.

The machinery under both kinds of slider figure (:mod:`._frames` and
:mod:`._canvas`); no lesson uses it directly.
"""

import base64
import html
import io
import re
import textwrap

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw, ImageFont

RENDER_DPI = 90
# zlib levels of a frame (encoded once: small) and of a canvas slider's `.image` (one per move: fast).
PNG_COMPRESS_LEVELS = {False: 6, True: 1}
PALETTE_COLOURS = 128  # the figures' flat colours, their blends and anti-aliasing fit in it
STILL_CAPTION_PT = 13  # the caption over a still image, in pixels of its font


def new_figure(n_columns=1, width=7.5, height=4.8, width_ratios=None):
    """A slider's figure at RENDER_DPI with one row of ``n_columns`` axes: (figure, array of axes)."""
    new = Figure(figsize=(width, height), dpi=RENDER_DPI, layout="constrained")
    axes = new.subplots(1, n_columns, width_ratios=width_ratios, squeeze=False)[0]
    return new, axes


def _flatten(nested):
    """Artists from arbitrarily nested lists of artists."""
    for item in nested:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


class BlitCanvas:
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


class StillImage:
    """The text and still PNG a reader without a kernel or widget state sees (GitHub, nbviewer).

    A mixin for a slider figure (an ipywidgets box) with ``title``, ``image``
    and ``caption``.
    """

    def __repr__(self):
        return f"<{self.title}: move the sliders in a running notebook>"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(captioned_png(self.image.value, self.caption.value)).decode("ascii")
        return bundle

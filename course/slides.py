"""Build a reveal.js slide deck and a PDF handout of every lesson, for lecturing offline.

Each lesson of ``notebooks/lessons.toml``, ``NN_name.ipynb``, is executed
afresh (a copy, in a kernel of its own, or taken from the cache of executed lessons) with the slide style
``course/templates/slides.mplstyle`` applied first (:data:`course.execute.SLIDES`), so that its figures are drawn
for a slide (tick labels of 14 pt, see the style file) while the lesson itself
keeps matplotlib's defaults for JupyterLab readers. The run stores its widget
state, so the deck's sliders render without a kernel through a vendored
``@jupyter-widgets/html-manager`` and anywidget's front end: every slider
moves with no kernel (the arrow keys step a clicked slider, not the deck).

The executed copy becomes ``NN_name.slides.html`` through nbconvert's
SlidesExporter, which reads every cell's ``metadata.slideshow.slide_type``
("slide", "subslide", "-", "fragment", "notes", "skip"); "notes" cells are
the speaker notes (reveal.js's notes plugin, press S). A code cell tagged
``slides-hide-input`` shows only its output. Exercises show their task and a
stub: the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` of a
cell tagged ``exercise`` become ``# YOUR CODE HERE`` / ``raise
NotImplementedError()``, the worked solution (marker lines dropped) gets a
slide of its own after the check, titled as the solution, and the check's
output is not shown. The note for self-paced learners (tagged
``self-paced-note``: the worked solution is folded below the check, click its
⋯) is left out, since on a slide the solution is not folded but on a slide of
its own. Cells tagged ``solution`` (the later layout, which has
its own solution slide) only lose their marker lines. No marker reaches a deck.
Each deck is then printed by Chromium (playwright, ``?print-pdf``) to
``NN_name.pdf``, one slide per page.

The decks load reveal.js, require.js, jQuery, MathJax 2 and the widgets' front
end from ``vendor/`` next to them, by relative paths, copied from the npm
project that pins every browser asset of the course (:mod:`course.assets`).
Nothing is fetched from the network, so the output folder can be copied to a
USB stick and opened from ``file://``; links between lessons point at their
decks. The folder is published as every builder's is (:mod:`course.publish`):
never over the lessons, nothing loaded from the web, replaced in one rename.

Usage (``make slides``)::

    python -m course slides [--no-pdf] [--lessons DIR] [--out build/slides]
"""

import copy
import re
import shutil
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbconvert import SlidesExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

from . import assets, execute, publish
from .manifest import (
    CHECK_TAG,
    COURSE_NOTEBOOKS,
    EXERCISE_TAG,
    HIDE_INPUT_TAG,
    MARKER_LINE,
    SELF_PACED_NOTE_TAG,
    SOLUTION_REGION,
    SOLUTION_TAG,
    read_lessons,
    tags,
)

TEMPLATE_NAME = "offline_reveal"
DECK_SUFFIX = ".slides.html"
HANDOUT_SUFFIX = ".pdf"
DEFINED_FUNCTION = re.compile(r"^def (\w+)", re.MULTILINE)
# A Markdown cell that is one folded block (an exercise's hints), with blank lines inside so its Markdown renders.
DETAILS_BLOCK = re.compile(r"\A(?P<summary><details>\s*<summary>.*?</summary>)\s*\n\n(?P<body>.*?)\n\s*</details>\s*\Z",
                           re.DOTALL)
PAGE_TIMEOUT_MS = 120_000
CHROMIUM = ("chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Slide settings: a light theme that projects well and uses no web fonts, "current/total"
# slide numbers, no transition, and a 4:3 canvas of 1024 x 768, the projector size the slides
# are checked at (reveal.js scales the canvas to any screen).
REVEAL = {
    "reveal_url_prefix": assets.REVEAL_URL_PREFIX,
    "reveal_theme": "white",
    "reveal_transition": "none",
    "reveal_number": "c/t",
    "reveal_width": "1024",
    "reveal_height": "768",
    "reveal_scroll": False,
    "require_js_url": assets.REQUIRE_JS_URL,
    "jquery_url": assets.JQUERY_URL,
    "mathjax_url": assets.MATHJAX2_URL,
    "widget_renderer_url": assets.WIDGET_MANAGER_URL,
}

# nbconvert's HTML priority without JavaScript outputs: a widget is drawn by the vendored widget
# manager from the stored state, anything else by the deck's own scripts.
DISPLAY_PRIORITY = [
    "application/vnd.jupyter.widget-view+json",
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]

SCRIPT_ELEMENT = re.compile(r"(<script\b.*?</script>)", re.DOTALL | re.IGNORECASE)
PRE_ELEMENT = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL | re.IGNORECASE)
TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?%?")
UNBROKEN_CLASS = "gmm-number"  # the deck's style sheet keeps such a span on one line
NOTEBOOK_LINK = re.compile(r'href="(?P<file>[^"#/?]+\.ipynb)(?P<anchor>#[^"]*)?"')


def slides_exporter():
    """nbconvert's SlidesExporter with the offline template, the vendored URLs and the slide settings."""
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    for name, value in REVEAL.items():
        setattr(config.SlidesExporter, name, value)
    config.SlidesExporter.jupyter_widgets_base_url = f"{assets.VENDOR}/"
    config.SlidesExporter.extra_template_basedirs = [str(execute.TEMPLATES_DIR)]
    config.SlidesExporter.template_name = TEMPLATE_NAME
    # In [n]: prompts only take width on a projector.
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    # A lesson can hide plotting plumbing on the slides and keep its figure (the notebook is unchanged).
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    # Images referenced from Markdown cells (none yet) would be embedded too.
    config.SlidesExporter.embed_images = True
    return SlidesExporter(config=config)


def stub_source(source):
    """An exercise's code with each solution region replaced by nbgrader's stub, at the region's indent."""
    return SOLUTION_REGION.sub(
        lambda match: f"{match['indent']}# YOUR CODE HERE\n{match['indent']}raise NotImplementedError()\n", source
    ).rstrip("\n")


def without_markers(source):
    """``source`` without its ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines."""
    return MARKER_LINE.sub("", source).rstrip("\n")


def _unfolded(cell, source):
    """A copy of a code cell showing ``source``, not folded, with no outputs."""
    shown = copy.deepcopy(cell)
    shown.source = source
    shown.outputs = []
    shown.metadata.get("jupyter", {}).pop("source_hidden", None)
    return shown


def solution_slide(exercise_cell):
    """The two cells of a worked solution's own slide: its title, then the code without markers."""
    name = DEFINED_FUNCTION.search(exercise_cell.source)
    title = f"Worked solution: `{name[1]}`" if name else "Worked solution"
    heading = nbformat.v4.new_markdown_cell(f"### {title}", metadata={"slideshow": {"slide_type": "subslide"}})
    code = nbformat.v4.new_code_cell(without_markers(exercise_cell.source), metadata={"slideshow": {"slide_type": "-"}})
    return [heading, code]


def folded_source(source):
    """A folded ``<details>`` block as one HTML block: its Markdown rendered, no blank line inside; else ``source``.

    With embedded images nbconvert parses each HTML block on its own and closes
    the ``<details>`` tag its first block opens, which would leave the hints
    unfolded below an empty block; one balanced block stays folded.
    """
    found = DETAILS_BLOCK.match(source)
    if found is None:
        return source
    body = re.sub(r"\n\s*\n", "\n", markdown2html_mistune(found["body"]).strip())
    return f"{found['summary']}\n{body}\n</details>"


def exercises_for_slides(notebook):
    """A copy of ``notebook`` whose exercises show a stub, with no solution marker anywhere.

    A cell tagged ``exercise`` that holds its solution between markers (the
    lessons' first layout) shows the stub instead, and its worked solution
    follows the check cell on a slide of its own; a cell tagged ``solution``
    (the later layout, already on its own slide) keeps its code without the
    marker lines. Stubs and solutions are shown unfolded. A check's output is not shown: on the slides the stub has
    not been solved. The note for self-paced learners, which tells where the folded solution is, is left out, and
    folded hints stay folded (:func:`folded_source`).
    """
    shown = copy.deepcopy(notebook)
    cells, pending = [], []
    for cell in shown.cells:
        cell_tags = set(tags(cell))
        if SELF_PACED_NOTE_TAG in cell_tags:
            continue
        if cell.cell_type == "markdown":
            cell.source = folded_source(cell.source)
        if EXERCISE_TAG in cell_tags and SOLUTION_REGION.search(cell.source):
            cells.append(_unfolded(cell, stub_source(cell.source)))
            pending = solution_slide(cell)
            continue
        if cell_tags & {SOLUTION_TAG, EXERCISE_TAG} and cell.cell_type == "code":
            cell = _unfolded(cell, without_markers(cell.source))
        elif MARKER_LINE.search(cell.source):
            cell.source = without_markers(cell.source)
        if CHECK_TAG in cell_tags:
            cell.outputs = []
            cells += [cell, *pending]
            pending = []
            continue
        cells.append(cell)
    shown.cells = cells + pending
    return shown


def _find_chromium():
    found = next(filter(None, map(shutil.which, CHROMIUM)), None)
    if found is None:
        raise SlidesError(
            "the PDF handouts need Chromium (`sudo apt-get install chromium`; run with --no-pdf to skip them)"
        )
    return found


def print_handouts(decks):
    """Print every deck (from file://, offline) to the PDF next to it, one slide per page; returns the PDFs."""
    from playwright.sync_api import sync_playwright

    chromium = _find_chromium()
    handouts = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            for deck in decks:
                handouts.append(_print_deck(browser, deck))
        finally:
            browser.close()
    return handouts


def _print_deck(browser, deck):
    page = browser.new_page()
    # Offline: anything but the deck's own files is refused (and the build checked there is none).
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
               else route.abort())
    try:
        page.goto(Path(deck).absolute().as_uri() + "?print-pdf", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(".reveal.ready", state="attached", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(
            "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
            timeout=PAGE_TIMEOUT_MS,
        )
        handout = deck.with_name(deck.name.removesuffix(DECK_SUFFIX) + HANDOUT_SUFFIX)
        page.pdf(path=str(handout), prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    return handout


def deck_name(lesson_file):
    """The deck of a lesson notebook: ``03_e_step.ipynb`` -> ``03_e_step.slides.html``."""
    return Path(lesson_file).stem + DECK_SUFFIX


def handout_name(lesson_file):
    """The PDF handout of a lesson notebook: ``03_e_step.ipynb`` -> ``03_e_step.pdf``."""
    return Path(lesson_file).stem + HANDOUT_SUFFIX


def unbroken_numbers(html):
    """Wrap every number in the code and outputs (``<pre>``) in a span that a line break cannot cut.

    Chromium breaks a long line after a hyphen, so ``1e-8`` could end one line
    and start the next with ``8``. Tags, character entities and scripts (the
    widget state is JSON) are left as they are.
    """

    def in_text(text):
        return NUMBER.sub(lambda number: f'<span class="{UNBROKEN_CLASS}">{number[0]}</span>', text)

    def in_pre(match):
        pieces = TAG_OR_ENTITY.split(match[2])
        body = "".join(piece if index % 2 else in_text(piece) for index, piece in enumerate(pieces))
        return match[1] + body + match[3]

    parts = SCRIPT_ELEMENT.split(html)
    return "".join(part if index % 2 else PRE_ELEMENT.sub(in_pre, part) for index, part in enumerate(parts))


def link_lessons(html, lesson_files):
    """Point links to another lesson's notebook (one of ``lesson_files``) at that lesson's deck (same folder)."""

    def replace(match):
        if match["file"] not in lesson_files:
            return match[0]
        return f'href="{deck_name(match["file"])}{match["anchor"] or ""}"'

    return NOTEBOOK_LINK.sub(replace, html)


class SlidesError(RuntimeError):
    """The decks cannot be built: a lesson's cell failed, or Chromium is missing for the handouts."""


def lesson_deck(lesson, exporter, lesson_files):
    """The deck of ``lesson``, executed for the slides (or from the cache), as HTML that loads nothing remote."""
    try:
        executed = exercises_for_slides(execute.executed(lesson.path, execute.SLIDES))
    except (CellExecutionError, DeadKernelError) as error:
        failure = str(error).strip()[-500:]
        raise SlidesError(f"{lesson.path}: a cell failed when run for the slides: {failure}") from None
    resources = {"metadata": {"name": lesson.path.stem, "path": str(lesson.path.parent)},
                 "anywidget_paths_url": assets.REQUIRE_ANYWIDGET_URL}
    html, _ = exporter.from_notebook_node(executed, resources=resources)
    html = unbroken_numbers(link_lessons(publish.strip_url_comments(html), lesson_files))
    publish.check_offline(html, lesson.path)
    return html


def build_decks(source_dir=COURSE_NOTEBOOKS, output_dir="build/slides", handouts=True, progress=print):
    """Write ``NN_name.slides.html`` (and ``NN_name.pdf``) for every lesson of ``source_dir``'s manifest.

    Prints a line per lesson as it goes (executing a lesson takes seconds).

    Returns
    -------
    list of Path
        The decks written, in lesson order (absolute).

    Raises
    ------
    SlidesError
        If a lesson's cell fails, or Chromium is missing for the handouts.
    course.assets.AssetsError
        If the npm assets are missing.
    course.publish.PublishError
        If a deck would load a remote resource, or the output folder holds other files.
    ValueError
        If the output folder is, contains or lies inside ``source_dir``, the
        manifest is invalid or a lesson cannot be read (the message names the file).
    """
    course = read_lessons(source_dir)
    assets.check_installed()
    exporter = slides_exporter()
    files = {lesson.file for lesson in course}
    with publish.new_output(output_dir, source_dir, "slides") as staging:
        for lesson in course:
            start = time.monotonic()
            (staging / deck_name(lesson.file)).write_text(lesson_deck(lesson, exporter, files), encoding="utf-8")
            progress(f"slides: {lesson.file} in {time.monotonic() - start:.1f} s")
        assets.copy_page_assets(staging)
        decks = [staging / deck_name(lesson.file) for lesson in course]
        if handouts:
            start = time.monotonic()
            print_handouts(decks)
            progress(f"slides: {len(decks)} PDF handouts printed in {time.monotonic() - start:.1f} s")
    output_dir = Path(output_dir).absolute()
    return [output_dir / deck.name for deck in decks]

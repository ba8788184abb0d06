"""Build a reveal.js slide deck and a PDF handout of every lesson, for lecturing offline.

Each lesson of ``SOURCE_DIR/lessons.toml``, ``NN_name.ipynb``, is executed
afresh (a copy, in a kernel of its own) with the slide style
``tools/slides/slides.mplstyle`` applied first, so that its figures are drawn
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

The decks load reveal.js, require.js, jQuery and MathJax 2 from ``vendor/``
next to them, by relative paths, copied from the npm packages pinned in
``tools/slides/package.json`` (installed by ``npm ci --prefix tools/slides``),
and the widget manager from the one npm project that pins the widgets' front
end for the whole course, ``tools/html_manager`` (:data:`WIDGET_FILES`; the
HTML exports and the website copy it from there too). Nothing is fetched from the network, so the output folder can
be copied to a USB stick and opened from ``file://``. The build fails if a
deck would load anything (a script, a style sheet, an image) from an
``http://`` or ``https://`` URL; links to web pages are fine. Links between
lessons point at their decks.

The lesson notebooks are only read. Every deck, handout and the vendored files
are written to a new folder next to the output folder, which then replaces it
in one rename: two builds at the same time cannot break each other's files
(the last one wins), and a reader never sees half a build. An output folder
that holds anything but decks, handouts and ``vendor/`` is refused rather than
replaced, and so is one that is, contains or lies inside SOURCE_DIR.

Usage (``make slides``)::

    python tools/slides.py [--no-pdf] [SOURCE_DIR] [OUTPUT_DIR]

SOURCE_DIR defaults to ``notebooks``, OUTPUT_DIR to ``build/slides``;
``--no-pdf`` skips the handouts (and Chromium).
"""

import copy
import errno
import json
import re
import shutil
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import lessons
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError
from nbconvert import SlidesExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from traitlets.config import Config

ASSETS_DIR = Path(__file__).resolve().parent / "slides"
NODE_MODULES = ASSETS_DIR / "node_modules"
# The widgets' front end is pinned once, here, for the decks, the HTML exports and the website.
WIDGET_ASSETS_DIR = Path(__file__).resolve().parent / "html_manager"
WIDGET_NODE_MODULES = WIDGET_ASSETS_DIR / "node_modules"
TEMPLATES_DIR = ASSETS_DIR / "templates"
TEMPLATE_NAME = "offline_reveal"
VENDOR = "vendor"
HIDE_INPUT_TAG = "slides-hide-input"
DECK_SUFFIX = ".slides.html"
HANDOUT_SUFFIX = ".pdf"
SLIDE_STYLE = ASSETS_DIR / "slides.mplstyle"
# The first cell of every slide run (removed before the deck is written): after pyplot's import,
# so the inline backend's own settings cannot override the style.
STYLE_CELL = f"import matplotlib.pyplot\nmatplotlib.pyplot.style.use({str(SLIDE_STYLE)!r})"
CELL_TIMEOUT = 300  # seconds per cell; every lesson runs in well under 20 s
WIDGET_MANAGER = "@jupyter-widgets/html-manager"
EXERCISE_TAG, CHECK_TAG, SOLUTION_TAG = "exercise", "check", "solution"
SELF_PACED_NOTE_TAG = lessons.SELF_PACED_NOTE_TAG
SOLUTION_REGION = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(?:\n|$)", re.DOTALL | re.MULTILINE
)
MARKER_LINE = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[^\n]*(?:\n|$)", re.MULTILINE)
DEFINED_FUNCTION = re.compile(r"^def (\w+)", re.MULTILINE)
# A Markdown cell that is one folded block (an exercise's hints), with blank lines inside so its Markdown renders.
DETAILS_BLOCK = re.compile(r"\A(?P<summary><details>\s*<summary>.*?</summary>)\s*\n\n(?P<body>.*?)\n\s*</details>\s*\Z",
                           re.DOTALL)
PAGE_TIMEOUT_MS = 120_000
CHROMIUM = ("chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# What each npm package contributes to vendor/<package>/, as globs relative to the package.
# MathJax 2 is 70 MB installed; a deck needs its loader, the TeX input, the CommonHTML
# output with the TeX web fonts (woff), and the small extensions the TeX input loads on demand.
VENDOR_FILES = {
    "reveal.js": [
        "LICENSE",
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro/*",
        "plugin/notes/notes.js",
    ],
    "requirejs": ["require.js"],
    "jquery": ["LICENSE.txt", "dist/jquery.min.js"],
    "mathjax": [
        "LICENSE",
        "MathJax.js",
        "config/TeX-AMS_CHTML-full.js",
        "config/Safe.js",
        "extensions/*.js",
        "extensions/TeX/*.js",
        "localization/en/*.js",
        "jax/element/**/*.js",
        "jax/input/TeX/*.js",
        "jax/output/CommonHTML/**/*.js",
        "fonts/HTML-CSS/TeX/woff/*.woff",
    ],
}

# What each package of WIDGET_ASSETS_DIR contributes to vendor/<package>/ (globs relative to the package). A
# widget's own front end (anywidget's, say) is added to that npm project's package.json and here.
WIDGET_FILES = {
    # The AMD bundle (it needs require.js) holds the base, controls and output widgets; webpack loads the
    # icon fonts its style sheet names from next to it, as woff2, woff or ttf (every browser takes one).
    WIDGET_MANAGER: ["package.json", "dist/embed-amd.js", "dist/embed.js.LICENSE.txt", "dist/*.woff2",
                     "dist/*.woff", "dist/*.ttf"],
    # gmm_lessons' canvas sliders are anywidgets: its AMD module, which require.js finds through ANYWIDGET_PATHS.
    "anywidget": ["package.json", "LICENSE", "dist/index.js"],
}
# Loaded right after require.js by a page with canvas sliders: maps the module "anywidget" to vendor/anywidget.
ANYWIDGET_PATHS = WIDGET_ASSETS_DIR / "require-anywidget.js"
ANYWIDGET_PATHS_URL = f"{VENDOR}/{ANYWIDGET_PATHS.name}"

# Slide settings: a light theme that projects well and uses no web fonts, "current/total"
# slide numbers, no transition, and a 4:3 canvas of 1024 x 768, the projector size the slides
# are checked at (reveal.js scales the canvas to any screen).
REVEAL = {
    "reveal_url_prefix": f"{VENDOR}/reveal.js",
    "reveal_theme": "white",
    "reveal_transition": "none",
    "reveal_number": "c/t",
    "reveal_width": "1024",
    "reveal_height": "768",
    "reveal_scroll": False,
    "require_js_url": f"{VENDOR}/requirejs/require.js",
    "jquery_url": f"{VENDOR}/jquery/dist/jquery.min.js",
    "mathjax_url": f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": f"{VENDOR}/{WIDGET_MANAGER}/dist/embed-amd.js",
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

REMOTE_URL = re.compile(r"""https?://[^\s"'<>)]*""", re.IGNORECASE)
# Comments that cite a web page, in the style sheets nbconvert inlines and in its reveal script.
CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*\*/", re.DOTALL | re.IGNORECASE)
JS_URL_COMMENT = re.compile(r"^[ \t]*//[^\n]*https?://[^\n]*\n", re.MULTILINE | re.IGNORECASE)
SCRIPT_ELEMENT = re.compile(r"(<script\b.*?</script>)", re.DOTALL | re.IGNORECASE)
PRE_ELEMENT = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL | re.IGNORECASE)
TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*(?:e[-+]?\d+)?%?")
UNBROKEN_CLASS = "gmm-number"  # the deck's style sheet keeps such a span on one line
NOTEBOOK_LINK = re.compile(r'href="(?P<file>[^"#/?]+\.ipynb)(?P<anchor>#[^"]*)?"')


class SlidesError(RuntimeError):
    """The slide decks cannot be built (missing assets, a deck that would reach the network, a bad output folder)."""


def check_assets(node_modules=NODE_MODULES, assets_dir=ASSETS_DIR):
    """Fail unless every npm package pinned in ``assets_dir/package.json`` is installed at its pinned version."""
    pinned = json.loads((Path(assets_dir) / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for package, version in pinned.items():
        manifest = Path(node_modules) / package / "package.json"
        if not manifest.is_file():
            raise SlidesError(f"{package} is not installed in {node_modules}: run `npm ci --prefix {assets_dir}`")
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != version:
            raise SlidesError(
                f"{package} {installed} is installed but {assets_dir}/package.json pins {version}: "
                f"run `npm ci --prefix {assets_dir}`"
            )


def copy_vendor_assets(output_dir, node_modules=NODE_MODULES, vendor_files=VENDOR_FILES):
    """Copy the files the decks load into ``output_dir/vendor`` (a new folder); returns the paths copied.

    ``vendor_files`` maps each npm package to the globs of its files to copy.
    """
    vendor_dir = Path(output_dir) / VENDOR
    copied = []
    for package, patterns in vendor_files.items():
        source_root = Path(node_modules) / package
        for pattern in patterns:
            sources = sorted(path for path in source_root.glob(pattern) if path.is_file())
            if not sources:
                raise SlidesError(f"no file matches {package}/{pattern} in {node_modules}")
            for source in sources:
                target = vendor_dir / package / source.relative_to(source_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied.append(target)
    return copied


def check_widget_assets(node_modules=WIDGET_NODE_MODULES):
    """Fail unless the widgets' front end (``tools/html_manager``) is installed at its pinned versions."""
    check_assets(node_modules, WIDGET_ASSETS_DIR)


def copy_widget_assets(output_dir, node_modules=WIDGET_NODE_MODULES):
    """Copy the pinned widget front end into ``output_dir/vendor`` (checked first); returns the paths copied."""
    check_widget_assets(node_modules)
    copied = copy_vendor_assets(output_dir, node_modules, WIDGET_FILES)
    shutil.copyfile(ANYWIDGET_PATHS, Path(output_dir) / ANYWIDGET_PATHS_URL)
    return [*copied, Path(output_dir) / ANYWIDGET_PATHS_URL]


def copy_deck_assets(output_dir, node_modules=NODE_MODULES, widget_node_modules=WIDGET_NODE_MODULES):
    """Everything a deck (or an HTML export) loads, into ``output_dir/vendor``; returns the paths copied."""
    return copy_vendor_assets(output_dir, node_modules) + copy_widget_assets(output_dir, widget_node_modules)


def slides_exporter():
    """nbconvert's SlidesExporter with the offline template, the vendored URLs and the slide settings."""
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    for name, value in REVEAL.items():
        setattr(config.SlidesExporter, name, value)
    config.SlidesExporter.jupyter_widgets_base_url = f"{VENDOR}/"
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.SlidesExporter.template_name = TEMPLATE_NAME
    # In [n]: prompts only take width on a projector.
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    # A lesson can hide plotting plumbing on the slides and keep its figure (the notebook is unchanged).
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    # Images referenced from Markdown cells (none yet) would be embedded too.
    config.SlidesExporter.embed_images = True
    return SlidesExporter(config=config)


def _has_code(notebook):
    return any(cell.cell_type == "code" for cell in notebook.cells)


def execute_for_slides(notebook, lesson_path):
    """A copy of ``notebook`` run top to bottom with the slide style, with its widget state stored.

    It runs in a fresh kernel in the lesson's folder, like ``make notebooks``;
    a lesson without code cells is copied as it is.
    """
    executed = copy.deepcopy(notebook)
    if not _has_code(executed):
        return executed
    executed.cells.insert(0, nbformat.v4.new_code_cell(STYLE_CELL))
    client = NotebookClient(
        executed,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        store_widget_state=True,
        record_timing=False,
        resources={"metadata": {"path": str(Path(lesson_path).parent)}},
    )
    client.execute()
    del executed.cells[0]
    return executed


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


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
        tags = set(_tags(cell))
        if SELF_PACED_NOTE_TAG in tags:
            continue
        if cell.cell_type == "markdown":
            cell.source = folded_source(cell.source)
        if EXERCISE_TAG in tags and SOLUTION_REGION.search(cell.source):
            cells.append(_unfolded(cell, stub_source(cell.source)))
            pending = solution_slide(cell)
            continue
        if tags & {SOLUTION_TAG, EXERCISE_TAG} and cell.cell_type == "code":
            cell = _unfolded(cell, without_markers(cell.source))
        elif MARKER_LINE.search(cell.source):
            cell.source = without_markers(cell.source)
        if CHECK_TAG in tags:
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
        page.goto(deck.as_uri() + "?print-pdf", timeout=PAGE_TIMEOUT_MS)
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


class _LoadedRemoteURLs(HTMLParser):
    """Collects the http(s) URLs a browser would load to show a page.

    That is every URL in an attribute (``src``, a style sheet's ``href``, a
    ``style``'s ``url()``, ...) except a link's target and an XML namespace,
    and every URL inside a ``<script>`` or ``<style>`` element. URLs in text
    and in ``<a href>`` are only followed when the reader clicks.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and not (tag == "a" and name == "href") and not name.startswith("xmlns"):
                self.found += REMOTE_URL.findall(value)
        self._in_code = tag in ("script", "style")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_code = False

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.found += REMOTE_URL.findall(data)


def remote_resources(html):
    """The http:// or https:// URLs a browser would load to show ``html`` (a deck must have none), sorted."""
    parser = _LoadedRemoteURLs()
    parser.feed(html)
    parser.close()
    return sorted(set(parser.found))


def _in_elements(tag, pattern, html):
    """Remove ``pattern``'s matches inside every ``<tag>...</tag>`` element of ``html``."""
    element = re.compile(rf"(<{tag}\b[^>]*>)(.*?)(</{tag}>)", re.DOTALL | re.IGNORECASE)
    return element.sub(lambda match: match[1] + pattern.sub("", match[2]) + match[3], html)


def strip_url_comments(html):
    """Drop the CSS and JavaScript comments that cite web pages (nbconvert's own), so no URL is left."""
    return _in_elements("script", JS_URL_COMMENT, _in_elements("style", CSS_URL_COMMENT, html))


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


def check_replaceable(output_dir):
    """Fail unless ``output_dir`` is missing, empty or a previous build (decks, handouts and vendor/ only)."""
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise SlidesError(f"the output folder {output_dir} is a file")
    foreign = sorted(
        entry.name
        for entry in output_dir.iterdir()
        if not (entry.name == VENDOR and entry.is_dir()) and not entry.name.endswith((DECK_SUFFIX, HANDOUT_SUFFIX))
    )
    if foreign:
        raise SlidesError(
            f"the output folder {output_dir} holds files that are not slide decks ({', '.join(foreign)}); "
            "a build replaces the whole folder, so choose a new or empty one"
        )


def _sibling(folder, purpose):
    """A new name next to ``folder``, unique to this build."""
    return folder.with_name(f".{folder.name}.{purpose}-{uuid.uuid4().hex[:12]}")


def replace_folder(new, target):
    """Rename the folder ``new`` to ``target``, moving a previous ``target`` out of the way and deleting it.

    A rename is atomic and replaces only a missing or empty folder; when another
    build got there first, its folder is moved aside and the rename retried, so
    of two concurrent builds the last one wins and neither fails.
    """
    while True:
        try:
            new.rename(target)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        previous = _sibling(target, "old")
        try:
            target.rename(previous)
        except FileNotFoundError:  # another build moved it away first: try again
            continue
        shutil.rmtree(previous)


def build_decks(source_dir="notebooks", output_dir="build/slides", node_modules=NODE_MODULES, handouts=True):
    """Write ``NN_name.slides.html`` (and ``NN_name.pdf``) for every lesson of ``source_dir``'s manifest.

    Prints a line per lesson as it goes (executing a lesson takes seconds).

    Returns
    -------
    list of Path
        The decks written, in lesson order.

    Raises
    ------
    SlidesError
        If the npm assets are missing, a deck would load a remote resource,
        the output folder holds other files, or Chromium is missing for the handouts.
    ValueError
        If the output folder is, contains or lies inside ``source_dir``, the
        manifest is invalid or a lesson cannot be read (the message names the file).
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    course = lessons.read_lessons(source_dir)
    lessons.check_output_folder(source_dir, output_dir)
    check_replaceable(output_dir)
    notebooks = [(lesson, lessons.read_notebook(lesson.path)) for lesson in course]
    check_assets(node_modules)
    check_widget_assets()
    exporter = slides_exporter()
    files = {lesson.file for lesson in course}
    decks = {}
    for lesson, notebook in notebooks:
        start = time.monotonic()
        try:
            executed = exercises_for_slides(execute_for_slides(notebook, lesson.path))
        except (CellExecutionError, DeadKernelError) as error:
            failure = str(error).strip()[-500:]
            raise SlidesError(f"{lesson.path}: a cell failed when run for the slides: {failure}") from None
        resources = {"metadata": {"name": lesson.path.stem, "path": str(lesson.path.parent)},
                     "anywidget_paths_url": ANYWIDGET_PATHS_URL}
        html, _ = exporter.from_notebook_node(executed, resources=resources)
        print(f"slides: {lesson.file} executed and converted in {time.monotonic() - start:.1f} s", flush=True)
        html = unbroken_numbers(link_lessons(strip_url_comments(html), files))
        remote = remote_resources(html)
        if remote:
            raise SlidesError(f"{lesson.path}: the deck would load from the network: {remote}")
        decks[deck_name(lesson.file)] = html
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(output_dir, "building")
    staging.mkdir()
    try:
        copy_deck_assets(staging, node_modules)
        for name, html in decks.items():
            (staging / name).write_text(html, encoding="utf-8")
        if handouts:
            start = time.monotonic()
            print_handouts([staging / name for name in decks])
            print(f"slides: {len(decks)} PDF handouts printed in {time.monotonic() - start:.1f} s", flush=True)
        replace_folder(staging, output_dir)
    finally:
        if staging.exists():  # the build failed before its folder replaced the output
            shutil.rmtree(staging)
    return [output_dir / name for name in decks]


def main(argv):
    handouts = "--no-pdf" not in argv
    argv = [arg for arg in argv if arg != "--no-pdf"]
    source_dir = argv[0] if argv else "notebooks"
    output_dir = argv[1] if len(argv) > 1 else "build/slides"
    try:
        decks = build_decks(source_dir, output_dir, handouts=handouts)
    except (SlidesError, ValueError, OSError) as error:
        sys.exit(f"slides: {error}")
    for path in decks:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        if handouts:
            print(f"wrote {path.with_name(handout_name(path.name.removesuffix(DECK_SUFFIX)))}")
    print(f"open {decks[0]} in a browser (works from file://, offline)")


if __name__ == "__main__":
    main(sys.argv[1:])

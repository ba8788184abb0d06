"""Slide decks: every lesson builds, with one slide per slide/subslide cell, offline, lessons untouched.

The decks are built once per session into a temporary folder with
``tools/slides.py``. Building needs the npm packages pinned in
``tools/slides/package-lock.json`` and the widget manager pinned in
``tools/html_manager/package-lock.json``; when they are not installed, the
fixture runs ``npm ci --prefix`` each folder. Without node/npm the tests skip with a
message, except under ``CI=true``, where that is a failure.

The expected number of slides is computed here from the notebooks' metadata,
independently of nbconvert, and compared with the ``<section>`` elements of
each deck. A last test opens every deck from ``file://`` in headless Chromium
(skipped without Chromium or playwright, a failure under ``CI=true``) and
checks what reveal.js and MathJax made of it (deselect it with
``-k "not browser"``).
"""

import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import ensure_npm_assets, find_chromium, launch_chromium
from course_support import lesson_notebook, run_course, write_course

from course.assets import (
    ASSETS_DIR,
    NODE_MODULES,
    VENDOR,
    WIDGET_FILES,
    WIDGET_MANAGER,
    AssetsError,
    check_installed,
    copy_page_assets,
)
from course.execute import SLIDES
from course.manifest import (
    CHECK_TAG,
    EXERCISE_TAG,
    HIDE_INPUT_TAG,
    SELF_PACED_NOTE_TAG,
    SOLUTION_REGION,
    SOLUTION_TAG,
    read_lessons,
)
from course.publish import BUILD_MARK, PublishError, remote_resources
from course.slides import (
    DECK_SUFFIX,
    DISPLAY_PRIORITY,
    REVEAL,
    UNBROKEN_CLASS,
    build_decks,
    exercises_for_slides,
    handout_name,
    slides_exporter,
    unbroken_numbers,
)
from gmm_lessons.widgets import RENDER_DPI

ROOT = Path(__file__).resolve().parent.parent

LESSONS = [lesson.path for lesson in read_lessons(ROOT / "notebooks")]
NPM_CI_TIMEOUT = 600  # seconds; four small packages, usually under 10


def _digest(paths):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


# --------------------------------------------------------------------------
# The expected slides, from the notebook metadata alone
# --------------------------------------------------------------------------


def expected_slides(notebook_path):
    """(number of horizontal slides, number of slides in all) of a lesson, from its cells' metadata.

    reveal.js shows a deck as horizontal slides, each a column of one or more
    (sub)slides; nbconvert writes each horizontal slide as a ``<section>``
    holding one ``<section>`` per (sub)slide. The cells decide:

    - a cell's type is ``metadata.slideshow.slide_type``, "-" when missing;
    - "skip" and "notes" cells are never shown on a slide of their own;
    - the first other cell opens the first slide, whatever its type;
    - after it, each "slide" cell opens a new horizontal slide and each
      "slide" or "subslide" cell a new (sub)slide; "-", "fragment", "notes"
      and "skip" cells stay on the current one.
    """
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    types = [cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for cell in cells]
    shown = [index for index, kind in enumerate(types) if kind not in ("skip", "notes")]
    assert shown, f"{notebook_path.name}: every cell is skipped or a note, there is no slide"
    later = types[shown[0] + 1 :]
    horizontal = 1 + sum(kind == "slide" for kind in later)
    total = 1 + sum(kind in ("slide", "subslide") for kind in later)
    return horizontal, total


def solution_slides_added(notebook_path):
    """How many worked-solution slides the builder adds: one per exercise cell holding its solution (first layout)."""
    return sum(
        EXERCISE_TAG in cell.get("metadata", {}).get("tags", [])
        and SOLUTION_REGION.search("".join(cell["source"])) is not None
        for cell in json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    )


class _DeckParser(HTMLParser):
    """Collects the slide structure and every URL a browser would fetch from a deck."""

    FETCHING: ClassVar[dict] = {"script": "src", "img": "src", "link": "href", "source": "src", "iframe": "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # one entry per open <section>: how many <section> children it has
        self.horizontal = 0
        self.leaves = 0
        self.fetched = []  # (tag, url) the page loads
        self.links = []  # <a href> targets
        self.styles = []
        self.scripts = []
        self._text_of = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            if not self.stack:
                self.horizontal += 1
            else:
                self.stack[-1] += 1
            self.stack.append(0)
        if tag in self.FETCHING and attrs.get(self.FETCHING[tag]):
            self.fetched.append((tag, attrs[self.FETCHING[tag]]))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("style", "script") and not attrs.get("src"):
            self._text_of = tag

    def handle_endtag(self, tag):
        if tag == "section" and self.stack.pop() == 0:
            self.leaves += 1
        if tag in ("style", "script"):
            self._text_of = None

    def handle_data(self, data):
        if self._text_of == "style":
            self.styles.append(data)
        elif self._text_of == "script":
            self.scripts.append(data)


def parse_deck(path):
    parser = _DeckParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    assert not parser.stack, f"{path.name}: a <section> is never closed"
    return parser


WEB_ADDRESS = re.compile(r"https?://[^\s\"'<>]*", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")
JS_IMPORT = re.compile(r"""\bimport\b[^'"]*?(?:\bfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)""")
REQUIRE_LIST = re.compile(r"""\brequire\s*\((?:\s*\{.*?\}\s*,)?\s*\[(.*?)\]""", re.DOTALL)
QUOTED = re.compile(r"""['"]([^'"]+)['"]""")


def fetched_urls(parser):
    """Every URL the deck makes the browser load: tags, style sheets, ES imports, require() lists."""
    urls = [url for _, url in parser.fetched]
    for css in parser.styles:
        urls += CSS_URL.findall(css) + CSS_IMPORT.findall(css)
    for script in parser.scripts:
        urls += [a or b for a, b in JS_IMPORT.findall(script)]
        for listed in REQUIRE_LIST.findall(script):
            urls += QUOTED.findall(listed)
    return urls


def local_file(deck, url):
    """The file a relative URL of ``deck`` points at (query and fragment dropped)."""
    return deck.parent / unquote(urlsplit(url).path)


def missing_css_dependencies(css_path, seen=None):
    """The url()/@import references of a style sheet (and of those it imports) that are remote or missing."""
    seen = set() if seen is None else seen
    if css_path in seen:
        return
    seen.add(css_path)
    css = css_path.read_text(encoding="utf-8")
    for ref in CSS_URL.findall(css) + CSS_IMPORT.findall(css):
        if ref.startswith("data:"):
            continue
        target = css_path.parent / unquote(urlsplit(ref).path)
        if urlsplit(ref).scheme or ref.startswith("//") or not target.is_file():
            yield ref
        elif target.suffix == ".css":
            yield from missing_css_dependencies(target, seen)


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slide_assets():
    """The pinned npm packages, installed with `npm ci` if they are missing or not the pinned versions."""
    ensure_npm_assets(ASSETS_DIR, check_installed, AssetsError)
    return NODE_MODULES


@pytest.fixture(scope="session")
def built(slide_assets, tmp_path_factory):
    """Build every deck once: (output folder, decks, lesson digests before, lesson digests after)."""
    output = tmp_path_factory.mktemp("slides")
    before = _digest(LESSONS)
    decks = build_decks(ROOT / "notebooks", output)
    after = _digest(LESSONS)
    return output, decks, before, after


@pytest.fixture(scope="session")
def deck_dir(built):
    return built[0]


def _deck(deck_dir, lesson):
    return deck_dir / (lesson.stem + DECK_SUFFIX)


# Output types nbconvert shows rather than an image/png of the same output (a widget is drawn by the
# widget manager from the state the slide run stores).
PREFERRED_TO_PNG = {"text/html", "text/markdown", "image/svg+xml", "text/latex", DISPLAY_PRIORITY[0]}

lesson_params = pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


@pytest.mark.build
def test_building_leaves_the_lessons_unchanged(built):
    _, _, before, after = built
    assert after == before, "building the slides changed a lesson notebook"


@pytest.mark.build
def test_one_deck_per_lesson(built):
    output, decks, _, _ = built
    assert [path.name for path in decks] == [lesson.stem + DECK_SUFFIX for lesson in LESSONS]
    assert sorted(path.name for path in output.glob("*.html")) == [path.name for path in decks]


@pytest.mark.build
@lesson_params
def test_deck_has_a_slide_per_slide_and_subslide_cell(deck_dir, lesson):
    deck = parse_deck(_deck(deck_dir, lesson))
    horizontal, total = expected_slides(lesson)
    total += solution_slides_added(lesson)
    assert (deck.horizontal, deck.leaves) == (horizontal, total), (
        f"{lesson.name}: expected {horizontal} slides with {total} (sub)slides in all, "
        f"the deck has {deck.horizontal} with {deck.leaves}"
    )


@pytest.mark.build
@lesson_params
def test_deck_loads_nothing_from_the_web(deck_dir, lesson):
    """No script or style sheet names a web address, nor does anything the deck fetches (links may)."""
    deck = parse_deck(_deck(deck_dir, lesson))
    found = sorted({url for code in deck.scripts + deck.styles for url in WEB_ADDRESS.findall(code)})
    assert not found, f"{lesson.name}: the deck's scripts or styles contain web addresses: {found}"
    remote = [url for url in fetched_urls(deck) if urlsplit(url).scheme in ("http", "https") or url.startswith("//")]
    assert not remote, f"{lesson.name}: the deck would fetch: {remote}"


@pytest.mark.build
@lesson_params
def test_everything_a_deck_loads_is_in_the_folder(deck_dir, lesson):
    path = _deck(deck_dir, lesson)
    urls = fetched_urls(parse_deck(path))
    local = [url for url in urls if not url.startswith(("data:", "#"))]
    assert any("reveal.js" in url for url in local) and any("MathJax.js" in url for url in local), local
    for url in local:
        assert not urlsplit(url).scheme and not url.startswith("/"), f"{lesson.name}: {url} is not a relative URL"
        assert local_file(path, url).is_file(), f"{lesson.name}: {url} is not in the slides folder"
    # The style sheets the deck loads, and those they @import, must not reach out either.
    for url in local:
        if local_file(path, url).suffix == ".css":
            missing = list(missing_css_dependencies(local_file(path, url)))
            assert not missing, f"{lesson.name}: {url} needs {missing}"


def test_numbers_in_code_and_outputs_are_kept_whole_and_nothing_else_changes():
    """Each number of a <pre> is wrapped once; prose, tags, entities, names and the widget state are not."""
    html = ('<p>at -1 642.0</p><pre>atol=<span class="mf">1e-8</span> x2 &#39;a&#39; -3.5%</pre>'
            '<script type="application/json">{"caption": "<pre>1e-8</pre>"}</script>')
    number = '<span class="{}">{}</span>'.format
    assert unbroken_numbers(html) == (
        f'<p>at -1 642.0</p><pre>atol=<span class="mf">{number(UNBROKEN_CLASS, "1e-8")}</span> x2 '
        f'&#39;a&#39; {number(UNBROKEN_CLASS, "-3.5%")}</pre>'
        '<script type="application/json">{"caption": "<pre>1e-8</pre>"}</script>')


@pytest.mark.build
@lesson_params
def test_links_between_lessons_point_at_decks(deck_dir, lesson):
    path = _deck(deck_dir, lesson)
    for href in parse_deck(path).links:
        assert not href.split("#")[0].endswith(".ipynb"), f"{lesson.name}: link to a notebook: {href}"
        if href.endswith(DECK_SUFFIX) or DECK_SUFFIX + "#" in href:
            assert local_file(path, href).is_file(), f"{lesson.name}: {href} has no deck"


@pytest.mark.build
@lesson_params
def test_figures_are_embedded(deck_dir, lesson):
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    figures = sum(
        "image/png" in output.get("data", {}) and not PREFERRED_TO_PNG.intersection(output["data"])
        for cell in cells
        if cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") != "skip"
        for output in cell.get("outputs", [])
    )
    images = [url for tag, url in parse_deck(_deck(deck_dir, lesson)).fetched if tag == "img"]
    assert len(images) == figures, f"{lesson.name}: {figures} figures in the notebook, {len(images)} on the slides"
    assert all(url.startswith("data:image/png;base64,") for url in images)


def test_slider_outputs_are_widgets_drawn_from_the_stored_state():
    """Sliders are live widgets in the decks (vendored widget manager); no output runs JavaScript of its own."""
    priority = DISPLAY_PRIORITY
    assert priority[0] == "application/vnd.jupyter.widget-view+json"
    assert "application/javascript" not in priority
    assert REVEAL["widget_renderer_url"].startswith(f"{VENDOR}/{WIDGET_MANAGER}/")


def test_the_widget_front_end_is_pinned_in_one_npm_project_only():
    """The decks, HTML exports and website copy one pin of the widget manager (and of any widget front end)."""
    pin = ASSETS_DIR / "package.json"
    widget_packages = set(json.loads(pin.read_text(encoding="utf-8"))["dependencies"])
    assert WIDGET_MANAGER in widget_packages and {files.package for files in WIDGET_FILES} <= widget_packages
    tracked = subprocess.run(["git", "ls-files", "*package.json"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert [ROOT / name for name in tracked] == [pin], f"the browser assets are pinned in one npm project: {tracked}"


@pytest.mark.build
@lesson_params
def test_deck_has_no_solution_marker_and_a_stub_per_exercise(deck_dir, lesson):
    """Every exercise shows its stub; no '### BEGIN/END SOLUTION' text reaches a deck."""
    html = _deck(deck_dir, lesson).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in html and "END SOLUTION" not in html
    exercises = [cell for cell in _cells(lesson) if EXERCISE_TAG in cell.get("metadata", {}).get("tags", [])]
    assert html.count("NotImplementedError") >= len(exercises)
    assert html.count("Worked solution") >= len(exercises)


def _exercise_notebook(layout):
    """A lesson with one exercise: the first layout (solution between markers in the exercise cell) or the later."""
    import nbformat

    body = "    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    tagged = lambda source, tag, kind="-": nbformat.v4.new_code_cell(  # noqa: E731
        source, metadata={"tags": [tag], "slideshow": {"slide_type": kind}, "jupyter": {"source_hidden": True}}
    )
    check = tagged("checks.check_f(f)", CHECK_TAG)
    check.outputs = [nbformat.v4.new_output("stream", text="check_f: all cases passed\n")]
    task = nbformat.v4.new_markdown_cell("## Your turn", metadata={"slideshow": {"slide_type": "slide"}})
    note_metadata = {"tags": [SELF_PACED_NOTE_TAG], "slideshow": {"slide_type": "-"}}
    note = nbformat.v4.new_markdown_cell("> **Try it first.** The solution is folded.", metadata=note_metadata)
    if layout == "first":
        cells = [task, tagged(f"def f(x):\n    \"\"\"Add one.\"\"\"\n{body}", EXERCISE_TAG), check]
    else:
        stub = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
        heading = nbformat.v4.new_markdown_cell("### Worked solution: `f`", metadata={
            "tags": [SOLUTION_TAG], "slideshow": {"slide_type": "subslide"}})
        cells = [task, note, tagged(stub, EXERCISE_TAG), check, heading,
                 tagged(f"def f_solution(x):\n{body}", SOLUTION_TAG)]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    return notebook


@pytest.mark.parametrize("layout", ["first", "later"])
def test_an_exercise_shows_its_stub_then_its_solution_on_a_slide_of_its_own(layout):
    notebook = _exercise_notebook(layout)
    before = json.dumps(notebook, sort_keys=True)
    shown = exercises_for_slides(notebook)
    assert json.dumps(notebook, sort_keys=True) == before, "the notebook was modified in place"
    sources = [cell.source for cell in shown.cells]
    assert not any("SOLUTION\n" in source or source.endswith("SOLUTION") for source in sources), sources
    # The note tells a reader of the lesson where the folded solution is; on the slides it is not folded.
    assert "Try it first" not in "".join(sources), "the self-paced note is on the slides"
    stub = next(cell for cell in shown.cells if EXERCISE_TAG in cell.metadata.get("tags", []))
    assert "raise NotImplementedError()" in stub.source and "return x + 1" not in stub.source
    assert not stub.metadata.get("jupyter", {}).get("source_hidden"), "the stub is folded on the slides"
    check = next(index for index, cell in enumerate(shown.cells) if CHECK_TAG in cell.metadata.get("tags", []))
    assert shown.cells[check].outputs == [], "the check's output (passed) is on the exercise slide"
    heading, solution = shown.cells[check + 1], shown.cells[check + 2]
    assert heading.metadata["slideshow"]["slide_type"] == "subslide" and "Worked solution: `f" in heading.source
    assert "return x + 1" in solution.source and not solution.metadata.get("jupyter", {}).get("source_hidden")
    assert len({cell.get("id") for cell in shown.cells}) == len(shown.cells), "two cells share an id"
    assert not any("Try it first" in source for source in sources), "the self-paced learners' note is on a slide"


@pytest.mark.build
def test_a_cell_tagged_to_hide_its_input_keeps_only_its_output(slide_assets):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("visible_plumbing = 1", metadata={"slideshow": {"slide_type": "slide"}})
    hidden = nbformat.v4.new_code_cell(
        "hidden_plumbing = 2",
        metadata={"slideshow": {"slide_type": "-"}, "tags": [HIDE_INPUT_TAG]},
        outputs=[nbformat.v4.new_output("stream", text="the output stays\n")],
    )
    notebook.cells = [shown, hidden]
    html, _ = slides_exporter().from_notebook_node(notebook)
    assert "visible_plumbing" in html and "the output stays" in html
    assert "hidden_plumbing" not in html


# --------------------------------------------------------------------------
# The builder's guards, on a small course
# --------------------------------------------------------------------------


def _course(folder, *markdown):
    return write_course(folder, {"00_a.ipynb": lesson_notebook("# 00 · A", *markdown)})


def _build(source, output, **options):
    return run_course("slides", "--no-pdf", "--lessons", source, "--out", output, **options)


@pytest.mark.parametrize(
    ("html", "loaded"),
    [
        ('<script src="https://cdn.example.org/reveal.js"></script>', True),
        ('<link rel="stylesheet" href="https://example.org/theme.css">', True),
        ('<img src="https://example.org/figure.png"/>', True),
        ('<div style="background: url(https://example.org/a.png)">x</div>', True),
        ("<script>require(['https://example.org/mathjax.js'])</script>", True),
        ("<style>@import 'https://example.org/fonts.css';</style>", True),
        ('<a href="https://example.org/prml">Bishop</a>', False),
        ("<p>see https://example.org in a browser</p>", False),
        ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', False),
    ],
)
def test_only_resources_the_page_loads_count_as_remote(html, loaded):
    assert bool(remote_resources(html)) == loaded


@pytest.mark.build
def test_a_link_to_a_web_page_does_not_stop_the_build(slide_assets, tmp_path):
    source = _course(tmp_path / "course", "Read [Bishop, chapter 9](https://example.org/prml) after this lesson.")
    (deck,) = build_decks(source, tmp_path / "slides", handouts=False)
    assert 'href="https://example.org/prml"' in deck.read_text(encoding="utf-8")


@pytest.mark.build
def test_an_image_from_the_web_stops_the_build(slide_assets, tmp_path):
    source = _course(tmp_path / "course", "![a figure](https://example.org/figure.png)")
    with pytest.raises(PublishError, match=r"00_a.ipynb would load from the network: .*figure.png"):
        build_decks(source, tmp_path / "slides", handouts=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["course"], "a failed build left files behind"


@pytest.mark.build
def test_a_rebuild_replaces_the_previous_build(slide_assets, tmp_path):
    output = tmp_path / "slides"
    two = write_course(tmp_path / "two", {"00_a.ipynb": lesson_notebook("# A"), "01_b.ipynb": lesson_notebook("# B")})
    build_decks(two, output, handouts=False)
    one = _course(tmp_path / "one", "only one lesson now")
    (deck,) = build_decks(one, output, handouts=False)
    assert sorted(path.name for path in output.iterdir()) == [BUILD_MARK, deck.name, VENDOR]
    assert "only one lesson now" in deck.read_text(encoding="utf-8")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["one", "slides", "two"]


@pytest.mark.build
def test_concurrent_builds_do_not_break_each_other(slide_assets, tmp_path):
    """Three builds into one folder at once all succeed, and leave one complete build (each builds aside)."""
    source = _course(tmp_path / "course", "a slide")
    output = tmp_path / "out" / "slides"
    runs = [
        subprocess.Popen([sys.executable, "-m", "course", "slides", "--no-pdf", "--lessons", source, "--out", output],
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    failures = [run.communicate(timeout=NPM_CI_TIMEOUT)[1] for run in runs]
    failures = [stderr for run, stderr in zip(runs, failures) if run.returncode != 0]
    assert not failures, "a concurrent build failed:\n" + "\n".join(failures)
    reference = tmp_path / "reference"
    vendored = {path.relative_to(reference) for path in copy_page_assets(reference, slide_assets)}
    built = {path.relative_to(output) for path in (output / VENDOR).rglob("*") if path.is_file()}
    assert built == vendored
    assert sorted(path.name for path in output.glob("*.html")) == ["00_a" + DECK_SUFFIX]
    assert [path.name for path in output.parent.iterdir()] == ["slides"], "a build left its working folder"


def test_an_output_folder_with_other_files_is_not_replaced(tmp_path):
    source = _course(tmp_path / "course")
    output = tmp_path / "mine"
    output.mkdir()
    (output / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(PublishError, match=r"holds files that `python -m course slides` did not make \(notes.txt\)"):
        build_decks(source, output, handouts=False)
    assert (output / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(("output", "relation"), [("course", "is"), (".", "contains"), ("course/slides", "is inside")])
def test_an_output_folder_overlapping_the_lessons_is_refused(tmp_path, output, relation):
    source = _course(tmp_path / "course")
    before = _digest(sorted(source.iterdir()))
    with pytest.raises(ValueError, match=f"the output folder .* {relation} the lessons' folder {source}"):
        build_decks(source, tmp_path / output, handouts=False)
    assert _digest(sorted(source.iterdir())) == before
    assert not (source / "slides").exists()


def test_an_unreadable_lesson_stops_the_build_in_one_line_naming_it(tmp_path):
    source = write_course(tmp_path / "course", {"00_a.ipynb": lesson_notebook("# 00 · A"), "01_b.ipynb": "{"})
    result = _build(source, tmp_path / "slides")
    assert result.returncode != 0
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"course slides: {source / '01_b.ipynb'} is not a readable notebook: ")
    assert not (tmp_path / "slides").exists()


# --------------------------------------------------------------------------
# In a browser, from file://
# --------------------------------------------------------------------------

PAGE_TIMEOUT_MS = 60_000
PROJECTOR = {"width": 1024, "height": 768}  # the size the slides must be readable at
MIN_TEXT_PX, MIN_CODE_PX, MIN_TICK_PX = 24, 18, 14

# The widget manager draws each widget's view next to its <script> placeholder.
WIDGETS_DRAWN = """() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .every(script => script.parentElement.querySelector('.widget-slider, .jupyter-widgets.widget-container'))"""

# What a deck reports once reveal.js and MathJax are done (Reveal is loaded through require.js).
DECK_STATE = """() => new Promise(resolve => require([REVEAL], Reveal => resolve({
    total: Reveal.getTotalSlides(),
    horizontal: Reveal.getHorizontalSlides().length,
    math: document.querySelectorAll('.MathJax_CHTML').length,
    mathErrors: document.querySelectorAll('.mjx-merror').length,
    rawMath: [...document.querySelectorAll('.jp-RenderedMarkdown')]
        .map(element => element.innerText).filter(text => text.includes('$$')).length,
    brokenImages: [...document.images].filter(image => !image.complete || image.naturalWidth === 0).length,
    notes: document.querySelectorAll('aside.notes').length,
    notesPlugin: Reveal.hasPlugin('notes'),
    markers: document.body.innerText.includes('BEGIN SOLUTION') || document.body.innerText.includes('END SOLUTION'),
    widgets: document.querySelectorAll('.jupyter-widgets .widget-slider').length,
})))"""

# Every (sub)slide in turn: its height and width on the canvas, the smallest prose and code text on
# the screen, for each PNG its scale on the screen and its dpi (null when the PNG does not say), and
# the numbers of its prose, code and outputs that a line break cuts in two (their pieces lie on two lines).
MEASURE_SLIDES = """async () => {
    const Reveal = await new Promise(resolve => require([REVEAL], resolve));
    const {width, height} = Reveal.getConfig();
    const NUMBER = /[-+]?\\d+(?:[.,]\\d+)*(?:e[-+]?\\d+)?%?/g;
    const cutNumbers = slide => {
        const cut = [];
        const texts = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
        for (let text = texts.nextNode(); text; text = texts.nextNode()) {
            const parent = text.parentElement;
            // Typeset maths does not break inside a formula; its hidden copies have no lines.
            if (!parent || parent.offsetParent === null || parent.closest('.MathJax_CHTML, .MathJax_Preview, script')) {
                continue;
            }
            for (const match of text.textContent.matchAll(NUMBER)) {
                const range = document.createRange();
                range.setStart(text, match.index);
                range.setEnd(text, match.index + match[0].length);
                const lines = new Set([...range.getClientRects()].filter(rect => rect.width > 0)
                    .map(rect => Math.round(rect.bottom)));
                if (lines.size > 1) cut.push(match[0]);
            }
        }
        return cut;
    };
    const dpi = async image => {
        const bytes = new DataView(await (await fetch(image.src)).arrayBuffer());
        for (let at = 8; at + 8 < bytes.byteLength; at += 12 + bytes.getUint32(at)) {
            const type = String.fromCharCode(...[4, 5, 6, 7].map(i => bytes.getUint8(at + i)));
            if (type === 'pHYs') return bytes.getUint32(at + 8) * 0.0254;
        }
        return null;
    };
    const smallest = (slide, selector) => Math.min(...[...slide.querySelectorAll(selector)]
        .filter(element => element.offsetParent !== null && element.innerText.trim())
        .map(element => parseFloat(getComputedStyle(element).fontSize) * Reveal.getScale()));
    const slides = [];
    for (const [h, column] of Reveal.getHorizontalSlides().entries()) {
        const leaves = column.querySelectorAll(':scope > section');
        for (let v = 0; v < Math.max(1, leaves.length); v++) {
            Reveal.slide(h, v);
            await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 50)));
            const slide = Reveal.getCurrentSlide();
            const figures = [];
            for (const image of slide.querySelectorAll('img')) {
                if (!image.naturalWidth) continue;
                const shown = image.getBoundingClientRect().width / image.naturalWidth;
                figures.push({shown, dpi: await dpi(image)});
            }
            const tooWide = [...slide.querySelectorAll('pre, img, table, .jupyter-widgets')]
                .filter(element => element.scrollWidth > element.clientWidth + 1 ||
                    element.getBoundingClientRect().width > width * Reveal.getScale() + 1).length;
            slides.push({slide: `#/${h}/${v}`, height: slide.scrollHeight, canvas: height, tooWide,
                text: smallest(slide, '.jp-RenderedMarkdown p, .jp-RenderedMarkdown li, .jp-RenderedMarkdown td'),
                code: smallest(slide, '.jp-InputArea-editor pre, .jp-OutputArea-output pre'), figures,
                cutNumbers: cutNumbers(slide)});
        }
    }
    return slides;
}"""

# Press the right arrow on every slider of the deck; report whether some image or canvas of its slide changed.
MOVE_SLIDERS = """async () => {
    const Reveal = await new Promise(resolve => require([REVEAL], resolve));
    const moved = [];
    for (const [h, column] of Reveal.getHorizontalSlides().entries()) {
        const leaves = column.querySelectorAll(':scope > section');
        for (let v = 0; v < Math.max(1, leaves.length); v++) {
            Reveal.slide(h, v);
            const slide = Reveal.getCurrentSlide();
            for (const handle of slide.querySelectorAll('.widget-slider .noUi-handle')) {
                // An image's bytes, or the pixels of a canvas the browser draws (gmm_lessons.widgets.MixtureCanvas).
                const images = () => [...slide.querySelectorAll('img')].map(image => image.src).join()
                    + [...slide.querySelectorAll('canvas')].map(canvas => canvas.toDataURL()).join();
                const before = images();
                handle.focus();
                handle.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', bubbles: true}));
                await new Promise(resolve => setTimeout(resolve, 400));
                moved.push({slide: `#/${h}/${v}`, changed: images() !== before});
            }
        }
    }
    return moved;
}"""


def has_math(lesson):
    """Whether a Markdown cell shown on the slides contains TeX ($...$, $$...$$, \\(...\\), \\[...\\])."""
    cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    return any(
        re.search(r"\$|\\\(|\\\[", "".join(cell["source"]))
        for cell in cells
        if cell["cell_type"] == "markdown"
        and cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") != "skip"
    )


MATHJAX_DONE = "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"


def _reveal_url():
    return json.dumps(f"{REVEAL['reveal_url_prefix']}/dist/reveal.js")


def _open_deck(browser, deck, script=DECK_STATE):
    """Open a deck from file:// at projector size, wait for reveal.js, MathJax and the widgets, run ``script``.

    Returns what the script returned and what went wrong on the way (requests that left the
    machine, failed loads, errors).
    """
    page = browser.new_page(viewport=PROJECTOR)
    trouble = {"failed to load": [], "went to the network": [], "error": []}

    def on_request(request):
        if not request.url.startswith(("file:", "data:", "blob:")):
            trouble["went to the network"].append(request.url)

    def on_console(message):
        if message.type == "error":
            trouble["error"].append(message.text)

    page.on("request", on_request)
    page.on("requestfailed", lambda request: trouble["failed to load"].append(request.url))
    page.on("pageerror", lambda error: trouble["error"].append(str(error)))
    page.on("console", on_console)
    try:
        page.goto(deck.as_uri(), timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(".reveal.ready", state="attached", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(MATHJAX_DONE, timeout=PAGE_TIMEOUT_MS)
        # The widget manager replaces each widget's <script> placeholder with its view.
        page.wait_for_function(WIDGETS_DRAWN, timeout=PAGE_TIMEOUT_MS)
        result = page.evaluate(script.replace("REVEAL", _reveal_url()))
    finally:
        page.close()
    return result, {kind: found for kind, found in trouble.items() if found}


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, chromium)
        yield launched
        launched.close()


def _cells(lesson):
    return json.loads(lesson.read_text(encoding="utf-8"))["cells"]


def _slide_type(cell):
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")


@pytest.mark.build
@pytest.mark.browser
@lesson_params
def test_deck_runs_offline_in_a_browser(browser, deck_dir, lesson):
    """From file://: the expected slides, maths typeset, notes and their plugin, no marker, nothing remote."""
    state, trouble = _open_deck(browser, _deck(deck_dir, lesson))
    horizontal, total = expected_slides(lesson)
    assert (state["horizontal"], state["total"]) == (horizontal, total + solution_slides_added(lesson)), state
    assert not ((has_math(lesson) and state["math"] == 0) or state["mathErrors"] or state["rawMath"]), state
    assert not state["brokenImages"], f"{state['brokenImages']} images did not load"
    assert not state["markers"], "a solution marker is on a slide"
    assert state["notes"] == sum(_slide_type(cell) == "notes" for cell in _cells(lesson))
    assert state["notesPlugin"], "the speaker notes plugin is not loaded"
    assert not trouble, trouble


@pytest.mark.build
@pytest.mark.browser
@lesson_params
def test_every_slide_fits_and_reads_from_the_back_of_the_room(browser, deck_dir, lesson):
    """At 1024 x 768: no slide taller or wider than the canvas; prose, code and tick labels big enough;
    no number cut in two by a line break."""
    measured, trouble = _open_deck(browser, _deck(deck_dir, lesson), MEASURE_SLIDES)
    assert not trouble, trouble
    style = slide_style()
    tick_pt = min(float(style["xtick.labelsize"]), float(style["ytick.labelsize"]))
    problems = []
    for slide in measured:
        where = f"{lesson.stem} {slide['slide']}"
        if slide["height"] > slide["canvas"]:
            problems.append(f"{where}: {slide['height']} px tall on a {slide['canvas']} px canvas")
        if slide["tooWide"]:
            problems.append(f"{where}: {slide['tooWide']} elements wider than the slide")
        if slide["cutNumbers"]:
            problems.append(f"{where}: numbers cut by a line break: {slide['cutNumbers']}")
        if slide["text"] < MIN_TEXT_PX or slide["code"] < MIN_CODE_PX:
            problems.append(f"{where}: text at {slide['text']:.1f} px, code at {slide['code']:.1f} px")
        for figure in slide["figures"]:
            # Only the slider frames (PIL-encoded) carry no dpi: they are drawn at widgets.RENDER_DPI.
            tick_px = tick_pt * (figure["dpi"] or RENDER_DPI) / 72 * figure["shown"]
            if tick_px < MIN_TICK_PX:
                problems.append(f"{where}: a figure's tick labels are {tick_px:.1f} px tall")
    assert not problems, "\n".join(problems)


# The slides holding speaker notes, in deck order, as reveal.js indices, and each one's notes as the deck shows them.
NOTED_SLIDES = """() => new Promise(resolve => require([REVEAL], Reveal => resolve(
    [...document.querySelectorAll('.slides section > aside.notes')].map(aside => ({
        ...Reveal.getIndices(aside.parentElement), text: aside.textContent,
        maths: aside.querySelectorAll('.MathJax_CHTML').length})))))"""

# The typeset maths of the speaker view's notes: how many, and how many show their hidden MathML copy too.
VIEW_MATHS = """selector => [...document.querySelectorAll(selector + ' .MathJax_CHTML')].map(maths =>
    [...maths.querySelectorAll('.MJX_Assistive_MathML')]
        .some(copy => getComputedStyle(copy).position !== 'absolute'))"""

SPEAKER_NOTES = ".speaker-controls-notes .value"


def _words(text):
    return " ".join(text.split())


@pytest.mark.build
@pytest.mark.browser
def test_the_speaker_view_shows_the_current_slides_notes_offline(browser, deck_dir):
    """Press S on a deck (from file://): the speaker view opens, shows the notes of the slide on screen and
    follows the deck to the next slide with notes; nothing, in the deck, the view or its slide previews,
    is requested from the network (every such request is aborted and recorded)."""
    lesson = next(path for path in LESSONS if sum(_slide_type(cell) == "notes" for cell in _cells(path)) >= 2)
    context = browser.new_context(viewport=PROJECTOR)
    remote, errors = [], []

    def offline(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        page = context.new_page()
        page.goto(_deck(deck_dir, lesson).as_uri(), timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(".reveal.ready", state="attached", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(MATHJAX_DONE, timeout=PAGE_TIMEOUT_MS)
        noted = page.evaluate(NOTED_SLIDES.replace("REVEAL", _reveal_url()))
        notes_cells = [cell for cell in _cells(lesson) if _slide_type(cell) == "notes"]
        assert len(noted) == len(notes_cells), f"{lesson.name}: {len(notes_cells)} notes cells, {len(noted)} shown"
        first, second = noted[:2]
        # The deck shows the notes cell's words (its Markdown rendered).
        first_word = _words("".join(notes_cells[0]["source"])).split()[0].strip("*_")
        assert first_word in first["text"], (first_word, first["text"])
        goto = "([h, v]) => new Promise(resolve => require([REVEAL], Reveal => resolve(Reveal.slide(h, v))))"
        page.evaluate(goto.replace("REVEAL", _reveal_url()), [first["h"], first["v"]])
        with page.expect_popup(timeout=PAGE_TIMEOUT_MS) as opened:
            page.keyboard.press("s")
        view = opened.value
        for slide in (first, second):
            if slide is second:
                page.evaluate(goto.replace("REVEAL", _reveal_url()), [slide["h"], slide["v"]])
            view.wait_for_function(
                "([selector, text]) => document.querySelector(selector) && "
                "document.querySelector(selector).textContent.replace(/\\s+/g, ' ').trim() === text",
                arg=[SPEAKER_NOTES, _words(slide["text"])], timeout=PAGE_TIMEOUT_MS)
            # Its maths look as on the deck: MathJax's style sheets came along (else each shows twice, unstyled).
            maths = view.evaluate(VIEW_MATHS, SPEAKER_NOTES)
            assert len(maths) == slide["maths"] and not any(maths), f"{lesson.name} {slide}: {maths}"
        # The preview of the current slide is the deck itself, at the same slide.
        preview = view.locator("#current-slide iframe").element_handle().content_frame()
        at = ("([h, v]) => window.require && new Promise(resolve => require([REVEAL], Reveal => resolve("
              "Reveal.isReady() && Reveal.getIndices().h === h && Reveal.getIndices().v === v)))")
        preview.wait_for_function(at.replace("REVEAL", _reveal_url()), arg=[second["h"], second["v"]],
                                  timeout=PAGE_TIMEOUT_MS)
    finally:
        context.close()
    assert not remote, f"the deck or its speaker view went to the network: {remote}"
    assert not errors, errors


def slide_style():
    """The slide style's settings (``name: value`` lines of tools/slides/slides.mplstyle)."""
    lines = SLIDES.style.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("#")[0].split(":", 1) for line in lines)
    return {pair[0].strip(): pair[1].strip() for pair in pairs if len(pair) == 2}


def _linked_sliders(deck):
    """How many of a deck's sliders are linked in the front end (jslink), and how many sliders in all."""
    text = deck.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.DOTALL)
    state = json.loads(found[1])["state"] if found else {}
    sliders = {key for key, model in state.items() if model["model_name"].endswith("SliderModel")}
    linked = set()
    for model in state.values():
        if model["model_name"] in ("LinkModel", "DirectionalLinkModel"):
            for end in ("source", "target"):
                linked.add(model["state"][end][0].removeprefix("IPY_MODEL_"))
    return len(sliders & linked), len(sliders)


@pytest.mark.build
@pytest.mark.browser
@lesson_params
def test_sliders_move_and_change_their_image(browser, deck_dir, lesson):
    """With no kernel, every slider is linked in the front end and changes its slide's image when it moves."""
    deck = _deck(deck_dir, lesson)
    moved, trouble = _open_deck(browser, deck, MOVE_SLIDERS)
    assert not trouble, trouble
    linked, total = _linked_sliders(deck)
    assert linked == total, f"{total - linked} of {total} sliders need a kernel to move"
    assert len(moved) == total, f"{total} sliders in the widget state, {len(moved)} on the slides"
    stuck = [entry["slide"] for entry in moved if not entry["changed"]]
    assert not stuck, f"sliders that did not change their image: {stuck}"


# Go to the first slide that holds a slider; return its reveal.js indices.
FIRST_SLIDER_SLIDE = """() => new Promise(resolve => require([REVEAL], Reveal => {
    for (const [h, column] of Reveal.getHorizontalSlides().entries()) {
        for (let v = 0; v < Math.max(1, column.querySelectorAll(':scope > section').length); v++) {
            Reveal.slide(h, v);
            if (Reveal.getCurrentSlide().querySelector('.widget-slider .noUi-handle')) return resolve([h, v]);
        }
    }
    resolve(null);
}))"""

SLIDE_INDICES = "() => new Promise(resolve => require([REVEAL], Reveal => resolve(Reveal.getIndices())))"


@pytest.mark.build
@pytest.mark.browser
def test_arrow_keys_step_a_clicked_slider_and_leave_the_slide_alone(browser, deck_dir):
    """A lecturer clicks a slider and presses the arrow keys: the slider steps, the deck stays on its slide;
    after a click beside the slider, the arrow keys page through the deck again."""
    lesson = next(path for path in LESSONS if _linked_sliders(_deck(deck_dir, path))[1])
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(_deck(deck_dir, lesson).as_uri(), timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(".reveal.ready", state="attached", timeout=PAGE_TIMEOUT_MS)
        page.wait_for_function(WIDGETS_DRAWN, timeout=PAGE_TIMEOUT_MS)
        h, v = page.evaluate(FIRST_SLIDER_SLIDE.replace("REVEAL", _reveal_url()))
        readout = page.locator(".present .widget-readout").first
        before = readout.inner_text()
        page.locator(".present .widget-slider .noUi-handle").first.click()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        at = page.evaluate(SLIDE_INDICES.replace("REVEAL", _reveal_url()))
        assert (at["h"], at["v"]) == (h, v), f"{lesson.name}: the arrow key left the slider's slide #/{h}/{v}"
        assert readout.inner_text() != before, f"{lesson.name}: the slider did not step"
        page.mouse.click(5, 5)   # beside the slider: the deck has the keys again
        page.keyboard.press("ArrowRight")
        page.wait_for_function("([h, v]) => new Promise(resolve => require([REVEAL], Reveal => resolve("
                               "Reveal.getIndices().h !== h || Reveal.getIndices().v !== v)))"
                               .replace("REVEAL", _reveal_url()), arg=[h, v], timeout=PAGE_TIMEOUT_MS)
    finally:
        page.close()


PDF_PAGE = re.compile(rb"/Type\s*/Page\b")


@pytest.mark.build
def test_every_deck_has_a_handout(built):
    output = built[0]
    for lesson in LESSONS:
        handout = output / handout_name(lesson.name)
        assert handout.is_file() and handout.read_bytes().startswith(b"%PDF"), f"{handout.name} was not written"


@pytest.mark.build
def test_a_handout_has_a_page_per_slide(built):
    output, decks, _, _ = built
    for lesson, deck in zip(LESSONS, decks):
        handout = output / handout_name(lesson.name)
        pages = len(PDF_PAGE.findall(handout.read_bytes()))
        assert pages == parse_deck(deck).leaves, f"{handout.name}: {pages} pages for {parse_deck(deck).leaves} slides"


def test_folded_hints_stay_folded_on_the_slides():
    """A `<details>` hints cell reaches the deck as one block: its steps inside it, rendered, not below it."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(
        "<details><summary>Hints, step by step</summary>\n\n1. **First** $a_{nk}$\n2. Second\n\n</details>",
        metadata={"slideshow": {"slide_type": "slide"}})]
    html, _ = slides_exporter().from_notebook_node(exercises_for_slides(notebook))
    folded = re.search(r"<details><summary>Hints, step by step</summary>(.*?)</details>", html, re.DOTALL)
    assert folded and "<li><strong>First</strong> $a_{nk}$</li>" in folded[1], html[html.find("<details>"):][:300]

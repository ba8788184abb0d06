"""The course website (``course.site``, ``make site``): built once per session, every page opened in Chromium.

The browser is offline: every request that is not ``file://`` is aborted and
recorded, and the tests assert there were none. The build needs ``.venv-site``
and the npm assets of ``course/assets`` (``make site`` or
``make test`` makes them); without them, or without Chromium, the browser tests skip with a hint,
and fail under ``CI=true``.

A tiny course of one notebook, executed here with the widget state of an
``IntSlider`` jslinked to an ``IntText`` and a ``Stack`` of two images, checks
that sliders rendered from stored widget state work on a page with no kernel.
"""

import base64
import dataclasses
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from browser_support import find_chromium, frame_stacks, launch_chromium, move_frame_sliders, skip_or_fail

from course.assets import AssetsError
from course.manifest import read_lessons
from course.site import (
    WIDGET_STATE,
    WIDGET_VIEW,
    SiteError,
    build_site,
    check_assets,
    toc_yaml,
    without_dead_widget_views,
)
from gmm_lessons.widgets import CANVAS_CLASS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LESSONS = [lesson.path.stem for lesson in read_lessons(NOTEBOOKS)]
RAW_DOLLAR_MATHS = re.compile(r"\$[^$\s][^$]*\$")
PAGE_TIMEOUT_MS = 30_000


def image_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"
            and any(key.startswith("image/") for output in cell.get("outputs", []) for key in output.get("data", {}))]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_figure_of_a_lesson_has_alt_text_in_its_cell(lesson):
    notebook = nbformat.read(NOTEBOOKS / f"{lesson}.ipynb", as_version=4)
    missing = [cell.id for cell in image_cells(notebook)
               if not cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "").strip()]
    assert image_cells(notebook) or lesson == "00_welcome", "a lesson without figures: is the test reading outputs?"
    assert not missing, f"{lesson}: figure cells without mystnb.image.alt metadata: {missing}"


def test_toc_lists_the_lessons_in_manifest_order_with_the_first_as_home():
    course = read_lessons(NOTEBOOKS)
    toc = toc_yaml(course)
    stems = [Path(lesson.file).stem for lesson in course]
    assert f"root: {stems[0]}" in toc
    assert re.findall(r"- file: (\S+)", toc) == stems[1:]


def test_toc_puts_the_appendices_in_a_part_after_the_lessons():
    lesson = read_lessons(NOTEBOOKS)[0]
    course = [dataclasses.replace(lesson, file=name, appendix=name.startswith("A"))
              for name in ("00_a.ipynb", "01_b.ipynb", "A1_c.ipynb")]
    assert toc_yaml(course).splitlines() == [
        "format: jb-book", "root: 00_a", "parts:",
        "- caption: Lessons", "  chapters:", "  - file: 01_b",
        "- caption: Appendices", "  chapters:", "  - file: A1_c",
    ]


def test_widget_views_are_dropped_only_when_no_widget_state_is_stored():
    output = nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": "a"}, "image/png": "AA=="})
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=[output])])
    stripped = without_dead_widget_views(notebook)
    assert list(stripped.cells[0].outputs[0].data) == ["image/png"]
    assert WIDGET_VIEW in notebook.cells[0].outputs[0].data  # the input is not modified
    notebook.metadata["widgets"] = {WIDGET_STATE: {"state": {"a": {}}}}
    assert WIDGET_VIEW in without_dead_widget_views(notebook).cells[0].outputs[0].data


# --------------------------------------------------------------------------
# Built sites, in Chromium
# --------------------------------------------------------------------------


def _require_site_tools():
    try:
        check_assets()
    except (SiteError, AssetsError) as error:
        skip_or_fail(f"cannot build the website: {error}")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    _require_site_tools()
    find_chromium()
    output = tmp_path_factory.mktemp("site") / "site"
    build_site(NOTEBOOKS, output)
    return output


def _png(colour):
    import io

    import matplotlib.pyplot as plt

    figure, ax = plt.subplots(figsize=(1, 1))
    ax.set_facecolor(colour)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


WIDGET_SOURCE = """\
import base64, ipywidgets as w
images = [w.Image(value=base64.b64decode(png), format="png", layout=w.Layout(width=f"{60 + 30 * i}px"))
          for i, png in enumerate(PNGS)]
slider = w.IntSlider(value=0, min=0, max=1, description="frame")
text = w.IntText(value=0)
stack = w.Stack(images, selected_index=0)
w.jslink((slider, "value"), (text, "value"))
w.jslink((slider, "value"), (stack, "selected_index"))
w.VBox([slider, text, stack])
"""


# A slider figure the browser computes and draws (an anywidget: its module must load from the site).
CANVAS_SOURCE = """\
import gmm_lessons as gl
from gmm_lessons import widgets
X, _ = gl.seed_dataset()
fit = gl.fit_gmm(X, 3, rng=0, max_iter=5)
widgets.responsibility_explorer(X, fit.weights, fit.means, fit.covariances)
"""


@pytest.fixture(scope="session")
def widget_site(tmp_path_factory):
    """A one-page course whose notebook stores the state of core widgets linked in the front end, and of
    a canvas slider figure (gmm_lessons.widgets.MixtureCanvas)."""
    _require_site_tools()
    find_chromium()
    from nbclient import NotebookClient

    source = tmp_path_factory.mktemp("widget-course")
    pngs = [_png("#0072B2"), _png("#D55E00")]
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 00 · Widgets"),
        nbformat.v4.new_code_cell(f"PNGS = {pngs!r}\n" + WIDGET_SOURCE),
        nbformat.v4.new_code_cell(CANVAS_SOURCE),
    ])
    NotebookClient(notebook, timeout=120, store_widget_state=True).execute()
    nbformat.write(notebook, source / "00_widgets.ipynb")
    manifest = '[[lesson]]\nfile = "00_widgets.ipynb"\ntitle = "00 · Widgets"\nlearn = "a test"\n'
    (source / "lessons.toml").write_text(manifest, encoding="utf-8")
    output = tmp_path_factory.mktemp("widget-site") / "site"
    build_site(source, output)
    return output


class OfflinePage:
    """A Chromium page that aborts and records every request leaving ``file://``, and records errors."""

    def __init__(self, page):
        self.page = page
        self.remote, self.missing, self.errors = [], [], []
        page.route("**/*", self._route)
        page.on("requestfailed", self._failed)
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _failed(self, request):
        # Sphinx's search fetches result pages for their summaries, which Chromium refuses from file://;
        # a failure counts as missing only when the file is not there.
        if request.url.startswith("file://") and not Path(unquote(urlparse(request.url).path)).exists():
            self.missing.append(request.url)

    def _route(self, route):
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            self.remote.append(route.request.url)
            route.abort()

    def open(self, path):
        self.page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)
        return self.page

    def assert_clean(self):
        assert not self.remote, f"requests left the machine: {self.remote}"
        assert not self.missing, f"missing same-site resources: {self.missing}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright, find_chromium())
        yield chromium
        chromium.close()


@pytest.fixture()
def offline(browser):
    context = browser.new_context(service_workers="block")
    yield lambda: OfflinePage(context.new_page())
    context.close()


def _wait_for_maths(page):
    page.wait_for_function(
        "() => !document.querySelector('.math') || document.querySelectorAll('mjx-container').length > 0",
        timeout=PAGE_TIMEOUT_MS)


@pytest.mark.build
@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_a_lesson_page_is_offline_with_maths_alt_text_and_downloads(site, offline, lesson):
    tab = offline()
    page = tab.open(site / f"{lesson}.html")
    _wait_for_maths(page)
    article = page.locator("article")
    text = page.evaluate("""() => { const a = document.querySelector('article').cloneNode(true);
        a.querySelectorAll('pre, code, mjx-container, script').forEach(e => e.remove()); return a.innerText; }""")
    assert not RAW_DOLLAR_MATHS.search(text), f"raw maths left: {RAW_DOLLAR_MATHS.search(text).group()}"
    if article.locator(".math").count():
        assert page.locator("mjx-container").count() > 0
    alts = page.eval_on_selector_all("img", "images => images.map(i => [i.getAttribute('src'), i.getAttribute('alt')])")
    without = [src for src, alt in alts if not (alt or "").strip() or alt == src]
    assert not without, f"images without alt text: {without}"
    downloads = page.eval_on_selector_all("a.download", "links => links.map(a => a.getAttribute('href'))")
    assert len(downloads) == 2, downloads
    for href in downloads:
        assert not href.startswith(("/", "http")), href
        target = (site / href).resolve()
        assert target.is_file() and target.name == f"{lesson}.ipynb", href
    assert page.locator("nav.bd-docs-nav a").count() >= len(LESSONS) - 1  # the contents sidebar
    tab.assert_clean()


@pytest.mark.build
def test_the_student_copy_has_no_solutions_and_the_lesson_copy_does(site):
    lesson = nbformat.read(NOTEBOOKS / "03_e_step.ipynb", as_version=4)
    copies = [nbformat.read(path, as_version=4) for path in site.glob("_downloads/*/03_e_step.ipynb")]
    assert sorted(copy == lesson for copy in copies) == [False, True]
    student = next(copy for copy in copies if copy != lesson)
    assert all("### BEGIN SOLUTION" not in cell.source for cell in student.cells)


@pytest.mark.build
@pytest.mark.browser
def test_search_for_responsibilities_finds_the_lessons(site, offline):
    tab = offline()
    page = tab.open(site / "search.html")
    page.goto(page.url + "?q=responsibilities", wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('#search-results li').length > 0", timeout=PAGE_TIMEOUT_MS)
    found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert any("03_e_step" in href for href in found), found
    tab.assert_clean()


@pytest.mark.build
@pytest.mark.browser
def test_a_stored_slider_changes_its_linked_widgets_without_kernel_or_network(widget_site, offline):
    tab = offline()
    page = tab.open(widget_site / "00_widgets.html")
    page.wait_for_selector(".widget-slider .noUi-handle", timeout=PAGE_TIMEOUT_MS)
    text = page.locator(".widget-text input")
    # The Stack shows only its selected image; the two images differ in width (60 and 90 px).
    shown_width = "() => [...document.querySelectorAll('img.widget-image')].map(i => i.getBoundingClientRect().width)"
    assert text.input_value() == "0" and page.evaluate(shown_width) == [60]
    page.locator(".widget-slider .noUi-handle").first.focus()  # the frame slider (the canvas figure's come next)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.widget-text input').value === '1'", timeout=5_000)
    page.wait_for_function(f"() => ({shown_width})().join() === '90'", timeout=5_000)
    tab.assert_clean()


@pytest.mark.build
@pytest.mark.browser
def test_a_canvas_slider_draws_and_redraws_without_kernel_or_network(widget_site, offline):
    """The anywidget's front end loads from the site's vendor/npm/, and its canvas follows its slider."""
    tab = offline()
    page = tab.open(widget_site / "00_widgets.html")
    canvas = f".{CANVAS_CLASS}"
    drawn = f"() => !!document.querySelector('{canvas}') && !!document.querySelector('{canvas}').dataset.draws"
    page.wait_for_function(drawn, timeout=PAGE_TIMEOUT_MS)
    pixels = f"() => document.querySelector('{canvas} canvas').toDataURL()"
    before, draws = page.evaluate(pixels), int(page.get_attribute(canvas, "data-draws"))
    handle = page.locator(f".widget-vbox:has({canvas}) .widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => Number(document.querySelector('{canvas}').dataset.draws) > {draws}", timeout=5_000)
    assert page.evaluate(pixels) != before
    tab.assert_clean()


WIDGET_STATE_SCRIPT = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.DOTALL)


def _page_widget_state(page_path):
    """The widget models a page embeds (model id -> model); empty when it embeds none."""
    found = WIDGET_STATE_SCRIPT.search(page_path.read_text(encoding="utf-8"))
    return json.loads(found.group(1))["state"] if found else {}


@pytest.mark.build
@pytest.mark.browser
def test_every_frame_slider_of_every_lesson_page_moves_without_kernel_or_network(site, browser):
    """The site executes the lessons with their widget state: on the pages the frame sliders work offline."""
    states = {lesson: _page_widget_state(site / f"{lesson}.html") for lesson in LESSONS}
    with_frames = [lesson for lesson, state in states.items() if frame_stacks(state)]
    assert len(with_frames) >= 3, f"pages with frame sliders: {with_frames}"  # iterations, restarts, the k-means limit
    moved = sum(move_frame_sliders(browser, site / f"{lesson}.html", states[lesson]) for lesson in with_frames)
    assert moved >= len(with_frames)

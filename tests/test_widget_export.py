"""Lessons exported to HTML with their widget state: the frame sliders work with no kernel, offline.

Every lesson is executed once with its widget state stored
(``course.execute.WIDGETS``, through the session's cache of executed
lessons) and written as a page into a temporary folder with the vendored
widget manager, require.js and MathJax. The checks without a browser read
the state and the page; the browser test opens every page from ``file://``
in headless Chromium with every request that is not a local file aborted and
recorded, and moves every frame slider (the sliders of a
``gmm_lessons.widgets.FrameSliderFigure``) with the keyboard: its readout,
caption and visible image must change, and no request may have tried to
leave the machine. Needs the npm packages of ``course/assets`` (installed
with ``npm ci`` when missing).
"""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from browser_support import (
    ensure_npm_assets,
    find_chromium,
    frame_stacks,
    launch_chromium,
    move_frame_sliders,
    offline_page,
    widget_models,
)

from course.assets import (
    ASSETS_DIR,
    REQUIRE_ANYWIDGET_URL,
    WIDGET_MANAGER_URL,
    AssetsError,
    check_installed,
    copy_page_assets,
)
from course.execute import WIDGETS, executed
from course.manifest import read_lessons
from course.pages import export_html
from course.publish import remote_resources
from gmm_lessons import widgets

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [lesson.path for lesson in read_lessons(ROOT / "notebooks")]
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{lesson path: (executed notebook, page path)}, and the lessons' digests before and after."""
    ensure_npm_assets(ASSETS_DIR, check_installed, AssetsError)
    output = tmp_path_factory.mktemp("html")
    copy_page_assets(output)
    digest = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in LESSONS}
    pages = {}
    for path in LESSONS:
        notebook = executed(path, WIDGETS)
        pages[path] = (notebook, export_html(notebook, output / f"{path.stem}.html"))
    after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in LESSONS}
    return pages, digest, after


def _state(notebook):
    """The widget models a notebook stores, by model id."""
    return notebook.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})


def test_exporting_leaves_the_lessons_untouched(exported):
    _, before, after = exported
    assert before == after


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_the_page_holds_the_widget_state_and_loads_only_local_files(exported, lesson):
    notebook, page = exported[0][lesson]
    state = _state(notebook)
    # A jsdlink per frame Stack (its slider) and per slider of a canvas (gmm_lessons.widgets.MixtureCanvas).
    targets = [state[link["state"]["target"][0].removeprefix("IPY_MODEL_")]
               for link in widget_models(state, "DirectionalLinkModel")]
    canvases = [model for model in widget_models(state, "AnyModel")
                if widgets.CANVAS_CLASS in model["state"]["_dom_classes"]]
    assert sum(target in frame_stacks(state) for target in targets) == len(frame_stacks(state))
    assert all(target in frame_stacks(state) or target in canvases for target in targets)
    html = page.read_text(encoding="utf-8")
    assert remote_resources(html) == []
    stored = html.split('<script type="application/vnd.jupyter.widget-state+json">')
    if not state:  # a lesson with no widget (an appendix: import gmm_lessons makes none) ships no state
        assert len(stored) == 1 and WIDGET_MANAGER_URL not in html
        return
    assert f'var widgetRendererSrc = \'{WIDGET_MANAGER_URL}\'' in html
    assert (page.parent / WIDGET_MANAGER_URL).is_file()
    assert json.loads(stored[1].split("</script>")[0])["state"] == state


def test_the_frame_sliders_are_in_the_lessons_that_scrub_stored_states(exported):
    with_frames = sorted(path.stem for path, (notebook, _) in exported[0].items() if frame_stacks(_state(notebook)))
    assert len(with_frames) >= 3, with_frames  # EM iterations, restarts, the k-means limit at least


@pytest.mark.browser
def test_every_frame_slider_moves_its_image_with_no_kernel_and_no_network(exported):
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    moved = 0
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        try:
            for notebook, path in exported[0].values():
                moved += move_frame_sliders(browser, path, _state(notebook))
        finally:
            browser.close()
    assert moved >= 3




# One notebook with every explorer that computes in the browser, on the seed data and its generating mixture.
CANVAS_NOTEBOOK = """import numpy as np
import gmm_lessons as gl
from gmm_lessons import widgets
from gmm_lessons.datasets import SEED_DATASET_COMPONENTS
X, _ = gl.seed_dataset()
mixture = (np.full(3, 1 / 3), np.array([m for m, _ in SEED_DATASET_COMPONENTS]),
           np.array([c for _, c in SEED_DATASET_COMPONENTS]))
built = [widgets.responsibility_explorer(X, *mixture, component=1), widgets.likelihood_explorer(X, *mixture),
         widgets.em_step_explorer(X, *mixture, component=2), widgets.sampling_explorer(*mixture, rng=5)]
display(*built)"""

# For every canvas widget: its caption's text, its draw count, and what its module computed (see mixture_canvas.js).
CANVASES = f"""() => Array.from(document.querySelectorAll('.{widgets.CANVAS_CLASS}')).map((el) => ({{
    caption: el.querySelector('.gmm-canvas-caption').textContent,
    draws: Number(el.dataset.draws),
    pixels: el.querySelector('canvas').toDataURL(),
    state: el.querySelector('canvas').gmmState,
}}))"""


def _kernel_twin(namespace, index, values):
    """The notebook's explorer ``index`` rebuilt here with its sliders at ``values``: what the kernel would show."""
    exec(CANVAS_NOTEBOOK.replace("display(*built)", ""), namespace)  # noqa: S102 - the test's own notebook
    widget = namespace["built"][index]
    for name, value in values.items():
        widget.sliders[name].value = value
    return widget


@pytest.mark.browser
def test_the_computing_explorers_move_and_compute_as_the_package_with_no_kernel_and_no_network(tmp_path):
    """Each canvas slider of an exported page redraws its canvas offline, and its caption and numbers are
    those the package computes for the same slider values (e_step, m_step, the sampled labels)."""
    import re

    import nbformat
    from playwright.sync_api import sync_playwright

    import gmm_lessons as gl

    ensure_npm_assets(ASSETS_DIR, check_installed, AssetsError)
    chromium = find_chromium()
    copy_page_assets(tmp_path)
    notebook_path = tmp_path / "canvas.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CANVAS_NOTEBOOK)]), notebook_path)
    page_path = export_html(executed(notebook_path, WIDGETS), tmp_path / "c.html")
    assert f'<script src="{REQUIRE_ANYWIDGET_URL}">' in page_path.read_text(encoding="utf-8")

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page, left_machine, errors = offline_page(browser)
        try:
            page.goto(page_path.as_uri())
            page.wait_for_function(f"""() => Array.from(document.querySelectorAll('.{widgets.CANVAS_CLASS}'))
                .filter((el) => el.dataset.draws).length === 4""", timeout=60_000)
            sliders = page.locator(".widget-slider")
            first_slider = [0, 2, 4, 6]  # two sliders for a mean, five for the sampling explorer
            for index, slider_index in enumerate(first_slider):
                before = page.evaluate(CANVASES)[index]
                handle = sliders.nth(slider_index).locator(".noUi-handle")
                handle.scroll_into_view_if_needed()
                handle.focus()
                for _ in range(3):
                    page.keyboard.press("ArrowRight")
                page.wait_for_function(f"""() => Number(document.querySelectorAll('.{widgets.CANVAS_CLASS}')[{index}]
                    .dataset.draws) >= {before['draws'] + 3}""", timeout=10_000)
                after = page.evaluate(CANVASES)[index]
                assert after["pixels"] != before["pixels"], f"canvas {index} did not change"
                values = after["state"]["values"]
                assert values != before["state"]["values"]
                twin = _kernel_twin({}, index, values)
                kernel_caption = re.sub(r"<[^>]+>", "", twin.caption.value)
                assert after["caption"] == kernel_caption, index
                if index in (0, 2):
                    canvas = twin.canvas
                    expected = gl.e_step(np.array(canvas.X), canvas.weights, after["state"]["means"],
                                         canvas.covariances)
                    np.testing.assert_allclose(after["state"]["responsibilities"], expected, atol=1e-9)
                if index == 3:
                    np.testing.assert_allclose(after["state"]["samples"],
                                               twin.artists["points"].get_offsets(), atol=1e-9)
            assert not left_machine, f"the page tried to load from the network: {left_machine}"
            assert not errors, f"errors in the page: {errors}"
        finally:
            browser.close()

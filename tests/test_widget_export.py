"""Lessons exported to HTML with their widget state: the frame sliders work with no kernel, offline.

Every lesson is executed once with ``tools/widget_state.py`` (widget state
stored) and written as a page into a temporary folder with the vendored
widget manager, require.js and MathJax. The checks without a browser read
the state and the page; the browser test opens every page from ``file://``
in headless Chromium with every request that is not a local file aborted and
recorded, and moves every frame slider (the sliders of a
``gmm_lessons.widgets.FrameSliderFigure``) with the keyboard: its readout,
caption and visible image must change, and no request may have tried to
leave the machine. Needs the npm packages of ``tools/slides`` and
``tools/html_manager`` (installed with ``npm ci`` when missing).
"""

import hashlib
import json
from pathlib import Path

import lessons
import pytest
import slides
import widget_state
from browser_support import (
    ensure_npm_assets,
    find_chromium,
    frame_stacks,
    launch_chromium,
    move_frame_sliders,
    widget_models,
)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [lesson.path for lesson in lessons.read_lessons(ROOT / "notebooks")]
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{lesson path: (executed notebook, page path)}, and the lessons' digests before and after."""
    ensure_npm_assets(slides.ASSETS_DIR, slides.check_assets, slides.SlidesError)
    ensure_npm_assets(slides.WIDGET_ASSETS_DIR, slides.check_widget_assets, slides.SlidesError)
    output = tmp_path_factory.mktemp("html")
    widget_state.copy_vendor(output)
    digest = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in LESSONS}
    pages = {}
    for path in LESSONS:
        notebook = widget_state.execute_with_widget_state(path)
        pages[path] = (notebook, widget_state.export_html(notebook, output / f"{path.stem}.html"))
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
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    assert len(widget_models(state, "DirectionalLinkModel")) == len(frame_stacks(state))  # one jsdlink each
    html = page.read_text(encoding="utf-8")
    assert slides.remote_resources(html) == []
    assert f'var widgetRendererSrc = \'{widget_state.HTML_MANAGER_URL}\'' in html
    assert (page.parent / widget_state.HTML_MANAGER_URL).is_file()
    assert json.loads(html.split('<script type="application/vnd.jupyter.widget-state+json">')[1]
                      .split("</script>")[0])["state"] == state


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



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
import time
from pathlib import Path

import lessons
import pytest
import slides
import widget_state
from browser_support import IMAGE_DIGEST, ensure_npm_assets, find_chromium, launch_chromium

from gmm_lessons.widgets import FRAMES_CLASS

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [lesson.path for lesson in lessons.read_lessons(ROOT / "notebooks")]
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
KEY_PRESSES = 3
RENDER_TIMEOUT_MS = 60_000
SLIDER_TIMEOUT_S = 10.0  # no kernel: a frame changes within milliseconds


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """{lesson path: (executed notebook, page path)}, and the lessons' digests before and after."""
    ensure_npm_assets(slides.ASSETS_DIR, slides.check_assets, slides.SlidesError)
    ensure_npm_assets(widget_state.HTML_MANAGER_DIR, lambda: slides.check_assets(
        widget_state.HTML_MANAGER_MODULES, widget_state.HTML_MANAGER_DIR), slides.SlidesError)
    output = tmp_path_factory.mktemp("html")
    widget_state.copy_vendor(output)
    digest = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in LESSONS}
    pages = {}
    for path in LESSONS:
        notebook = widget_state.execute_with_widget_state(path)
        pages[path] = (notebook, widget_state.export_html(notebook, output / f"{path.stem}.html"))
    after = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in LESSONS}
    return pages, digest, after


def _models(notebook, name_ending):
    """The widget models of a notebook's state whose model name ends with ``name_ending``."""
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
    return [model for model in state.values() if model["model_name"].endswith(name_ending)]


def _frame_widgets(notebook):
    """The models of the frame Stacks in a notebook's widget state."""
    return [model for model in _models(notebook, "StackModel") if FRAMES_CLASS in model["state"]["_dom_classes"]]


def test_exporting_leaves_the_lessons_untouched(exported):
    _, before, after = exported
    assert before == after


@pytest.mark.parametrize("lesson", LESSONS, ids=[path.stem for path in LESSONS])
def test_the_page_holds_the_widget_state_and_loads_only_local_files(exported, lesson):
    notebook, page = exported[0][lesson]
    state = notebook.metadata["widgets"][WIDGET_STATE_MIME]["state"]
    assert len(_models(notebook, "DirectionalLinkModel")) == len(_frame_widgets(notebook))  # one jsdlink each
    html = page.read_text(encoding="utf-8")
    assert slides.remote_resources(html) == []
    assert f'var widgetRendererSrc = \'{widget_state.HTML_MANAGER_URL}\'' in html
    assert (page.parent / widget_state.HTML_MANAGER_URL).is_file()
    assert json.loads(html.split('<script type="application/vnd.jupyter.widget-state+json">')[1]
                      .split("</script>")[0])["state"] == state


def test_the_frame_sliders_are_in_the_lessons_that_scrub_stored_states(exported):
    with_frames = sorted(path.stem for path, (notebook, _) in exported[0].items() if _frame_widgets(notebook))
    assert len(with_frames) >= 3, with_frames  # EM iterations, restarts, the k-means limit at least


# For every slider in a frame widget (its box holds a frame Stack): readout, caption texts, image digests.
FRAME_SLIDERS = f"""async () => {{
    const digest = {IMAGE_DIGEST};
    const result = [];
    for (const slider of document.querySelectorAll('.widget-slider')) {{
        let box = slider.parentElement;
        while (box && !box.querySelector('.{FRAMES_CLASS}')) box = box.parentElement;
        if (!box) continue;
        const images = [];
        for (const img of box.querySelectorAll('.{FRAMES_CLASS} img')) images.push(await digest(img));
        result.push({{
            readout: slider.querySelector('.widget-readout').innerText.trim(),
            captions: Array.from(box.querySelectorAll('.{FRAMES_CLASS} .widget-html')).map((n) => n.innerText.trim()),
            images: images,
        }});
    }}
    return result;
}}"""


def _frame_sliders(page):
    return page.evaluate(FRAME_SLIDERS)


@pytest.mark.browser
def test_every_frame_slider_moves_its_image_with_no_kernel_and_no_network(exported):
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    moved = 0
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        try:
            for notebook, path in exported[0].values():
                n_sliders = len(_models(notebook, "SliderModel"))
                moved += _check_page(browser, path, len(_frame_widgets(notebook)), n_sliders)
        finally:
            browser.close()
    assert moved >= 3


def _check_page(browser, path, n_frames, n_sliders):
    """Open one page offline, move each of its frame sliders; returns how many moved."""
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    left_machine, errors = [], []

    def route(request_route):
        if request_route.request.url.startswith(("file://", "blob:", "data:")):
            request_route.continue_()
        else:
            left_machine.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(path.as_uri())
        # Every slider of the state renders (kernel-backed ones too; they only cannot redraw), and every frame.
        page.wait_for_function(f"""() => document.querySelectorAll('.widget-slider').length >= {n_sliders}
            && document.querySelectorAll('.{FRAMES_CLASS} img').length >= {n_frames}""", timeout=RENDER_TIMEOUT_MS)
        sliders = _frame_sliders(page)
        assert len(sliders) >= n_frames, f"{path.name}: {n_frames} frame widgets, {len(sliders)} sliders shown"
        handles = page.locator(".widget-slider")
        frame_indices = page.evaluate(f"""() => Array.from(document.querySelectorAll('.widget-slider'))
            .map((slider, index) => [slider, index])
            .filter(([slider]) => {{ let box = slider.parentElement;
                while (box && !box.querySelector('.{FRAMES_CLASS}')) box = box.parentElement; return !!box; }})
            .map(([, index]) => index)""")
        for position, index in enumerate(frame_indices):
            before = sliders[position]
            handle = handles.nth(index).locator(".noUi-handle")
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(KEY_PRESSES):
                page.keyboard.press("ArrowRight")
            deadline = time.monotonic() + SLIDER_TIMEOUT_S
            while (after := _frame_sliders(page)[position])["images"] == before["images"]:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            name = f"{path.name} slider {index + 1}"
            assert after["readout"] != before["readout"], f"{name}: readout stayed at {before['readout']!r}"
            assert after["captions"] != before["captions"], f"{name}: caption stayed {before['captions']}"
            assert after["images"] != before["images"] and all(after["images"]), f"{name}: image unchanged"
        assert not left_machine, f"{path.name} tried to load from the network: {left_machine}"
        assert not errors, f"{path.name}: errors in the page: {errors}"
        return len(frame_indices)
    finally:
        page.close()

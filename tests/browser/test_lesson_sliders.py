"""Every lesson with sliders, run in JupyterLab in headless Chromium, with every slider moved.

For each lesson that shows widgets, the test opens it in a real JupyterLab
(see conftest.py), runs all cells, and fails on any error or stderr output
(but the expected "not implemented yet" of a check under an exercise's stub),
on a cell that did not run, on a widget that did not render, and on any
console error or uncaught exception in the page. Then it moves every slider
a few steps with the keyboard, as a person would, and checks that the
slider's readout changed and that the figure it controls was redrawn: the
bytes of the image next to it changed (the pixels of a canvas the browser
draws; or, for a widget without an image, its caption or label text). Nothing may reach the notebook's log console
(where exceptions raised in a slider's callback end up).

Evidence goes to build/browser-screenshots/<lesson>/: a screenshot of each
widget before and after its sliders moved, the page at the end (or at the
failure), and sliders.json with every readout, caption and image hash
before and after.
"""

import json
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the fixtures skip (or fail, under CI=true) without playwright
    PlaywrightError = OSError

from browser_support import IMAGE_DIGEST

from course.manifest import read_lessons

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# A lesson builds its sliders with `widgets.<builder>(...)` (gmm_lessons.widgets or ipywidgets).
WIDGET_CALL = re.compile(r"\bwidgets\.\w+\(")

OPEN_TIMEOUT_MS = 120_000  # page load, kernel start
RUN_ALL_TIMEOUT_MS = 300_000  # the slowest lesson runs in well under a minute here
SLIDER_TIMEOUT_S = 30.0  # from a key press to the redrawn figure; usually well under a second
SETTLE_S = 0.3  # the widget must stay unchanged this long before it is measured
KEY_PRESSES = 3

# Console messages of type "error" that are not a fault of the lessons. Keep this empty unless an
# entry is justified precisely: every console error fails the test.
CONSOLE_ERROR_ALLOW = ()


def _lessons_with_sliders():
    """Lessons of the manifest with a widget output or a cell that calls a widget builder."""
    for path in (lesson.path for lesson in read_lessons(NOTEBOOKS)):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (ValueError, KeyError):
            yield pytest.param(path.name, id=path.stem)  # the test fails on it rather than leave it out
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", ""))
            outputs = cell.get("outputs", [])
            if WIDGET_CALL.search(source) or any(WIDGET_VIEW_MIME in output.get("data", {}) for output in outputs):
                yield pytest.param(path.name, id=path.stem)
                break


LESSONS = list(_lessons_with_sliders())


# --------------------------------------------------------------------------
# JavaScript run in the page. The notebook panel under test is kept as window.__gmmPanel.
# --------------------------------------------------------------------------

PANEL_OPENED = """(name) => {
    const app = window.jupyterapp;
    const panel = app && app.shell && app.shell.currentWidget;
    if (!panel || !panel.context || !panel.context.path.endsWith(name) || !panel.sessionContext) return false;
    window.__gmmPanel = panel;
    return true;
}"""

KERNEL_IDLE = """() => {
    const kernel = window.__gmmPanel.sessionContext.session && window.__gmmPanel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && window.__gmmPanel.context.isReady;
}"""

RUN_ALL = """() => {
    window.__gmmRunAll = {done: false};
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        (result) => { window.__gmmRunAll = {done: true, result: result}; },
        (error) => { window.__gmmRunAll = {done: true, error: String(error)}; });
}"""

# Every code cell that has code has run. JupyterLab's run-all can answer (false) as soon as a cell tagged
# raises-exception has failed, while it goes on running the cells after it; and the kernel is idle for a
# moment between two cells. So wait for the last cell, not for the answer or the first idle moment.
ALL_CELLS_RAN = """() => window.__gmmPanel.content.widgets.every((cell) => cell.model.type !== 'code'
    || !cell.model.sharedModel.getSource().trim() || cell.model.executionCount !== null)"""

RUN_ALL_DONE = "() => window.__gmmRunAll.done && (" + ALL_CELLS_RAN + ")() && (" + KERNEL_IDLE + ")()"

# What ran and what went wrong, from the notebook's model and the rendered page.
NOTEBOOK_REPORT = """() => {
    const panel = window.__gmmPanel;
    const report = {kernel: panel.sessionContext.session.kernel.name, notRun: [], errors: [], domErrors: [],
                    expectedFailures: 0};
    panel.content.widgets.forEach((cell, index) => {
        if (cell.model.type !== 'code') return;
        const source = cell.model.sharedModel.getSource();
        if (source.trim() && cell.model.executionCount === null) report.notRun.push(index + 1);
        const outputs = cell.model.outputs;
        // A self-check under an exercise's stub fails until the learner writes the function: expected.
        const checkOfStub = (cell.model.getMetadata('tags') || []).includes('raises-exception');
        for (let i = 0; i < outputs.length; i++) {
            const output = outputs.get(i).toJSON();
            if (checkOfStub && output.output_type === 'error' && output.ename === 'CheckFailed'
                && String(output.evalue).includes('is not implemented yet')) {
                cell.node.dataset.gmmExpectedFailure = 'true';
                report.expectedFailures += 1;
            } else if (output.output_type === 'error') {
                report.errors.push(`cell ${index + 1}: ${output.ename}: ${output.evalue}`);
            } else if (output.output_type === 'stream' && output.name === 'stderr') {
                const text = [].concat(output.text).join('').slice(0, 500);
                report.errors.push(`cell ${index + 1} wrote to stderr: ${text}`);
            }
        }
    });
    const notebook = panel.content.node;
    for (const node of notebook.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')) {
        if (node.closest('[data-gmm-expected-failure]')) continue;
        report.domErrors.push('stderr/traceback output: ' + node.innerText.slice(0, 500));
    }
    for (const node of notebook.querySelectorAll('.jp-OutputArea-output')) {
        const text = node.innerText;
        if (/Error displaying widget|Error rendering/.test(text)) report.domErrors.push(text.slice(0, 300));
    }
    return report;
}"""

# Entries in the log console: output of the kernel that belongs to no cell, e.g. the traceback of
# an exception raised in a slider's callback.
LOG_COUNT = """() => {
    const item = document.querySelector('.jp-LogConsoleStatusItem');
    if (!item || item.classList.contains('lm-mod-hidden')) return 0;
    return parseInt(item.innerText.trim() || '0', 10) || 0;
}"""

LOG_TEXT = """async () => {
    await window.jupyterapp.commands.execute('logconsole:open', {insertMode: 'split-bottom'});
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const panel = document.querySelector('.jp-LogConsole');
    if (!panel) return '(log console not found)';
    const text = panel.innerText;  // a traceback ends with the exception: keep the end
    return text.length > 3000 ? text.slice(0, 500) + '\\n[...]\\n' + text.slice(-2500) : text;
}"""

SLIDERS = "() => window.__gmmPanel.content.node.querySelectorAll('.widget-slider').length"

# For every slider, in page order, the index of the output (one per displayed widget) it is in.
SLIDER_OUTPUTS = """() => {
    const outputs = [];
    return Array.from(window.__gmmPanel.content.node.querySelectorAll('.widget-slider')).map((slider) => {
        const output = slider.closest('.jp-OutputArea-output');
        if (!outputs.includes(output)) outputs.push(output);
        return outputs.indexOf(output);
    });
}"""

# The state of one slider and of what it controls: its readout, the handle's position, and in the
# nearest enclosing box that holds an image (the slider figure's VBox), every image's bytes (hashed)
# and every caption or label outside the sliders.
SNAPSHOT = """async (index) => {
    const slider = window.__gmmPanel.content.node.querySelectorAll('.widget-slider')[index];
    const outputArea = slider.closest('.jp-OutputArea-output');
    let box = slider.parentElement;
    while (box !== outputArea && !box.querySelector('img, canvas')) box = box.parentElement;
    const handle = slider.querySelector('.noUi-handle, .slider-handle, [role="slider"]');
    const readout = slider.querySelector('.widget-readout');
    const label = slider.querySelector('.widget-label');
    // ipywidgets 8 draws sliders with noUiSlider; its API has the exact position (aria-valuenow is rounded).
    const target = slider.querySelector('.noUi-target');
    const noUi = target && target.noUiSlider;
    const digest = """ + IMAGE_DIGEST + """;
    const images = [];
    for (const img of box.querySelectorAll('img')) {
        images.push({hash: await digest(img), width: img.naturalWidth, complete: img.complete});
    }
    // A figure the browser draws itself (gmm_lessons.widgets.MixtureCanvas): its pixels, as a data URL.
    for (const canvas of box.querySelectorAll('canvas')) {
        const pixels = canvas.toDataURL();
        let hash = 0x811c9dc5;
        for (let i = 0; i < pixels.length; i++) {
            hash ^= pixels.charCodeAt(i);
            hash = Math.imul(hash, 0x01000193) >>> 0;
        }
        images.push({hash: `${pixels.length}:${hash.toString(16)}`, width: canvas.width, complete: true});
    }
    const texts = Array.from(box.querySelectorAll('.widget-html, .widget-label, .widget-htmlmath, .gmm-canvas-caption'))
        .filter((node) => !node.closest('.widget-slider'))
        .map((node) => node.innerText.trim());
    return {
        description: label ? label.innerText.trim() : '',
        readout: readout ? readout.innerText.trim() : null,
        now: noUi ? Number(noUi.get(true)) : (handle ? parseFloat(handle.getAttribute('aria-valuenow')) : null),
        min: noUi ? noUi.options.range.min : (handle ? parseFloat(handle.getAttribute('aria-valuemin')) : null),
        max: noUi ? noUi.options.range.max : (handle ? parseFloat(handle.getAttribute('aria-valuemax')) : null),
        images: images,
        texts: texts,
    };
}"""

SLIDER_HANDLE = "(slider) => slider.querySelector('.noUi-handle, .slider-handle, [role=\"slider\"]')"
OUTPUT_AREA = "(slider) => slider.closest('.jp-OutputArea-output')"


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _image_hashes(snapshot):
    return [image["hash"] for image in snapshot["images"]]


def _complete(snapshot):
    """Every image decoded and hashed (none half-way through an update)."""
    return all(image["hash"] and image["complete"] and image["width"] > 0 for image in snapshot["images"])


def _controlled_changed(before, after):
    """The figure was redrawn; for a widget without an image, its caption or labels changed."""
    if before["images"]:
        return _image_hashes(before) != _image_hashes(after)
    return before["texts"] != after["texts"]


def _snapshot(page, index):
    return page.evaluate(SNAPSHOT, index)


def _settled_snapshot(page, index, timeout_s):
    """The slider's snapshot once the kernel is idle and nothing changed for SETTLE_S seconds."""
    deadline = time.monotonic() + timeout_s
    previous = None
    while True:
        current = _snapshot(page, index)
        if page.evaluate(KERNEL_IDLE) and _complete(current) and current == previous:
            return current
        if time.monotonic() > deadline:
            return current
        previous = current
        time.sleep(SETTLE_S)


def _move_slider(page, index, settled):
    """Press an arrow key KEY_PRESSES times on the slider's handle; return (before, after, key).

    ``settled``: the widget is known to be at rest (its previous slider's move was waited out).
    """
    before = _snapshot(page, index) if settled else _settled_snapshot(page, index, SLIDER_TIMEOUT_S)
    slider = page.locator(".jp-Notebook .widget-slider").nth(index)
    slider.scroll_into_view_if_needed()
    at_max = before["now"] is not None and before["max"] is not None and before["now"] >= before["max"]
    key = "ArrowLeft" if at_max else "ArrowRight"
    handle = slider.evaluate_handle(SLIDER_HANDLE).as_element()
    assert handle is not None, f"slider {index + 1} ({before['description']!r}) has no handle"
    handle.focus()
    for _ in range(KEY_PRESSES):
        page.keyboard.press(key)
        page.wait_for_timeout(50)
    deadline = time.monotonic() + SLIDER_TIMEOUT_S
    while True:
        current = _snapshot(page, index)
        if current["readout"] != before["readout"] and _controlled_changed(before, current) and _complete(current):
            break
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    after = _settled_snapshot(page, index, SLIDER_TIMEOUT_S)
    return before, after, key


def _screenshot(element_or_page, path):
    try:
        element_or_page.screenshot(path=str(path))
    except (PlaywrightError, OSError) as error:  # evidence only: never hide the real failure behind a screenshot error
        print(f"screenshot {path.name} failed: {error}")


def _log_console_problems(page):
    count = page.evaluate(LOG_COUNT)
    if not count:
        return []
    return [f"{count} message(s) in the log console (kernel output outside any cell):\n{page.evaluate(LOG_TEXT)}"]


# --------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_slider_moves_what_it_controls(lesson, browser, jupyterlab, build_dir):
    try:
        json.loads((NOTEBOOKS / lesson).read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError) as error:
        pytest.fail(f"{lesson} is not a readable notebook: {error}", pytrace=False)
    shots = build_dir / Path(lesson).stem
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.iterdir():
        old.unlink()

    console_errors, page_errors = [], []
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()

    def on_console(message):
        if message.type == "error" and not any(allowed in message.text for allowed in CONSOLE_ERROR_ALLOW):
            location = message.location or {}
            console_errors.append(f"{message.text} ({location.get('url', '')}:{location.get('lineNumber', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    records = []
    try:
        page.goto(jupyterlab.url(f"lab/tree/{quote(lesson)}?reset"), timeout=OPEN_TIMEOUT_MS)
        page.wait_for_selector(".jp-Notebook", timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(PANEL_OPENED, arg=lesson, timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(KERNEL_IDLE, timeout=OPEN_TIMEOUT_MS)

        page.evaluate(RUN_ALL)
        page.wait_for_function(RUN_ALL_DONE, timeout=RUN_ALL_TIMEOUT_MS, polling=250)
        run_all = page.evaluate("() => window.__gmmRunAll")
        report = page.evaluate(NOTEBOOK_REPORT)
        assert report["kernel"] == "python3", f"the lesson ran in kernel {report['kernel']!r}"
        problems = report["errors"] + report["domErrors"] + _log_console_problems(page)
        assert not problems, "error output after running all cells:\n" + "\n".join(problems)
        # JupyterLab's run-all answers false when a cell failed, also a check tagged raises-exception that it ran past.
        completed = run_all.get("result") is True or (run_all.get("result") is False and report["expectedFailures"])
        assert completed, f"notebook:run-all-cells did not complete: {run_all}"
        assert not report["notRun"], f"cells {report['notRun']} did not run"

        # The widget views render once their models arrive; wait until the slider count stops growing.
        n_sliders, deadline = -1, time.monotonic() + 30
        while time.monotonic() < deadline:
            count = page.evaluate(SLIDERS)
            if count == n_sliders and count > 0:
                break
            n_sliders = count
            time.sleep(1.0)
        assert n_sliders > 0, f"{lesson} builds widgets but no slider rendered"

        slider_outputs = page.evaluate(SLIDER_OUTPUTS)
        for index, output in enumerate(slider_outputs):
            slider = page.locator(".jp-Notebook .widget-slider").nth(index)
            first_of_output = index == 0 or slider_outputs[index - 1] != output
            last_of_output = index + 1 == len(slider_outputs) or slider_outputs[index + 1] != output
            if first_of_output:
                area = slider.evaluate_handle(OUTPUT_AREA).as_element()
                area.scroll_into_view_if_needed()
                _screenshot(area, shots / f"widget-{output + 1}-before.png")
            before, after, key = _move_slider(page, index, settled=not first_of_output)
            records.append(
                {
                    "slider": index + 1,
                    "widget": output + 1,
                    "key": f"{key} x{KEY_PRESSES}",
                    "before": before,
                    "after": after,
                }
            )
            name = f"slider {index + 1} ({before['description']!r}, {key} x{KEY_PRESSES})"
            problems = _log_console_problems(page)  # e.g. the traceback of an exception in the slider's callback
            assert not problems, f"{name}: " + "\n".join(problems)
            assert after["readout"] != before["readout"], f"{name}: the readout stayed at {before['readout']!r}"
            assert after["now"] != before["now"], f"{name}: the handle did not move"
            assert _complete(after), f"{name}: an image is missing or did not decode: {after['images']}"
            if before["images"]:
                assert _image_hashes(after) != _image_hashes(before), (
                    f"{name}: readout {before['readout']} -> {after['readout']} but the figure was not redrawn"
                )
            else:
                assert after["texts"] != before["texts"], (
                    f"{name}: readout {before['readout']} -> {after['readout']} but no caption or label changed"
                )
            if last_of_output:
                _screenshot(area, shots / f"widget-{output + 1}-after.png")

        report = page.evaluate(NOTEBOOK_REPORT)
        problems = report["errors"] + report["domErrors"] + _log_console_problems(page)
        assert not problems, "error output after moving the sliders:\n" + "\n".join(problems)
        assert not page_errors, "uncaught exceptions in the page:\n" + "\n".join(page_errors)
        assert not console_errors, "console errors in the page:\n" + "\n".join(console_errors)
        _screenshot(page, shots / "page-end.png")
    except BaseException:
        _screenshot(page, shots / "page-at-failure.png")
        if console_errors or page_errors:
            print("console errors:", *console_errors, "page errors:", *page_errors, sep="\n")
        raise
    finally:
        (shots / "sliders.json").write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
        try:  # stop this lesson's kernel: the next lesson gets the machine to itself
            page.evaluate("() => window.__gmmPanel && window.__gmmPanel.sessionContext.shutdown()")
        except PlaywrightError as error:
            print(f"could not shut the kernel down from the page: {error}")
        context.close()

"""How fast every slider of every lesson answers in real JupyterLab and Chromium, from the key to the new frame.

For each lesson, open it in JupyterLab (127.0.0.1, a random token; the
server of ``tests/jupyterlab_server.py``) in headless Debian Chromium, run
all cells, then for every slider press an arrow key PRESSES times, one press
at a time. In the page, each press is timed from its ``keydown`` event
(``event.timeStamp``) to the first animation frame (``requestAnimationFrame``
after a ``MutationObserver`` saw the widget's visible image change and the
new image decoded, or a canvas drew again: its ``data-draws`` went up). A
frame slider (``gmm_lessons.widgets.FrameSliderFigure``) switches a Stack in
the browser; a canvas slider (``CanvasSliderFigure``) computes and draws the
state in the browser. A press whose image did not change within
PRESS_TIMEOUT_MS (a step too small to show) is counted, not timed.

Targets (issue 11): over the frame sliders, and over the canvas sliders,
median at most 25 ms and slowest at most 60 ms. Other processes on the machine lengthen every time: the load
average is printed at the start and the end.

Run with ``python benchmarks/bench_sliders_browser.py [NOTEBOOK_NAME ...]``
(needs Debian's chromium and the playwright package, as the browser tests).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]  # the tests' helpers, and the course package at the root

import pytest  # noqa: E402
from browser_support import find_chromium, launch_chromium  # noqa: E402
from jupyterlab_server import jupyterlab_server  # noqa: E402

from course.manifest import read_lessons  # noqa: E402
from gmm_lessons.widgets import CANVAS_CLASS, FRAMES_CLASS  # noqa: E402

PRESSES = 8
PRESS_TIMEOUT_MS = 3000
MEDIAN_TARGET_MS = 25.0
MAX_TARGET_MS = 60.0
OPEN_TIMEOUT_MS = 120_000
RUN_ALL_TIMEOUT_MS = 300_000

OPENED = """(name) => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    if (!panel || !panel.context || !panel.context.path.endsWith(name) || !panel.sessionContext) return false;
    window.__benchPanel = panel;
    return true;
}"""
IDLE = """() => {
    const session = window.__benchPanel.sessionContext.session;
    return !!session && !!session.kernel && session.kernel.status === 'idle';
}"""
RUN_ALL = """() => { window.__benchRan = false;
    window.jupyterapp.commands.execute('notebook:run-all-cells').then(() => { window.__benchRan = true; }); }"""
# Run-all answers as soon as a cell tagged raises-exception failed, while the cells after it still run:
# wait for every code cell with code to have run (as tests/browser/test_lesson_sliders.py does).
ALL_CELLS_RAN = """() => window.__benchPanel.content.widgets.every((cell) => cell.model.type !== 'code'
    || !cell.model.sharedModel.getSource().trim() || cell.model.executionCount !== null)"""
SLIDERS = "() => window.__benchPanel.content.node.querySelectorAll('.widget-slider').length"

# Arm the timer on slider `index`: every keydown on it starts a measurement, which ends at the first
# animation frame after the widget's visible image changed and decoded. Returns the slider's kind.
ARM = f"""(index) => {{
    const slider = window.__benchPanel.content.node.querySelectorAll('.widget-slider')[index];
    const area = slider.closest('.jp-OutputArea-output');
    let box = slider.parentElement;
    while (box !== area && !box.querySelector('img, .{CANVAS_CLASS}')) box = box.parentElement;
    // A canvas the browser draws (MixtureCanvas) counts its draws in data-draws; an image changes its src.
    const canvas = box.querySelector('.{CANVAS_CLASS}');
    const visible = () => canvas ? canvas.dataset.draws
        : Array.from(box.querySelectorAll('img')).map((img) => img.src).join(' ');
    if (window.__bench) {{ window.__bench.observer.disconnect(); window.__bench.slider.removeEventListener(
        'keydown', window.__bench.onKey, true); }}
    const bench = {{slider, samples: [], pending: null}};
    bench.onKey = (event) => {{ bench.pending = {{start: event.timeStamp, before: visible()}}; }};
    bench.observer = new MutationObserver(() => {{
        const pending = bench.pending;
        const images = Array.from(box.querySelectorAll('img'));
        if (!pending || visible() === pending.before || images.some((img) => !img.src)) return;
        bench.pending = null;
        Promise.all(images.map((img) => img.decode().catch(() => null)))
            .then(() => requestAnimationFrame(() => bench.samples.push(performance.now() - pending.start)));
    }});
    bench.observer.observe(box, {{subtree: true, childList: true, attributes: true,
                                  attributeFilter: ['src', 'data-draws']}});
    slider.addEventListener('keydown', bench.onKey, true);
    window.__bench = bench;
    const target = slider.querySelector('.noUi-target');
    slider.scrollIntoView({{block: 'center'}});
    return {{
        kind: box.querySelector('.{FRAMES_CLASS}') ? 'frames' : (canvas ? 'canvas' : 'kernel'),
        description: slider.querySelector('.widget-label').innerText.trim(),
    }};
}}"""
POSITION = """() => {
    const noUi = window.__bench.slider.querySelector('.noUi-target').noUiSlider;
    return {now: Number(noUi.get(true)), min: noUi.options.range.min, max: noUi.options.range.max};
}"""
SAMPLES = "() => window.__bench.samples.length"


def _time_slider(page, index):
    """(kind, description, list of ms, presses without a visible change) for slider ``index``."""
    armed = page.evaluate(ARM, index)
    handle = page.locator(".jp-Notebook .widget-slider").nth(index).locator(".noUi-handle")
    handle.focus()
    key, missed = "ArrowRight", 0
    for press in range(PRESSES):
        position = page.evaluate(POSITION)
        if position["now"] >= position["max"]:
            key = "ArrowLeft"
        elif position["now"] <= position["min"]:
            key = "ArrowRight"
        page.keyboard.press(key)
        try:
            page.wait_for_function(f"() => window.__bench.samples.length > {press - missed}",
                                   timeout=PRESS_TIMEOUT_MS, polling=20)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: the step did not change the image
            missed += 1
        page.wait_for_function(IDLE, timeout=PRESS_TIMEOUT_MS * 10)
        page.wait_for_timeout(100)  # let the kernel's last messages land before the next press
    samples = page.evaluate("() => window.__bench.samples")
    return armed["kind"], armed["description"], samples, missed


def _bench_lesson(browser, server, lesson):
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    try:
        page.goto(server.url(f"lab/tree/{quote(lesson.file)}?reset"), timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(OPENED, arg=lesson.file, timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(IDLE, timeout=OPEN_TIMEOUT_MS)
        page.evaluate(RUN_ALL)
        page.wait_for_function(f"() => window.__benchRan && ({ALL_CELLS_RAN})() && ({IDLE})()",
                               timeout=RUN_ALL_TIMEOUT_MS, polling=250)
        count, stable_since = -1, time.monotonic()
        while time.monotonic() - stable_since < 2.0:
            now = page.evaluate(SLIDERS)
            if now != count:
                count, stable_since = now, time.monotonic()
            time.sleep(0.25)
        return [_time_slider(page, index) for index in range(count)]
    finally:
        try:
            page.evaluate("() => window.__benchPanel && window.__benchPanel.sessionContext.shutdown()")
        finally:
            page.close()


def _line(label, samples):
    if not samples:
        return f"{label:<64}{'no change timed':>30}"
    return f"{label:<64}{len(samples):>6}{statistics.median(samples):>12.1f}{max(samples):>10.1f}"


def main(argv):
    course = read_lessons(ROOT / "notebooks")
    chosen = [lesson for lesson in course if not argv or lesson.path.stem in argv or lesson.file in argv]
    chromium = find_chromium_or_exit()
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other load skews timings)")
    print(f"{PRESSES} presses per slider; ms from keydown to the first frame with the changed image")
    print(f"{'lesson / slider':<64}{'n':>6}{'median ms':>12}{'max ms':>10}")
    by_kind = {"frames": [], "canvas": [], "kernel": []}
    with tempfile.TemporaryDirectory() as home, sync_playwright() as playwright, \
            jupyterlab_server(Path(home) / "lab", Path(home) / "lab.log") as server:
        browser = launch_chromium(playwright, chromium)
        try:
            for lesson in chosen:
                print(lesson.path.stem, flush=True)
                for kind, description, samples, missed in _bench_lesson(browser, server, lesson):
                    by_kind[kind] += samples
                    note = f" ({missed} presses changed nothing)" if missed else ""
                    print(_line(f"  [{kind}] {description}{note}", samples), flush=True)
        finally:
            browser.close()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for kind, samples in by_kind.items():
        if samples:  # no lesson has a kernel-backed slider any more; one that appears is listed
            print(_line(f"all {kind} sliders", samples))
    for kind in ("frames", "canvas"):
        samples = by_kind[kind]
        if not samples:
            continue
        met = statistics.median(samples) <= MEDIAN_TARGET_MS and max(samples) <= MAX_TARGET_MS
        print(f"target for the {kind} sliders: median <= {MEDIAN_TARGET_MS:.0f} ms, max <= {MAX_TARGET_MS:.0f} ms: "
              + ("met" if met else "MISSED"))


def find_chromium_or_exit():
    """Chromium's path; outside pytest, a missing browser or playwright ends the run with the install hint."""
    try:
        return find_chromium()
    except (pytest.skip.Exception, pytest.fail.Exception) as missing:  # browser_support's outcomes
        sys.exit(f"bench_sliders_browser: {missing}")


if __name__ == "__main__":
    main(sys.argv[1:])

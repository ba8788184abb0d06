"""What the browser tests share: finding Debian's Chromium, and skipping (or failing in CI) without it.

The browser is Debian's ``chromium`` driven by the PyPI ``playwright``
package; nothing here downloads a browser. Without Chromium, playwright or
(for the slides) npm, a test skips with a message on how to install it,
except under ``CI=true``, where a missing tool must not pass unnoticed.
"""

import importlib.util
import os
import shutil
import subprocess
import time

import pytest

from gmm_lessons.widgets import FRAMES_CLASS

CHROMIUM_CANDIDATES = ("chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NPM_CI_TIMEOUT = 600  # seconds; a few small packages, usually under 10
# A JavaScript async function: an <img>'s bytes as "length:FNV-1a hash", or null while its blob URL is revoked
# by an update in flight (measure again).
IMAGE_DIGEST = """async (img) => {
    if (!img.src) return null;
    try {
        const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
        let hash = 0x811c9dc5;
        for (const byte of bytes) { hash ^= byte; hash = Math.imul(hash, 0x01000193) >>> 0; }
        return `${bytes.length}:${hash.toString(16)}`;
    } catch (error) {
        return null;
    }
}"""
INSTALL_HINT = (
    "install it with `sudo apt-get install chromium` (Debian/Ubuntu) to run the browser tests; "
    "the PyPI package playwright drives it (never run `playwright install`)"
)


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason):
    """Skip on a user's machine; fail under CI=true."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def find_chromium():
    """Path of Chromium, or skip (fail under CI=true) when it or playwright is missing."""
    found = next(filter(None, map(shutil.which, CHROMIUM_CANDIDATES)), None)
    if found is None:
        skip_or_fail(f"Chromium not found: {INSTALL_HINT}")
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail(
            "The playwright package is not installed: install it with `.venv/bin/python -m pip install "
            "playwright` (and never run `playwright install`: these tests use Debian's Chromium)"
        )
    return found


def launch_chromium(playwright, executable_path):
    """Headless Debian Chromium at ``executable_path`` (from :func:`find_chromium`), through playwright."""
    return playwright.chromium.launch(executable_path=executable_path, headless=True, args=CHROMIUM_ARGS)


def ensure_npm_assets(assets_dir, check, error):
    """Install the npm packages pinned in ``assets_dir`` with `npm ci` unless ``check()`` passes already.

    ``check`` raises ``error`` while a package is missing or not at its pinned
    version; without node and npm the test skips (fails under CI=true).
    """
    try:
        check()
        return
    except error as missing:
        reason = str(missing)
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        skip_or_fail(f"node and npm are needed to install the pinned browser assets of {assets_dir} ({reason})")
    result = subprocess.run([npm, "ci", "--prefix", str(assets_dir), "--no-audit", "--no-fund"],
                            capture_output=True, text=True, timeout=NPM_CI_TIMEOUT, check=False)
    assert result.returncode == 0, f"npm ci --prefix {assets_dir} failed:\n{result.stdout}\n{result.stderr}"
    check()


# Moving the frame sliders of a page rendered from stored widget state (an HTML export, a site page).
KEY_PRESSES = 3
RENDER_TIMEOUT_MS = 60_000
SLIDER_TIMEOUT_S = 10.0  # no kernel: a frame changes within milliseconds


def widget_models(state, name_ending):
    """The models of a stored widget state (model id -> model) whose model name ends with ``name_ending``."""
    return [model for model in state.values() if model["model_name"].endswith(name_ending)]


def frame_stacks(state):
    """The models of the frame Stacks (``gmm_lessons.widgets.FrameSliderFigure``) in a stored widget state."""
    return [model for model in widget_models(state, "StackModel") if FRAMES_CLASS in model["state"]["_dom_classes"]]


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


def offline_page(browser):
    """A new page whose requests may not leave the machine: (page, URLs it tried to reach, errors it logged)."""
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
    return page, left_machine, errors


def move_frame_sliders(browser, path, state):
    """Open the page at ``path`` offline and move each of its frame sliders; returns how many moved.

    ``state`` is the widget state the page renders (model id -> model): the page
    is read once every slider and frame of it is drawn. Each frame slider's
    readout, caption and visible image must change with the keyboard, no request
    may try to leave the machine and the page may log no error.
    """
    n_frames, n_sliders = len(frame_stacks(state)), len(widget_models(state, "SliderModel"))
    page, left_machine, errors = offline_page(browser)
    try:
        page.goto(path.as_uri())
        # Every slider of the state renders (the canvas sliders' too), and every frame.
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

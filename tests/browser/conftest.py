"""Fixtures of the browser tests: one JupyterLab server and one headless Chromium per test module.

The server (``tests/jupyterlab_server.py``) runs on 127.0.0.1 with a random
token and serves a temporary copy of ``notebooks/``; it is shut down in the
fixture's teardown, whatever the tests did. Its log goes to
``build/browser-screenshots/jupyterlab.log``.

Finding the browser, and skipping (failing under ``CI=true``) without it, is
``tests/browser_support.py``.
"""

from pathlib import Path

import pytest
from browser_support import find_chromium, launch_chromium
from jupyterlab_server import ServerError, jupyterlab_server

BUILD = Path(__file__).resolve().parents[2] / "build" / "browser-screenshots"


@pytest.fixture(scope="session")
def chromium_path():
    return find_chromium()


@pytest.fixture(scope="session")
def build_dir():
    BUILD.mkdir(parents=True, exist_ok=True)
    return BUILD


# The server and the browser live for one test module (today the only one, so: one of each for the
# whole suite). Module scope, not session scope, because playwright's sync API cannot start while
# another instance of it is running in the same process: other tests (tests/test_slides.py) use it
# too, after this folder, and need it released.


@pytest.fixture(scope="module")
def jupyterlab(chromium_path, build_dir, tmp_path_factory):
    """A JupyterLab server on 127.0.0.1, with a random token, serving a copy of the lessons."""
    try:
        with jupyterlab_server(tmp_path_factory.mktemp("jupyterlab"), build_dir / "jupyterlab.log") as server:
            yield server
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def browser(chromium_path):
    """Headless Debian Chromium, driven by playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            yield browser
        finally:
            browser.close()

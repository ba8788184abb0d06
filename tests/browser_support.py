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

import pytest

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

"""A JupyterLab server for the browser tests and benchmark, on 127.0.0.1 with a random token.

It serves a temporary copy of ``notebooks/`` (JupyterLab writes checkpoints
and could autosave; the lesson files are never touched) with the settings of
``tests/browser/jupyterlab-settings`` (every cell in the DOM), and none of the
user's configuration, extensions or IPython start-up files. It is shut down,
kernels and all, when the ``with`` block ends, whatever happened in it.
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SETTINGS = Path(__file__).resolve().parent / "browser" / "jupyterlab-settings"

SERVER_START_TIMEOUT = 90  # seconds; a cold start on 2 cores takes about 5


class ServerError(RuntimeError):
    """JupyterLab did not start."""


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(base_url, token):
    try:
        with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2) as response:
            return json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return None


class JupyterLabServer:
    def __init__(self, base_url, token, root_dir, log_path):
        self.base_url = base_url
        self.token = token
        self.root_dir = root_dir
        self.log_path = log_path

    def url(self, path):
        separator = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{separator}token={self.token}"

    def log_tail(self, n_chars=4000):
        return self.log_path.read_text(errors="replace")[-n_chars:]


def _stop(process, base_url, token):
    """Ask the server to shut down (it stops its kernels), then terminate, then kill its process group."""
    if process.poll() is None:
        request = urllib.request.Request(f"{base_url}/api/shutdown?token={token}", method="POST")
        try:
            urllib.request.urlopen(request, timeout=5).close()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
    # The server runs in its own process group (start_new_session): whatever is left of it
    # and its kernels goes with it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(timeout=10)


@contextlib.contextmanager
def jupyterlab_server(home, log_path):
    """A :class:`JupyterLabServer` serving a copy of the lessons, with its files under the new folder ``home``.

    Raises
    ------
    ServerError
        If it exits or does not answer within SERVER_START_TIMEOUT seconds (the log's end is in the message).
    """
    home = Path(home)
    root_dir = home / "notebooks"
    shutil.copytree(NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings_dir = home / "settings"
    shutil.copytree(SETTINGS, settings_dir)
    for name in ("workspaces", "runtime", "config", "data", "ipython"):
        (home / name).mkdir()

    env = dict(os.environ)
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings_dir),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        # Neither the user's configuration, extensions and IPython startup files change what is
        # tested, nor do the tests leave anything (history, signatures) in the user's folders.
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        IPYTHONDIR=str(home / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    token = secrets.token_hex(24)
    for attempt in range(1, 4):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=home,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: teardown can end it and its kernels
            )
        server = JupyterLabServer(base_url, token, root_dir, log_path)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while _status(base_url, token) is None:
                if process.poll() is not None:
                    break
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{server.log_tail()}")
                time.sleep(0.25)
            else:
                yield server
                return
        finally:
            _stop(process, base_url, token)
        # It exited before answering; another program may have taken the free port meanwhile.
        if "already in use" not in server.log_tail() or attempt == 3:
            raise ServerError(f"JupyterLab exited with code {process.returncode}:\n{server.log_tail()}")



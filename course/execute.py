"""One kernel runner for every command that executes a notebook, and a cache of executed lessons.

:func:`run` executes a notebook in place in a fresh ``python3`` kernel that
talks to it over the kernel's IPC transport (Unix sockets in a private
folder): nothing listens on a TCP port, and ipykernel has no reason to warn
about unencrypted TCP. :func:`executed` runs a lesson as one of the
:data:`KINDS` of build and keeps the result in a cache keyed by the notebook's
bytes, the package's source, the kind and the versions of what runs it, so
that the decks, the HTML pages and the website (and a test session, its
workers too: an entry being executed is locked) execute each lesson once per
kind. The lessons are only read.
"""

import copy
import fcntl
import hashlib
import importlib.metadata
import os
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from .manifest import read_notebook

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / "gmm_lessons"
# Seconds a lesson's cell may take: every lesson runs in well under 20 s, but a hung cell must fail, and a
# loaded machine must not.
CELL_TIMEOUT = 300
# Where executed lessons are kept (relative to the current folder, like the builds); COURSE_CACHE=off keeps none.
CACHE_VARIABLE = "COURSE_CACHE"
DEFAULT_CACHE = Path("build") / "cache"
# What else decides a lesson's outputs; a new version of one executes the lessons again.
RUNTIME_PACKAGES = ("numpy", "scipy", "matplotlib", "ipywidgets", "anywidget", "scikit-learn", "dask",
                    "ipykernel", "nbclient")


@dataclass(frozen=True)
class Kind:
    """A kind of execution: with the widget state stored (pages without a kernel), with a matplotlib style."""

    name: str
    widget_state: bool
    style: Path | None = None

    def first_cell(self):
        """The cell run before the lesson's (after pyplot's import, so the inline backend cannot undo it)."""
        return f"import matplotlib.pyplot\nmatplotlib.pyplot.style.use({str(self.style)!r})" if self.style else ""


STORED = Kind("stored", widget_state=False)  # make notebooks: the committed lessons keep no widget state
WIDGETS = Kind("widgets", widget_state=True)  # HTML pages and the website
SLIDES = Kind("slides", widget_state=True, style=TEMPLATES_DIR / "slides.mplstyle")  # figures drawn for a slide
KINDS = {kind.name: kind for kind in (STORED, WIDGETS, SLIDES)}


def kernel_config(folder):
    """nbclient's kernel manager on the IPC transport, its sockets in ``folder`` (short, private, absolute)."""
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(Path(folder) / "kernel")
    return config


def run(notebook, cwd, *, timeout=CELL_TIMEOUT, widget_state=False, env=None, shutdown_now=False, **options):
    """Execute ``notebook`` in place, top to bottom, in a fresh kernel whose working folder is ``cwd``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
    cwd : path
        The kernel's folder (a lesson runs in its own folder, a hand-in in a scratch folder).
    timeout : float
        Seconds a cell may take (``options`` may add nbclient's ``timeout_func``).
    widget_state : bool
        Store the widget models in the notebook's metadata.
    env : dict, optional
        The kernel's environment (default this process's).
    shutdown_now : bool
        Kill the kernel at the end rather than ask it to shut down.
    **options
        Passed to ``nbclient.NotebookClient`` (``allow_errors``, ``on_cell_start`` ...).

    Raises
    ------
    nbclient.exceptions.CellExecutionError, CellTimeoutError, DeadKernelError
        As nbclient does.
    """
    with tempfile.TemporaryDirectory(prefix="course-kernel-") as sockets:
        client = NotebookClient(notebook, kernel_name="python3", config=kernel_config(sockets), timeout=timeout,
                                store_widget_state=widget_state, record_timing=False,
                                shutdown_kernel="immediate" if shutdown_now else "graceful",
                                resources={"metadata": {"path": str(cwd)}}, **options)
        client.execute(**({} if env is None else {"env": env}))
    return notebook


def execute_lesson(notebook, lesson_path, kind):
    """A copy of ``notebook`` (the lesson at ``lesson_path``) run top to bottom as ``kind`` (no cache).

    A lesson without code cells is copied as it is.
    """
    executed = copy.deepcopy(notebook)
    if not any(cell.cell_type == "code" for cell in executed.cells):
        return executed
    first = kind.first_cell()
    if first:
        executed.cells.insert(0, nbformat.v4.new_code_cell(first))
    run(executed, Path(lesson_path).parent, widget_state=kind.widget_state)
    if first:
        del executed.cells[0]
    return executed


def _file_digest(paths, root):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def package_digest(package_dir=PACKAGE_DIR):
    """A digest of the package's source and data (every file but byte code)."""
    files = [path for path in Path(package_dir).rglob("*") if path.is_file() and "__pycache__" not in path.parts]
    return _file_digest(files, package_dir)


def _runtime():
    versions = []
    for name in RUNTIME_PACKAGES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return f"{sys.version}|{'|'.join(versions)}"


def cache_key(notebook_bytes, kind, package=None):
    """The cache key of a lesson's bytes run as ``kind``, with the package's source digest ``package``."""
    digest = hashlib.sha256()
    style = kind.style.read_bytes() if kind.style else b""
    # The kind by what it does, not where its style file lies: a clone elsewhere shares the key.
    options = f"{kind.name}|{kind.widget_state}".encode()
    for part in (notebook_bytes, (package or package_digest()).encode(), options, style, _runtime().encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def cache_folder():
    """The cache's folder from ``COURSE_CACHE`` (default ``build/cache``), or None when it is ``off``."""
    value = os.environ.get(CACHE_VARIABLE, "")
    if value.lower() in ("off", "0", "no"):
        return None
    return Path(value) if value else DEFAULT_CACHE


def executed(lesson_path, kind, cache=None):
    """The lesson at ``lesson_path`` executed as ``kind``: from the cache when it holds it, else run and kept.

    Parameters
    ----------
    lesson_path : path
    kind : Kind
    cache : path or None
        The cache's folder; None asks :func:`cache_folder`.

    Returns
    -------
    nbformat.NotebookNode
        A notebook of its own (changing it changes no cached copy).
    """
    lesson_path = Path(lesson_path)
    folder = cache_folder() if cache is None else Path(cache)
    notebook = read_notebook(lesson_path)
    if folder is None:
        return execute_lesson(notebook, lesson_path, kind)
    entry = folder / kind.name / f"{lesson_path.stem}-{cache_key(lesson_path.read_bytes(), kind)[:24]}.ipynb"
    entry.parent.mkdir(parents=True, exist_ok=True)
    # One process executes an entry; another that wants it meanwhile (a parallel build, a test worker) waits
    # for it and reads the result, so that each lesson runs once per kind.
    with open(entry.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if entry.is_file():
            return nbformat.read(entry, as_version=4)
        result = execute_lesson(notebook, lesson_path, kind)
        for stale in entry.parent.glob(f"{lesson_path.stem}-*.ipynb"):
            stale.unlink(missing_ok=True)
        partial = entry.with_name(f".{entry.name}.{uuid.uuid4().hex[:8]}")
        nbformat.write(result, partial)
        partial.replace(entry)  # atomic: a reader without the lock sees the whole file or none
    return result

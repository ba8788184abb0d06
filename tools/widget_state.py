"""Lessons executed with their widget state, and HTML pages whose sliders work with no kernel.

The stored lessons carry no widget state (``make notebooks`` executes them
with ``store_widget_state=False``). The builders of pages read without a
kernel execute a lesson again with it (:func:`execute_with_widget_state`):
the notebook's metadata then holds every widget model, and each widget
output points at one. In a page, ``@jupyter-widgets/html-manager`` renders
those models; only what the front end does survives there, which is what the
sliders of ``gmm_lessons.widgets`` are made of: a slider linked to a
``Stack`` of images in the browser, or to an anywidget that computes and
draws on a canvas (its front end, the npm ``anywidget`` package, is copied
next to the manager, and ``require-anywidget.js`` tells require.js where).

The manager is the npm package pinned once for the course in
``tools/html_manager`` (``npm ci --prefix tools/html_manager``); it is
copied next to the pages into ``vendor/`` with require.js and MathJax, the
slide decks' vendored copies (``tools/slides/``), by :func:`copy_vendor`, as
for a deck. Nothing is loaded from a CDN.

Usage (``make html``)::

    python tools/widget_state.py [SOURCE_DIR] [OUTPUT_DIR]

writes ``OUTPUT_DIR/NN_name.html`` (default ``build/html``) for every lesson
of ``SOURCE_DIR`` (default ``notebooks``), openable from ``file://``.
"""

import sys
import time
from pathlib import Path

import lessons
import slides
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from traitlets.config import Config

TEMPLATES_DIR = slides.WIDGET_ASSETS_DIR / "templates"
TEMPLATE_NAME = "offline_lab"
HTML_MANAGER_URL = slides.REVEAL["widget_renderer_url"]
CELL_TIMEOUT_S = 600  # a hung cell fails; a slow one (a loaded machine) does not


def execute_with_widget_state(notebook_path, timeout=CELL_TIMEOUT_S):
    """The lesson at ``notebook_path``, executed in a fresh kernel with its widget state stored.

    The file is only read. The widget models are in the returned notebook's
    ``metadata.widgets["application/vnd.jupyter.widget-state+json"]``, and
    every widget output's ``application/vnd.jupyter.widget-view+json`` names
    its model (next to the still ``image/png`` of a slider figure).

    Parameters
    ----------
    notebook_path : str or Path
    timeout : float
        Seconds any one cell may take.

    Returns
    -------
    nbformat.NotebookNode
    """
    notebook_path = Path(notebook_path)
    notebook = lessons.read_notebook(notebook_path)
    NotebookClient(notebook, kernel_name="python3", timeout=timeout, store_widget_state=True,
                   record_timing=False, resources={"metadata": {"path": str(notebook_path.parent)}}).execute()
    return notebook


def html_exporter():
    """nbconvert's HTMLExporter (lab look) loading the widget manager, require.js and MathJax from ``vendor/``."""
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.widget_renderer_url = HTML_MANAGER_URL
    for name in ("require_js_url", "mathjax_url"):
        setattr(config.HTMLExporter, name, slides.REVEAL[name])
    return HTMLExporter(config=config)


def export_html(notebook, output_path):
    """Write ``notebook`` (executed with its widget state) as a page at ``output_path``; returns the path.

    The page loads its scripts from ``vendor/`` next to it (see
    :func:`copy_vendor`).

    Raises
    ------
    slides.SlidesError
        If the page would load anything from the network.
    """
    output_path = Path(output_path)
    resources = {"metadata": {"name": output_path.stem}, "anywidget_paths_url": slides.ANYWIDGET_PATHS_URL}
    html, _ = html_exporter().from_notebook_node(notebook, resources=resources)
    html = slides.strip_url_comments(html)
    remote = slides.remote_resources(html)
    if remote:
        raise slides.SlidesError(f"{output_path.name} would load from the network: {remote}")
    output_path.write_text(html, encoding="utf-8")
    return output_path


def copy_vendor(output_dir):
    """The scripts a page needs, into ``output_dir/vendor``: the decks' (require.js, MathJax, ...) and the manager."""
    slides.check_assets()
    slides.copy_deck_assets(output_dir)


def export_lessons(source_dir="notebooks", output_dir="build/html"):
    """Execute every lesson of ``source_dir``'s manifest with its widget state and write its page; returns the paths.

    Pages and vendored files overwrite those of a previous export; nothing else in ``output_dir`` is touched
    (it may not be, hold or lie inside ``source_dir``).
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    course = lessons.read_lessons(source_dir)
    lessons.check_output_folder(source_dir, output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    copy_vendor(output_dir)
    pages = []
    for lesson in course:
        started = time.perf_counter()
        pages.append(export_html(execute_with_widget_state(lesson.path), output_dir / f"{lesson.path.stem}.html"))
        print(f"wrote {pages[-1]} in {time.perf_counter() - started:.1f} s", flush=True)
    return pages


def main(argv):
    source_dir = argv[0] if argv else "notebooks"
    output_dir = argv[1] if len(argv) > 1 else "build/html"
    try:
        export_lessons(source_dir, output_dir)
    except (slides.SlidesError, ValueError, OSError) as error:
        sys.exit(f"widget_state: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])

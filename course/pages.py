"""Every lesson as an HTML page whose sliders work with no kernel (``python -m course pages``, ``make html``).

The stored lessons carry no widget state (``make notebooks`` executes them
without it). A page's lesson is executed again with it
(:data:`course.execute.WIDGETS`, from the cache of executed lessons when it
holds it): the notebook's metadata then holds every widget model, and each
widget output points at one. In a page, ``@jupyter-widgets/html-manager``
renders those models; only what the front end does survives there, which is
what the sliders of ``gmm_lessons.widgets`` are made of: a slider linked to a
``Stack`` of images in the browser, or to an anywidget that computes and draws
on a canvas (its front end, the npm ``anywidget`` package, is copied next to
the manager, and ``require-anywidget.js`` tells require.js where).

The pages load require.js, MathJax 2 and the widgets' front end from
``vendor/`` next to them (:mod:`course.assets`), and are published as every
builder's output is (:mod:`course.publish`).

Usage::

    python -m course pages [--lessons DIR] [--out build/html]
"""

import time
from pathlib import Path

from nbconvert import HTMLExporter
from traitlets.config import Config

from . import assets, execute, publish
from .manifest import COURSE_NOTEBOOKS, read_lessons

TEMPLATE_NAME = "offline_lab"


def html_exporter():
    """nbconvert's HTMLExporter (lab look) loading the widget manager, require.js and MathJax from ``vendor/``."""
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(execute.TEMPLATES_DIR)]
    config.HTMLExporter.template_name = TEMPLATE_NAME
    config.HTMLExporter.widget_renderer_url = assets.WIDGET_MANAGER_URL
    config.HTMLExporter.require_js_url = assets.REQUIRE_JS_URL
    config.HTMLExporter.mathjax_url = assets.MATHJAX2_URL
    return HTMLExporter(config=config)


def export_html(notebook, output_path):
    """Write ``notebook`` (executed with its widget state) as a page at ``output_path``; returns the path.

    The page loads its scripts from ``vendor/`` next to it (:func:`course.assets.copy_page_assets`).

    Raises
    ------
    course.publish.PublishError
        If the page would load anything from the network.
    """
    output_path = Path(output_path)
    resources = {"metadata": {"name": output_path.stem}, "anywidget_paths_url": assets.REQUIRE_ANYWIDGET_URL}
    html, _ = html_exporter().from_notebook_node(notebook, resources=resources)
    html = publish.strip_url_comments(html)
    publish.check_offline(html, output_path.name)
    output_path.write_text(html, encoding="utf-8")
    return output_path


def export_lessons(source_dir=COURSE_NOTEBOOKS, output_dir="build/html", progress=print):
    """Write every lesson of ``source_dir``'s manifest as a page with its widget state; returns the paths.

    The output folder is replaced in one rename (see :mod:`course.publish`); a
    line per lesson is printed as it goes.
    """
    course = read_lessons(source_dir)
    assets.check_installed()
    with publish.new_output(output_dir, source_dir, "pages") as staging:
        assets.copy_page_assets(staging)
        for lesson in course:
            started = time.perf_counter()
            export_html(execute.executed(lesson.path, execute.WIDGETS), staging / f"{lesson.path.stem}.html")
            progress(f"pages: {lesson.file} in {time.perf_counter() - started:.1f} s")
    output_dir = Path(output_dir).absolute()
    return [output_dir / f"{lesson.path.stem}.html" for lesson in course]

"""Build the course as a static website that works offline (``make site``).

A page per lesson of ``notebooks/lessons.toml``, in its order, built by
Jupyter Book 1 (Sphinx, sphinx-book-theme, myst-nb; pinned in
``requirements-site.txt``, installed in ``.venv-site`` by the Makefile so that
learners' ``.venv`` never gets it). This module runs in the lessons' ``.venv``
(it reads the manifest, executes the lessons and writes the student copies)
and runs Jupyter Book's Sphinx from ``.venv-site``.

Steps:

1. Copy every lesson, through :func:`prepare_notebook`, into a work folder
   (``notebooks/`` is only read). By default the lesson is executed first
   with its widget state stored (:data:`course.execute.WIDGETS`, shared with
   ``python -m course pages`` through the cache), so that its sliders work
   on the page with no kernel; ``SITE_EXECUTE=0`` uses the committed outputs as they are, and a
   page then shows each slider's still PNG. To build from
   notebooks prepared another way, change :func:`prepare_notebook` (the one
   place that decides).
2. Put a "Download" line under each lesson's title: the notebook as committed
   and its student copy (:mod:`course.student`), by relative links that work
   from ``file://``.
3. Write ``_toc.yml`` from the manifest (the first lesson is the home page) and
   copy ``course/templates/site_config.yml``.
4. Copy MathJax 3, require.js and the widgets' front end from the course's one
   npm project (:mod:`course.assets`) into ``_static/vendor``; Sphinx's
   ``mathjax_path`` and myst-nb's ``nb_ipywidgets_js`` point there, never at a
   CDN (``course/assets/require-paths.js`` tells require.js where the
   manager's modules and fonts are).
5. Build (``jupyter-book config sphinx``, then ``sphinx-build`` without the
   ``sphinx_thebe`` extension Jupyter Book always adds), then check that no
   page loads a script, style sheet or image from ``http(s)://``, and publish the
   folder as every builder does (:mod:`course.publish`).

Figures carry their alt text in their cell's metadata, in myst-nb's own key
(``"mystnb": {"image": {"alt": "..."}}``), written in the lesson next to the
figure; myst-nb puts it on the ``<img>``.

Usage::

    python -m course site [--lessons DIR] [--out build/site] [--no-execute]
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import anywidget
import nbformat

from . import assets, execute, publish, student
from .manifest import COURSE_NOTEBOOKS, read_lessons, read_notebook

ROOT = Path(__file__).resolve().parents[1]
SITE_BIN = ROOT / ".venv-site" / "bin"
SITE_CONFIG = execute.TEMPLATES_DIR / "site_config.yml"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Tells require.js where the widget manager's files are.
REQUIRE_PATHS = assets.ASSETS_DIR / "require-paths.js"
# Gives widget images their caption as alt text, and the manager the MathJax 2 call it makes, on MathJax 3.
WIDGET_SUPPORT = assets.ASSETS_DIR / "widget-support.js"


class SiteError(Exception):
    """A site build that cannot go on; the message says why and what to do."""


def has_widget_state(notebook):
    """Whether the notebook stores widget state (then its sliders work on the page without a kernel)."""
    return bool(notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state"))


def without_dead_widget_views(notebook):
    """A copy whose outputs drop widget views when no widget state is stored, so the still PNG shows.

    Without state the page could not draw the widget (the manager would log an
    error); each slider's output also carries a still image, which then is what
    the page shows.
    """
    copy = nbformat.from_dict(notebook)
    if has_widget_state(copy):
        return copy
    for cell in copy.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)
    return copy


def prepare_notebook(path, run=None):
    """The notebook a lesson's page is built from (a new one; the file is only read).

    Parameters
    ----------
    path : Path
        The lesson notebook.
    run : bool or None
        Execute it first (:data:`course.execute.WIDGETS`), storing the widget
        state, so that its sliders work on the page; None reads ``SITE_EXECUTE``
        from the environment (executing unless it is "0").
    """
    if run is None:
        run = os.environ.get("SITE_EXECUTE", "1") != "0"
    notebook = execute.executed(path, execute.WIDGETS) if run else read_notebook(path)
    return without_dead_widget_views(notebook)


def download_cell(lesson):
    """The Markdown cell under a lesson's title: download the notebook and its student copy."""
    return nbformat.v4.new_markdown_cell(
        f"Download: {{download}}`the notebook <downloads/lessons/{lesson.file}>` (with outputs and solutions) · "
        f"{{download}}`the student copy <downloads/student/{lesson.file}>` (solutions removed, to work in)",
        id="site-downloads",
    )


def with_download_links(notebook, lesson):
    """A copy with :func:`download_cell` after the first cell (the title)."""
    copy = nbformat.from_dict(notebook)
    copy.cells.insert(1, download_cell(lesson))
    return copy


def toc_yaml(course):
    """``_toc.yml``: the first lesson is the home page, the others its chapters, in manifest order.

    With appendices, the sidebar has two parts, "Lessons" then "Appendices".
    """
    stems = [Path(lesson.file).stem for lesson in course]
    lines = ["format: jb-book", f"root: {stems[0]}"]
    lesson_stems = [Path(lesson.file).stem for lesson in course[1:] if not lesson.appendix]
    appendix_stems = [Path(lesson.file).stem for lesson in course[1:] if lesson.appendix]
    if appendix_stems:
        lines.append("parts:")
        for caption, part in [("Lessons", lesson_stems), ("Appendices", appendix_stems)]:
            if part:
                lines += [f"- caption: {caption}", "  chapters:", *(f"  - file: {stem}" for stem in part)]
    elif lesson_stems:
        lines += ["chapters:", *(f"- file: {stem}" for stem in lesson_stems)]
    return "\n".join(lines) + "\n"


def check_assets(site_bin=SITE_BIN):
    """Fail with what to run when the npm assets or the site's virtualenv are missing."""
    assets.check_installed()
    if not (site_bin / "sphinx-build").is_file():
        raise SiteError(f"{site_bin / 'sphinx-build'} not found: "
                        "run `make site` (it makes .venv-site from requirements-site.txt)")


def copy_vendor_assets(static_dir):
    """The pinned browser assets into ``static_dir/vendor/``: MathJax 3, require.js, the widgets' front end."""
    vendor_dir = static_dir / assets.VENDOR
    assets.copy_files(vendor_dir, assets.SITE_FILES)
    assets.copy_widget_front_end(vendor_dir)
    for script in (REQUIRE_PATHS, WIDGET_SUPPORT):
        shutil.copyfile(script, vendor_dir / script.name)
    copy_widget_modules(vendor_dir)


def copy_widget_modules(vendor_dir):
    """Copy anywidget's front end (the canvas sliders') to where the site's manager looks for widget modules.

    The site's configuration gives the manager ``data-jupyter-widgets-cdn: _static/vendor/npm/`` (and
    cdn-only), so it loads module M at version V from ``vendor/npm/M@V/dist/index.js``, V being the models'
    module version.
    """
    version = anywidget.AnyWidget.class_traits()["_model_module_version"].default_value
    target = vendor_dir / "npm" / f"anywidget@{version}" / "dist" / "index.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(assets.NODE_MODULES / "anywidget" / "dist" / "index.js", target)
    shutil.copyfile(assets.NODE_MODULES / "anywidget" / "LICENSE", target.parent.parent / "LICENSE")


def write_book_source(course, book_dir, student_dir, run=None, progress=print):
    """Write the pages, downloads, ``_toc.yml`` and ``_config.yml`` of the book into ``book_dir``."""
    for lesson in course:
        started = time.perf_counter()
        page = with_download_links(prepare_notebook(lesson.path, run), lesson)
        nbformat.write(page, book_dir / lesson.file)
        progress(f"site: page {lesson.file} prepared in {time.perf_counter() - started:.1f} s")
    (book_dir / "downloads" / "lessons").mkdir(parents=True)
    for lesson in course:
        shutil.copyfile(lesson.path, book_dir / "downloads" / "lessons" / lesson.file)
    shutil.copytree(student_dir, book_dir / "downloads" / "student")
    (book_dir / "_toc.yml").write_text(toc_yaml(course), encoding="utf-8")
    shutil.copyfile(SITE_CONFIG, book_dir / "_config.yml")


def remote_loads(html_dir):
    """``{page: [urls]}`` of every built page that would load a resource from the network."""
    found = {}
    for page in sorted(Path(html_dir).rglob("*.html")):
        remote = publish.remote_resources(page.read_text(encoding="utf-8"))
        if remote:
            found[str(page.relative_to(html_dir))] = remote
    return found


ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# Jupyter Book always loads sphinx_thebe, whose pages name thebe's CDN address (for a launch button the
# site does not have); the generated conf.py is built without it.
DROPPED_EXTENSIONS = ("sphinx_thebe",)


def run_jupyter_book(book_dir, site_bin=SITE_BIN, progress=print):
    """Build ``book_dir`` with Sphinx's progress line per page; returns the HTML folder.

    ``jupyter-book config sphinx`` writes the ``conf.py`` Jupyter Book would
    use, which is then built by ``sphinx-build`` without :data:`DROPPED_EXTENSIONS`.
    """
    _run([site_bin / "jupyter-book", "config", "sphinx", book_dir], progress)
    with (book_dir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nextensions = [name for name in extensions if name not in {DROPPED_EXTENSIONS!r}]\n")
    html_dir = book_dir / "_build" / "html"
    _run([site_bin / "sphinx-build", "-b", "html", "--keep-going", book_dir, html_dir], progress)
    return html_dir


def _run(command, progress):
    result = subprocess.run([str(part) for part in command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, check=False)  # the output is shown on failure
    for line in ANSI_COLOUR.sub("", result.stdout).splitlines():
        if re.search(r"reading sources\.\.\. \[|writing output\.\.\. \[|WARNING|ERROR|Traceback", line):
            progress(f"site: {line.strip()}")
    if result.returncode != 0:
        raise SiteError(f"{Path(command[0]).name} failed (exit {result.returncode}):\n{result.stdout[-4000:]}")


def build_site(source_dir=COURSE_NOTEBOOKS, output_dir="build/site", run=None, progress=print):
    """Build the website into ``output_dir`` (published by :func:`course.publish.new_output`); the pages.

    ``run`` executes each lesson first (see :func:`prepare_notebook`).

    Returns
    -------
    list of Path
        The lessons' HTML pages, in lesson order (absolute).

    Raises
    ------
    SiteError
        If ``.venv-site`` is missing or Jupyter Book fails.
    course.assets.AssetsError
        If the npm assets are missing.
    course.publish.PublishError
        If a page would load anything from the network, or the output folder holds other files.
    ValueError
        If the output folder is, contains or lies inside ``source_dir``, or the
        manifest or a lesson is invalid (the message names the file).
    """
    course = read_lessons(source_dir)
    check_assets()
    with publish.new_output(output_dir, source_dir, "site") as staging, \
            tempfile.TemporaryDirectory(prefix=".course-site-", dir=staging.parent) as work:
        work = Path(work)
        book_dir = work / "book"
        book_dir.mkdir()
        student.write_student_copies(source_dir, work / "student")
        write_book_source(course, book_dir, work / "student", run, progress)
        copy_vendor_assets(book_dir / "_site_assets")
        html_dir = run_jupyter_book(book_dir, progress=progress)
        remote = remote_loads(html_dir)
        if remote:
            raise publish.PublishError(f"pages would load from the network: {remote}")
        for entry in html_dir.iterdir():
            shutil.move(entry, staging / entry.name)
        (staging / ".nojekyll").touch()  # GitHub Pages would otherwise hide the folders starting with _
    output_dir = Path(output_dir).absolute()
    return [output_dir / f"{Path(lesson.file).stem}.html" for lesson in course]

"""Build the course as a static website that works offline (``make site``).

A page per lesson of ``SOURCE_DIR/lessons.toml``, in its order, built by
Jupyter Book 1 (Sphinx, sphinx-book-theme, myst-nb; pinned in
``requirements-site.txt``, installed in ``.venv-site`` by the Makefile so that
learners' ``.venv`` never gets it). This script runs in the lessons' ``.venv``
(it reads the manifest and writes the student copies with ``tools/lessons.py``
and ``tools/homework.py``) and runs Jupyter Book's Sphinx from ``.venv-site``.

Steps:

1. Copy every lesson, through :func:`prepare_notebook`, into a staging
   folder next to the output (``notebooks/`` is only read). By default the
   lesson is executed first with its widget state stored
   (``tools/widget_state.py``), so that its frame sliders work on the page with
   no kernel; ``SITE_EXECUTE=0`` uses the committed outputs as they are, and a
   page then shows each slider's still PNG. To build from
   notebooks prepared another way, change :func:`prepare_notebook` (the one
   place that decides).
2. Put a "Download" line under each lesson's title: the notebook as committed
   and its student copy (``tools/homework.py``), by relative links that work
   from ``file://``.
3. Write ``_toc.yml`` from the manifest (the first lesson is the home page) and
   copy ``tools/site/_config.yml``.
4. Copy MathJax 3 and require.js from ``tools/site/node_modules`` (``npm ci
   --prefix tools/site``), and the widget front end the decks and HTML exports
   load too, from its one pin in ``tools/html_manager`` (``slides.WIDGET_FILES``),
   into ``_static/vendor``; Sphinx's ``mathjax_path`` and myst-nb's
   ``nb_ipywidgets_js`` point there, never at a CDN (``tools/site/require-paths.js``
   tells require.js where the manager's modules and fonts are).
5. Build (``jupyter-book config sphinx``, then ``sphinx-build`` without the
   ``sphinx_thebe`` extension Jupyter Book always adds), then check that no
   page loads a script, style sheet or image from ``http(s)://``, and replace the output folder in one rename.

Figures carry their alt text in their cell's metadata, in myst-nb's own key
(``"mystnb": {"image": {"alt": "..."}}``), written in the lesson next to the
figure; myst-nb puts it on the ``<img>``.

Usage::

    python tools/website.py [SOURCE_DIR] [OUTPUT_DIR]    # defaults: notebooks build/site
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import anywidget
import homework
import lessons
import nbformat
import slides
import widget_state
from slides import SlidesError, _sibling, check_widget_assets, copy_widget_assets, remote_resources, replace_folder

ROOT = Path(__file__).resolve().parents[1]
SITE_DIR = Path(__file__).resolve().parent / "site"
NODE_MODULES = SITE_DIR / "node_modules"
SITE_BIN = ROOT / ".venv-site" / "bin"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REQUIRE_PATHS = "require-paths.js"  # tells require.js where the widget manager's files are
# Gives widget images their caption as alt text, and the manager the MathJax 2 call it makes, on MathJax 3.
WIDGET_SUPPORT = "widget-support.js"

# What each npm package contributes to _static/vendor/<name>/ (globs relative to the package).
# MathJax 3's tex-chtml.js holds the TeX input and HTML output; TeX extensions, the fonts and the
# accessibility components load on demand from next to it.
VENDOR_FILES = {
    "mathjax": ("mathjax", ["LICENSE", "es5/tex-chtml.js", "es5/input/**/*", "es5/output/chtml/**/*",
                            "es5/a11y/**/*", "es5/sre/**/*", "es5/ui/**/*", "es5/adaptors/**/*"]),
    "requirejs": ("requirejs", ["require.js"]),
}


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


def prepare_notebook(path, execute=None):
    """The notebook a lesson's page is built from (a new one; the file is only read).

    Parameters
    ----------
    path : Path
        The lesson notebook.
    execute : bool or None
        Execute it first (``tools/widget_state.py``), storing the widget state,
        so that its frame sliders work on the page; None reads ``SITE_EXECUTE``
        from the environment (executing unless it is "0").
    """
    if execute is None:
        execute = os.environ.get("SITE_EXECUTE", "1") != "0"
    notebook = widget_state.execute_with_widget_state(path) if execute else lessons.read_notebook(path)
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


def check_assets(node_modules=NODE_MODULES, site_bin=SITE_BIN):
    """Fail with what to run when the npm assets or the site's virtualenv are missing."""
    missing = [package for package, _ in VENDOR_FILES.values() if not (node_modules / package).is_dir()]
    if missing:
        raise SiteError(f"npm packages missing in {node_modules} ({', '.join(missing)}): "
                        "run `npm ci --prefix tools/site` (or `make site`)")
    try:
        check_widget_assets()
    except SlidesError as error:
        raise SiteError(f"the widget manager is missing: {error}") from None
    if not (site_bin / "sphinx-build").is_file():
        raise SiteError(f"{site_bin / 'sphinx-build'} not found: "
                        "run `make site` (it makes .venv-site from requirements-site.txt)")


def copy_vendor_assets(static_dir, node_modules=NODE_MODULES):
    """Copy the pinned browser assets into ``static_dir/vendor/<name>/`` (the widget front end into
    ``vendor/<package>/``), and the widget pages' two scripts."""
    for name, (package, patterns) in VENDOR_FILES.items():
        source = node_modules / package
        for pattern in patterns:
            for path in source.glob(pattern):
                if path.is_file():
                    relative = path.relative_to(source)
                    if relative.parts[0] == "es5":  # MathJax's build folder: vendor/mathjax/tex-chtml.js
                        relative = Path(*relative.parts[1:])
                    target = static_dir / "vendor" / name / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
    copy_widget_assets(static_dir)
    for script in (REQUIRE_PATHS, WIDGET_SUPPORT):
        shutil.copyfile(SITE_DIR / script, static_dir / "vendor" / script)
    copy_widget_modules(static_dir)


def copy_widget_modules(static_dir):
    """Copy anywidget's front end (the canvas sliders') to where the site's manager looks for widget modules.

    _config.yml gives the manager ``data-jupyter-widgets-cdn: _static/vendor/npm/`` (and cdn-only), so it
    loads module M at version V from ``vendor/npm/M@V/dist/index.js``, V being the models' module version.
    The npm package is tools/html_manager's, checked by ``copy_widget_assets``.
    """
    node_modules = slides.WIDGET_NODE_MODULES
    version = anywidget.AnyWidget.class_traits()["_model_module_version"].default_value
    target = static_dir / "vendor" / "npm" / f"anywidget@{version}" / "dist" / "index.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(node_modules / "anywidget" / "dist" / "index.js", target)
    shutil.copyfile(node_modules / "anywidget" / "LICENSE", target.parent.parent / "LICENSE")


def write_book_source(course, book_dir, student_dir):
    """Write the pages, downloads, ``_toc.yml`` and ``_config.yml`` of the book into ``book_dir``."""
    for lesson in course:
        started = time.perf_counter()
        page = with_download_links(prepare_notebook(lesson.path), lesson)
        nbformat.write(page, book_dir / lesson.file)
        print(f"site: page {lesson.file} prepared in {time.perf_counter() - started:.1f} s", flush=True)
    (book_dir / "downloads" / "lessons").mkdir(parents=True)
    for lesson in course:
        shutil.copyfile(lesson.path, book_dir / "downloads" / "lessons" / lesson.file)
    shutil.copytree(student_dir, book_dir / "downloads" / "student")
    (book_dir / "_toc.yml").write_text(toc_yaml(course), encoding="utf-8")
    shutil.copyfile(SITE_DIR / "_config.yml", book_dir / "_config.yml")


def remote_loads(html_dir):
    """``{page: [urls]}`` of every built page that would load a resource from the network."""
    found = {}
    for page in sorted(Path(html_dir).rglob("*.html")):
        remote = remote_resources(page.read_text(encoding="utf-8"))
        if remote:
            found[str(page.relative_to(html_dir))] = remote
    return found


ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
# Jupyter Book always loads sphinx_thebe, whose pages name thebe's CDN address (for a launch button the
# site does not have); the generated conf.py is built without it.
DROPPED_EXTENSIONS = ("sphinx_thebe",)


def run_jupyter_book(book_dir, site_bin=SITE_BIN):
    """Build ``book_dir`` with Sphinx's progress line per page; returns the HTML folder.

    ``jupyter-book config sphinx`` writes the ``conf.py`` Jupyter Book would
    use, which is then built by ``sphinx-build`` without :data:`DROPPED_EXTENSIONS`.
    """
    _run([site_bin / "jupyter-book", "config", "sphinx", book_dir])
    with (book_dir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nextensions = [name for name in extensions if name not in {DROPPED_EXTENSIONS!r}]\n")
    html_dir = book_dir / "_build" / "html"
    _run([site_bin / "sphinx-build", "-b", "html", "--keep-going", book_dir, html_dir])
    return html_dir


def _run(command):
    result = subprocess.run([str(part) for part in command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, check=False)  # the output is shown on failure
    for line in ANSI_COLOUR.sub("", result.stdout).splitlines():
        if re.search(r"reading sources\.\.\. \[|writing output\.\.\. \[|WARNING|ERROR|Traceback", line):
            print(f"site: {line.strip()}", flush=True)
    if result.returncode != 0:
        raise SiteError(f"{Path(command[0]).name} failed (exit {result.returncode}):\n{result.stdout[-4000:]}")


def build_site(source_dir="notebooks", output_dir="build/site"):
    """Build the website into ``output_dir`` (replaced in one rename); returns the HTML pages, in lesson order.

    Raises
    ------
    SiteError
        If the npm assets or ``.venv-site`` are missing, Jupyter Book fails or a
        page would load anything from the network.
    ValueError
        If the output folder is, contains or lies inside ``source_dir``, or the
        manifest or a lesson is invalid (the message names the file).
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    lessons.check_output_folder(source_dir, output_dir)
    course = lessons.read_lessons(source_dir)
    check_assets()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(output_dir, "building")
    book_dir = staging / "book"
    book_dir.mkdir(parents=True)
    try:
        homework.write_student_copies(source_dir, staging / "student")
        write_book_source(course, book_dir, staging / "student")
        copy_vendor_assets(book_dir / "_site_assets")
        html_dir = run_jupyter_book(book_dir)
        remote = remote_loads(html_dir)
        if remote:
            raise SiteError(f"pages would load from the network: {remote}")
        (html_dir / ".nojekyll").touch()  # GitHub Pages would otherwise hide the folders starting with _
        replace_folder(html_dir, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [output_dir / f"{Path(lesson.file).stem}.html" for lesson in course]


def main(argv):
    source_dir = argv[0] if argv else "notebooks"
    output_dir = argv[1] if len(argv) > 1 else "build/site"
    started = time.perf_counter()
    try:
        pages = build_site(source_dir, output_dir)
    except (SiteError, ValueError, OSError) as error:
        sys.exit(f"site: {error}")
    print(f"site: {len(pages)} lesson pages in {output_dir} in {time.perf_counter() - started:.0f} s; "
          f"open {output_dir}/index.html (works from file://, offline)")


if __name__ == "__main__":
    main(sys.argv[1:])

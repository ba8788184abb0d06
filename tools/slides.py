"""Build a reveal.js slide deck of every lesson, for lecturing offline.

Each lesson ``NN_name.ipynb`` becomes ``NN_name.slides.html`` through
nbconvert's SlidesExporter, which reads every cell's
``metadata.slideshow.slide_type`` ("slide", "subslide", "-", "fragment",
"notes", "skip"). A code cell tagged ``slides-hide-input`` shows only its
output on the slides (for plotting code a lecture need not show). Figures
are the notebooks' stored PNG outputs, embedded as base64 ``data:`` URIs; a
slider's output shows its still PNG (there is no kernel behind a deck).
Slides taller than the canvas scroll (mouse wheel or touchpad).

The decks load reveal.js, require.js, jQuery and MathJax 2 from ``vendor/``
next to them, by relative paths, copied from the npm packages pinned in
``tools/slides/package.json`` (installed by ``npm ci --prefix tools/slides``).
Nothing is fetched from the network, so the output folder can be copied to a
USB stick and opened from ``file://``. The build fails if a deck still
contains an ``http://`` or ``https://`` URL. The lesson notebooks are only
read.

Usage (``make slides``)::

    python tools/slides.py [SOURCE_DIR] [OUTPUT_DIR]

SOURCE_DIR defaults to ``notebooks``, OUTPUT_DIR to ``build/slides``.
"""

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ASSETS_DIR = Path(__file__).resolve().parent / "slides"
NODE_MODULES = ASSETS_DIR / "node_modules"
TEMPLATES_DIR = ASSETS_DIR / "templates"
TEMPLATE_NAME = "offline_reveal"
VENDOR = "vendor"
HIDE_INPUT_TAG = "slides-hide-input"
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
DECK_SUFFIX = ".slides.html"

# What each npm package contributes to vendor/<package>/, as globs relative to the package.
# MathJax 2 is 70 MB installed; a deck needs its loader, the TeX input, the CommonHTML
# output with the TeX web fonts (woff), and the small extensions the TeX input loads on demand.
VENDOR_FILES = {
    "reveal.js": [
        "LICENSE",
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro/*",
        "plugin/notes/notes.js",
    ],
    "requirejs": ["require.js"],
    "jquery": ["LICENSE.txt", "dist/jquery.min.js"],
    "mathjax": [
        "LICENSE",
        "MathJax.js",
        "config/TeX-AMS_CHTML-full.js",
        "config/Safe.js",
        "extensions/*.js",
        "extensions/TeX/*.js",
        "localization/en/*.js",
        "jax/element/**/*.js",
        "jax/input/TeX/*.js",
        "jax/output/CommonHTML/**/*.js",
        "fonts/HTML-CSS/TeX/woff/*.woff",
    ],
}

# Slide settings: a light theme that projects well and uses no web fonts, "current/total"
# slide numbers, no transition, and a 16:10 canvas (reveal.js scales it to the screen) on
# which the lessons' 6-8 inch figures (600-860 px wide) and 120-character code lines fit.
REVEAL = {
    "reveal_url_prefix": f"{VENDOR}/reveal.js",
    "reveal_theme": "white",
    "reveal_transition": "none",
    "reveal_number": "c/t",
    "reveal_width": "1280",
    "reveal_height": "800",
    # reveal.js 4 has no scrolling of tall slides; the template's style sheet makes them scroll.
    "reveal_scroll": False,
    "require_js_url": f"{VENDOR}/requirejs/require.js",
    "jquery_url": f"{VENDOR}/jquery/dist/jquery.min.js",
    "mathjax_url": f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
}

# nbconvert's HTML priority minus the two types that need JavaScript from the network
# (the widget manager) or a kernel: a slider output falls back to its still image/png.
DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "text/latex",
    "image/png",
    "image/jpeg",
    "text/plain",
]

REMOTE_URL = re.compile(r"""https?://[^\s"'<>)]*""", re.IGNORECASE)
# Comments that cite a web page, in the style sheets nbconvert inlines and in its reveal script.
CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*\*/", re.DOTALL | re.IGNORECASE)
JS_URL_COMMENT = re.compile(r"^[ \t]*//[^\n]*https?://[^\n]*\n", re.MULTILINE | re.IGNORECASE)
LESSON_LINK = re.compile(r'href="(?P<stem>[0-9][0-9]_[\w-]+)\.ipynb(?P<anchor>#[^"]*)?"')


class SlidesError(RuntimeError):
    """The slide decks cannot be built (missing assets, or a deck that would reach the network)."""


def check_assets(node_modules=NODE_MODULES):
    """Fail unless every pinned npm package is installed at its pinned version."""
    pinned = json.loads((ASSETS_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for package, version in pinned.items():
        manifest = Path(node_modules) / package / "package.json"
        if not manifest.is_file():
            raise SlidesError(f"{package} is not installed in {node_modules}: run `npm ci --prefix tools/slides`")
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != version:
            raise SlidesError(
                f"{package} {installed} is installed but tools/slides/package.json pins {version}: "
                "run `npm ci --prefix tools/slides`"
            )


def copy_vendor_assets(output_dir, node_modules=NODE_MODULES):
    """Copy the files the decks load into ``output_dir/vendor``; returns the paths copied."""
    vendor_dir = Path(output_dir) / VENDOR
    if vendor_dir.exists():
        shutil.rmtree(vendor_dir)
    copied = []
    for package, patterns in VENDOR_FILES.items():
        source_root = Path(node_modules) / package
        for pattern in patterns:
            sources = sorted(path for path in source_root.glob(pattern) if path.is_file())
            if not sources:
                raise SlidesError(f"no file matches {package}/{pattern} in {node_modules}")
            for source in sources:
                target = vendor_dir / package / source.relative_to(source_root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied.append(target)
    return copied


def slides_exporter():
    """nbconvert's SlidesExporter with the offline template, the vendored URLs and the slide settings."""
    config = Config()
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    for name, value in REVEAL.items():
        setattr(config.SlidesExporter, name, value)
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    config.SlidesExporter.template_name = TEMPLATE_NAME
    # In [n]: prompts only take width on a projector.
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    # A lesson can hide plotting plumbing on the slides and keep its figure (the notebook is unchanged).
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    # Images referenced from Markdown cells (none yet) would be embedded too.
    config.SlidesExporter.embed_images = True
    return SlidesExporter(config=config)


def remote_urls(text):
    """Every http:// or https:// URL in ``text`` (a deck must have none)."""
    return REMOTE_URL.findall(text)


def _in_elements(tag, pattern, html):
    """Remove ``pattern``'s matches inside every ``<tag>...</tag>`` element of ``html``."""
    element = re.compile(rf"(<{tag}\b[^>]*>)(.*?)(</{tag}>)", re.DOTALL | re.IGNORECASE)
    return element.sub(lambda match: match[1] + pattern.sub("", match[2]) + match[3], html)


def strip_url_comments(html):
    """Drop the CSS and JavaScript comments that cite web pages (nbconvert's own), so no URL is left."""
    return _in_elements("script", JS_URL_COMMENT, _in_elements("style", CSS_URL_COMMENT, html))


def link_lessons(html, deck_stems):
    """Point links to another lesson's notebook at that lesson's deck (same folder)."""

    def replace(match):
        if match["stem"] not in deck_stems:
            return match[0]
        return f'href="{match["stem"]}{DECK_SUFFIX}{match["anchor"] or ""}"'

    return LESSON_LINK.sub(replace, html)


def build_decks(source_dir="notebooks", output_dir="build/slides", node_modules=NODE_MODULES):
    """Write ``NN_name.slides.html`` for every lesson in ``source_dir``, and the vendored assets.

    Returns
    -------
    list of Path
        The decks written, in lesson order.

    Raises
    ------
    SlidesError
        If the npm assets are missing or a deck contains an http(s) URL.
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    lessons = sorted(source_dir.glob(LESSON_PATTERN))
    if not lessons:
        raise FileNotFoundError(f"no lesson notebooks (NN_name.ipynb) in {source_dir}")
    check_assets(node_modules)
    exporter = slides_exporter()
    stems = {path.stem for path in lessons}
    decks = {}
    for path in lessons:
        notebook = nbformat.read(path, as_version=4)
        html, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": path.stem}})
        html = link_lessons(strip_url_comments(html), stems)
        remote = remote_urls(html)
        if remote:
            raise SlidesError(f"{path.name}: the deck would load from the network: {sorted(set(remote))}")
        decks[path.stem + DECK_SUFFIX] = html
    output_dir.mkdir(parents=True, exist_ok=True)
    for stale in output_dir.glob("[0-9][0-9]_*" + DECK_SUFFIX):
        if stale.name not in decks:
            stale.unlink()
    copy_vendor_assets(output_dir, node_modules)
    written = []
    for name, html in decks.items():
        target = output_dir / name
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written


def main(argv):
    source_dir = argv[0] if argv else "notebooks"
    output_dir = argv[1] if len(argv) > 1 else "build/slides"
    try:
        decks = build_decks(source_dir, output_dir)
    except SlidesError as error:
        sys.exit(f"slides: {error}")
    for path in decks:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"open {Path(output_dir) / decks[0].name} in a browser (works from file://, offline)")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The browser assets every page kind loads, pinned once in one npm project: ``course/assets``.

``course/assets/package.json`` pins reveal.js, jQuery, MathJax 2 (as the
alias ``mathjax2``: the decks and HTML pages use its ``MathJax.js``), MathJax 3
(the website: Sphinx 7 configures MathJax 3), require.js, the widget manager
that renders saved ipywidgets state with no kernel, and anywidget's front end
(the canvas sliders). ``npm ci --prefix course/assets`` installs them; each
builder copies the files it needs (:data:`DECK_FILES`, :data:`WIDGET_FILES`,
:data:`SITE_FILES`) into a ``vendor/`` folder next to its pages, so that
nothing is loaded from the network.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
NODE_MODULES = ASSETS_DIR / "node_modules"
VENDOR = "vendor"
WIDGET_MANAGER = "@jupyter-widgets/html-manager"


class AssetsError(RuntimeError):
    """The pinned npm packages are missing or at other versions; the message says what to run."""


@dataclass(frozen=True)
class Vendored:
    """Files of one npm package to copy to ``vendor/<target>/``.

    ``patterns`` are globs relative to the package's folder in node_modules;
    ``target`` defaults to the package's name; a leading folder ``strip`` of
    each path is dropped (MathJax 3's ``es5/``).
    """

    package: str
    patterns: tuple
    target: str = ""
    strip: str = ""


# A deck or an HTML page: reveal.js (decks only), require.js, jQuery and MathJax 2. MathJax 2 is 70 MB installed;
# a page needs its loader, the TeX input, the CommonHTML output with the TeX web fonts (woff), and the small
# extensions the TeX input loads on demand.
DECK_FILES = (
    Vendored("reveal.js", ("LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/theme/white.css",
                           "dist/theme/fonts/source-sans-pro/*", "plugin/notes/notes.js")),
    Vendored("requirejs", ("require.js",)),
    Vendored("jquery", ("LICENSE.txt", "dist/jquery.min.js")),
    Vendored("mathjax2", ("LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                          "extensions/*.js", "extensions/TeX/*.js", "localization/en/*.js", "jax/element/**/*.js",
                          "jax/input/TeX/*.js", "jax/output/CommonHTML/**/*.js", "fonts/HTML-CSS/TeX/woff/*.woff"),
             target="mathjax"),
)
# The widgets' front end. The manager's AMD bundle (it needs require.js) holds the base, controls and output
# widgets; webpack loads the icon fonts its style sheet names from next to it, as woff2, woff or ttf.
# anywidget's AMD module is found by require.js through REQUIRE_ANYWIDGET.
WIDGET_FILES = (
    Vendored(WIDGET_MANAGER, ("package.json", "dist/embed-amd.js", "dist/embed.js.LICENSE.txt", "dist/*.woff2",
                              "dist/*.woff", "dist/*.ttf")),
    Vendored("anywidget", ("package.json", "LICENSE", "dist/index.js")),
)
# The website: MathJax 3's tex-chtml.js holds the TeX input and HTML output; TeX extensions, the fonts and the
# accessibility components load on demand from next to it.
SITE_FILES = (
    Vendored("mathjax", ("LICENSE", "es5/tex-chtml.js", "es5/input/**/*", "es5/output/chtml/**/*", "es5/a11y/**/*",
                         "es5/sre/**/*", "es5/ui/**/*", "es5/adaptors/**/*"), strip="es5"),
    Vendored("requirejs", ("require.js",)),
)
# Loaded right after require.js by a page with canvas sliders: maps the module "anywidget" to vendor/anywidget.
REQUIRE_ANYWIDGET = ASSETS_DIR / "require-anywidget.js"

# Where a page finds them, relative to the page's folder.
REQUIRE_JS_URL = f"{VENDOR}/requirejs/require.js"
JQUERY_URL = f"{VENDOR}/jquery/dist/jquery.min.js"
MATHJAX2_URL = f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
REVEAL_URL_PREFIX = f"{VENDOR}/reveal.js"
WIDGET_MANAGER_URL = f"{VENDOR}/{WIDGET_MANAGER}/dist/embed-amd.js"
REQUIRE_ANYWIDGET_URL = f"{VENDOR}/{REQUIRE_ANYWIDGET.name}"


def _pinned_version(spec):
    """The version of a package.json dependency, an npm alias (``npm:mathjax@2.7.9``) included."""
    return spec.rsplit("@", 1)[-1] if spec.startswith("npm:") else spec


def check_installed(node_modules=NODE_MODULES):
    """Fail unless every package pinned in ``course/assets/package.json`` is installed at its version."""
    pinned = json.loads((ASSETS_DIR / "package.json").read_text(encoding="utf-8"))["dependencies"]
    remedy = f"run `npm ci --prefix {ASSETS_DIR}` (make does it)"
    for package, spec in pinned.items():
        manifest = Path(node_modules) / package / "package.json"
        if not manifest.is_file():
            raise AssetsError(f"{package} is not installed in {node_modules}: {remedy}")
        installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if installed != _pinned_version(spec):
            raise AssetsError(f"{package} {installed} is installed but course/assets/package.json pins "
                              f"{_pinned_version(spec)}: {remedy}")


def copy_files(vendor_dir, files, node_modules=NODE_MODULES):
    """Copy ``files`` (:class:`Vendored` records) into ``vendor_dir``; returns the paths written.

    Raises
    ------
    AssetsError
        If a pattern matches no file (a package's layout changed).
    """
    copied = []
    for vendored in files:
        source_root = Path(node_modules) / vendored.package
        for pattern in vendored.patterns:
            sources = sorted(path for path in source_root.glob(pattern) if path.is_file())
            if not sources:
                raise AssetsError(f"no file matches {vendored.package}/{pattern} in {node_modules}")
            for source in sources:
                relative = source.relative_to(source_root)
                if vendored.strip and relative.parts[0] == vendored.strip:
                    relative = Path(*relative.parts[1:])
                target = Path(vendor_dir) / (vendored.target or vendored.package) / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied.append(target)
    return copied


def copy_widget_front_end(vendor_dir, node_modules=NODE_MODULES):
    """The widget manager, anywidget and the require.js map for anywidget, into ``vendor_dir``; the paths."""
    copied = copy_files(vendor_dir, WIDGET_FILES, node_modules)
    target = Path(vendor_dir) / REQUIRE_ANYWIDGET.name
    shutil.copyfile(REQUIRE_ANYWIDGET, target)
    return [*copied, target]


def copy_page_assets(output_dir, node_modules=NODE_MODULES):
    """Everything a deck or an HTML page loads, into ``output_dir/vendor`` (checked first); the paths written."""
    check_installed(node_modules)
    vendor_dir = Path(output_dir) / VENDOR
    return copy_files(vendor_dir, DECK_FILES, node_modules) + copy_widget_front_end(vendor_dir, node_modules)

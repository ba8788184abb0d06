"""How every builder publishes: nothing from the network, never over the lessons, one atomic replace.

One policy for the student copies, the decks, the HTML pages and the website
(:func:`new_output`):

- the output folder may not be, contain or lie inside the lessons' folder
  (a builder never writes over the lessons);
- it is replaced only if it is missing, empty or made by the same command
  (it then holds :data:`BUILD_MARK`); a folder holding anything else is
  refused rather than deleted;
- everything is written to a new folder next to it, which replaces it in one
  rename: a reader never sees half a build, and of two builds at the same
  time the last one wins;
- a page that would load a script, a style sheet or an image from
  ``http(s)://`` stops the build (:func:`check_offline`); links to web pages
  are fine.
"""

import contextlib
import errno
import re
import shutil
import uuid
from html.parser import HTMLParser
from pathlib import Path

# Written into every output folder a command makes, naming the command: a later build may replace that folder.
BUILD_MARK = ".course-build"
REMOTE_URL = re.compile(r"""https?://[^\s"'<>)]*""", re.IGNORECASE)
# Comments that cite a web page, in the style sheets nbconvert inlines and in its scripts.
CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*\*/", re.DOTALL | re.IGNORECASE)
JS_URL_COMMENT = re.compile(r"^[ \t]*//[^\n]*https?://[^\n]*\n", re.MULTILINE | re.IGNORECASE)


class PublishError(RuntimeError):
    """An output folder that may not be replaced, or a page that would reach the network."""


# --------------------------------------------------------------------------
# Where a builder may write
# --------------------------------------------------------------------------


def folder_relation(folder, output_dir):
    """How ``output_dir`` overlaps ``folder`` (links resolved): "is", "contains", "is inside", or "" if it does not."""
    folder, output = Path(folder).resolve(), Path(output_dir).resolve()
    if output == folder:
        return "is"
    if folder.is_relative_to(output):
        return "contains"
    if output.is_relative_to(folder):
        return "is inside"
    return ""


def check_output_folder(source_dir, output_dir):
    """Refuse an output folder that is, contains or lies inside the lessons' folder: builders never write there.

    Raises
    ------
    ValueError
        Naming both folders.
    """
    relation = folder_relation(source_dir, output_dir)
    if relation:
        raise ValueError(
            f"the output folder {output_dir} {relation} the lessons' folder {source_dir}: "
            "a builder never writes over the lessons; choose an output folder outside it"
        )


def check_replaceable(output_dir, made_by):
    """Fail unless ``output_dir`` is missing, empty or an earlier build of the command ``made_by``."""
    output_dir = Path(output_dir)
    if not output_dir.exists() and not output_dir.is_symlink():
        return
    if not output_dir.is_dir() or output_dir.is_symlink():
        raise PublishError(f"the output folder {output_dir} is not a folder")
    mark = output_dir / BUILD_MARK
    entries = sorted(entry.name for entry in output_dir.iterdir())
    if not entries or (mark.is_file() and mark.read_text(encoding="utf-8").strip() == made_by):
        return
    shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
    raise PublishError(
        f"the output folder {output_dir} holds files that `python -m course {made_by}` did not make ({shown}); "
        "a build replaces the whole folder, so remove it or choose a new or empty one"
    )


def _sibling(folder, purpose):
    """A new name next to ``folder``, unique to this build."""
    return folder.with_name(f".{folder.name}.{purpose}-{uuid.uuid4().hex[:12]}")


def replace_folder(new, target):
    """Rename the folder ``new`` to ``target``, moving a previous ``target`` out of the way and deleting it.

    A rename is atomic and replaces only a missing or empty folder; when another
    build got there first, its folder is moved aside and the rename retried, so
    of two concurrent builds the last one wins and neither fails.
    """
    while True:
        try:
            new.rename(target)
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        previous = _sibling(target, "old")
        try:
            target.rename(previous)
        except FileNotFoundError:  # another build moved it away first: try again
            continue
        shutil.rmtree(previous)


@contextlib.contextmanager
def new_output(output_dir, source_dir, made_by):
    """Yield a new, empty folder next to ``output_dir`` (absolute); when the block succeeds, it replaces it.

    Parameters
    ----------
    output_dir : path
        The folder the build publishes, relative to the current folder or absolute.
    source_dir : path
        The lessons' folder, which the output may not overlap.
    made_by : str
        The command that builds it (``slides``, ``site`` ...), written into :data:`BUILD_MARK`.

    Raises
    ------
    ValueError
        If ``output_dir`` overlaps ``source_dir``.
    PublishError
        If ``output_dir`` holds files another command or a person made.
    """
    check_output_folder(source_dir, output_dir)
    check_replaceable(output_dir, made_by)  # named as the user gave it
    output_dir = Path(output_dir).absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(output_dir, "building")
    staging.mkdir()
    try:
        yield staging
        (staging / BUILD_MARK).write_text(made_by + "\n", encoding="utf-8")
        replace_folder(staging, output_dir)
    finally:
        if staging.exists():  # the build failed before its folder replaced the output
            shutil.rmtree(staging)


# --------------------------------------------------------------------------
# Nothing from the network
# --------------------------------------------------------------------------


class _LoadedRemoteURLs(HTMLParser):
    """Collects the http(s) URLs a browser would load to show a page.

    That is every URL in an attribute (``src``, a style sheet's ``href``, a
    ``style``'s ``url()``, ...) except a link's target and an XML namespace,
    and every URL inside a ``<script>`` or ``<style>`` element. URLs in text
    and in ``<a href>`` are only followed when the reader clicks.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and not (tag == "a" and name == "href") and not name.startswith("xmlns"):
                self.found += REMOTE_URL.findall(value)
        self._in_code = tag in ("script", "style")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_code = False

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code:
            self.found += REMOTE_URL.findall(data)


def remote_resources(html):
    """The http:// or https:// URLs a browser would load to show ``html`` (a page must have none), sorted."""
    parser = _LoadedRemoteURLs()
    parser.feed(html)
    parser.close()
    return sorted(set(parser.found))


def check_offline(html, name):
    """Fail, naming the page ``name`` and the URLs, if ``html`` would load anything from the network."""
    remote = remote_resources(html)
    if remote:
        raise PublishError(f"{name} would load from the network: {remote}")


def _in_elements(tag, pattern, html):
    """Remove ``pattern``'s matches inside every ``<tag>...</tag>`` element of ``html``."""
    element = re.compile(rf"(<{tag}\b[^>]*>)(.*?)(</{tag}>)", re.DOTALL | re.IGNORECASE)
    return element.sub(lambda match: match[1] + pattern.sub("", match[2]) + match[3], html)


def strip_url_comments(html):
    """Drop the CSS and JavaScript comments that cite web pages (nbconvert's own), so no URL is left."""
    return _in_elements("script", JS_URL_COMMENT, _in_elements("style", CSS_URL_COMMENT, html))

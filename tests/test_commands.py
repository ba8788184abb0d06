"""The command line, ``python -m course VERB``, as a user types it: help, default folders, quiet output."""

import nbformat
import pytest
from browser_support import find_chromium
from course_support import lesson_notebook, run_course, write_course

from course.__main__ import parser

VERBS = sorted(parser()._subparsers._group_actions[0].choices)
# ipykernel's warning when a kernel talks over TCP; the commands use the IPC transport.
TCP_WARNING = "running over TCP without encryption"


def _course_with_code(folder):
    notebook = lesson_notebook("# 00 · A")
    notebook.cells.append(nbformat.v4.new_code_cell("print(6 * 7)", metadata={"slideshow": {"slide_type": "-"}}))
    return write_course(folder, {"00_a.ipynb": notebook})


def test_every_verb_named_in_the_makefile_exists():
    assert {"links", "notebooks", "pages", "paths", "site", "slides", "student", "grade"} <= set(VERBS)


@pytest.mark.parametrize("verb", [None, *VERBS])
def test_every_verb_has_help(verb, tmp_path):
    result = run_course(*([verb] if verb else []), "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m course" + (f" {verb}" if verb else ""))
    assert not list(tmp_path.iterdir()), "--help wrote something"


@pytest.mark.build
@pytest.mark.browser
def test_slides_with_handouts_from_the_default_relative_folder(tmp_path):
    """The README's `make slides` writes to build/slides, relative: the handouts must print from there too."""
    find_chromium()
    source = write_course(tmp_path / "course", {"00_a.ipynb": lesson_notebook("# 00 · A", "a slide")})
    result = run_course("slides", "--lessons", source, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "build" / "slides" / "00_a.slides.html").is_file()
    assert (tmp_path / "build" / "slides" / "00_a.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.kernel
@pytest.mark.build
@pytest.mark.parametrize("verb", ["student", "pages", "slides"])
def test_a_command_prints_progress_and_no_warning(verb, tmp_path, monkeypatch):
    """Each builder on a lesson with code: a line of progress, and nothing else on stderr (no kernel warning)."""
    monkeypatch.setenv("COURSE_CACHE", "off")  # the lesson really runs in a kernel
    source = _course_with_code(tmp_path / "course")
    extra = ["--no-pdf"] if verb == "slides" else []
    result = run_course(verb, "--lessons", source, *extra, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert TCP_WARNING not in result.stdout + result.stderr
    assert result.stderr == "", result.stderr
    assert result.stdout.startswith(f"{verb}: "), result.stdout

"""The command line, ``python -m course VERB``, as a user types it: help, default folders, quiet output."""

import re

import nbformat
import pytest
from browser_support import find_chromium, skip_or_fail
from course_support import ROOT, lesson_notebook, run_course, write_course
from grading_support import write_class

from course.__main__ import parser
from course.manifest import read_notebook
from course.site import SiteError, check_assets
from course.student import student_copy

VERBS = sorted(parser()._subparsers._group_actions[0].choices)
# ipykernel's warning when a kernel talks over TCP; the commands use the IPC transport.
TCP_WARNING = "running over TCP without encryption"


def site_tools_or_skip():
    try:
        check_assets()
    except SiteError as error:
        skip_or_fail(f"cannot build the website: {error}")


def _course_with_code(folder):
    notebook = lesson_notebook("# 00 · A")
    notebook.cells.append(nbformat.v4.new_code_cell("print(6 * 7)", metadata={"slideshow": {"slide_type": "-"}}))
    # As every lesson has them: the site highlights the code by the kernel's language.
    notebook.metadata.update(kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
                             language_info={"name": "python"})
    return write_course(folder, {"00_a.ipynb": notebook})


def test_every_verb_named_in_the_makefile_exists():
    assert {"links", "notebooks", "pages", "paths", "site", "slides", "student", "grade"} <= set(VERBS)


def test_the_command_line_runs_as_the_readme_says(tmp_path):
    result = run_course("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m course")
    assert all(verb in result.stdout for verb in VERBS)
    assert not list(tmp_path.iterdir()), "--help wrote something"


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb, capsys):
    with pytest.raises(SystemExit) as exited:
        parser().parse_args([verb, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m course {verb}")


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


def _arguments(verb, folder):
    """The arguments of ``verb`` on a small course in ``folder``: one lesson with code (the grader: lesson 03)."""
    if verb == "grade":
        copy = student_copy(read_notebook(ROOT / "notebooks" / "03_e_step.ipynb"), "03_e_step.ipynb")
        write_class(folder / "class", {"ada": {"03_e_step.ipynb": copy}})
        return ["class", "--only", "03", "--out", "grades"]
    source = _course_with_code(folder / "course")
    return {"slides": ["--no-pdf"], "site": ["--no-execute"]}.get(verb, []) + ["--lessons", source]


@pytest.mark.kernel
@pytest.mark.build
@pytest.mark.parametrize("verb", ["student", "notebooks", "grade", "pages", "slides", "site"])
def test_a_command_prints_progress_and_no_warning(verb, tmp_path, monkeypatch):
    """Each command on a lesson with code: lines of progress, and no warning or error (no kernel warning)."""
    monkeypatch.setenv("COURSE_CACHE", "off")  # the lesson really runs in a kernel
    if verb == "site":
        site_tools_or_skip()
    result = run_course(verb, *_arguments(verb, tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert TCP_WARNING not in said
    warnings = [line for line in said.splitlines() if re.search(r"warn|traceback|error", line, re.IGNORECASE)]
    assert not warnings, said
    prefix = "[1/1] ada: " if verb == "grade" else f"{verb}: "
    assert result.stdout.startswith(prefix), result.stdout

"""Every command the README names, typed as it writes it, in a clean copy of the repository, default folders.

The copy holds the files git tracks (and new ones it does not ignore), with
their times, and links to this checkout's prepared environments (``.venv``,
``.venv-site``, the npm packages), so that make finds them up to date rather
than installing them again. The lessons run through the session's cache of
executed lessons (``course.execute``), so a build here shares the other build
tests' executions. ``make test`` is the command that runs this test, and
``make benchmark`` is a report: both are left out.
"""

import csv
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from browser_support import find_chromium

from course.manifest import read_lessons

pytestmark = [pytest.mark.kernel, pytest.mark.build, pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LESSONS = read_lessons(ROOT / "notebooks")
PREPARED = [".venv", ".venv-site", "course/assets/node_modules"]
NOT_RUN_HERE = {"make test", "make benchmark", "make nbgrader-venv"}
COMMAND_TIMEOUT_S = 1200


def readme_commands():
    """The make commands the README shows in its code blocks and its table of commands, as written."""
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", README, re.DOTALL))
    in_blocks = [line.split("#")[0].strip() for line in blocks.splitlines() if line.startswith("make ")]
    in_table = re.findall(r"^\| `(make [^`]+)` \|", README, re.MULTILINE)
    return sorted(set(in_blocks + in_table))


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A copy of the repository as a clean clone has it (a git repository of its files, their times kept),
    with this checkout's environments linked in."""
    for prepared in PREPARED:
        if not (ROOT / prepared).exists():
            pytest.skip(f"{prepared} is not set up (make test sets it up)")
    find_chromium()
    folder = tmp_path_factory.mktemp("clone") / "gmm-lessons"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)  # with its time: make's targets stay up to date
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the clone"]):  # a clone is a repository
        subprocess.run([*git, *step], cwd=folder, capture_output=True, check=True)
    for prepared in PREPARED:
        (folder / prepared).symlink_to(ROOT / prepared)
    (folder / "DIR" / "absent").mkdir(parents=True)  # the README's SUBMISSIONS=DIR: a student who handed in nothing
    return folder


def make(command, clone, **options):
    """``command`` as a user types it in the clone's root; fails the test on a non-zero exit."""
    result = subprocess.run(command, shell=True, cwd=clone, capture_output=True, text=True,
                            timeout=COMMAND_TIMEOUT_S, check=False, **options)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _lesson_files(folder, suffix):
    return sorted(path.name for path in (folder).glob(f"*{suffix}"))


def _expected(suffix):
    return sorted(Path(lesson.file).stem + suffix for lesson in LESSONS)


def check_lab(clone):
    """`make lab` serves JupyterLab on 127.0.0.1; the test stops it once it says where."""
    server = subprocess.Popen("make lab", shell=True, cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True, env={**os.environ, "BROWSER": "true"})
    try:
        deadline, said = time.monotonic() + 120, ""
        while time.monotonic() < deadline and "http://127.0.0.1:" not in said:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            said += line
        assert "http://127.0.0.1:" in said, said[-3000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def check_student(clone):
    make("make student", clone)
    copies = clone / "build" / "student"
    assert _lesson_files(copies, ".ipynb") == _expected(".ipynb")
    assert not any("BEGIN SOLUTION" in path.read_text(encoding="utf-8") for path in copies.glob("*.ipynb"))


def _grades(clone):
    with open(clone / "build" / "grades" / "grades.csv", newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def check_grade(clone):
    make("make grade SUBMISSIONS=DIR", clone)
    header, (row,) = _grades(clone)[0], _grades(clone)[1:]
    assert header[0] == "student" and header[-2:] == ["total", "max"] and row[0] == "absent" and row[-2] == "0"
    assert len(header) - 3 == sum(len(lesson.exercises) for lesson in LESSONS)


def check_grade_only(clone):
    make('make grade SUBMISSIONS=DIR ONLY="03 11"', clone)
    homework = [lesson for lesson in LESSONS if lesson.file.startswith(("03_", "11_"))]
    expected = [f"{lesson.file[:2]}_{exercise.function}" for lesson in homework for exercise in lesson.exercises]
    assert _grades(clone)[0] == ["student", *expected, "total", "max"]


def check_slides(clone):
    make("make slides", clone)
    decks = clone / "build" / "slides"
    assert _lesson_files(decks, ".slides.html") == _expected(".slides.html")
    assert _lesson_files(decks, ".pdf") == _expected(".pdf")


def check_html(clone):
    make("make html", clone)
    assert _lesson_files(clone / "build" / "html", ".html") == _expected(".html")


def check_site(clone):
    make("make site", clone)
    site = clone / "build" / "site"
    assert (site / "index.html").is_file() and (site / "search.html").is_file()
    assert set(_expected(".html")) <= set(_lesson_files(site, ".html"))


def check_links(clone):
    before = {path: path.read_bytes() for path in [clone / "README.md", *(clone / "notebooks").glob("*.ipynb")]}
    assert "links and tables are current" in make("make links", clone).stdout
    assert {path: path.read_bytes() for path in before} == before


def check_notebooks(clone):
    sources = {lesson.file: [cell.source for cell in nbformat.read(clone / "notebooks" / lesson.file, 4).cells]
               for lesson in LESSONS}
    make("make notebooks", clone)
    for lesson in LESSONS:
        notebook = nbformat.read(clone / "notebooks" / lesson.file, 4)
        assert [cell.source for cell in notebook.cells] == sources[lesson.file], f"{lesson.file} changed its cells"
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.execution_count is not None, f"{lesson.file}: a cell was not run"
                errors = [output for output in cell.outputs if output.output_type == "error"]
                assert not errors or "raises-exception" in cell.metadata.get("tags", []), lesson.file


def check_check(clone):
    make("make check", clone)


# In this order: `make notebooks` rewrites the lessons (their widget ids), so it goes after the builds that
# share the session's executions of the committed lessons.
CHECKS = {
    "make lab": check_lab,
    "make student": check_student,
    "make grade SUBMISSIONS=DIR": check_grade,
    'make grade SUBMISSIONS=DIR ONLY="03 11"': check_grade_only,
    "make slides": check_slides,
    "make html": check_html,
    "make site": check_site,
    "make links": check_links,
    "make check": check_check,
    "make notebooks": check_notebooks,
}
COMMANDS = [command for command in CHECKS if command in readme_commands()]


def test_every_readme_command_is_tested():
    untested = set(readme_commands()) - set(CHECKS) - NOT_RUN_HERE
    assert not untested, f"README commands without a check here: {untested}"


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readme_command_works_as_written(clone, command):
    CHECKS[command](clone)

"""Student copies: solutions gone, everything else runs, lessons untouched, output reproducible."""

import hashlib
import subprocess
import sys
from pathlib import Path

import homework
import lessons
import nbformat
import pytest
from course_support import lesson_notebook, write_course
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

LESSONS = [lesson.path for lesson in lessons.read_lessons(ROOT / "notebooks")]
# Lines this short or generic may legitimately appear elsewhere in a lesson.
MIN_LEAK_LENGTH = 20


def _digest(paths):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


def _solution_lines(source):
    """The non-blank lines strictly between the solution markers."""
    lines, inside = [], False
    for line in source.split("\n"):
        if homework.BEGIN_MARKER in line:
            inside = True
        elif homework.END_MARKER in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    before = _digest(LESSONS)
    output = tmp_path_factory.mktemp("student")
    homework.write_student_copies(ROOT / "notebooks", output)
    assert _digest(LESSONS) == before, "writing student copies changed a lesson notebook"
    return output


def test_every_lesson_gets_a_copy(student_dir):
    assert sorted(path.name for path in student_dir.glob("*.ipynb")) == [path.name for path in LESSONS]


def test_lessons_have_exercises_to_remove():
    """Guards the other tests against passing vacuously."""
    exercises = [cell for path in LESSONS for cell in nbformat.read(path, as_version=4).cells
                 if homework.BEGIN_MARKER in cell.source]
    assert len(exercises) >= 5


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_no_solution_text_leaks(lesson, student_dir):
    """No line found only in a solution region survives (lines the lesson also shows elsewhere may)."""
    original = nbformat.read(lesson, as_version=4)
    solutions = {line for cell in original.cells for line in _solution_lines(cell.source)
                 if len(line) >= MIN_LEAK_LENGTH}
    solutions = {line for line in solutions if line not in "\n".join(
        cell.source for cell in original.cells if homework.BEGIN_MARKER not in cell.source)}
    copy_text = (student_dir / lesson.name).read_text()
    assert homework.BEGIN_MARKER not in copy_text and homework.END_MARKER not in copy_text
    leaked = [line for line in solutions if line in copy_text]
    assert not leaked, f"solution lines left in the student copy of {lesson.name}: {leaked}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_copies_are_cleared_and_keep_the_self_checks(lesson, student_dir):
    original = nbformat.read(lesson, as_version=4)
    copy = nbformat.read(student_dir / lesson.name, as_version=4)
    assert len(copy.cells) == len(original.cells)
    for before, after in zip(original.cells, copy.cells):
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None
            assert "source_hidden" not in after.metadata.get("jupyter", {})
        if homework.BEGIN_MARKER not in before.source:
            assert after.source == before.source
        else:
            assert "# YOUR CODE HERE" in after.source and "raise NotImplementedError()" in after.source


def test_a_second_run_writes_the_same_bytes(student_dir, tmp_path):
    homework.write_student_copies(ROOT / "notebooks", tmp_path)
    assert _digest(sorted(tmp_path.glob("*.ipynb"))) == _digest(sorted(student_dir.glob("*.ipynb")))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_student_copy_runs_with_only_the_unsolved_checks_failing(lesson, student_dir):
    """Top to bottom: each check cell fails in one line ("not implemented yet"); no other cell errs."""
    copy = nbformat.read(student_dir / lesson.name, as_version=4)
    NotebookClient(copy, kernel_name="python3", allow_errors=True, timeout=120,
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    exercises_left = 0
    for index, cell in enumerate(copy.cells):
        errors = [output for output in cell.get("outputs", []) if output.output_type == "error"]
        if not errors:
            continue
        (error,) = errors
        assert "check" in cell.metadata.get("tags", []), (
            f"{lesson.name} cell {index} failed without a solution, but it is not a check cell: "
            f"{error.ename}: {error.evalue}")
        assert error.ename == "CheckFailed"
        assert "is not implemented yet" in error.evalue
        assert len(error.traceback) == 1, "a check's failure should show as its message alone"
        exercises_left += 1
    expected = sum(homework.BEGIN_MARKER in cell.source for cell in nbformat.read(lesson, as_version=4).cells)
    assert exercises_left == expected


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def test_the_stub_keeps_the_indentation_of_the_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n"
    assert homework.strip_solutions(source, "here") == (
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")


def test_code_outside_the_markers_is_kept():
    source = "import numpy as np\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\nprint(answer)"
    assert homework.strip_solutions(source, "here") == (
        "import numpy as np\n# YOUR CODE HERE\nraise NotImplementedError()\nprint(answer)")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("### BEGIN SOLUTION\nx = 1\n", "the solution opened on line 1 is never closed"),
        ("x = 1\n### END SOLUTION\n", "line 2 closes a solution that was never opened"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n", "line 2 opens a solution inside the one"),
    ],
)
def test_unbalanced_markers_name_the_notebook_and_cell(source, problem):
    notebook = _notebook(nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell(source))
    with pytest.raises(homework.MarkerError, match=f"^03_e_step.ipynb, cell 1: {problem}"):
        homework.student_copy(notebook, "03_e_step.ipynb")


def test_an_exercise_cell_without_markers_is_an_error():
    cell = nbformat.v4.new_code_cell("def e_step(data):\n    return data")
    cell.metadata["tags"] = ["exercise"]
    with pytest.raises(homework.MarkerError, match="^04_m_step.ipynb, cell 0: an exercise cell has no solution"):
        homework.student_copy(_notebook(cell), "04_m_step.ipynb")


def test_a_marker_in_markdown_is_an_error():
    notebook = _notebook(nbformat.v4.new_markdown_cell("Write it between ### BEGIN SOLUTION and the end."))
    with pytest.raises(homework.MarkerError, match="^01_x.ipynb, cell 0: solution markers belong in code cells"):
        homework.student_copy(notebook, "01_x.ipynb")


def test_student_copy_does_not_modify_its_input():
    notebook = _notebook(nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    before = nbformat.writes(notebook)
    homework.student_copy(notebook, "n.ipynb")
    assert nbformat.writes(notebook) == before


# --------------------------------------------------------------------------
# The command's guards, on a small course
# --------------------------------------------------------------------------


def _small_course(folder):
    exercise = nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")
    notebook = lesson_notebook("# 00 · A")
    notebook.cells.append(exercise)
    return write_course(folder, {"00_a.ipynb": notebook})


@pytest.mark.parametrize(("output", "relation"), [("course", "is"), (".", "contains"), ("course/student", "is inside"),
                                                   ("link-to-course", "is")])
def test_an_output_folder_overlapping_the_lessons_is_refused(tmp_path, output, relation):
    """The lessons are never overwritten: not by the same folder, a parent, a folder inside, or a symlink."""
    source = _small_course(tmp_path / "course")
    (tmp_path / "link-to-course").symlink_to(source, target_is_directory=True)
    before = _digest(sorted(source.iterdir()))
    with pytest.raises(ValueError, match=f"the output folder .* {relation} the lessons' folder {source}"):
        homework.write_student_copies(source, tmp_path / output)
    assert _digest(sorted(source.iterdir())) == before
    assert not (tmp_path / "course" / "student").exists()


def test_an_unreadable_lesson_stops_the_command_in_one_line_naming_it(tmp_path):
    source = write_course(tmp_path / "course", {"00_a.ipynb": lesson_notebook("# 00 · A"), "01_b.ipynb": ""})
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "homework.py"), str(source), str(tmp_path / "student")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode != 0
    expected = f"homework: {source / '01_b.ipynb'} is not a readable notebook: the file is empty"
    assert result.stderr.splitlines() == [expected]
    assert not (tmp_path / "student").exists(), "nothing is written when a lesson cannot be read"

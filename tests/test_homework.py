"""Student copies: solutions gone, notes for students, everything else runs, lessons untouched, output reproducible;
and in the lessons and the copies, Run All judges the learner's own function wherever they write it."""

import ast
import hashlib
from pathlib import Path

import nbformat
import pytest
from course_support import (
    exercise_cells,
    filled_stub,
    lesson_notebook,
    run_course,
    solution_body,
    solution_only_lines,
    write_course,
)
from nbclient import NotebookClient

from course.manifest import BEGIN_MARKER, END_MARKER, SELF_PACED_NOTE_TAG, SOLUTION_TAG, read_lessons
from course.student import STUDENT_NOTE, MarkerError, student_copy, write_student_copies

ROOT = Path(__file__).resolve().parent.parent

LESSONS = [lesson.path for lesson in read_lessons(ROOT / "notebooks")]

# Seconds per cell: lesson 09's digits sweep takes a few seconds alone but over 120 s on a loaded 2-core machine.
CELL_TIMEOUT_S = 300


def _digest(paths):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    before = _digest(LESSONS)
    output = tmp_path_factory.mktemp("student")
    write_student_copies(ROOT / "notebooks", output)
    assert _digest(LESSONS) == before, "writing student copies changed a lesson notebook"
    return output


def test_every_lesson_gets_a_copy(student_dir):
    assert sorted(path.name for path in student_dir.glob("*.ipynb")) == [path.name for path in LESSONS]


def _is_solution(cell):
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def test_lessons_have_exercises_to_remove():
    """Guards the other tests against passing vacuously."""
    solutions = [cell for path in LESSONS for cell in nbformat.read(path, as_version=4).cells
                 if _is_solution(cell) and BEGIN_MARKER in cell.source]
    assert len(solutions) >= 5


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_no_solution_text_leaks(lesson, student_dir):
    """No line found only in a solution region survives (lines the lesson also shows elsewhere may)."""
    original = nbformat.read(lesson, as_version=4)
    solutions = solution_only_lines(original)
    assert bool(solutions) == bool(exercise_cells(original)), "no worked-solution lines to look for"
    copy_text = (student_dir / lesson.name).read_text()
    assert BEGIN_MARKER not in copy_text and END_MARKER not in copy_text
    leaked = [line for line in solutions if line in copy_text]
    assert not leaked, f"solution lines left in the student copy of {lesson.name}: {leaked}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_copies_drop_the_solutions_speak_to_students_and_keep_the_rest(lesson, student_dir):
    original = nbformat.read(lesson, as_version=4)
    copy = nbformat.read(student_dir / lesson.name, as_version=4)
    kept = [cell for cell in original.cells if not _is_solution(cell)]
    assert [cell.id for cell in copy.cells] == [cell.id for cell in kept]
    for before, after in zip(kept, copy.cells):
        if after.cell_type == "code":
            assert after.outputs == [] and after.execution_count is None
        assert "source_hidden" not in after.metadata.get("jupyter", {})
        if SELF_PACED_NOTE_TAG in before.metadata.get("tags", []):
            assert after.source == STUDENT_NOTE
        else:
            assert after.source == before.source
    notes = [cell for cell in copy.cells if SELF_PACED_NOTE_TAG in cell.metadata.get("tags", [])]
    assert len(notes) == len(exercise_cells(original))


def test_a_second_run_writes_the_same_bytes(student_dir, tmp_path):
    write_student_copies(ROOT / "notebooks", tmp_path)
    assert _digest(sorted(tmp_path.glob("*.ipynb"))) == _digest(sorted(student_dir.glob("*.ipynb")))


def _errors(cell):
    return [output for output in cell.get("outputs", []) if output.output_type == "error"]


@pytest.mark.kernel
@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_student_copy_runs_with_only_the_unsolved_checks_failing(lesson, student_dir):
    """Top to bottom: each check cell fails in one line ("not implemented yet"); no other cell errs.

    Lesson 00 shows a check failing on a stub too, in a cell tagged ``raises-exception`` like the checks.
    """
    copy = nbformat.read(student_dir / lesson.name, as_version=4)
    NotebookClient(copy, kernel_name="python3", allow_errors=True, timeout=CELL_TIMEOUT_S,
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    expected_to_fail = [index for index, cell in enumerate(copy.cells)
                        if "raises-exception" in cell.metadata.get("tags", [])]
    failed = []
    for index, cell in enumerate(copy.cells):
        errors = _errors(cell)
        if not errors:
            continue
        (error,) = errors
        assert index in expected_to_fail, (
            f"{lesson.name} cell {index} failed without a solution, but it is not a check cell: "
            f"{error.ename}: {error.evalue}")
        assert error.ename == "CheckFailed"
        assert "is not implemented yet" in error.evalue
        assert len(error.traceback) == 1, "a check's failure should show as its message alone"
        failed.append(index)
    assert failed == expected_to_fail
    checks_left = [cell for cell in copy.cells if "check" in cell.metadata.get("tags", [])]
    assert len(checks_left) == len(exercise_cells(nbformat.read(lesson, as_version=4)))


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = list(cells)
    return notebook


def _cell(kind, source, *tags):
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_the_solution_cells_go_and_the_note_speaks_to_students():
    notebook = _notebook(
        _cell("markdown", "## Your turn"),
        _cell("markdown", "Try first; the worked solution follows the check, folded.", "self-paced-note"),
        _cell("code", "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()", "exercise"),
        _cell("code", "checks.check_f(f)", "check", "raises-exception"),
        _cell("markdown", "### Worked solution: `f`", "solution"),
        _cell("code", "def f_solution(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION", "solution"),
        _cell("markdown", "## Next"),
    )
    copy = student_copy(notebook, "01_x.ipynb")
    assert [cell.source for cell in copy.cells] == [
        "## Your turn", STUDENT_NOTE, notebook.cells[2].source, "checks.check_f(f)", "## Next"]


@pytest.mark.parametrize("kind", ["code", "markdown"])
def test_a_marker_outside_a_solution_cell_is_an_error(kind):
    notebook = _notebook(_cell("markdown", "# title"), _cell(kind, "x = 1\n### BEGIN SOLUTION\n", "exercise"))
    with pytest.raises(MarkerError, match="^03_e_step.ipynb, cell 1: solution markers belong only in cells "
                                                   f"tagged 'solution', found one in a {kind} cell"):
        student_copy(notebook, "03_e_step.ipynb")


def test_student_copy_does_not_modify_its_input():
    solution = _cell("code", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "solution")
    notebook = _notebook(_cell("code", "x = 1"), solution, _cell("markdown", "Try first.", "self-paced-note"))
    notebook.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    before = nbformat.writes(notebook)
    student_copy(notebook, "n.ipynb")
    assert nbformat.writes(notebook) == before


# --------------------------------------------------------------------------
# The command's guards, on a small course
# --------------------------------------------------------------------------


def _small_course(folder):
    solution = _cell("code", "def f_solution():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                     "solution")
    notebook = lesson_notebook("# 00 · A")
    notebook.cells.append(solution)
    return write_course(folder, {"00_a.ipynb": notebook})


@pytest.mark.parametrize(("output", "relation"), [("course", "is"), (".", "contains"), ("course/student", "is inside"),
                                                   ("link-to-course", "is")])
def test_an_output_folder_overlapping_the_lessons_is_refused(tmp_path, output, relation):
    """The lessons are never overwritten: not by the same folder, a parent, a folder inside, or a symlink."""
    source = _small_course(tmp_path / "course")
    (tmp_path / "link-to-course").symlink_to(source, target_is_directory=True)
    before = _digest(sorted(source.iterdir()))
    with pytest.raises(ValueError, match=f"the output folder .* {relation} the lessons' folder {source}"):
        write_student_copies(source, tmp_path / output)
    assert _digest(sorted(source.iterdir())) == before
    assert not (tmp_path / "course" / "student").exists()


def test_an_unreadable_lesson_stops_the_command_in_one_line_naming_it(tmp_path):
    source = write_course(tmp_path / "course", {"00_a.ipynb": lesson_notebook("# 00 · A"), "01_b.ipynb": ""})
    result = run_course("student", "--lessons", source, "--out", tmp_path / "student")
    assert result.returncode != 0
    expected = f"course student: {source / '01_b.ipynb'} is not a readable notebook: the file is empty"
    assert result.stderr.splitlines() == [expected]
    assert not (tmp_path / "student").exists(), "nothing is written when a lesson cannot be read"


def test_the_command_has_help_and_finds_the_course_from_any_folder(tmp_path):
    shown = run_course("student", "--help", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("usage: python -m course student"), shown
    assert not list(tmp_path.iterdir()), "--help wrote something"
    written = run_course("student", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    copies = sorted(path.name for path in (tmp_path / "build" / "student").glob("*.ipynb"))
    assert copies == sorted(lesson.file for lesson in read_lessons(ROOT / "notebooks"))


# --------------------------------------------------------------------------
# Run All judges the learner's function, wherever it is written
# --------------------------------------------------------------------------

NOT_WRITTEN = "is not implemented yet"
# Turns the worked solution's answer into a wrong one of the same kind: a broken function that returns.
SPOIL = '''def _spoil(value):
    return tuple(_spoil(part) for part in value) if isinstance(value, tuple) else value + 1
'''
# Where the learner writes the function, and what the check must then say of a broken and of a correct one:
# above the stub, the stub replaces it (both fail as not written); above the check or in the stub, it is judged.
PLACES = {"above the stub": (NOT_WRITTEN, NOT_WRITTEN), "above the check": ("wrong", "passes"),
          "in the stub": ("wrong", "passes")}
LESSONS_WITH_EXERCISES = [path for path in LESSONS if exercise_cells(nbformat.read(path, as_version=4))]


def _functions(name, stub, solution):
    """{"broken" | "correct": (a cell defining it, the stub with it as its body)} for the exercise ``name``."""
    parameters = ", ".join(argument.arg for argument in ast.parse(stub.source).body[0].args.args)
    worked = solution.source.replace(f"def {name}_solution(", f"def _worked_{name}(", 1)
    broken_body = f"    return _spoil(_worked_{name}({parameters}))"
    return {
        "broken": (f"{worked}\n\n\ndef {name}({parameters}):\n{broken_body}", filled_stub(stub, broken_body)),
        "correct": (solution.source.replace(f"def {name}_solution(", f"def {name}(", 1),
                    filled_stub(stub, solution_body(solution))),
    }


def _run_all_cases(lesson):
    """The cells Run All executes for every exercise, function and place, and the verdict expected of each check.

    Each case is what a learner's notebook holds from the stub to the worked
    solution: their function (broken or correct) in a new cell above the stub,
    in a new cell just above the check, or as the stub's body; then the check,
    then the worked solution.
    """
    notebook = nbformat.read(lesson, as_version=4)
    setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
    cells, cases = [nbformat.v4.new_code_cell(setup.source), nbformat.v4.new_code_cell(SPOIL)], []
    for name, (_, stub, check, _, solution) in exercise_cells(notebook).items():
        for kind, (function_cell, stub_with_it) in _functions(name, stub, solution).items():
            for place, verdicts in PLACES.items():
                sources = {"above the stub": [function_cell, stub.source],
                           "above the check": [stub.source, function_cell],
                           "in the stub": [stub_with_it]}[place]
                cells += [nbformat.v4.new_code_cell(source) for source in sources]
                cases.append((f"{name}, {kind} function {place}", len(cells), verdicts[kind == "correct"]))
                cells += [nbformat.v4.new_code_cell(check.source), nbformat.v4.new_code_cell(solution.source)]
    return cells, cases


def _verdict(cell):
    """"passes", NOT_WRITTEN or "wrong", from a check cell's outputs."""
    errors = _errors(cell)
    if not errors:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert "passed" in printed, printed
        return "passes"
    (error,) = errors
    assert error.ename == "CheckFailed", f"{error.ename}: {error.evalue}"
    return NOT_WRITTEN if NOT_WRITTEN in error.evalue else "wrong"


@pytest.mark.kernel
@pytest.mark.parametrize("lesson", LESSONS_WITH_EXERCISES, ids=lambda path: path.stem)
def test_run_all_checks_the_learners_own_function(lesson):
    """Issue 10: a hidden worked solution never passes the check for the learner, wherever they write.

    One fresh kernel per lesson runs its setup cell, then every case's cells
    in order (the lesson's other cells are left out: an exercise uses only the
    setup cell's imports, as test_lessons checks).
    """
    cells, cases = _run_all_cases(lesson)
    notebook = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=CELL_TIMEOUT_S,
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    for cell in notebook.cells[:2]:
        assert not _errors(cell), f"{lesson.name}: setup failed: {_errors(cell)}"
    found = {case: _verdict(notebook.cells[index]) for case, index, _ in cases}
    assert found == {case: expected for case, _, expected in cases}

"""make grade: a small class graded with the lessons' own checks, whatever the students did to their copies."""

import concurrent.futures
import csv
import hashlib
import html
import tempfile
from pathlib import Path

import nbformat
import pytest
from course_support import run_course
from grading_support import solved, stub_index, with_stub, worked_solution, write_class
from nbclient import NotebookClient

from course.grade import (
    FEEDBACK_FOLDER,
    GRADES_FILE,
    PROBLEMS_FILE,
    grade_class,
    graded_lesson,
    graded_lessons,
    graded_notebook,
    safe_names,
    spreadsheet_safe,
)
from course.manifest import Exercise, Lesson, read_lessons, read_notebook
from course.student import write_student_copies

ROOT = Path(__file__).resolve().parent.parent


def _cells_to_run(lesson):
    """How many cells grading runs: up to the lesson's last check."""
    cells = nbformat.read(lesson.path, as_version=4).cells
    return max(index for index, cell in enumerate(cells) if "check" in cell.metadata.get("tags", []))


# Two lessons keep the class quick to grade: those whose checks come first, whatever the manifest holds.
_WITH_EXERCISES = [lesson for lesson in read_lessons(ROOT / "notebooks") if lesson.exercises]
_QUICKEST = sorted(_WITH_EXERCISES, key=_cells_to_run)[:2]
LESSONS = [lesson for lesson in _WITH_EXERCISES if lesson in _QUICKEST]
FIRST, SECOND = LESSONS
# Long enough for every cell of those lessons on a busy machine; the looping student waits this long once.
TIMEOUT = 20
WRONG = "def {function}(*args, **kwargs):\n    return None"
LOOP = "while True:\n    pass"
CRASH = "import os\nos._exit(1)"
ODD_NAME = "=crash <b>&"


def _copy(copies, lesson):
    return nbformat.read(copies / lesson.file, as_version=4)


def _solved(copies, lesson):
    return solved(_copy(copies, lesson), read_notebook(lesson.path), lesson)


def _wrong(copies, lesson):
    copy = _copy(copies, lesson)
    for exercise in lesson.exercises:
        copy = with_stub(copy, exercise.function, WRONG.format(function=exercise.function))
    return copy


def _check_indices(notebook):
    return [index for index, cell in enumerate(notebook.cells) if "check" in cell.metadata.get("tags", [])]


def _without_checks(notebook):
    notebook.cells = [cell for index, cell in enumerate(notebook.cells) if index not in _check_indices(notebook)]
    return notebook


def _checks_moved_to_the_top(notebook):
    checks = [notebook.cells[index] for index in _check_indices(notebook)]
    notebook.cells = checks + [cell for cell in notebook.cells if cell not in checks]
    return notebook


def _checks_edited(notebook, source):
    for index in _check_indices(notebook):
        notebook.cells[index].source = source
    return notebook


def _with_cell_after_stub(notebook, function, source):
    """(the notebook with a new code cell, with a fresh id, right after the stub of ``function``, its number)."""
    position = stub_index(notebook, function) + 1
    notebook.cells.insert(position, nbformat.v4.new_code_cell(source))
    return notebook, position + 1


def _wrote_below(copies, lesson):
    """The stub left as it is, the worked solution in a new cell right after it."""
    notebook = _copy(copies, lesson)
    for exercise in lesson.exercises:
        solution = worked_solution(read_notebook(lesson.path), exercise.function)
        notebook, _ = _with_cell_after_stub(notebook, exercise.function, solution)
    return notebook


def _stub_deleted_solution_at_the_end(copies, lesson):
    notebook = _copy(copies, lesson)
    for exercise in lesson.exercises:
        del notebook.cells[stub_index(notebook, exercise.function)]
        notebook.cells.append(nbformat.v4.new_code_cell(
            worked_solution(read_notebook(lesson.path), exercise.function)))
    return notebook


def _digest(folder):
    """{relative path: sha256 or link target} for everything under ``folder``, links not followed."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            digests[key] = f"link to {path.readlink()}"
        elif path.is_file():
            digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    copies = folder / "copies"
    write_student_copies(ROOT / "notebooks", copies)
    function = FIRST.exercises[0].function
    looping, loop_cell = _with_cell_after_stub(_solved(copies, FIRST), function, LOOP)
    crashing, crash_cell = _with_cell_after_stub(_solved(copies, FIRST), function, CRASH)
    check_name = FIRST.exercises[0].check
    students = {
        "perfect": {FIRST.file: _solved(copies, FIRST), SECOND.file: _solved(copies, SECOND)},
        "empty": {FIRST.file: _copy(copies, FIRST), SECOND.file: _copy(copies, SECOND)},
        "wrong": {FIRST.file: _wrong(copies, FIRST), SECOND.file: _solved(copies, SECOND)},
        "check_deleted_or_moved": {FIRST.file: _without_checks(_solved(copies, FIRST)),
                                   SECOND.file: _checks_moved_to_the_top(_solved(copies, SECOND))},
        # A wrong function whose check cell claims success, and a right one whose check cell does nothing.
        "check_edited": {FIRST.file: _checks_edited(_wrong(copies, FIRST), f'print("{check_name}: all cases passed")'),
                         SECOND.file: _checks_edited(_solved(copies, SECOND), "pass")},
        "wrote_elsewhere": {FIRST.file: _wrote_below(copies, FIRST),
                            SECOND.file: _stub_deleted_solution_at_the_end(copies, SECOND)},
        "looping": {FIRST.file: looping, SECOND.file: _solved(copies, SECOND)},
        "invalid_json": {FIRST.file: '{"cells": [', SECOND.file: _solved(copies, SECOND)},
        "missing": {SECOND.file: _solved(copies, SECOND)},
        ODD_NAME: {FIRST.file: crashing, SECOND.file: _solved(copies, SECOND)},
    }
    submissions = write_class(folder / "submissions", students)
    outside = write_class(folder / "elsewhere", {"someone": {FIRST.file: _solved(copies, FIRST)}})
    (submissions / "linked").symlink_to(outside / "someone", target_is_directory=True)
    (submissions / "perfect" / "notes.txt").write_text("a file the grader does not read")
    before = _digest(submissions)
    graded = [lesson for lesson in graded_lessons(ROOT / "notebooks") if lesson.file in (FIRST.file, SECOND.file)]
    lines = []
    results = grade_class(submissions, folder / "grades", TIMEOUT, jobs=2, graded=graded, progress=lines.append)
    return {"folder": folder, "submissions": submissions, "before": before, "results": results, "lines": lines,
            "out": folder / "grades", "loop_cell": loop_cell, "crash_cell": crash_cell, "copies": copies}


# Which lessons each student passes.
PASSES = {
    "perfect": (True, True), "empty": (False, False), "wrong": (False, True), "check_deleted_or_moved": (True, True),
    "check_edited": (False, True), "wrote_elsewhere": (True, True), "looping": (False, True),
    "invalid_json": (False, True), "missing": (False, True), ODD_NAME: (False, True), "linked": (False, False),
}


def _rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def _number(value):
    return f"{value:g}"


@pytest.mark.kernel
def test_grades_csv_has_a_row_per_student_with_the_manifest_points(graded_class):
    rows = _rows(graded_class["out"] / GRADES_FILE)
    columns = [f"{lesson.file.split('_')[0]}_{exercise.function}"
               for lesson in LESSONS for exercise in lesson.exercises]
    assert rows[0] == ["student", *columns, "total", "max"]
    possible = sum(exercise.points for lesson in LESSONS for exercise in lesson.exercises)
    expected = []
    for name in sorted(PASSES):
        points = [exercise.points if passed else 0
                  for lesson, passed in zip(LESSONS, PASSES[name]) for exercise in lesson.exercises]
        expected.append([spreadsheet_safe(name), *map(_number, points), _number(sum(points)), _number(possible)])
    assert rows[1:] == expected
    assert rows[1 + sorted(PASSES).index(ODD_NAME)][0] == "'" + ODD_NAME, "a name read as a formula is quoted"


@pytest.mark.kernel
def test_what_could_not_be_graded_is_listed_with_its_reason(graded_class):
    link_reason = "the folder is a link outside the submissions folder; it was not read"
    rows = _rows(graded_class["out"] / PROBLEMS_FILE)
    assert rows[0] == ["student", "lesson", "reason"]
    problems = {(student, lesson): reason for student, lesson, reason in rows[1:]}
    assert problems.pop(("'" + ODD_NAME, FIRST.file)) == f"the kernel died in cell {graded_class['crash_cell']}"
    assert problems.pop(("looping", FIRST.file)) == f"cell {graded_class['loop_cell']} ran longer than {TIMEOUT} s"
    assert problems.pop(("missing", FIRST.file)) == f"{FIRST.file} was not handed in"
    assert problems.pop(("invalid_json", FIRST.file)).startswith(f"{FIRST.file} is not a readable notebook: ")
    assert problems.pop(("linked", FIRST.file)) == problems.pop(("linked", SECOND.file)) == link_reason
    assert problems == {}


@pytest.mark.kernel
def test_submissions_are_never_modified(graded_class):
    assert _digest(graded_class["submissions"]) == graded_class["before"]


@pytest.mark.kernel
def test_a_progress_line_per_student_and_a_summary(graded_class):
    lines = graded_class["lines"]
    assert len(lines) == len(PASSES) + 1
    assert sorted(line.split("] ", 1)[0] for line in lines[:-1]) == sorted(f"[{n}/{len(PASSES)}" for n in
                                                                           range(1, len(PASSES) + 1))
    assert any(line.split("] ", 1)[1].startswith("perfect: ") for line in lines[:-1])
    assert lines[-1].startswith(f"graded {len(PASSES)} students in ")


def _verdicts(graded_class, name):
    (student,) = [student for student in graded_class["results"] if student.name == name]
    return {verdict.column: verdict for verdict in student.verdicts}


def _feedback(graded_class, safe_name, lesson):
    return (graded_class["out"] / FEEDBACK_FOLDER / safe_name / f"{Path(lesson.file).stem}.html").read_text()


@pytest.mark.kernel
def test_feedback_gives_each_exercise_its_points_and_the_checks_message(graded_class):
    for lesson in LESSONS:
        for student in graded_class["results"]:
            page = _feedback(graded_class, student.safe_name, lesson)
            assert "<script" not in page and "http" not in page, "feedback pages are self-contained"
            assert f"<strong>{html.escape(student.name)}</strong>" in page
            for verdict in student.verdicts:
                if verdict.column.startswith(lesson.file.split("_")[0]):
                    assert html.escape(verdict.message) in page
                    assert f"{_number(verdict.points)} / {_number(verdict.max_points)}" in page
    wrong = _verdicts(graded_class, "wrong")
    column = f"{FIRST.file.split('_')[0]}_{FIRST.exercises[0].function}"
    assert wrong[column].message.startswith(f"{FIRST.exercises[0].function}: ")
    assert _verdicts(graded_class, "check_edited")[column].message == wrong[column].message, (
        "an edited check cell is graded by the lesson's check")


@pytest.mark.kernel
def test_odd_folder_names_get_safe_feedback_folders(graded_class):
    folders = sorted(path.name for path in (graded_class["out"] / FEEDBACK_FOLDER).iterdir())
    assert folders == sorted(safe_names(PASSES).values())
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               for name in folders)


def own_check_message(path):
    """What the student's own check cell in ``path`` shows when their copy runs top to bottom (to that cell)."""
    notebook = nbformat.read(path, as_version=4)
    (check,) = _check_indices(notebook)
    notebook.cells = notebook.cells[: check + 1]
    with tempfile.TemporaryDirectory() as folder:
        NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=TIMEOUT,
                       resources={"metadata": {"path": folder}}).execute()
    cell = notebook.cells[check]
    errors = [output for output in cell.outputs if output.output_type == "error"]
    if errors:
        return errors[0].evalue
    return "".join(output.text for output in cell.outputs if output.output_type == "stream").strip()


SAW = ["perfect", "empty", "wrong"]


@pytest.fixture(scope="module")
def own_verdicts(graded_class):
    """{student: the message of their own check of FIRST}, their copies run two at a time."""
    paths = [graded_class["submissions"] / name / FIRST.file for name in SAW]
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        return dict(zip(SAW, pool.map(own_check_message, paths)))


@pytest.mark.kernel
@pytest.mark.parametrize("name", SAW)
def test_the_grade_is_the_verdict_the_student_saw(graded_class, own_verdicts, name):
    column = f"{FIRST.file.split('_')[0]}_{FIRST.exercises[0].function}"
    assert _verdicts(graded_class, name)[column].message == own_verdicts[name]


# --------------------------------------------------------------------------
# Where the lesson's check goes, without a kernel
# --------------------------------------------------------------------------


def _lesson():
    stub = nbformat.v4.new_code_cell("def f(x):\n    raise NotImplementedError()", metadata={"tags": ["exercise"]})
    check = nbformat.v4.new_code_cell("checks.check_e_step(f)", metadata={"tags": ["check"]})
    after = nbformat.v4.new_markdown_cell("next part")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from gmm_lessons import checks"), stub, check, after]
    record = Exercise("f", "check_e_step", 2)
    lesson = Lesson("03_x.ipynb", "03 · X", "x", (record,), Path("03_x.ipynb"))
    return notebook, graded_lesson(lesson, notebook)


def _sources(notebook):
    return [cell.source for cell in notebook.cells]


def test_the_check_follows_the_stub_and_the_cells_the_student_added_after_it():
    notebook, lesson = _lesson()
    submission = nbformat.from_dict(notebook)
    submission.cells.insert(2, nbformat.v4.new_code_cell("def f(x):\n    return x"))
    submission.cells[3].source = "checks.check_e_step(lambda x: x)"
    submission.cells.append(nbformat.v4.new_code_cell("print(checks.check_e_step)"))
    graded, checks, origins = graded_notebook(submission, lesson)
    assert _sources(graded) == [notebook.cells[0].source, notebook.cells[1].source, "def f(x):\n    return x",
                                "checks.check_e_step(f)"]
    assert checks == {"f": 3} and origins[3] == "the check of f" and origins[2] == "cell 3"
    assert submission.cells[3].source == "checks.check_e_step(lambda x: x)", "the submission is not modified"


def test_a_function_written_in_the_check_cell_is_kept_without_the_check_call():
    notebook, lesson = _lesson()
    submission = nbformat.from_dict(notebook)
    submission.cells[2].source = "def f(x):\n    return x\n\nchecks.check_e_step(\n    f)\nprint('done')\n"
    graded, checks, _ = graded_notebook(submission, lesson)
    assert _sources(graded)[2:4] == ["def f(x):\n    return x\n\nprint('done')\n", "checks.check_e_step(f)"]
    assert checks == {"f": 3}


def test_without_the_stub_the_check_follows_the_last_definition_or_ends_the_notebook():
    notebook, lesson = _lesson()
    submission = nbformat.from_dict(notebook)
    del submission.cells[1]
    submission.cells.insert(0, nbformat.v4.new_code_cell("def f(x):\n    return 0"))
    submission.cells.insert(2, nbformat.v4.new_code_cell("def f(x):\n    return x"))
    graded, checks, _ = graded_notebook(submission, lesson)
    assert checks == {"f": 3} and _sources(graded)[2:4] == ["def f(x):\n    return x", "checks.check_e_step(f)"]
    submission.cells = [cell for cell in submission.cells if "def f" not in cell.source]
    graded, checks, _ = graded_notebook(submission, lesson)
    assert checks == {"f": len(graded.cells) - 1}


def test_the_cells_after_the_last_check_are_not_run():
    notebook, lesson = _lesson()
    graded, _, _ = graded_notebook(notebook, lesson)
    assert _sources(graded)[-1] == "checks.check_e_step(f)" and "next part" not in _sources(graded)


def test_a_lesson_without_its_check_cell_is_refused():
    notebook, _ = _lesson()
    del notebook.cells[2]
    lesson = Lesson("03_x.ipynb", "03 · X", "x", (Exercise("f", "check_e_step", 1),), Path("x"))
    with pytest.raises(ValueError, match="03_x.ipynb: expected one cell tagged 'check' calling checks.check_e_step"):
        graded_lesson(lesson, notebook)


def test_safe_names_are_unique_and_plain():
    assert safe_names(["a/b", "a_b", "..x", "é"]) == {"a/b": "a_b", "a_b": "a_b-2", "..x": "x", "é": "_"}


@pytest.mark.parametrize(("output", "relation", "what"), [("class", "is", "submissions"),
                                                         ("class/grades", "is inside", "submissions"),
                                                         ("lessons/grades", "is inside", "lessons")])
def test_an_output_folder_overlapping_the_submissions_or_lessons_is_refused(tmp_path, output, relation, what):
    (tmp_path / "class" / "alice").mkdir(parents=True)
    (tmp_path / "lessons").symlink_to(ROOT / "notebooks", target_is_directory=True)
    with pytest.raises(ValueError, match=f"^the output folder {tmp_path / output} {relation} the {what}' folder"):
        grade_class(tmp_path / "class", tmp_path / output, source_dir=tmp_path / "lessons")
    assert not (tmp_path / output / GRADES_FILE).exists()


def test_the_command_refuses_in_one_line(tmp_path):
    (tmp_path / "class").mkdir()
    result = run_course("grade", tmp_path / "class", "--out", tmp_path / "class" / "grades")
    assert result.returncode != 0
    expected = (f"course grade: the output folder {tmp_path / 'class' / 'grades'} is inside the submissions' folder "
                f"{tmp_path / 'class'}: grading never writes among the submissions; choose an output folder outside it")
    assert result.stderr.splitlines() == [expected]


def test_only_picks_a_homeworks_lessons_by_number_or_file_name():
    chosen = graded_lessons(ROOT / "notebooks", only=["11", "03_e_step", "05_em_loop.ipynb"])
    assert [lesson.file for lesson in chosen] == ["03_e_step.ipynb", "05_em_loop.ipynb", "11_missing_values.ipynb"]
    for only in (["99"], ["00"], []):  # no such lesson, a lesson without exercises, nothing
        with pytest.raises(ValueError, match="only: .* is not a lesson with exercises; choose from 01, 02"):
            graded_lessons(ROOT / "notebooks", only=only)


def test_a_homework_is_graded_on_its_lessons_alone_from_any_folder(tmp_path):
    """`--only 03` from outside the repository: the course's lessons are found, and the grades, the
    maximum and the problems are lesson 03's only (an empty hand-in runs no kernel)."""
    (tmp_path / "class" / "absent").mkdir(parents=True)
    result = run_course("grade", "class", "--only", "03", "--out", "grades", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    points = next(exercise.points for lesson in graded_lessons(ROOT / "notebooks", only=["03"])
                  for exercise in lesson.exercises)
    assert _rows(tmp_path / "grades" / GRADES_FILE) == [
        ["student", "03_e_step", "total", "max"], ["absent", "0", "0", _number(points)]]
    problems = _rows(tmp_path / "grades" / PROBLEMS_FILE)[1:]
    assert [(student, lesson) for student, lesson, _ in problems] == [("absent", "03_e_step.ipynb")]

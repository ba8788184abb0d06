"""The lessons as nbgrader source notebooks, with the real nbgrader 0.9.6 (issue 10, section 4).

nbgrader lives in its own virtualenv, ``.venv-nbgrader`` (``make nbgrader-venv``;
``NBGRADER_VENV`` names another), never in the learners' one. Without it the
tests skip with a hint, and fail under CI (``CI=true``). In a temporary course:
``nbgrader generate_assignment`` on every lesson leaves no worked solution in
the release; ``nbgrader autograde`` on two lessons gives a perfect submission
(the release's stubs filled with the worked solutions) full marks for every
exercise and the release as handed out zero. The graded notebooks run in a
kernel of the learners' environment (this Python), as on a course's JupyterHub.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_support import exercise_cells, filled_stub, solution_body, solution_only_lines

from course.manifest import read_lessons, read_notebook

ROOT = Path(__file__).resolve().parent.parent
LESSONS = read_lessons(ROOT / "notebooks")
NBGRADER_VENV = Path(os.environ.get("NBGRADER_VENV", ROOT / ".venv-nbgrader"))
# Autograding runs whole lessons, twice each: two lessons keep the test to a few minutes.
GRADED_LESSONS = [lesson for lesson in LESSONS if lesson.exercises][:2]
STUDENTS = {"perfect": "the stubs filled with the worked solutions", "empty": "the release as handed out"}
GRADES_SCRIPT = """
import json, sys
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gradebook:
    print(json.dumps({
        student: {grade.name: [grade.score, grade.max_score]
                  for notebook in gradebook.find_submission(sys.argv[1], student).notebooks
                  for grade in notebook.grades}
        for student in sys.argv[2:]
    }))
"""


@pytest.fixture(scope="module")
def nbgrader():
    """Run ``nbgrader ...`` (or ``python ...``) of the nbgrader virtualenv; its bin on PATH, as alembic wants."""
    executable = NBGRADER_VENV / "bin" / "nbgrader"
    if not executable.exists():
        hint = f"nbgrader is not installed in {NBGRADER_VENV}: run `make nbgrader-venv` (or set NBGRADER_VENV)"
        if os.environ.get("CI") == "true":
            pytest.fail(hint)
        pytest.skip(hint)

    def run(course, *arguments, program="nbgrader"):
        environment = {**os.environ, "PATH": f"{NBGRADER_VENV / 'bin'}{os.pathsep}{os.environ['PATH']}",
                       "JUPYTER_PATH": str(course / "jupyter"), "PYTHONPATH": str(ROOT)}
        result = subprocess.run([str(NBGRADER_VENV / "bin" / program), *arguments], cwd=course, env=environment,
                                capture_output=True, text=True, check=False, timeout=1800)
        assert result.returncode == 0, f"{program} {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    return run


def _course(folder):
    """A course folder whose kernel ``python3`` is this Python (the learners' environment, with gmm_lessons)."""
    kernel = folder / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (the lessons' environment)", "language": "python",
    }), encoding="utf-8")
    # nbgrader's per-cell limit is 30 s by default; a busy test machine needs more.
    (folder / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "gmm-lessons"\nc.Execute.timeout = 300\n', encoding="utf-8")
    return folder


def _assignment(course, name, chosen):
    source = course / "source" / name
    source.mkdir(parents=True)
    for lesson in chosen:
        shutil.copyfile(lesson.path, source / lesson.file)


@pytest.mark.build
def test_generate_assignment_leaves_no_worked_solution_in_any_lesson(nbgrader, tmp_path):
    course = _course(tmp_path / "course")
    _assignment(course, "lessons", LESSONS)
    nbgrader(course, "generate_assignment", "lessons")
    for lesson in LESSONS:
        released = (course / "release" / "lessons" / lesson.file).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in released and "END SOLUTION" not in released, lesson.file
        original = read_notebook(lesson.path)
        solutions = solution_only_lines(original)
        assert bool(solutions) == bool(lesson.exercises), f"{lesson.file}: no worked-solution lines to look for"
        leaked = [line for line in solutions if line in released]
        assert not leaked, f"{lesson.file}: worked-solution lines left in the release: {leaked}"
        checks = [cell for cell in nbformat.reads(released, as_version=4).cells
                  if "check" in cell.metadata.get("tags", [])]
        assert [cell.source for cell in checks] == [
            f"checks.{exercise.check}({exercise.function})" for exercise in lesson.exercises]


def _submit(course, assignment, student, lesson, fill):
    released = nbformat.read(course / "release" / assignment / lesson.file, as_version=4)
    if fill:
        solutions = {name: cells[-1] for name, cells in exercise_cells(read_notebook(lesson.path)).items()}
        for name, (_, stub, *_) in exercise_cells(released).items():
            stub.source = filled_stub(stub, solution_body(solutions[name]))
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(released, folder / lesson.file)


@pytest.mark.build
@pytest.mark.kernel
def test_autograde_gives_a_perfect_submission_full_marks_and_an_empty_one_none(nbgrader, tmp_path):
    course = _course(tmp_path / "course")
    _assignment(course, "homework", GRADED_LESSONS)
    nbgrader(course, "generate_assignment", "homework")
    for lesson in GRADED_LESSONS:
        for student in STUDENTS:
            _submit(course, "homework", student, lesson, fill=student == "perfect")
    print(f"autograding {[lesson.file for lesson in GRADED_LESSONS]} for {list(STUDENTS)}", flush=True)
    nbgrader(course, "autograde", "homework")
    grades = json.loads(nbgrader(course, "-c", GRADES_SCRIPT, "homework", *STUDENTS, program="python"))
    exercises = [exercise for lesson in GRADED_LESSONS for exercise in lesson.exercises]
    points = {f"check_{exercise.function}": exercise.points for exercise in exercises}
    assert grades["perfect"] == {grade_id: [value, value] for grade_id, value in points.items()}
    assert grades["empty"] == {grade_id: [0, value] for grade_id, value in points.items()}

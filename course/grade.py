"""Grade a class's filled-in student copies with the lessons' own self-checks (``make grade``).

``SUBMISSIONS/<student>/NN_name.ipynb`` are the students' copies (from ``make
student``) of the lessons of ``notebooks/lessons.toml`` that have exercises.
For each student and lesson a *graded notebook* is made in memory: the
submission's cells without any statement that calls ``checks.check_...`` (a
student may have edited, moved or copied the check cells; a cell left empty
is dropped), and the lesson's own check cell of each exercise inserted where
the lesson has it, as nbgrader restores its locked cells:

1. after the submission's cell with the id of the lesson's exercise cell (the
   stub) and after the cells that follow it up to the next cell the lesson
   has (other than a check): the cells the student added, where they may
   have written their version;
2. if the student deleted the stub, after the last cell that defines the
   function (``def <function>(``);
3. if there is none, at the end: the check then reports that the function is
   not defined, which is what the student saw.

The graded notebook runs top to bottom, up to its last check (the cells
after it cannot change a verdict), in a fresh kernel, in a temporary
folder, with a time limit per cell (the lesson's own cells, unchanged, get
``LESSON_CELL_ALLOWANCE`` times as long: a busy machine must not cost a
student points); the check's verdict is the one the
student's own self-check gives on Run All (same code, same cases). A check
that prints its success line earns the exercise's points from the manifest;
a failing one earns 0 and its one-line message. A cell that runs too long or
a kernel that dies stops that lesson: its checks not yet run get 0 and the
reason. A lesson file that is missing, not a notebook, or a link out of
SUBMISSIONS gets 0 and the reason. Submissions are only read.

Written to the output folder (default ``build/grades``):

- ``grades.csv``: ``student``, one column per exercise (``03_e_step``) in
  course order, ``total``, ``max``; one row per student folder;
- ``feedback/<student>/NN_name.html``: each exercise's points and the
  check's message, self-contained;
- ``problems.csv``: ``student``, ``lesson``, ``reason`` for every lesson
  that could not be (fully) graded.

Usage (``make grade``)::

    python -m course grade SUBMISSIONS [--out build/grades] [--timeout 60] [--jobs N] [--lessons notebooks]
                           [--only 03 11]

``--only`` grades a homework's lessons alone: the columns, ``max`` and the
problems are then those lessons' only.
"""

import ast
import concurrent.futures
import csv
import dataclasses
import html
import os
import re
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from gmm_lessons.checks.contract import TIME_LIMIT_VARIABLE, is_success_line

from . import execute, publish
from .manifest import (
    CHECK_TAG,
    COURSE_NOTEBOOKS,
    EXERCISE_TAG,
    chosen_lessons,
    lesson_number,
    read_lessons,
    read_notebook,
    tags,
)

# Any call of a self-check, however the student wrote or copied the cell.
CHECK_CALL = re.compile(r"\bchecks\s*\.\s*check_")
DEFAULT_TIMEOUT = 60
# A lesson's own cells, unchanged, may run this many times TIMEOUT: on a busy machine a lesson's model fits
# can take longer than a limit meant to stop students' endless loops.
LESSON_CELL_ALLOWANCE = 5
# Students are graded in parallel, one per core: each kernel's numpy then uses one thread.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# A hand-in larger than this is not a filled-in lesson (the lessons with their figures are a few MB).
MAX_NOTEBOOK_BYTES = 50_000_000
GRADES_FILE = "grades.csv"
PROBLEMS_FILE = "problems.csv"
FEEDBACK_FOLDER = "feedback"
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------
# The lessons: what to grade and where each check goes
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GradedExercise:
    """An exercise of a lesson, with the lesson's check cell and the id of its stub cell."""

    lesson_file: str
    function: str
    points: float
    check_name: str
    check_cell: dict
    stub_id: str

    @property
    def column(self):
        """The exercise's column in grades.csv: the lesson's number and the function (``03_e_step``)."""
        return f"{lesson_number(self.lesson_file)}_{self.function}"


@dataclasses.dataclass(frozen=True)
class GradedLesson:
    """A lesson with exercises: its file, title, exercises, the ids of its cells other than checks, its code.

    A check goes after its stub and the cells a student added after it, up to
    the next cell of the lesson (one of ``slot_ends``). ``own_code`` holds
    (id, source) of the lesson's code cells: a submission's cell equal to one
    is the lesson's own code.
    """

    file: str
    title: str
    exercises: tuple
    slot_ends: frozenset
    own_code: frozenset


def _code(cell):
    return cell.get("source", "") if cell.get("cell_type") == "code" else ""


def _defines(cell, function):
    """Whether a code cell defines ``function`` at the top level."""
    return re.search(rf"^(async\s+)?def\s+{re.escape(function)}\s*\(", _code(cell), re.MULTILINE) is not None


def _calls_check(cell, check_name):
    return re.search(rf"\bchecks\s*\.\s*{re.escape(check_name)}\s*\(", _code(cell)) is not None


def _only(cells, what, name):
    if len(cells) != 1:
        raise ValueError(f"{name}: expected one {what}, found {len(cells)}")
    return cells[0]


def graded_lesson(lesson, notebook):
    """The :class:`GradedLesson` of a manifest lesson and its notebook.

    Raises
    ------
    ValueError
        If an exercise has not exactly one check cell (tagged ``check``,
        calling ``checks.<check>(``) or one cell tagged ``exercise`` defining
        its function: the lesson, not a student, is at fault.
    """
    exercises = []
    for exercise in lesson.exercises:
        check = _only([cell for cell in notebook.cells if CHECK_TAG in tags(cell)
                       and _calls_check(cell, exercise.check)],
                      f"cell tagged {CHECK_TAG!r} calling checks.{exercise.check}", lesson.file)
        stub = _only([cell for cell in notebook.cells if EXERCISE_TAG in tags(cell)
                      and _defines(cell, exercise.function)],
                     f"cell tagged {EXERCISE_TAG!r} defining {exercise.function}", lesson.file)
        check_cell = nbformat.v4.new_code_cell(check.source, metadata=dict(check.metadata))
        exercises.append(GradedExercise(lesson.file, exercise.function, exercise.points, exercise.check,
                                        dict(check_cell), stub.get("id", "")))
    ids = frozenset(cell["id"] for cell in notebook.cells if "id" in cell and CHECK_TAG not in tags(cell))
    own_code = frozenset((cell["id"], cell.source) for cell in notebook.cells if "id" in cell and _code(cell))
    return GradedLesson(lesson.file, lesson.title, tuple(exercises), ids, own_code)


def graded_lessons(source_dir=COURSE_NOTEBOOKS, only=None):
    """The lessons of ``source_dir``'s manifest that have exercises, in course order.

    ``only``, the lessons a homework covers, names each by its number (``03``),
    its file name with or without ``.ipynb``; default every lesson with exercises.

    Raises
    ------
    ValueError
        If a name in ``only`` is no lesson with exercises (the message lists those there are).
    """
    course = [lesson for lesson in read_lessons(source_dir) if lesson.exercises]
    course = chosen_lessons(course, only, "a lesson with exercises")
    return [graded_lesson(lesson, read_notebook(lesson.path)) for lesson in course]


# --------------------------------------------------------------------------
# One submission of one lesson
# --------------------------------------------------------------------------


def _check_position(cells, exercise, lesson_ids):
    """Where the lesson's check of ``exercise`` goes among the submission's ``cells`` (check calls removed)."""
    stub = next((index for index, cell in enumerate(cells) if cell.get("id") == exercise.stub_id), None)
    if stub is not None:
        position = stub + 1
        while position < len(cells) and cells[position].get("id") not in lesson_ids:
            position += 1
        return position
    defining = [index for index, cell in enumerate(cells) if _defines(cell, exercise.function)]
    return defining[-1] + 1 if defining else len(cells)


def without_check_calls(source):
    """``source`` without its top-level statements that call a check ("" if it cannot be parsed and calls one)."""
    if not CHECK_CALL.search(source):
        return source
    try:
        statements = ast.parse(source).body
    except (SyntaxError, ValueError):
        return ""
    lines = source.splitlines(keepends=True)
    dropped = {number for statement in statements
               if CHECK_CALL.search(ast.get_source_segment(source, statement) or "")
               for number in range(statement.lineno - 1, statement.end_lineno)}
    return "".join(line for number, line in enumerate(lines) if number not in dropped)


def graded_notebook(submission, lesson):
    """The notebook that grades ``submission`` (not modified): its cells, the lesson's checks instead of its own.

    Every statement that calls a check is removed (the student's check cells
    keep their other code, where a student may have written the function);
    the lesson's check cells are inserted (see the module's docstring).

    Returns
    -------
    notebook : NotebookNode
    checks : dict
        {function: index of its check cell in ``notebook``}.
    origins : list of str
        For each cell of ``notebook``, what it is, for messages ("cell 12", "the check of e_step").
    """
    cells = []
    for number, cell in enumerate(submission.cells, start=1):
        cell = nbformat.from_dict(cell)
        if cell.get("cell_type") == "code":
            cell.source = without_check_calls(cell.source)
            if not cell.source.strip():
                continue
            cell.outputs, cell.execution_count = [], None
        cells.append((f"cell {number}", None, cell))
    # Later exercises first, so that earlier positions stay valid; at one position, the course's order.
    placed = [(_check_position([cell for _, _, cell in cells], exercise, lesson.slot_ends), order, exercise)
              for order, exercise in enumerate(lesson.exercises)]
    for position, _, exercise in sorted(placed, key=lambda item: (-item[0], -item[1])):
        cells.insert(position, (f"the check of {exercise.function}", exercise.function,
                                nbformat.from_dict(exercise.check_cell)))
    # The cells after the last check cannot change a verdict: they are not run.
    cells = cells[: max(position for position, (_, function, _) in enumerate(cells) if function is not None) + 1]
    notebook = nbformat.v4.new_notebook(metadata=nbformat.from_dict(submission.get("metadata", {})))
    notebook.cells = [cell for _, _, cell in cells]
    checks = {function: index for index, (_, function, _) in enumerate(cells) if function is not None}
    return notebook, checks, [origin for origin, _, _ in cells]


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The grade of one exercise: points earned, points possible and the check's message (or why not graded)."""

    column: str
    function: str
    points: float
    max_points: float
    message: str


@dataclasses.dataclass(frozen=True)
class LessonGrade:
    """The verdicts of one lesson's exercises, and the problem that stopped grading it, if any."""

    file: str
    title: str
    verdicts: tuple
    problem: str = ""


def check_verdict(cell, exercise):
    """(passed, message) from the outputs of an executed check cell."""
    errors = [output for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors:
        error = errors[0]
        said = str(error.get("evalue", "")).strip()
        message = said if error.get("ename") == "CheckFailed" else f"{error.get('ename', 'Error')}: {said}"
        return False, (message.splitlines() or [""])[0]
    printed = "".join(output.get("text", "") for output in cell.get("outputs", [])
                      if output.get("output_type") == "stream" and output.get("name") == "stdout")
    success = [line for line in printed.splitlines() if is_success_line(line, exercise.check_name)]
    if success:
        return True, success[-1]
    return False, f"{exercise.check_name} printed no verdict"


def _zero(exercise, problem):
    return Verdict(exercise.column, exercise.function, 0, exercise.points, f"not graded: {problem}")


def _not_graded(lesson, problem):
    return LessonGrade(lesson.file, lesson.title, tuple(_zero(exercise, problem) for exercise in lesson.exercises),
                       problem)


def run_graded(notebook, lesson, timeout, origins):
    """Execute ``notebook`` in place in a fresh kernel in a temporary folder.

    Each cell may run ``timeout`` seconds; the lesson's own, unchanged, ``LESSON_CELL_ALLOWANCE`` times as long.

    Returns
    -------
    stopped_at : int or None
        Index of the cell at which execution stopped (timeout, dead kernel), None if every cell ran.
    problem : str
        Why it stopped, "" if it did not.
    """
    current = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    def limit(cell):
        return timeout * LESSON_CELL_ALLOWANCE if (cell.get("id"), cell.source) in lesson.own_code else timeout

    env = {**ONE_THREAD, **os.environ, TIME_LIMIT_VARIABLE: str(max(1, int(timeout * 0.8)))}
    with tempfile.TemporaryDirectory(prefix="grade-") as folder:
        try:
            execute.run(notebook, folder, timeout=timeout, env=env, shutdown_now=True, allow_errors=True,
                        on_cell_start=on_cell_start, timeout_func=limit)
            return None, ""
        except CellTimeoutError:
            index = current["index"]
            problem = f"{origins[index]} ran longer than {limit(notebook.cells[index]):g} s"
        except DeadKernelError:
            problem = "the kernel died" + (f" in {origins[current['index']]}" if current["index"] is not None else "")
        except Exception as error:  # noqa: BLE001 - any other failure (a kernel that will not start) costs the lesson
            problem = f"the notebook could not be run ({type(error).__name__}: {error})"
    return current["index"] or 0, problem


def grade_submission(submission, lesson, timeout):
    """The :class:`LessonGrade` of one lesson's submission (a notebook; not modified)."""
    notebook, checks, origins = graded_notebook(submission, lesson)
    stopped_at, problem = run_graded(notebook, lesson, timeout, origins)
    verdicts = []
    for exercise in lesson.exercises:
        index = checks[exercise.function]
        if stopped_at is not None and index >= stopped_at:
            verdicts.append(_zero(exercise, problem))
            continue
        passed, message = check_verdict(notebook.cells[index], exercise)
        verdicts.append(Verdict(exercise.column, exercise.function, exercise.points if passed else 0,
                                exercise.points, message))
    return LessonGrade(lesson.file, lesson.title, tuple(verdicts), problem)


def read_submission(path, root):
    """The submitted notebook at ``path``, or the reason it cannot be graded (never follows a link out of ``root``)."""
    name = path.name
    if not path.exists() and not path.is_symlink():
        return None, f"{name} was not handed in"
    if not path.resolve().is_relative_to(root):
        return None, f"{name} is a link to a file outside the submissions folder; it was not read"
    if not path.is_file():
        return None, f"{name} is not a file"
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, f"{name} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB"
    try:
        return read_notebook(path), ""
    except ValueError as error:
        reason = str(error).split(" is not a readable notebook: ", 1)[-1]
        return None, f"{name} is not a readable notebook: {reason}"


def grade_lesson(folder, lesson, timeout, root):
    """The :class:`LessonGrade` of ``folder/<lesson file>``."""
    try:
        notebook, problem = read_submission(folder / lesson.file, root)
        if notebook is None:
            return _not_graded(lesson, problem)
        return grade_submission(notebook, lesson, timeout)
    except Exception as error:  # noqa: BLE001 - an unreadable or malformed hand-in costs its lesson, never the batch
        return _not_graded(lesson, f"{lesson.file} could not be graded ({type(error).__name__}: {error})")


# --------------------------------------------------------------------------
# A student, the class
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StudentGrade:
    """A student's grades: the submission folder's name, a name safe for paths, each lesson's grade, time taken."""

    name: str
    safe_name: str
    lessons: tuple
    seconds: float

    @property
    def verdicts(self):
        return [verdict for lesson in self.lessons for verdict in lesson.verdicts]

    @property
    def total(self):
        return sum(verdict.points for verdict in self.verdicts)

    @property
    def max_points(self):
        return sum(verdict.max_points for verdict in self.verdicts)

    @property
    def problems(self):
        return [(lesson.file, lesson.problem) for lesson in self.lessons if lesson.problem]


def grade_student(name, safe_name, folder, graded, timeout, root, problem=""):
    """Grade one student's folder; ``problem`` (e.g. a folder that links out of the class) grades nothing."""
    started = time.perf_counter()
    if problem:
        results = tuple(_not_graded(lesson, problem) for lesson in graded)
    else:
        results = tuple(grade_lesson(folder, lesson, timeout, root) for lesson in graded)
    return StudentGrade(name, safe_name, results, time.perf_counter() - started)


def safe_names(names):
    """{name: a folder name made of letters, digits, ``.``, ``_`` and ``-``, unique among them}."""
    chosen, taken = {}, set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "student"
        candidate, number = base, 2
        while candidate.lower() in taken:
            candidate, number = f"{base}-{number}", number + 1
        taken.add(candidate.lower())
        chosen[name] = candidate
    return chosen


def find_students(submissions):
    """[(name, folder, problem)] for every student folder of ``submissions`` (hidden entries and files skipped)."""
    root = submissions.resolve()
    students = []
    for entry in sorted(submissions.iterdir(), key=lambda path: path.name):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not entry.resolve().is_relative_to(root):
            students.append((entry.name, entry, "the folder is a link outside the submissions folder; it was not read"))
        elif entry.is_dir():
            students.append((entry.name, entry, ""))
    return students


def check_folders(source_dir, submissions, output):
    """Refuse an output folder that is, contains or lies in the lessons' or the submissions' folder."""
    publish.check_output_folder(source_dir, output)
    relation = publish.folder_relation(submissions, output)
    if relation:
        raise ValueError(f"the output folder {output} {relation} the submissions' folder {submissions}: "
                         "grading never writes among the submissions; choose an output folder outside it")


def grade_class(submissions, output, timeout=DEFAULT_TIMEOUT, jobs=None, source_dir=COURSE_NOTEBOOKS, graded=None,
                progress=print):
    """Grade every student folder of ``submissions``; write grades.csv, problems.csv and the feedback to ``output``.

    Parameters
    ----------
    submissions, output, source_dir : path
        The class's folder, the output folder and the lessons' folder.
    timeout : float
        Seconds each cell may run.
    jobs : int, optional
        Students graded at once; default one per core.
    graded : list of GradedLesson, optional
        The lessons to grade (``graded_lessons(source_dir, only)`` picks a homework's);
        default every lesson of the manifest with exercises.
    progress : callable
        Called with one line per student as each finishes.

    Returns
    -------
    list of StudentGrade, in the order of the student folders' names.

    Raises
    ------
    ValueError
        If the submissions folder is not a folder, the output folder
        overlaps it or the lessons, or a lesson lacks its check cells.
    """
    submissions, output = Path(submissions), Path(output)
    if not submissions.is_dir():
        raise ValueError(f"submissions: {submissions} is not a folder")
    if not timeout > 0:
        raise ValueError(f"timeout: must be a positive number of seconds, got {timeout!r}")
    if jobs is not None and (not isinstance(jobs, int) or jobs < 1):
        raise ValueError(f"jobs: must be a positive whole number, got {jobs!r}")
    check_folders(source_dir, submissions, output)
    graded = graded_lessons(source_dir) if graded is None else graded
    students = find_students(submissions)
    names = safe_names([name for name, _, _ in students])
    root = submissions.resolve()
    results = []
    started = time.perf_counter()
    with concurrent.futures.ProcessPoolExecutor(jobs or os.cpu_count() or 1) as pool:
        futures = {pool.submit(grade_student, name, names[name], folder, graded, timeout, root, problem): name
                   for name, folder, problem in students}
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            try:
                student = future.result()
            except Exception as error:  # noqa: BLE001 - a worker lost (killed, out of memory) costs one student
                name = futures[future]
                student = grade_student(name, names[name], None, graded, timeout, root,
                                        f"the grader failed on this student ({type(error).__name__}: {error})")
            results.append(student)
            progress(_progress_line(done, len(futures), student))
    results.sort(key=lambda student: student.name)
    write_outputs(output, results, graded)
    progress(_summary(results, output, time.perf_counter() - started))
    return results


def _points(value):
    return f"{value:g}"


def _printable(name):
    return "".join(character if character.isprintable() else "?" for character in name)


def _progress_line(done, count, student):
    line = f"[{done}/{count}] {_printable(student.name)}: {_points(student.total)}/{_points(student.max_points)} " \
           f"points ({student.seconds:.1f} s)"
    problems = student.problems
    if problems:
        line += "; " + "; ".join(f"{file}: {problem}" for file, problem in problems)
    return line


def _summary(results, output, seconds):
    if not results:
        return f"no student folders to grade; wrote {output / GRADES_FILE}"
    mean = sum(student.total for student in results) / len(results)
    problems = sum(len(student.problems) for student in results)
    return (f"graded {len(results)} students in {seconds:.1f} s: mean {mean:.2f} of "
            f"{_points(results[0].max_points)} points, {problems} lesson(s) not fully graded "
            f"(see {output / PROBLEMS_FILE}); grades in {output / GRADES_FILE}")


# --------------------------------------------------------------------------
# Writing the results
# --------------------------------------------------------------------------


def spreadsheet_safe(text):
    """``text`` with a leading quote if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def write_outputs(output, results, graded):
    """Write grades.csv, problems.csv and every feedback page."""
    output.mkdir(parents=True, exist_ok=True)
    columns = [exercise.column for lesson in graded for exercise in lesson.exercises]
    with open(output / GRADES_FILE, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", *columns, "total", "max"])
        for student in results:
            points = {verdict.column: verdict.points for verdict in student.verdicts}
            writer.writerow([spreadsheet_safe(student.name), *(_points(points[column]) for column in columns),
                             _points(student.total), _points(student.max_points)])
    with open(output / PROBLEMS_FILE, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "lesson", "reason"])
        for student in results:
            for lesson_file, problem in student.problems:
                writer.writerow([spreadsheet_safe(student.name), lesson_file, problem])
    for student in results:
        folder = output / FEEDBACK_FOLDER / student.safe_name
        folder.mkdir(parents=True, exist_ok=True)
        for lesson in student.lessons:
            (folder / f"{Path(lesson.file).stem}.html").write_text(feedback_html(student.name, lesson),
                                                                   encoding="utf-8")


FEEDBACK_STYLE = """body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;
vertical-align:top}td.points{white-space:nowrap}tr.passed td.points{color:#1a6b1a}tr.failed td.points{color:#a11}
.problem{background:#fff3cd;border:1px solid #e0c36c;padding:.5rem .8rem}code{font-size:.95em}"""


def feedback_html(student_name, lesson):
    """A self-contained HTML page: the student's points for each exercise of ``lesson`` and the check's message."""
    escape = html.escape
    earned = sum(verdict.points for verdict in lesson.verdicts)
    possible = sum(verdict.max_points for verdict in lesson.verdicts)
    rows = "\n".join(
        f'<tr class="{"passed" if verdict.points == verdict.max_points else "failed"}">'
        f"<td><code>{escape(verdict.function)}</code></td>"
        f'<td class="points">{_points(verdict.points)} / {_points(verdict.max_points)}</td>'
        f"<td>{escape(verdict.message)}</td></tr>"
        for verdict in lesson.verdicts
    )
    problem = f'<p class="problem">{escape(lesson.problem)}</p>\n' if lesson.problem else ""
    title = f"{lesson.title}: feedback for {student_name}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)}</title>
<style>{FEEDBACK_STYLE}</style>
</head>
<body>
<h1>{escape(lesson.title)}</h1>
<p>Feedback for <strong>{escape(student_name)}</strong> on <code>{escape(lesson.file)}</code>:
{_points(earned)} of {_points(possible)} points.</p>
{problem}<table>
<thead><tr><th>exercise</th><th>points</th><th>the check's message</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""

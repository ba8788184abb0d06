"""The lessons, in order, from ``notebooks/lessons.toml``: the course's one table of contents.

Every builder, benchmark and test that needs the list of lessons calls
:func:`read_lessons`; no other file names the lessons. The manifest's
``[[appendix]]`` tables (same keys) list the appendices, ``A1_name.ipynb``
...: material a lesson points to rather than teaches in the sitting. They
follow the lessons everywhere (in :func:`read_lessons`, the navigation chain,
the contents page and the README's table).

This module also names, once, what the builders read in a lesson's cells: the
tags (:data:`CHECK_TAG`, :data:`EXERCISE_TAG`, ...) and nbgrader's solution
markers (:data:`BEGIN_MARKER`, :data:`SOLUTION_REGION`, ...).
"""

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

MANIFEST_NAME = "lessons.toml"
# The course's own lessons: where every command looks when not told (python -m course, from any folder).
COURSE_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# A notebook named like a lesson; only used to find lessons missing from the manifest.
LESSON_NAME_PATTERN = "[0-9][0-9]_*.ipynb"
APPENDIX_NAME_PATTERN = "A[0-9]_*.ipynb"
LESSON_KEYS = {"file": str, "title": str, "learn": str, "exercises": list}
OPTIONAL_KEYS = {"exercises"}  # a lesson may have none
EXERCISE_KEYS = {"function": str, "check": str, "points": (int, float)}

# The cells of an exercise (CONTRIBUTING.md, "A lesson notebook"), by their tags.
EXERCISE_TAG = "exercise"  # the stub the learner fills in
CHECK_TAG = "check"  # exactly checks.check_<function>(<function>)
SOLUTION_TAG = "solution"  # the worked solution's heading and code
SELF_PACED_NOTE_TAG = "self-paced-note"  # where the folded solution is (replaced in student copies)
# Cells the links generate.
NAVIGATION_TAG = "navigation"
CONTENTS_TAG = "contents"
CONTENTS_CONTINUED_TAG = "contents-continued"
# A code cell whose input the slides leave out (its output stays).
HIDE_INPUT_TAG = "slides-hide-input"

# nbgrader's solution markers: the region between them is the solution.
BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
SOLUTION_REGION = re.compile(
    r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(?:\n|$)", re.DOTALL | re.MULTILINE
)
MARKER_LINE = re.compile(r"^[ \t]*### (?:BEGIN|END) SOLUTION[^\n]*(?:\n|$)", re.MULTILINE)


def tags(cell):
    """The cell's tags (a list; [] when it has none or they are malformed, as in a hand-in)."""
    found = cell.get("metadata", {}).get("tags", [])
    return found if isinstance(found, list) else []


def has_marker(source):
    """Whether ``source`` holds a solution marker."""
    return BEGIN_MARKER in source or END_MARKER in source


@dataclass(frozen=True)
class Exercise:
    """An exercise: the function the learner writes, the self-check that judges it, its points."""

    function: str
    check: str
    points: float


@dataclass(frozen=True)
class Lesson:
    """A lesson (or, with ``appendix``, an appendix) of the manifest; ``path`` is its notebook.

    ``path`` is the manifest's folder joined with ``file``.
    """

    file: str
    title: str
    learn: str
    exercises: tuple
    path: Path
    appendix: bool = False


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _check_keys(entry, expected, where):
    """Fail on a missing, unknown or mistyped key of a manifest table (only OPTIONAL_KEYS may be left out)."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a table, got {entry!r}")  # noqa: TRY004
    unknown = sorted(set(entry) - set(expected))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {unknown}; expected {sorted(expected)}")
    for key, kind in expected.items():
        if key not in entry and key not in OPTIONAL_KEYS:
            raise ValueError(f"{where}: missing key {key!r}")
        if key in entry and (not isinstance(entry[key], kind) or isinstance(entry[key], bool)):
            expected_type = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise ValueError(f"{where}: {key} must be of type {expected_type}, got {entry[key]!r}")


def _exercise(entry, where, check_names):
    _check_keys(entry, EXERCISE_KEYS, where)
    if not entry["function"].isidentifier():
        raise ValueError(f"{where}: function {entry['function']!r} is not a Python name")
    if entry["check"] not in check_names:
        raise ValueError(f"{where}: unknown check {entry['check']!r} (not a check_* function of gmm_lessons.checks)")
    if entry["points"] <= 0:
        raise ValueError(f"{where}: points must be positive, got {entry['points']!r}")
    return Exercise(entry["function"], entry["check"], entry["points"])


def _check_names():
    from gmm_lessons import checks

    return {name for name in dir(checks) if name.startswith("check_") and callable(getattr(checks, name))}


def read_lessons(source_dir=COURSE_NOTEBOOKS):
    """The lessons of ``source_dir/lessons.toml``, in order, then its appendices (``appendix`` true), in order.

    Raises
    ------
    FileNotFoundError
        If there is no manifest.
    ValueError
        If the manifest is not valid TOML, or an entry has a missing or unknown
        key, names a notebook that is not there or twice, a function twice or a
        check that ``gmm_lessons.checks`` does not have. The one-line message
        names the manifest and the entry.
    """
    source_dir = Path(source_dir)
    manifest = source_dir / MANIFEST_NAME
    if not manifest.is_file():
        raise FileNotFoundError(f"no lesson manifest {manifest} (the list of lessons, in order)")
    try:
        tables = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{manifest}: not valid TOML ({error})") from None
    entries, appendices = tables.get("lesson"), tables.get("appendix", [])
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{manifest}: no lessons; list each one in a [[lesson]] table")
    if not isinstance(appendices, list):
        # A bad manifest is a ValueError everywhere in this module.
        raise ValueError(f"{manifest}: list each appendix in an [[appendix]] table")  # noqa: TRY004
    check_names = _check_names()
    lessons = []
    numbered = [("lesson", number, entry) for number, entry in enumerate(entries, start=1)]
    numbered += [("appendix", number, entry) for number, entry in enumerate(appendices, start=1)]
    for kind, number, entry in numbered:
        name = entry.get("file") if isinstance(entry, dict) else None
        where = f"{manifest}: {kind} {number}" + (f" ({name})" if isinstance(name, str) else "")
        _check_keys(entry, LESSON_KEYS, where)
        if Path(entry["file"]).name != entry["file"] or not entry["file"].endswith(".ipynb"):
            raise ValueError(f"{where}: file must be a notebook name in {source_dir}, without a folder")
        if any(lesson.file == entry["file"] for lesson in lessons):
            raise ValueError(f"{where}: {entry['file']} is listed twice")
        if not (source_dir / entry["file"]).is_file():
            raise ValueError(f"{where}: there is no notebook {source_dir / entry['file']}")
        exercises = tuple(
            _exercise(exercise, f"{where}, exercise {index}", check_names)
            for index, exercise in enumerate(entry.get("exercises", []), start=1)
        )
        functions = [exercise.function for exercise in exercises]
        if len(set(functions)) != len(functions):
            raise ValueError(f"{where}: an exercise function is listed twice: {functions}")
        lessons.append(Lesson(entry["file"], entry["title"], entry["learn"], exercises, source_dir / entry["file"],
                              appendix=kind == "appendix"))
    return lessons


def unlisted_notebooks(source_dir=COURSE_NOTEBOOKS):
    """Notebooks of ``source_dir`` named like a lesson or an appendix (``NN_name``, ``A1_name``) the manifest omits."""
    listed = {lesson.file for lesson in read_lessons(source_dir)}
    named = [*Path(source_dir).glob(LESSON_NAME_PATTERN), *Path(source_dir).glob(APPENDIX_NAME_PATTERN)]
    return sorted(path.name for path in named if path.name not in listed)


def read_notebook(path):
    """A lesson notebook (nbformat 4); a ValueError naming the file, in one line, if it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        if not text.strip():
            reason = "the file is empty"
        elif not isinstance(json.loads(text), dict):
            reason = "the file is JSON but not a notebook"
        else:
            return nbformat.reads(text, as_version=4)
    except (OSError, ValueError, nbformat.ValidationError) as error:
        reason = next((line for line in str(error).splitlines() if line.strip()), type(error).__name__)
    raise ValueError(f"{path} is not a readable notebook: {reason}")


def lesson_number(file):
    """The number a lesson's file name starts with: ``03_e_step.ipynb`` -> ``03`` (an appendix's: ``A1``)."""
    return file.split("_")[0]


def chosen_lessons(lessons, only, what="a lesson"):
    """The ``lessons`` that ``only`` names, in course order, each by its number (``03``) or file (with or
    without ``.ipynb``); all of them when ``only`` is None.

    Raises
    ------
    ValueError
        If a name in ``only`` is none of ``lessons`` (``what`` says what they are), or ``only`` is empty; the
        message lists the numbers there are.
    """
    if only is None:
        return list(lessons)
    names = [{lesson.file, lesson.path.stem, lesson_number(lesson.file)} for lesson in lessons]
    unknown = [name for name in only if not any(name in aliases for aliases in names)]
    if unknown or not only:
        raise ValueError(f"only: {', '.join(unknown) or 'no lesson'} is not {what}; "
                         f"choose from {', '.join(lesson_number(lesson.file) for lesson in lessons)}")
    return [lesson for lesson, aliases in zip(lessons, names) if aliases & set(only)]

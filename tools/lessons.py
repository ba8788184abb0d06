"""The lessons, in order, from ``notebooks/lessons.toml``: the course's one table of contents.

Every tool, benchmark and test that needs the list of lessons calls
:func:`read_lessons`; no other file names the lessons. The manifest also
generates what would otherwise be written by hand in many places: the
navigation cell at the end of every lesson (previous / contents / next, tag
``navigation``), the list of lessons on the contents page (the first lesson,
its cell tagged ``contents``) and the README's lesson table (between
``<!-- lessons:start -->`` and ``<!-- lessons:end -->``), and the nbgrader
metadata of every exercise (its check cell a locked grade cell worth the
manifest's points, its worked solution a solution cell), so that instructors
can use the lessons as nbgrader source notebooks. Only those cells and that
region are rewritten; every other byte of a notebook stays as it is.

The manifest's ``[[appendix]]`` tables (same keys) list the appendices,
``A1_name.ipynb`` ...: material a lesson points to rather than teaches in the
sitting (floating point inside EM, a library's internals). They follow the
lessons everywhere: in :func:`read_lessons` (so every tool builds, checks and
links them like a lesson), in the navigation chain, on the contents page
under a heading of their own and at the end of the README's table.

Usage::

    python tools/lessons.py paths [SOURCE_DIR]            # the lesson notebooks, one a line (make notebooks)
    python tools/lessons.py links [SOURCE_DIR [README]]   # regenerate the links and tables (make links)

SOURCE_DIR defaults to ``notebooks``, README to ``README.md``.
"""

import itertools
import json
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

MANIFEST_NAME = "lessons.toml"
# The course's own lessons, next to tools/: where the command-line tools look when not told.
COURSE_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
# A notebook named like a lesson; only used to find lessons missing from the manifest.
LESSON_NAME_PATTERN = "[0-9][0-9]_*.ipynb"
APPENDIX_NAME_PATTERN = "A[0-9]_*.ipynb"
NAVIGATION_TAG = "navigation"
CONTENTS_TAG = "contents"
CONTENTS_HEADING = "## The lessons\n\nTake them in order; each one says what it assumes."
APPENDIX_HEADING = (
    "## Appendices\n\nDetails that a lesson sends you to, when you want them; each one says which lesson it extends."
)
# The list of lessons continues on slides of their own (cells generated after the contents cell, with this tag):
# at most this many lessons a slide, so that each fits the 1024 x 768 slide canvas however long the course gets.
CONTENTS_CONTINUED_TAG = "contents-continued"
CONTENTS_CONTINUED_HEADING = "## The lessons, continued"
LESSONS_PER_CONTENTS_SLIDE = 4
README_START = "<!-- lessons:start -->"
README_END = "<!-- lessons:end -->"
LESSON_KEYS = {"file": str, "title": str, "learn": str, "exercises": list}
OPTIONAL_KEYS = {"exercises"}  # a lesson may have none
EXERCISE_KEYS = {"function": str, "check": str, "points": (int, float)}
CHECK_TAG = "check"
SOLUTION_TAG = "solution"
# The note before an exercise's stub for self-paced learners (where the folded worked solution is).
SELF_PACED_NOTE_TAG = "self-paced-note"
NBGRADER_SCHEMA_VERSION = 3


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


def read_lessons(source_dir="notebooks"):
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


def unlisted_notebooks(source_dir="notebooks"):
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
    if not relation:
        return
    raise ValueError(
        f"the output folder {output_dir} {relation} the lessons' folder {source_dir}: "
        "a builder never writes over the lessons; choose an output folder outside it"
    )


# --------------------------------------------------------------------------
# Generated links and tables
# --------------------------------------------------------------------------


def what_you_learn(lesson):
    """The lesson's one line for the contents page and the README: what you learn and what you write."""
    written = " and ".join(f"`{exercise.function}`" for exercise in lesson.exercises)
    return f"{lesson.learn}; write {written}" if written else lesson.learn


def _link(lesson, folder=""):
    return f"[{lesson.title}]({folder}{lesson.file})"


def navigation_markdown(lessons, index):
    """The last cell of lesson ``index``: links to the previous lesson, the contents page and the next lesson."""
    contents = lessons[0]
    links = [f"[Contents]({contents.file})"]
    if index > 0:
        previous = lessons[index - 1]
        links.insert(0, f"[← {previous.title}]({previous.file})")
    if index + 1 < len(lessons):
        following = lessons[index + 1]
        links.append(f"[{following.title} →]({following.file})")
    return "---\n\n" + " · ".join(links)


def contents_markdown(lessons):
    """The contents page's list of every lesson, linked, with what it teaches: one Markdown source per slide.

    The lessons are shared out evenly (sizes differing by at most one) over
    as few slides as hold at most ``LESSONS_PER_CONTENTS_SLIDE`` each; the
    first slide has the contents heading. The appendices, if any, follow on
    a slide of their own.
    """
    def items(appendix):
        return [f"- {_link(lesson)}: {what_you_learn(lesson)}." for lesson in lessons if lesson.appendix == appendix]

    lesson_items, appendix_items = items(appendix=False), items(appendix=True)
    n_slides = -(-len(lesson_items) // LESSONS_PER_CONTENTS_SLIDE)
    bounds = [round(i * len(lesson_items) / n_slides) for i in range(n_slides + 1)]
    chunks = ["\n".join(lesson_items[start:stop]) for start, stop in itertools.pairwise(bounds)]
    sources = [f"{CONTENTS_HEADING}\n\n{chunks[0]}",
               *(f"{CONTENTS_CONTINUED_HEADING}\n\n{chunk}" for chunk in chunks[1:])]
    if appendix_items:
        sources.append(f"{APPENDIX_HEADING}\n\n" + "\n".join(appendix_items))
    return sources


def _contents_continued_cell(number, source):
    """Slide ``number`` (from 2) of the list of lessons; its id is fixed, so that `links` is idempotent."""
    return nbformat.v4.new_markdown_cell(
        source, id=f"contents-{number}",
        metadata={"slideshow": {"slide_type": "subslide"}, "tags": [CONTENTS_CONTINUED_TAG]},
    )


def readme_table(lessons, folder):
    """The README's Markdown table of the lessons, appendices last; ``folder``: the notebooks' folder, from it."""
    rows = [f"| {_link(lesson, folder)} | {what_you_learn(lesson)} |" for lesson in lessons]
    return "\n".join(["| lesson | what you learn |", "| --- | --- |", *rows])


def _tagged(notebook, tag, name):
    cells = [cell for cell in notebook.cells if tag in cell.metadata.get("tags", [])]
    if len(cells) > 1:
        raise ValueError(f"{name}: {len(cells)} cells are tagged {tag!r}; the generated cell must be one")
    return cells[0] if cells else None


def _exercise_cell(cells, tag, source_test, name, what):
    found = [cell for cell in cells if tag in cell.metadata.get("tags", []) and source_test(cell.source)]
    if len(found) != 1:
        raise ValueError(f"{name}: expected one cell tagged {tag!r} that {what}, found {len(found)}")
    return found[0]


def check_cell(cells, exercise, name):
    """The cell tagged ``check`` that is exactly ``checks.<check>(<function>)`` (else a ValueError naming it)."""
    call = f"checks.{exercise.check}({exercise.function})"
    return _exercise_cell(cells, CHECK_TAG, lambda source: source.strip() == call, name, f"is {call}")


def solution_cell(cells, exercise, name):
    """The cell tagged ``solution`` that defines ``<function>_solution`` (else a ValueError naming it)."""
    definition = f"def {exercise.function}_solution("
    return _exercise_cell(cells, SOLUTION_TAG, lambda source: definition in source, name, f"defines {definition}...)")


def _nbgrader(grade_id, grade=False, solution=False, locked=False, **extra):
    """A cell's ``metadata.nbgrader`` in schema version 3 (nbgrader 0.9 wants every one of these keys)."""
    return {"schema_version": NBGRADER_SCHEMA_VERSION, "grade_id": grade_id, "grade": grade,
            "solution": solution, "locked": locked, **extra}


def _set_nbgrader_metadata(cells, lesson):
    """nbgrader metadata from the manifest: each check a locked grade cell, each worked solution a solution cell.

    Every other cell loses any nbgrader metadata, so that the grade ids stay
    unique and the manifest alone says what is graded.
    """
    graded = {}
    for exercise in lesson.exercises:
        graded[id(check_cell(cells, exercise, lesson.file))] = _nbgrader(
            f"check_{exercise.function}", grade=True, locked=True, points=exercise.points
        )
        solution = solution_cell(cells, exercise, lesson.file)
        graded[id(solution)] = _nbgrader(f"{exercise.function}_solution", solution=True)
    for cell in cells:
        if id(cell) in graded:
            cell.metadata["nbgrader"] = graded[id(cell)]
        else:
            cell.metadata.pop("nbgrader", None)


def with_links(notebook, lessons, index):
    """A copy of lesson ``index``'s notebook with its generated cells rewritten (the input is not modified).

    The cell tagged ``navigation`` gets the lesson's links (a lesson without
    one gets it appended); on the contents page, the cell tagged ``contents``
    gets the list of lessons, continued in generated cells tagged
    ``contents-continued`` after it; the exercises' cells get their nbgrader
    metadata. Cell ids and all other metadata are kept.
    """
    name = lessons[index].file
    copy = nbformat.from_dict(notebook)
    navigation = _tagged(copy, NAVIGATION_TAG, name)
    if navigation is None:
        navigation = nbformat.v4.new_markdown_cell(
            metadata={"slideshow": {"slide_type": "-"}, "tags": [NAVIGATION_TAG]}
        )
        copy.cells.append(navigation)
    navigation.source = navigation_markdown(lessons, index)
    contents = _tagged(copy, CONTENTS_TAG, name)
    if index == 0 and contents is None:
        raise ValueError(f"{name}: the contents page needs a Markdown cell tagged {CONTENTS_TAG!r} for the lesson list")
    if contents is not None:
        first, *continued = contents_markdown(lessons)
        contents.source = first
        copy.cells = [cell for cell in copy.cells if CONTENTS_CONTINUED_TAG not in cell.metadata.get("tags", [])]
        after = next(index for index, cell in enumerate(copy.cells) if cell is contents) + 1
        copy.cells[after:after] = [_contents_continued_cell(number, text) for number, text in enumerate(continued, 2)]
    _set_nbgrader_metadata(copy.cells, lessons[index])
    return copy


def with_readme_table(text, lessons, folder, name):
    """The README ``text`` with the region between the lesson markers replaced by the lesson table."""
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{name}: no {README_START} ... {README_END} region for the lesson table")
    return text[: start + len(README_START)] + "\n" + readme_table(lessons, folder) + "\n" + text[end:]


def _notebook_text(notebook):
    """The bytes nbformat.write would store (it ends the file with a newline)."""
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def generated_files(source_dir="notebooks", readme="README.md"):
    """{path: text it should have} for every lesson notebook and the README, with the generated parts current."""
    lessons = read_lessons(source_dir)
    files = {
        lesson.path: _notebook_text(with_links(read_notebook(lesson.path), lessons, index))
        for index, lesson in enumerate(lessons)
    }
    readme = Path(readme)
    folder = Path(os.path.relpath(Path(source_dir).resolve(), readme.resolve().parent)).as_posix() + "/"
    files[readme] = with_readme_table(readme.read_text(encoding="utf-8"), lessons, folder, readme)
    return files


def stale_files(source_dir="notebooks", readme="README.md"):
    """{path: text it should have} for the files whose generated parts are out of date."""
    return {
        path: text
        for path, text in generated_files(source_dir, readme).items()
        if path.read_text(encoding="utf-8") != text
    }


def write_links(source_dir="notebooks", readme="README.md"):
    """Rewrite the out-of-date navigation cells, nbgrader metadata, lesson list and README table; returns the paths."""
    stale = stale_files(source_dir, readme)
    for path, text in stale.items():
        path.write_text(text, encoding="utf-8")
    return list(stale)


def main(argv):
    command, arguments = (argv[0], argv[1:]) if argv else ("", [])
    try:
        if command == "paths" and len(arguments) <= 1:
            for lesson in read_lessons(*arguments):
                print(lesson.path)
        elif command == "links" and len(arguments) <= 2:
            written = write_links(*arguments)
            print("\n".join(f"wrote {path}" for path in written) or "links and tables are current")
        else:
            sys.exit("usage: python tools/lessons.py paths [SOURCE_DIR] | links [SOURCE_DIR [README]]")
    except (OSError, ValueError) as error:
        sys.exit(f"lessons: {error}")


if __name__ == "__main__":
    main(sys.argv[1:])

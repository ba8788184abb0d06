"""The parts of the lessons and the README that the manifest generates (``python -m course links``).

From ``notebooks/lessons.toml``: the navigation cell at the end of every
lesson (previous / contents / next, tag ``navigation``), the list of lessons on
the contents page (the first lesson, its cell tagged ``contents``, continued on
generated slides tagged ``contents-continued``), the README's lesson table
(between ``<!-- lessons:start -->`` and ``<!-- lessons:end -->``), and the
nbgrader metadata of every exercise (its check cell a locked grade cell worth
the manifest's points, its worked solution a solution cell), so that
instructors can use the lessons as nbgrader source notebooks. Only those cells
and that region are rewritten; every other byte of a notebook stays as it is.
"""

import itertools
import os
from pathlib import Path

import nbformat

from .manifest import (
    CHECK_TAG,
    CONTENTS_CONTINUED_TAG,
    CONTENTS_TAG,
    COURSE_NOTEBOOKS,
    NAVIGATION_TAG,
    SOLUTION_TAG,
    read_lessons,
    read_notebook,
    tags,
)

CONTENTS_HEADING = "## The lessons\n\nTake them in order; each one says what it assumes."
APPENDIX_HEADING = (
    "## Appendices\n\nDetails that a lesson sends you to, when you want them; each one says which lesson it extends."
)
# The list of lessons continues on slides of their own (cells generated after the contents cell):
# at most this many lessons a slide, so that each fits the 1024 x 768 slide canvas however long the course gets.
CONTENTS_CONTINUED_HEADING = "## The lessons, continued"
LESSONS_PER_CONTENTS_SLIDE = 4
README_START = "<!-- lessons:start -->"
README_END = "<!-- lessons:end -->"
COURSE_README = COURSE_NOTEBOOKS.parent / "README.md"
NBGRADER_SCHEMA_VERSION = 3


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
    cells = [cell for cell in notebook.cells if tag in tags(cell)]
    if len(cells) > 1:
        raise ValueError(f"{name}: {len(cells)} cells are tagged {tag!r}; the generated cell must be one")
    return cells[0] if cells else None


def _exercise_cell(cells, tag, source_test, name, what):
    found = [cell for cell in cells if tag in tags(cell) and source_test(cell.source)]
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
        copy.cells = [cell for cell in copy.cells if CONTENTS_CONTINUED_TAG not in tags(cell)]
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


def generated_files(source_dir=COURSE_NOTEBOOKS, readme=COURSE_README):
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


def stale_files(source_dir=COURSE_NOTEBOOKS, readme=COURSE_README):
    """{path: text it should have} for the files whose generated parts are out of date."""
    return {
        path: text
        for path, text in generated_files(source_dir, readme).items()
        if path.read_text(encoding="utf-8") != text
    }


def write_links(source_dir=COURSE_NOTEBOOKS, readme=COURSE_README):
    """Rewrite the out-of-date navigation cells, nbgrader metadata, lesson list and README table; returns the paths."""
    stale = stale_files(source_dir, readme)
    for path, text in stale.items():
        path.write_text(text, encoding="utf-8")
    return list(stale)

"""Write student copies of the lessons: worked solutions removed, outputs cleared.

Each exercise of a lesson is a stub (tagged ``exercise``), its self-check
(tagged ``check``) and a worked solution: a heading and a code cell, both
tagged ``solution``, the code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). A student copy drops the cells
tagged ``solution`` and replaces the note for self-paced learners (the cell
tagged ``self-paced-note``) by the note for students; outputs and execution
counts are cleared. The stubs and checks stay: each check fails with a
one-line message until the student writes the function. The lessons are
those of ``notebooks/lessons.toml``; they are only read, and the copies are
published as every builder's output is (:mod:`course.publish`).

Usage (``make student``)::

    python -m course student [--lessons DIR] [--out build/student]
"""

from pathlib import Path

import nbformat

from . import publish
from .manifest import COURSE_NOTEBOOKS, SELF_PACED_NOTE_TAG, SOLUTION_TAG, has_marker, read_lessons, read_notebook, tags

STUDENT_NOTE = "> **Your turn.** Write your code in the stub below, then run the check after it."
# Cell metadata that only makes sense for an executed lesson, or that folds a cell away.
LESSON_ONLY_METADATA = ("execution", "collapsed", "scrolled")


class MarkerError(ValueError):
    """A solution marker outside a cell tagged ``solution``; the message names the notebook and cell."""


def student_copy(notebook, name):
    """A student copy of a lesson notebook (a new notebook; the input is not modified).

    Raises
    ------
    MarkerError
        If a solution marker is in a cell not tagged ``solution`` (it would
        leave solution text in the copy); the message names notebook and cell.
    """
    copy = nbformat.from_dict(notebook)
    copy.metadata.pop("widgets", None)
    kept = []
    for index, cell in enumerate(copy.cells):
        if SOLUTION_TAG in tags(cell):
            continue
        if has_marker(cell.source):
            raise MarkerError(
                f"{name}, cell {index}: solution markers belong only in cells tagged {SOLUTION_TAG!r}, "
                f"found one in a {cell.cell_type} cell tagged {tags(cell)}"
            )
        if SELF_PACED_NOTE_TAG in tags(cell):
            cell.source = STUDENT_NOTE
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in LESSON_ONLY_METADATA:
            cell.metadata.pop(key, None)
        cell.metadata.get("jupyter", {}).pop("source_hidden", None)
        if cell.metadata.get("jupyter") == {}:
            del cell.metadata["jupyter"]
        kept.append(cell)
    copy.cells = kept
    return copy


def write_student_copies(source_dir=COURSE_NOTEBOOKS, output_dir="build/student"):
    """Write a student copy of every lesson of ``source_dir``'s manifest to ``output_dir``; returns the paths written.

    Raises
    ------
    ValueError
        If ``output_dir`` is, contains or lies inside ``source_dir``, if the
        manifest is invalid, or a lesson cannot be read or has a bad marker
        (the one-line message names the file). Nothing is written then.
    course.publish.PublishError
        If ``output_dir`` holds files this command did not make.
    """
    copies = {lesson.file: student_copy(read_notebook(lesson.path), lesson.file) for lesson in read_lessons(source_dir)}
    with publish.new_output(output_dir, source_dir, "student") as staging:
        for name, copy in copies.items():
            nbformat.write(copy, staging / name)
    output_dir = Path(output_dir).absolute()
    return [output_dir / name for name in copies]

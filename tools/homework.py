"""Write student copies of the lessons: worked solutions removed, outputs cleared.

Each exercise of a lesson is a stub (tagged ``exercise``), its self-check
(tagged ``check``) and a worked solution: a heading and a code cell, both
tagged ``solution``, the code between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). A student copy drops the cells
tagged ``solution`` and replaces the note for self-paced learners (the cell
tagged ``self-paced-note``) by the note for students; outputs and execution
counts are cleared. The stubs and checks stay: each check fails with a
one-line message until the student writes the function. The lessons are
those of ``SOURCE_DIR/lessons.toml``; they are only read, and an output
folder that is, contains or lies inside SOURCE_DIR is refused.

Usage (``make student``)::

    python tools/homework.py [SOURCE_DIR] [OUTPUT_DIR]

SOURCE_DIR defaults to the ``notebooks`` folder next to ``tools/``,
OUTPUT_DIR to ``build/student`` (in the current folder).
"""

import argparse
import sys
from pathlib import Path

import lessons
import nbformat

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
SOLUTION_TAG = lessons.SOLUTION_TAG
SELF_PACED_NOTE_TAG = lessons.SELF_PACED_NOTE_TAG
STUDENT_NOTE = "> **Your turn.** Write your code in the stub below, then run the check after it."
# Cell metadata that only makes sense for an executed lesson, or that folds a cell away.
LESSON_ONLY_METADATA = ("execution", "collapsed", "scrolled")


class MarkerError(ValueError):
    """A solution marker outside a cell tagged ``solution``; the message names the notebook and cell."""


def _tags(cell):
    return cell.metadata.get("tags", [])


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
        if SOLUTION_TAG in _tags(cell):
            continue
        if BEGIN_MARKER in cell.source or END_MARKER in cell.source:
            raise MarkerError(
                f"{name}, cell {index}: solution markers belong only in cells tagged {SOLUTION_TAG!r}, "
                f"found one in a {cell.cell_type} cell tagged {_tags(cell)}"
            )
        if SELF_PACED_NOTE_TAG in _tags(cell):
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


def write_student_copies(source_dir, output_dir):
    """Write a student copy of every lesson of ``source_dir``'s manifest to ``output_dir``; returns the paths written.

    Raises
    ------
    ValueError
        If ``output_dir`` is, contains or lies inside ``source_dir``, if the
        manifest is invalid, or a lesson cannot be read or has a bad marker
        (the one-line message names the file). Nothing is written then.
    """
    source_dir, output_dir = Path(source_dir), Path(output_dir)
    lessons.check_output_folder(source_dir, output_dir)
    copies = [
        (lesson.file, student_copy(lessons.read_notebook(lesson.path), lesson.file))
        for lesson in lessons.read_lessons(source_dir)
    ]
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, copy in copies:
        target = output_dir / name
        nbformat.write(copy, target)
        written.append(target)
    return written


def main(argv):
    parser = argparse.ArgumentParser(prog="homework", description="Write student copies of the lessons: "
                                     "worked solutions removed, outputs cleared. The lessons are only read.")
    parser.add_argument("source_dir", nargs="?", default=str(lessons.COURSE_NOTEBOOKS),
                        help=f"the lessons' folder, with lessons.toml (default {lessons.COURSE_NOTEBOOKS})")
    parser.add_argument("output_dir", nargs="?", default="build/student",
                        help="where the copies go (default build/student)")
    arguments = parser.parse_args(argv)
    try:
        written = write_student_copies(arguments.source_dir, arguments.output_dir)
    except (OSError, ValueError) as error:
        sys.exit(f"homework: {error}")
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

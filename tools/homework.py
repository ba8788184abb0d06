"""Write student copies of the lessons: solutions removed, outputs cleared.

Every region of a code cell from a line containing ``### BEGIN SOLUTION`` to
the line containing ``### END SOLUTION`` becomes ``# YOUR CODE HERE`` and
``raise NotImplementedError()``, indented like the markers (nbgrader's form,
so instructors who use nbgrader recognise it). Outputs and execution counts
are cleared; the self-check cells stay, and fail with a one-line message
until the student writes the function. The lessons are those of
``SOURCE_DIR/lessons.toml``; they are only read, and an output folder that is,
contains or lies inside SOURCE_DIR is refused.

Usage (``make student``)::

    python tools/homework.py [SOURCE_DIR] [OUTPUT_DIR]

SOURCE_DIR defaults to ``notebooks``, OUTPUT_DIR to ``build/student``.
"""

import sys
from pathlib import Path

import lessons
import nbformat

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
EXERCISE_TAG = "exercise"
# Cell metadata that only makes sense for an executed lesson, or that hides the solution from self-paced learners.
LESSON_ONLY_METADATA = ("execution", "collapsed", "scrolled")


class MarkerError(ValueError):
    """A solution marker is missing or unbalanced; the message names the notebook and cell."""


def strip_solutions(source, where):
    """Replace every BEGIN/END SOLUTION region of ``source`` by the stub.

    Parameters
    ----------
    source : str
        A code cell's source.
    where : str
        Notebook and cell, for error messages.

    Returns
    -------
    str
    """
    lines = source.split("\n")
    kept = []
    inside_from = None
    for number, line in enumerate(lines, start=1):
        if BEGIN_MARKER in line:
            if inside_from is not None:
                raise MarkerError(
                    f"{where}: line {number} opens a solution inside the one opened on line {inside_from}"
                )
            inside_from = number
            indent = line[: len(line) - len(line.lstrip())]
            kept.extend(indent + stub_line for stub_line in STUB)
        elif END_MARKER in line:
            if inside_from is None:
                raise MarkerError(f"{where}: line {number} closes a solution that was never opened ({BEGIN_MARKER})")
            inside_from = None
        elif inside_from is None:
            kept.append(line)
    if inside_from is not None:
        raise MarkerError(f"{where}: the solution opened on line {inside_from} is never closed ({END_MARKER})")
    return "\n".join(kept)


def student_copy(notebook, name):
    """A student copy of a lesson notebook (a new notebook; the input is not modified).

    Raises
    ------
    MarkerError
        For unbalanced markers, markers outside code cells, or an exercise
        cell without a solution region; the message names notebook and cell.
    """
    copy = nbformat.from_dict(notebook)
    copy.metadata.pop("widgets", None)
    for index, cell in enumerate(copy.cells):
        where = f"{name}, cell {index}"
        has_marker = BEGIN_MARKER in cell.source or END_MARKER in cell.source
        if cell.cell_type != "code":
            if has_marker:
                raise MarkerError(
                    f"{where}: solution markers belong in code cells, found one in a {cell.cell_type} cell"
                )
            continue
        if EXERCISE_TAG in cell.metadata.get("tags", []) and BEGIN_MARKER not in cell.source:
            raise MarkerError(f"{where}: an exercise cell has no solution region ({BEGIN_MARKER} ... {END_MARKER})")
        cell.source = strip_solutions(cell.source, where)
        cell.outputs = []
        cell.execution_count = None
        for key in LESSON_ONLY_METADATA:
            cell.metadata.pop(key, None)
        cell.metadata.get("jupyter", {}).pop("source_hidden", None)
        if cell.metadata.get("jupyter") == {}:
            del cell.metadata["jupyter"]
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
    source_dir = argv[0] if argv else "notebooks"
    output_dir = argv[1] if len(argv) > 1 else "build/student"
    try:
        written = write_student_copies(source_dir, output_dir)
    except (OSError, ValueError) as error:
        sys.exit(f"homework: {error}")
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])

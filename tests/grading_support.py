"""A class of students on disk, for the grader's tests and benchmark: student copies, some filled in."""

import re

import nbformat

SOLUTION_TAG = "solution"


def worked_solution(lesson_notebook, function):
    """The source of a cell defining ``function`` with the lesson's worked solution.

    The lesson's cell tagged ``solution`` defines ``<function>_solution``
    (renamed here); a lesson of the older layout has the solution in its
    cell tagged ``exercise``, between the markers, under the function's name.
    """
    for cell in lesson_notebook.cells:
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags and re.search(rf"^def {function}_solution\(", cell.source, re.MULTILINE):
            return re.sub(rf"^def {function}_solution\(", f"def {function}(", cell.source, flags=re.MULTILINE)
    for cell in lesson_notebook.cells:
        if "exercise" in cell.metadata.get("tags", []) and re.search(rf"^def {function}\(", cell.source, re.MULTILINE):
            return cell.source
    raise ValueError(f"no worked solution of {function} in the lesson")


def stub_index(copy, function):
    """The index of the student copy's cell tagged ``exercise`` that defines ``function``."""
    return next(index for index, cell in enumerate(copy.cells)
                if "exercise" in cell.metadata.get("tags", []) and re.search(rf"^def {function}\(", cell.source,
                                                                              re.MULTILINE))


def with_stub(copy, function, source):
    """A copy of the student copy ``copy`` whose stub of ``function`` holds ``source``."""
    changed = nbformat.from_dict(copy)
    changed.cells[stub_index(changed, function)].source = source
    return changed


def solved(copy, lesson_notebook, lesson):
    """A perfect hand-in: the student copy with every stub replaced by the lesson's worked solution."""
    for exercise in lesson.exercises:
        copy = with_stub(copy, exercise.function, worked_solution(lesson_notebook, exercise.function))
    return copy


def write_class(folder, students):
    """Write ``folder/<student>/<file>`` for {student: {file: notebook, or str for raw contents}}; returns folder."""
    for student, files in students.items():
        (folder / student).mkdir(parents=True, exist_ok=True)
        for name, notebook in files.items():
            text = notebook if isinstance(notebook, str) else nbformat.writes(notebook)
            (folder / student / name).write_text(text, encoding="utf-8")
    return folder

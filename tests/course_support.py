"""A small course on disk, for tests of the tools: a manifest and its notebooks in a temporary folder."""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat


def lesson_notebook(*markdown):
    """A notebook of Markdown cells, the first opening a slide."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "slide" if index == 0 else "-"}})
        for index, text in enumerate(markdown)
    ]
    return notebook


def write_course(folder, notebooks, appendices=()):
    """Write ``notebooks`` ({file name: notebook, or str for raw file contents}) and a manifest listing them in order.

    The files named in ``appendices`` are listed as ``[[appendix]]`` tables, the others as lessons.
    Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (name, notebook) in enumerate(notebooks.items()):
        text = notebook if isinstance(notebook, str) else nbformat.writes(notebook)
        (folder / name).write_text(text, encoding="utf-8")
        appendix = name in appendices
        kind, title = ("appendix", f"Appendix {name[:2]}") if appendix else ("lesson", f"{number:02d} · Lesson")
        entries.append(f'[[{kind}]]\nfile = "{name}"\ntitle = "{title} {number}"\nlearn = "things"\n')
    (folder / "lessons.toml").write_text("\n".join(entries), encoding="utf-8")
    return folder


def defined_function(cell):
    """The name of the first function a code cell defines, or None."""
    match = re.search(r"^def (\w+)\(", cell.source, re.MULTILINE)
    return match[1] if match else None


def exercise_cells(notebook):
    """{function: (note, stub, check, heading, solution)}: the five cells of each exercise, found by its stub.

    The layout of CONTRIBUTING.md ("A lesson notebook"): the note for
    self-paced learners just before the stub (tagged ``exercise``); the check,
    the worked solution's heading and the worked solution just after it.
    """
    cells = notebook.cells
    return {
        defined_function(cell): (cells[index - 1], cell, *cells[index + 1 : index + 4])
        for index, cell in enumerate(cells)
        if "exercise" in cell.metadata.get("tags", [])
    }


STUB_BODY = "    # YOUR CODE HERE\n    raise NotImplementedError()"


def solution_body(solution):
    """The worked solution's lines between its markers (indented as in the function)."""
    lines = solution.source.split("\n")
    begin = next(index for index, line in enumerate(lines) if "### BEGIN SOLUTION" in line)
    end = next(index for index, line in enumerate(lines) if "### END SOLUTION" in line)
    return "\n".join(lines[begin + 1 : end])


def filled_stub(stub, body):
    """The stub's source with ``body`` written in place of ``# YOUR CODE HERE`` and ``raise NotImplementedError()``."""
    assert STUB_BODY in stub.source, stub.source
    return stub.source.replace(STUB_BODY, body)


# Lines this short or generic may legitimately appear elsewhere in a lesson.
MIN_LEAK_LENGTH = 20


def solution_only_lines(notebook):
    """Lines (stripped, at least MIN_LEAK_LENGTH long) of the worked solutions that the lesson shows nowhere else.

    A copy meant for students (``make student``, an nbgrader release) must contain none of them.
    """
    solutions = [cell for cell in notebook.cells
                 if "solution" in cell.metadata.get("tags", []) and "### BEGIN SOLUTION" in cell.source]
    elsewhere = "\n".join(cell.source for cell in notebook.cells if cell not in solutions)
    lines = {line.strip() for cell in solutions for line in solution_body(cell).split("\n")}
    return {line for line in lines if len(line) >= MIN_LEAK_LENGTH and line not in elsewhere}


ROOT = Path(__file__).resolve().parent.parent


def run_course(*arguments, cwd=ROOT, **options):
    """``python -m course ARGUMENTS`` as a user types it, in ``cwd`` (the repository root by default).

    Outside the root the repository is put on PYTHONPATH, as the README says to do there.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "course", *map(str, arguments)], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, **options)

"""A small course on disk, for tests of the tools: a manifest and its notebooks in a temporary folder."""

import nbformat


def lesson_notebook(*markdown):
    """A notebook of Markdown cells, the first opening a slide."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "slide" if index == 0 else "-"}})
        for index, text in enumerate(markdown)
    ]
    return notebook


def write_course(folder, notebooks):
    """Write ``notebooks`` ({file name: notebook, or str for raw file contents}) and a manifest listing them in order.

    Returns the folder.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, (name, notebook) in enumerate(notebooks.items()):
        text = notebook if isinstance(notebook, str) else nbformat.writes(notebook)
        (folder / name).write_text(text, encoding="utf-8")
        entries.append(f'[[lesson]]\nfile = "{name}"\ntitle = "{number:02d} · Lesson {number}"\nlearn = "things"\n')
    (folder / "lessons.toml").write_text("\n".join(entries), encoding="utf-8")
    return folder

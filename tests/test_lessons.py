"""The manifest notebooks/lessons.toml: it matches the lessons and the cells of their exercises, its generated links
and nbgrader metadata are current, and every lesson's worked solution passes the self-check the manifest names."""

import re
import shutil
from pathlib import Path

import course_support
import nbformat
import pytest
from course_support import defined_function, lesson_notebook, run_course, write_course

from course.links import (
    APPENDIX_HEADING,
    CONTENTS_HEADING,
    LESSONS_PER_CONTENTS_SLIDE,
    README_END,
    README_START,
    contents_markdown,
    navigation_markdown,
    readme_table,
    stale_files,
    with_links,
    write_links,
)
from course.manifest import (
    BEGIN_MARKER,
    CONTENTS_CONTINUED_TAG,
    CONTENTS_TAG,
    END_MARKER,
    NAVIGATION_TAG,
    SELF_PACED_NOTE_TAG,
    Exercise,
    read_lessons,
    read_notebook,
    unlisted_notebooks,
)
from course.publish import check_output_folder
from gmm_lessons import checks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

LESSONS = read_lessons(NOTEBOOKS)
EXERCISES = [(lesson, exercise) for lesson in LESSONS for exercise in lesson.exercises]
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")

lesson_params = pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.stem for lesson in LESSONS])
exercise_params = pytest.mark.parametrize(
    ("lesson", "exercise"), EXERCISES, ids=[f"{lesson.path.stem}-{exercise.function}" for lesson, exercise in EXERCISES]
)


def _notebook(lesson):
    return read_notebook(lesson.path)


def _tags(cell):
    return cell.metadata.get("tags", [])


def _slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type")


def _has_marker(cell):
    return BEGIN_MARKER in cell.source or END_MARKER in cell.source


def exercise_cells(lesson):
    return course_support.exercise_cells(_notebook(lesson))


# --------------------------------------------------------------------------
# The manifest matches the notebooks, and every exercise has its layout
# --------------------------------------------------------------------------


def test_the_manifest_lists_every_lesson_notebook():
    assert len(LESSONS) >= 2
    assert unlisted_notebooks(NOTEBOOKS) == [], "add these notebooks to notebooks/lessons.toml"


@lesson_params
def test_the_title_is_the_notebooks_first_heading(lesson):
    first_line = _notebook(lesson).cells[0].source.split("\n")[0]
    assert first_line == f"# {lesson.title}"


@lesson_params
def test_the_exercises_are_the_notebooks_stubs_and_solutions_in_order(lesson):
    cells = _notebook(lesson).cells
    stubs = [defined_function(cell) for cell in cells if "exercise" in _tags(cell)]
    assert stubs == [exercise.function for exercise in lesson.exercises]
    solutions = [defined_function(cell) for cell in cells if "solution" in _tags(cell) and cell.cell_type == "code"]
    assert solutions == [f"{exercise.function}_solution" for exercise in lesson.exercises]


@exercise_params
def test_an_exercise_is_a_note_a_stub_its_check_and_a_folded_solution(lesson, exercise):
    """The layout that makes Run All judge the learner's function (CONTRIBUTING.md, "A lesson notebook")."""
    name = exercise.function
    note, stub, check, heading, solution = exercise_cells(lesson)[name]
    assert note.cell_type == "markdown" and _tags(note) == [SELF_PACED_NOTE_TAG]
    assert stub.source.endswith("\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert not _has_marker(stub) and "source_hidden" not in stub.metadata.get("jupyter", {})
    assert check.source == f"checks.{exercise.check}({name})"
    assert _tags(check) == ["check", "raises-exception"]
    assert heading.cell_type == "markdown" and _tags(heading) == ["solution"]
    assert re.match(rf"#+ Worked solution: `{name}`\n", heading.source)
    assert solution.cell_type == "code" and _tags(solution) == ["solution"]
    assert solution.metadata["jupyter"]["source_hidden"] is True
    assert solution.source.startswith(f"def {name}_solution(")
    # On slides: the stub and the check under the folded hints (the task has its own slide), the solution on its own.
    assert [_slide_type(cell) for cell in (note, stub, check, heading, solution)] == ["-", "-", "-", "subslide", "-"]


HINTS = re.compile(r"<details><summary>Hints, step by step</summary>\n\n.+\n\n</details>", re.DOTALL)


@exercise_params
def test_an_exercise_starts_with_its_task_then_its_hints_folded(lesson, exercise):
    """Issue 13: a task naming the function and its arguments, then the step-by-step hints in one folded block."""
    cells = _notebook(lesson).cells
    (stub,) = [index for index, cell in enumerate(cells) if "exercise" in _tags(cell)
               and defined_function(cell) == exercise.function]
    task, hints = cells[stub - 3], cells[stub - 2]
    assert task.cell_type == "markdown" and re.match(r"#+ Your turn: ", task.source), task.source
    assert f"`{exercise.function}(" in task.source, "the task names the function with its arguments"
    # Blank lines inside the block, so that its Markdown renders; nothing outside it, so that all of it folds.
    assert hints.cell_type == "markdown" and HINTS.fullmatch(hints.source), hints.source


@lesson_params
def test_solution_markers_are_only_in_worked_solution_cells(lesson):
    """nbgrader stops at a marker in a cell that is not a solution cell; `make student` would leave it in."""
    for index, cell in enumerate(_notebook(lesson).cells):
        if _has_marker(cell):
            assert cell.cell_type == "code" and "solution" in _tags(cell), f"{lesson.file} cell {index}"


@lesson_params
def test_only_the_check_uses_the_learners_function(lesson):
    """Later cells use the package's reference, so they run whatever the learner wrote (or did not)."""
    cells = _notebook(lesson).cells
    for exercise in lesson.exercises:
        uses = re.compile(rf"(?<![\w.]){exercise.function}\b")
        users = [index for index, cell in enumerate(cells) if cell.cell_type == "code" and uses.search(cell.source)
                 and not {"exercise", "check"} & set(_tags(cell))]
        assert users == [], f"{lesson.file}: cells {users} use the learner's {exercise.function}"


@lesson_params
def test_the_nbgrader_metadata_follows_the_manifest(lesson):
    """Checks are locked grade cells worth the manifest's points, worked solutions solution cells; nothing else."""
    expected = {}
    for exercise in lesson.exercises:
        _, _, check, _, solution = exercise_cells(lesson)[exercise.function]
        expected[check.id] = {"grade": True, "solution": False, "locked": True, "points": exercise.points,
                              "grade_id": f"check_{exercise.function}", "schema_version": 3}
        expected[solution.id] = {"grade": False, "solution": True, "locked": False,
                                 "grade_id": f"{exercise.function}_solution", "schema_version": 3}
    found = {cell.id: cell.metadata["nbgrader"] for cell in _notebook(lesson).cells if "nbgrader" in cell.metadata}
    assert found == expected


def test_the_nbgrader_metadata_needs_each_exercises_check_cell():
    index, lesson = next((index, lesson) for index, lesson in enumerate(LESSONS) if lesson.exercises)
    notebook = _notebook(lesson)
    notebook.cells = [cell for cell in notebook.cells if "check" not in _tags(cell)]
    call = f"checks.{lesson.exercises[0].check}({lesson.exercises[0].function})"
    with pytest.raises(ValueError, match=re.escape(f"{lesson.file}: expected one cell tagged 'check' that is {call}")):
        with_links(notebook, LESSONS, index)


@exercise_params
def test_the_worked_solution_passes_its_check(lesson, exercise):
    """The lesson's worked solution ``<name>_solution``, run after the setup cell, passes the check of ``<name>``.

    The setup cell is the lesson's first code cell (imports and ``rng`` only):
    an exercise may use what it imports and nothing else.
    """
    cells = _notebook(lesson).cells
    setup = next(cell for cell in cells if cell.cell_type == "code")
    *_, solution = exercise_cells(lesson)[exercise.function]
    assert BEGIN_MARKER in solution.source and END_MARKER in solution.source
    namespace = {}
    # Running the lesson's own cells is the point of this test.
    exec(compile(setup.source, f"{lesson.file} setup cell", "exec"), namespace)  # noqa: S102
    exec(compile(solution.source, f"{lesson.file} {exercise.function}_solution", "exec"), namespace)  # noqa: S102
    getattr(checks, exercise.check)(namespace[f"{exercise.function}_solution"])


# --------------------------------------------------------------------------
# Generated links and tables
# --------------------------------------------------------------------------


def test_the_generated_links_and_tables_are_current():
    stale = stale_files(NOTEBOOKS, README)
    assert not stale, f"out of date, run `make links`: {sorted(str(path) for path in stale)}"


@pytest.mark.parametrize("index", range(len(LESSONS)), ids=[lesson.path.stem for lesson in LESSONS])
def test_navigation_links_the_previous_lesson_the_contents_and_the_next(index):
    expected = [LESSONS[index - 1].file] if index > 0 else []
    expected += [LESSONS[0].file] + ([LESSONS[index + 1].file] if index + 1 < len(LESSONS) else [])
    assert MARKDOWN_LINK.findall(navigation_markdown(LESSONS, index)) == expected


def test_the_contents_page_and_the_readme_list_every_lesson_in_order():
    files = [lesson.file for lesson in LESSONS]
    assert MARKDOWN_LINK.findall("\n".join(contents_markdown(LESSONS))) == files
    readme = README.read_text(encoding="utf-8")
    region = readme[readme.index(README_START) : readme.index(README_END)]
    assert MARKDOWN_LINK.findall(region) == [f"notebooks/{file}" for file in files]
    for lesson in LESSONS:
        for exercise in lesson.exercises:
            assert f"`{exercise.function}`" in region


def test_the_links_command_rewrites_only_the_generated_parts(tmp_path):
    """Spoil a navigation cell, the contents list and the README table of a copy: `links` restores the bytes."""
    course = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, course)
    readme = tmp_path / "README.md"
    shutil.copyfile(README, readme)
    spoilt = {course / LESSONS[0].file, course / LESSONS[1].file, readme}
    for path in spoilt - {readme}:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if {NAVIGATION_TAG, CONTENTS_TAG} & set(_tags(cell)):
                cell.source = "hand-edited"
        nbformat.write(notebook, path)
    readme.write_text(readme.read_text(encoding="utf-8").replace(LESSONS[1].title, "old title"), encoding="utf-8")

    assert set(write_links(course, readme)) == spoilt
    for path in spoilt - {readme}:
        assert path.read_bytes() == (NOTEBOOKS / path.name).read_bytes()
    assert readme.read_bytes() == README.read_bytes()
    assert write_links(course, readme) == []


def _course_with_an_appendix(tmp_path):
    """A course whose manifest lists its appendix A1 first: read_lessons still puts it after the lessons."""
    notebooks = {"A1_detail.ipynb": lesson_notebook("# Appendix A1"), "00_home.ipynb": lesson_notebook("# 00"),
                 "01_next.ipynb": lesson_notebook("# 01")}
    return read_lessons(write_course(tmp_path / "course", notebooks, appendices={"A1_detail.ipynb"}))


def test_appendices_follow_the_lessons_in_every_list(tmp_path):
    course = _course_with_an_appendix(tmp_path)
    assert [(lesson.file, lesson.appendix) for lesson in course] == [
        ("00_home.ipynb", False), ("01_next.ipynb", False), ("A1_detail.ipynb", True)]
    contents = "\n\n".join(contents_markdown(course))
    lesson_list, appendix_list = contents.split(APPENDIX_HEADING)
    assert MARKDOWN_LINK.findall(lesson_list) == ["00_home.ipynb", "01_next.ipynb"]
    assert MARKDOWN_LINK.findall(appendix_list) == ["A1_detail.ipynb"]
    assert MARKDOWN_LINK.findall(readme_table(course, "notebooks/"))[-1] == "notebooks/A1_detail.ipynb"
    # The last lesson leads on to the first appendix, which leads back.
    assert MARKDOWN_LINK.findall(navigation_markdown(course, 1))[-1] == "A1_detail.ipynb"
    assert MARKDOWN_LINK.findall(navigation_markdown(course, 2)) == ["01_next.ipynb", "00_home.ipynb"]


def test_a_course_without_appendices_has_no_appendix_heading():
    contents = contents_markdown([lesson for lesson in LESSONS if not lesson.appendix])
    assert not any(APPENDIX_HEADING in source for source in contents)


def test_an_unlisted_appendix_notebook_is_found(tmp_path):
    course = _course_with_an_appendix(tmp_path)
    nbformat.write(lesson_notebook("# Appendix B"), course[0].path.parent / "A2_more.ipynb")
    assert unlisted_notebooks(course[0].path.parent) == ["A2_more.ipynb"]


def test_an_appendix_table_that_is_not_a_list_is_refused(tmp_path):
    folder = write_course(tmp_path / "course", {"00_home.ipynb": lesson_notebook("# 00")})
    manifest = folder / "lessons.toml"
    manifest.write_text('appendix = "A1_detail.ipynb"\n' + manifest.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"lessons\.toml: list each appendix in an \[\[appendix\]\] table$"):
        read_lessons(folder)


def test_a_lesson_without_a_navigation_cell_gets_one_appended():
    notebook = lesson_notebook("# 00 · A", "text")
    notebook.cells.append(nbformat.v4.new_markdown_cell("the list", metadata={"tags": [CONTENTS_TAG]}))
    before = nbformat.writes(notebook)
    linked = with_links(notebook, LESSONS, 0)
    assert nbformat.writes(notebook) == before, "the input notebook was modified"
    assert [cell.source for cell in linked.cells[:2]] == ["# 00 · A", "text"]
    contents = contents_markdown(LESSONS)
    assert [cell.source for cell in linked.cells[2 : 2 + len(contents)]] == contents
    assert linked.cells[-1].source == navigation_markdown(LESSONS, 0)
    assert _tags(linked.cells[-1]) == [NAVIGATION_TAG]


@pytest.mark.parametrize("count", [1, 4, 5, 11, 16])
def test_the_contents_list_is_shared_out_evenly_over_slides_that_fit(count):
    only_lessons = [lesson for lesson in LESSONS if not lesson.appendix]
    course = [only_lessons[index % len(only_lessons)] for index in range(count)]
    slides = contents_markdown(course)
    sizes = [len(MARKDOWN_LINK.findall(source)) for source in slides]
    assert sum(sizes) == count and max(sizes) <= LESSONS_PER_CONTENTS_SLIDE
    assert max(sizes) - min(sizes) <= 1 and len(slides) == -(-count // LESSONS_PER_CONTENTS_SLIDE)
    assert slides[0].startswith(CONTENTS_HEADING)


def test_relinking_replaces_the_continued_contents_slides():
    notebook = lesson_notebook("# 00 · A")
    notebook.cells.append(nbformat.v4.new_markdown_cell("the list", metadata={"tags": [CONTENTS_TAG]}))
    once = with_links(notebook, LESSONS, 0)
    twice = with_links(once, LESSONS[:2], 0)
    assert nbformat.writes(with_links(once, LESSONS, 0)) == nbformat.writes(once)
    assert [cell.source for cell in twice.cells if {CONTENTS_TAG, CONTENTS_CONTINUED_TAG}
            & set(_tags(cell))] == contents_markdown(LESSONS[:2])


def test_two_navigation_cells_are_an_error():
    notebook = lesson_notebook("# 01 · B")
    notebook.cells += [nbformat.v4.new_markdown_cell("", metadata={"tags": [NAVIGATION_TAG]})] * 2
    with pytest.raises(ValueError, match=f"^{LESSONS[1].file}: 2 cells are tagged 'navigation'"):
        with_links(notebook, LESSONS, 1)


def test_the_contents_page_needs_a_contents_cell():
    with pytest.raises(ValueError, match=f"^{LESSONS[0].file}: the contents page needs a Markdown cell tagged"):
        with_links(lesson_notebook("# 00 · A"), LESSONS, 0)


# --------------------------------------------------------------------------
# Reading the manifest and the notebooks
# --------------------------------------------------------------------------

LESSON_A = '[[lesson]]\nfile = "00_a.ipynb"\ntitle = "00 · A"\nlearn = "a"\n'


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        (
            '[[lesson]]\nfile = "05_gone.ipynb"\ntitle = "05"\nlearn = "x"\n',
            "lesson 1 (05_gone.ipynb): there is no notebook",
        ),
        (LESSON_A + LESSON_A, "lesson 2 (00_a.ipynb): 00_a.ipynb is listed twice"),
        (
            LESSON_A + 'exercises = [{ function = "f", check = "check_nothing", points = 1 }]\n',
            "lesson 1 (00_a.ipynb), exercise 1: unknown check 'check_nothing'",
        ),
        (
            LESSON_A + 'exercises = [{ function = "f", check = "check_e_step", points = 0 }]\n',
            "lesson 1 (00_a.ipynb), exercise 1: points must be positive",
        ),
        (
            LESSON_A + 'exercises = [{ function = "f", check = "check_e_step", points = 1 }] * 2\n',
            "not valid TOML",
        ),
        (LESSON_A.replace("title", "titel"), "lesson 1 (00_a.ipynb): unknown key(s) ['titel']"),
        (LESSON_A.replace('learn = "a"\n', ""), "lesson 1 (00_a.ipynb): missing key 'learn'"),
        (LESSON_A.replace('"00 · A"', "3"), "lesson 1 (00_a.ipynb): title must be of type str, got 3"),
        (LESSON_A.replace('"00_a.ipynb"', '"../00_a.ipynb"'), "file must be a notebook name"),
        ("# nothing yet\n", "no lessons"),
    ],
)
def test_a_bad_manifest_is_named_in_one_line(tmp_path, manifest, problem):
    write_course(tmp_path, {"00_a.ipynb": lesson_notebook("# 00 · A")})
    (tmp_path / "lessons.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(ValueError, match="^" + re.escape(f"{tmp_path / 'lessons.toml'}: ")) as error:
        read_lessons(tmp_path)
    message = str(error.value)
    assert "\n" not in message
    assert problem in message, message


def test_a_missing_manifest_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "lessons.toml"))):
        read_lessons(tmp_path)


def test_the_reader_keeps_the_manifests_order_and_fields(tmp_path):
    write_course(tmp_path, {"01_b.ipynb": lesson_notebook("# b"), "00_a.ipynb": lesson_notebook("# a")})
    with (tmp_path / "lessons.toml").open("a", encoding="utf-8") as manifest:
        manifest.write('exercises = [{ function = "e_step", check = "check_e_step", points = 2.5 }]\n')
    first, second = read_lessons(tmp_path)
    assert (first.file, first.path, first.exercises) == ("01_b.ipynb", tmp_path / "01_b.ipynb", ())
    assert second.exercises == (Exercise("e_step", "check_e_step", 2.5),)
    assert unlisted_notebooks(tmp_path) == []
    (tmp_path / "02_c.ipynb").write_text("{}", encoding="utf-8")
    assert unlisted_notebooks(tmp_path) == ["02_c.ipynb"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"{not json", "Expecting property name"),
        (b"[1, 2]", "the file is JSON but not a notebook"),
        (b"\xff\xfe{}", "can't decode byte"),
        (b"{}", "missing a key: cells"),
    ],
)
def test_an_unreadable_notebook_is_named_in_one_line(tmp_path, content, reason):
    path = tmp_path / "03_e_step.ipynb"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="^" + re.escape(f"{path} is not a readable notebook: ")) as error:
        read_notebook(path)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_the_paths_command_prints_the_lessons_for_make():
    result = run_course("paths")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(ROOT / "notebooks" / lesson.file) for lesson in LESSONS]


@pytest.mark.parametrize(("output", "relation"), [("course", "is"), (".", "contains"), ("course/build", "is inside")])
def test_an_output_folder_overlapping_the_lessons_is_refused(tmp_path, output, relation):
    source = tmp_path / "course"
    with pytest.raises(ValueError, match=f"^the output folder {re.escape(str(tmp_path / output))} {relation} the"):
        check_output_folder(source, tmp_path / output)
    check_output_folder(source, tmp_path / "elsewhere")


def test_the_manifest_and_the_checks_declare_the_same_exercises_in_the_same_lessons():
    """Each exercise is declared twice on purpose (its lesson and points here, its cases in checks); they agree."""
    in_manifest = {
        exercise.function: (lesson.file.split("_")[0], exercise.check)
        for lesson in LESSONS
        for exercise in lesson.exercises
    }
    in_checks = {name: (exercise.lesson, exercise.check_name) for name, exercise in checks.EXERCISES.items()}
    assert in_manifest == in_checks

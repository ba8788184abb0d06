"""Every number a lesson's prose quotes was computed by the lesson (or set in its code).

A figure in a Markdown cell ("the random starts begin 500-740 below the best
level") must appear in the text the lesson's code prints or in the code
itself (a seed, a sample size, a slider's range from the package the lesson
calls); otherwise it was typed by hand and can silently go stale when the
code changes. References are not quantities and are left out: equation,
section and figure numbers of Bishop's book, lesson numbers, citation years,
the numbering of the lesson's own sections, and 127.0.0.1.
"""

import re
from pathlib import Path

import nbformat
import pytest

from course.manifest import read_lessons

ROOT = Path(__file__).resolve().parent.parent
LESSONS = read_lessons(ROOT / "notebooks")
PACKAGE_SOURCE = "\n".join(path.read_text() for path in sorted((ROOT / "gmm_lessons").rglob("*.py")))

# Markdown that quotes no quantity: maths, inline code, link targets and HTML tags.
NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\]\([^)]*\)|<[^>]*>", re.DOTALL)
# Bishop's equations, sections and figures: chapter (1 to 14) and number, "9.23", "9.2.1", "9.1(a)".
EQUATION = r"(?<![\d.])(?:1[0-4]|[1-9])\.\d{1,3}(?:\.\d+)?(?:\([a-z]\))?"
REFERENCES = re.compile(
    "|".join(
        [
            rf"\({EQUATION}(?:\s*[-–]\s*{EQUATION})?",  # (9.23), (9.17-9.18), (9.24)-(9.27), (9.23, lesson 03)
            rf"{EQUATION}\)",  # the equation that closes a remark: (= Q + const, 9.74)
            rf"(?:Bishop|[Ss]ections?|[Ff]igures?|[Cc]hapter|[Ee]quations?)\s*\(?{EQUATION}(?:\s*(?:-|–|and)\s*\(?{EQUATION}\)?)*",
            r"(?:Bishop|[Ss]ection|[Ff]igure|[Cc]hapter),?\s+\d+",
            r"[Ll]essons?\s+\d\d(?:\s*(?:-|–|and)\s*\d\d)?",  # lesson 03, lessons 03-05
            r"\[?\d\d ·",  # a lesson's title in a link: [03 · The E-step]
            r"\[\d\d\]|\(\d\d\)",  # a lesson by number: [01], (07)
            r"^#+\s+\d+(?:\.\d+)* ·",  # the lesson's own section numbers
            r",\s*(?:19|20)\d\d\b",  # a citation's year: (Arthur and Vassilvitskii, 2007)
            r"127\.0\.0\.1",
        ]
    ),
    re.MULTILINE,
)
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?(?![\w]|\.\d)")


def quoted_numbers(markdown):
    """The numbers a Markdown cell's prose quotes, as written (unicode minus read as '-')."""
    prose = REFERENCES.sub(" ", NOT_PROSE.sub(" ", markdown.replace("−", "-")))
    return [match.group(0) for match in NUMBER.finditer(prose)]


def computed_text(notebook):
    """Everything the lesson's code says: its sources and the text of its outputs."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [value for kind, value in output.get("data", {}).items() if kind.startswith("text/")]
            parts += output.get("traceback", [])
    return "\n".join(parts)


def appears_in(number, text):
    """Whether ``number`` stands in ``text`` as a number, or as one that rounds to it ("about 39 %" for 39.35).

    A number inside a longer one does not count ("642.0" is not in "-1642.0").
    """
    plain = number.replace(",", "")
    decimals = len(plain.partition(".")[2]) if "e" not in plain else None
    for match in NUMBER.finditer(text.replace("−", "-").replace(",", "")):
        printed = match.group(0)
        if printed == plain or (decimals is not None and "e" not in printed
                                and round(float(printed), decimals) == float(plain)):
            return True
    return False


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.path.stem for lesson in LESSONS])
def test_every_number_in_the_prose_is_computed(lesson):
    notebook = nbformat.read(lesson.path, as_version=4)
    computed = computed_text(notebook) + "\n" + PACKAGE_SOURCE
    typed = [
        (index, number)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
        for number in quoted_numbers(cell.source)
        if not appears_in(number, computed)
    ]
    assert not typed, (
        "numbers in the prose that no code of the lesson printed or set (print them, or say it in words): "
        + ", ".join(f"cell {index}: {number}" for index, number in typed)
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("the random starts begin 500-740 below the best", ["500", "740"]),  # a range is two quoted numbers
        ("ln p(X) = −1642.0 after 70 iterations", ["-1642.0", "70"]),
        ("the best run (ln p = -642.0) and the worst (at 21.5)", ["-642.0", "21.5"]),
        ("Bishop (9.24)-(9.27) and figure 9.8, section 9.2.1; lessons 03-05", []),
        ("with N_k (9.17-9.18); L (= Q + const, 9.74) rises", []),
        ("[03 · The E-step] and (07), as in (Arthur and Vassilvitskii, 2007)", []),
        ("### 3.1 · The ellipses\n$\\pi_1 = 0.3$ and `n_samples=300`", []),
    ],
)
def test_quoted_numbers_are_quantities_not_references(markdown, expected):
    assert quoted_numbers(markdown) == expected


def test_a_typed_number_is_caught_and_a_printed_one_is_not():
    assert appears_in("-1642.0", "at -1642.0\n")
    assert appears_in("-1642.0", "at −1642.0\n")
    assert not appears_in("642.0", "at -1642.0\n"), "a number inside a longer one does not count"
    assert not appears_in("150", "the cut is 1500 below")
    assert appears_in("1,642", "n = 1642")
    assert appears_in("39", "holds 39.35 % of the mass"), "prose may round what the code printed"
    assert not appears_in("39.5", "holds 39.35 % of the mass")

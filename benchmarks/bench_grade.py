"""How fast ``make grade`` is: a class of perfect students over every lesson with exercises.

Writes the student copies (``course.student``), fills in every stub with
the lesson's worked solution for each of N students (default 30) in a
temporary folder, and grades the class with ``make grade``'s engine
(``course.grade.grade_class``, one worker per core unless ``--jobs``), printing a
progress line per student. Reports the seconds per submission (one
student's lessons, one after the other, in one worker) and for the class,
and fails if a perfect student did not get full marks.

Run with ``python benchmarks/bench_grade.py [--students 30] [--jobs N] [--timeout 60]``.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the course package, at the root, and the tests' helpers

import nbformat  # noqa: E402
from grading_support import solved, write_class  # noqa: E402

from course import grade, manifest, student  # noqa: E402


def perfect_class(folder, count):
    """Write ``count`` perfect students' hand-ins of every lesson with exercises to ``folder``."""
    copies = folder / "copies"
    student.write_student_copies(ROOT / "notebooks", copies)
    hand_in = {
        lesson.file: solved(nbformat.read(copies / lesson.file, as_version=4), manifest.read_notebook(lesson.path),
                            lesson)
        for lesson in manifest.read_lessons(ROOT / "notebooks") if lesson.exercises
    }
    return write_class(folder / "class", {f"student{number:02d}": hand_in for number in range(1, count + 1)})


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=grade.DEFAULT_TIMEOUT)
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as folder:
        submissions = perfect_class(Path(folder), arguments.students)
        started = time.perf_counter()
        results = grade.grade_class(submissions, Path(folder) / "grades", arguments.timeout, arguments.jobs,
                                    ROOT / "notebooks", progress=flush_print)
        seconds = time.perf_counter() - started
    per_student = [student.seconds for student in results]
    lessons_each = len(results[0].lessons)
    print(f"class of {len(results)}: {seconds:.1f} s wall clock; per submission ({lessons_each} lessons): "
          f"median {statistics.median(per_student):.1f} s, max {max(per_student):.1f} s; "
          f"per lesson notebook {statistics.median(per_student) / lessons_each:.1f} s")
    short = [student.name for student in results if student.total != student.max_points]
    if short:
        sys.exit(f"bench_grade: perfect students without full marks: {short}")


def flush_print(line):
    print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

"""``python -m course VERB``: the course's commands (the Makefile's targets call them).

Every verb has ``--help``. The lessons' folder defaults to the course's own
``notebooks/`` (wherever the command is run from); output folders default to
``build/...`` in the current folder.
"""

import argparse
import functools
import sys
import time
from pathlib import Path

import nbformat

from . import assets, execute, grade, links, manifest, pages, publish, site, slides, student

say = functools.partial(print, flush=True)  # progress lines show as they happen, also through make and a pipe


def _lessons_option(parser):
    parser.add_argument("--lessons", default=str(manifest.COURSE_NOTEBOOKS), metavar="DIR",
                        help=f"the lessons' folder, with lessons.toml (default {manifest.COURSE_NOTEBOOKS})")


def _out_option(parser, default):
    parser.add_argument("--out", default=default, metavar="DIR",
                        help=f"the output folder, replaced whole by each build (default {default})")


def _paths(arguments):
    for lesson in manifest.read_lessons(arguments.lessons):
        print(lesson.path)


def _notebooks(arguments):
    for lesson in manifest.chosen_lessons(manifest.read_lessons(arguments.lessons), arguments.only):
        started = time.perf_counter()
        executed = execute.execute_lesson(manifest.read_notebook(lesson.path), lesson.path, execute.STORED)
        nbformat.write(executed, lesson.path)
        say(f"notebooks: {lesson.file} executed in {time.perf_counter() - started:.1f} s")


def _links(arguments):
    written = links.write_links(arguments.lessons, arguments.readme)
    print("\n".join(f"wrote {path}" for path in written) or "links and tables are current")


def _student(arguments):
    written = student.write_student_copies(arguments.lessons, arguments.out)
    say(f"student: {len(written)} copies in {Path(arguments.out)}")


def _grade(arguments):
    graded = grade.graded_lessons(arguments.lessons, arguments.only)
    grade.grade_class(arguments.submissions, arguments.out, arguments.timeout, arguments.jobs, arguments.lessons,
                      graded, progress=say)


def _slides(arguments):
    decks = slides.build_decks(arguments.lessons, arguments.out, handouts=not arguments.no_pdf, progress=say)
    say(f"slides: {len(decks)} decks in {Path(arguments.out)}; open {Path(arguments.out) / decks[0].name} "
        "in a browser (works from file://, offline)")


def _pages(arguments):
    written = pages.export_lessons(arguments.lessons, arguments.out, progress=say)
    say(f"pages: {len(written)} pages in {Path(arguments.out)}; open {Path(arguments.out) / written[0].name} "
        "in a browser (works from file://, offline)")


def _site(arguments):
    started = time.perf_counter()
    written = site.build_site(arguments.lessons, arguments.out, run=False if arguments.no_execute else None,
                              progress=say)
    say(f"site: {len(written)} lesson pages in {Path(arguments.out)} in {time.perf_counter() - started:.0f} s; "
        f"open {Path(arguments.out) / 'index.html'} (works from file://, offline)")


def parser():
    """The command line: one sub-command per verb."""
    top = argparse.ArgumentParser(prog="python -m course", description=__doc__.splitlines()[0])
    verbs = top.add_subparsers(dest="verb", required=True, metavar="VERB")

    def verb(name, run, text):
        command = verbs.add_parser(name, help=text, description=text)
        command.set_defaults(run=run)
        return command

    command = verb("paths", _paths, "print the lessons' notebooks, one a line, in course order")
    _lessons_option(command)
    command = verb("notebooks", _notebooks, "re-execute lessons in a fresh kernel and store their outputs "
                   "(the maintainers' command; it rewrites the lessons)")
    _lessons_option(command)
    command.add_argument("--only", nargs="+", metavar="LESSON", help="these lessons only (03, or file names)")
    command = verb("links", _links, "rewrite every lesson's previous / contents / next links, the lesson lists, "
                   "the README's lesson table and the exercises' nbgrader metadata from lessons.toml")
    _lessons_option(command)
    command.add_argument("--readme", default=str(links.COURSE_README), metavar="FILE",
                         help=f"the README with the lesson table (default {links.COURSE_README})")
    command = verb("student", _student, "homework copies of every lesson: worked solutions removed, outputs "
                   "cleared (the lessons are only read)")
    _lessons_option(command)
    _out_option(command, "build/student")
    command = verb("grade", _grade, "grade SUBMISSIONS/<student>/NN_name.ipynb with the lessons' checks")
    command.add_argument("submissions", help="the class's folder: one folder per student, each with lesson notebooks")
    _lessons_option(command)
    command.add_argument("--out", default="build/grades", metavar="DIR", help="output folder (default build/grades)")
    command.add_argument("--timeout", type=float, default=grade.DEFAULT_TIMEOUT,
                         help=f"seconds per cell (default {grade.DEFAULT_TIMEOUT})")
    command.add_argument("--jobs", type=int, default=None, help="students graded at once (default: one per core)")
    command.add_argument("--only", nargs="+", metavar="LESSON",
                         help="grade only these lessons, the homework's (03 11, or file names); default every "
                              "lesson with exercises")
    command = verb("slides", _slides, "a reveal.js deck and a PDF handout of every lesson, for offline use")
    _lessons_option(command)
    _out_option(command, "build/slides")
    command.add_argument("--no-pdf", action="store_true", help="skip the PDF handouts (and Chromium)")
    command = verb("pages", _pages, "every lesson executed with its widget state as an HTML page whose sliders "
                   "work with no kernel, offline")
    _lessons_option(command)
    _out_option(command, "build/html")
    command = verb("site", _site, "the course as a static website that works offline (Jupyter Book 1 in .venv-site)")
    _lessons_option(command)
    _out_option(command, "build/site")
    command.add_argument("--no-execute", action="store_true",
                         help="use the committed outputs (faster; sliders are then still images); "
                              "SITE_EXECUTE=0 does the same")
    return top


def main(argv=None):
    arguments = parser().parse_args(argv)
    try:
        arguments.run(arguments)
    except (OSError, ValueError, assets.AssetsError, publish.PublishError, slides.SlidesError,
            site.SiteError) as error:
        sys.exit(f"course {arguments.verb}: {error}")


if __name__ == "__main__":
    main()

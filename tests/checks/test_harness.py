"""What every self-check does, whatever the exercise.

The tests run over every exercise of ``checks.EXERCISES``, each with the correct
function, table of mistakes and other correct functions of its own test module
(``test_NN_name.py``, see ``checks_support``): a correct function passes in one
line; an unsolved stub, a function that is not passed itself, one that raises
and one that touches numpy's global random state fail in one line naming the
exercise; the package's own reference is rejected; a function that never
returns is stopped; and every mistake gets its diagnosis.
"""

import _thread
import ast
import functools
import importlib
import inspect
import re
import signal
import time

import nbformat
import numpy as np
import pytest
from checks_support import HERE, check, correct, exercise_file, exercise_module, fails

import gmm_lessons
from course.manifest import read_lessons
from gmm_lessons import checks
from gmm_lessons.checks import EXERCISES, CheckFailed
from gmm_lessons.checks._references import resolve
from gmm_lessons.checks._time_limit import ENVIRONMENT_VARIABLE, default_time_limit

# The exercises' test modules; one that is missing is left out here, and named by the first test.
EXERCISE_MODULES = {name: module for name in EXERCISES if (module := exercise_module(name)) is not None}

# ---------------------------------------------------------------------------
# The exercises and their public checks
# ---------------------------------------------------------------------------


def test_every_exercise_has_a_test_module_with_a_correct_function_and_a_table_of_mistakes():
    exercise_files = sorted(path.name for path in HERE.glob("test_[0-9][0-9]_*.py"))
    assert exercise_files == sorted(exercise_file(name).name for name in EXERCISES), "one per exercise, no other"
    for name, module in EXERCISE_MODULES.items():
        assert callable(getattr(module, f"correct_{name}", None)), f"{module.__name__} defines no correct_{name}"
        assert getattr(module, "MISTAKES", None), f"{module.__name__} has no table of MISTAKES"


def test_the_exercises_are_in_course_order():
    lessons = [exercise.lesson for exercise in EXERCISES.values()]
    assert all(re.fullmatch(r"\d\d", lesson) for lesson in lessons)
    assert lessons == sorted(lessons) and len(set(lessons)) == len(lessons)
    assert all(name == exercise.name for name, exercise in EXERCISES.items())


@pytest.mark.parametrize("name", EXERCISES)
def test_the_public_check_is_derived_from_its_record(name):
    exercise = EXERCISES[name]
    public = check(name)
    assert public.__name__ == f"check_{name}" and f"check_{name}" in checks.__all__
    assert list(inspect.signature(public).parameters) == ["fn"]
    first_line = public.__doc__.splitlines()[0]
    assert f"``{name}``" in first_line and f"lesson {exercise.lesson}" in first_line
    assert exercise.signature in first_line
    assert all(case.__doc__.splitlines()[0] in public.__doc__ for case in exercise.cases)
    table_row = next(line for line in checks.__doc__.splitlines() if line.startswith(f"``check_{name}("))
    assert exercise.lesson in table_row and exercise.signature in table_row


# ---------------------------------------------------------------------------
# What every check does, whatever the exercise
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXERCISES)
def test_a_correct_function_passes_with_one_line(name, capsys, global_rng_untouched):
    exercise = EXERCISES[name]
    with global_rng_untouched():
        check(name)(correct(name))
    assert capsys.readouterr().out == (
        f"check_{name}: all {len(exercise.cases)} cases passed - your {exercise.title} is correct.\n"
    )


def stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", EXERCISES)
def test_an_unsolved_stub_fails_in_one_line_without_a_chained_traceback(name):
    failure = fails(name, stub)
    assert str(failure) == (
        f"{name}: your function is not implemented yet (it raised NotImplementedError) - "
        "write your solution in the cell above"
    )
    assert failure.__cause__ is None and failure.__suppress_context__
    # IPython calls _render_traceback_: the learner sees the message, not the check's frames.
    assert failure._render_traceback_() == [f"CheckFailed: {failure}"]


@pytest.mark.parametrize("name", EXERCISES)
def test_passing_the_result_instead_of_the_function_is_explained(name):
    failure = fails(name, np.ones((6, 2)))
    assert str(failure) == (
        f"{name}: check_{name} needs your function itself, got an array of shape (6, 2) - "
        f"pass it without calling it: check_{name}({name})"
    )


@pytest.mark.parametrize("name", EXERCISES)
def test_an_error_in_the_learners_code_is_chained_under_the_message(name):
    def divides_by_zero(*args, **kwargs):
        return 1 / 0

    failure = fails(name, divides_by_zero)
    assert str(failure).startswith(f"{name}: your function raised ZeroDivisionError: division by zero - it was called")
    assert isinstance(failure.__cause__, ZeroDivisionError)
    lines = failure._render_traceback_()
    assert lines[0] == f"CheckFailed: {failure}" and "The error inside your function:" in lines
    assert any("in divides_by_zero" in line for line in lines)
    assert lines[-1] == "ZeroDivisionError: division by zero"


@pytest.mark.parametrize("name", EXERCISES)
def test_an_error_message_of_several_lines_is_told_on_one(name):
    def raises_on_two_lines(*args, **kwargs):
        raise ValueError("shapes differ:\n  (6, 2) and (3,)")

    message = str(fails(name, raises_on_two_lines))
    assert ": your function raised ValueError: shapes differ: (6, 2) and (3,) - " in message


@pytest.mark.parametrize("name", EXERCISES)
def test_a_function_that_touches_the_global_rng_fails_and_the_state_is_restored(name, global_rng_untouched):
    def uses_the_global_rng(*args, **kwargs):
        np.random.random()
        return correct(name)(*args, **kwargs)

    np.random.seed(7)
    with global_rng_untouched():
        failure = fails(name, uses_the_global_rng)
    assert f"{name}: your function used numpy's global random state" in str(failure)
    rng_calls = EXERCISES[name].rng_calls
    assert (f"take every random number from the rng argument: {rng_calls}" if rng_calls
            else f"{name} needs no random numbers") in str(failure)


def with_rng(function, make_rng):
    """function, with its rng argument replaced by make_rng()."""
    signature = inspect.signature(function)

    def replaced(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.arguments["rng"] = make_rng()
        return function(*bound.args, **bound.kwargs)

    return replaced


RANDOM_EXERCISES = [name for name, exercise in EXERCISES.items() if exercise.rng_calls]


def test_the_exercises_that_take_an_rng_say_so():
    assert RANDOM_EXERCISES == [name for name in EXERCISES if "rng" in inspect.signature(correct(name)).parameters]


@pytest.mark.parametrize("name", RANDOM_EXERCISES)
def test_a_new_generator_inside_the_function_is_caught(name):
    failure = fails(name, with_rng(correct(name), np.random.default_rng))
    assert re.search(r": two generators with the same seed gave different \w+ - take every random number", str(failure))


@pytest.mark.parametrize("name", RANDOM_EXERCISES)
def test_a_fixed_seed_inside_the_function_is_caught(name):
    failure = fails(name, with_rng(correct(name), lambda: np.random.default_rng(0)))
    assert re.search(r": your \w+ do not depend on the rng argument .* rather than from a generator with a fixed seed",
                     str(failure))


@pytest.mark.parametrize("name", EXERCISES)
def test_the_argument_names_are_the_lessons_own(name):
    """The signature, whose names the messages use, names the arguments as the lesson's function does."""
    (lesson,) = [lesson for lesson in read_lessons() if name in [e.function for e in lesson.exercises]]
    notebook = nbformat.read(lesson.path, as_version=4)
    definitions = [
        node
        for cell in notebook.cells
        if cell.cell_type == "code" and "def " in cell.source
        for node in ast.walk(ast.parse(cell.source))
        if isinstance(node, ast.FunctionDef) and node.name in (name, f"{name}_solution")
    ]
    assert definitions, f"{lesson.file} defines no {name}"
    for definition in definitions:
        assert tuple(argument.arg for argument in definition.args.args) == EXERCISES[name].arguments


# ---------------------------------------------------------------------------
# The package's own reference is not a hand-in
# ---------------------------------------------------------------------------

REFERENCE_EXERCISES = [name for name, exercise in EXERCISES.items() if exercise.references]


def test_every_exercise_with_a_package_function_names_it():
    assert [name for name in EXERCISES if name not in REFERENCE_EXERCISES] == ["sample_images"]
    for name in REFERENCE_EXERCISES:
        assert all(callable(resolve(reference)) for reference in EXERCISES[name].references)


def rejection(name, reference):
    task = "write it yourself" if reference.rpartition(".")[2] == name else f"write {name} without it"
    return (
        f"{name}: this is the package's own gl.{reference} (or calls it) - the exercise is to {task}; "
        "the check would only be checking the package"
    )


def calling_through(module_name, attribute):
    """A learner's wrapper that looks the reference up at call time: gl.e_step(...), gmm_lessons.em.e_step(...)."""

    def wrapper(*args, **kwargs):
        return getattr(importlib.import_module(module_name), attribute)(*args, **kwargs)

    return wrapper


def holding(reference, how):
    """A learner's wrapper that captured the reference when it was defined."""
    if how == "default":
        return lambda *args, _reference=reference, **kwargs: _reference(*args, **kwargs)
    if how == "closure":

        def closure(captured):
            return lambda *args, **kwargs: captured(*args, **kwargs)

        return closure(reference)
    # A module-level alias, as `ref = gl.e_step` in a notebook cell: a global of the function's namespace.
    namespace = {"ref": reference}
    exec("def wrapper(*args, **kwargs):\n    return ref(*args, **kwargs)", namespace)  # noqa: S102
    return namespace["wrapper"]


def reference_forms(name):
    """(label, hand-in, reference name) for every way of handing in each reference of the exercise."""
    forms = []
    for reference in EXERCISES[name].references:
        function = resolve(reference)
        module_name, _, attribute = f"gmm_lessons.{reference}".rpartition(".")
        forms += [
            ("itself", function, reference),
            ("partial", functools.partial(function), reference),
            ("through_gl", calling_through(module_name, attribute), reference),
            ("through_its_module", calling_through(function.__module__, function.__name__), reference),
        ]
        forms += [(how, holding(function, how), reference) for how in ("default", "closure", "global")]
    return forms


@pytest.mark.parametrize(
    "name, hand_in, reference",
    [
        pytest.param(name, hand_in, reference, id=f"{name}-{reference}-{label}")
        for name in REFERENCE_EXERCISES
        for label, hand_in, reference in reference_forms(name)
    ],
)
def test_the_packages_own_reference_is_rejected(name, hand_in, reference, global_rng_untouched):
    with global_rng_untouched():
        assert str(fails(name, hand_in)) == rejection(name, reference)


def test_a_package_function_that_calls_the_reference_is_rejected_too():
    aligned = lambda means, reference_means: gmm_lessons.alignment.align_to(  # noqa: E731
        gmm_lessons.MixtureParameters(np.full(len(means), 1 / len(means)), means, np.array([np.eye(2)] * len(means))),
        gmm_lessons.MixtureParameters(np.full(len(means), 1 / len(means)), reference_means,
                                      np.array([np.eye(2)] * len(means))),
    )
    assert str(fails("align_components", aligned)) == rejection("align_components", "alignment.match_components")


def test_the_references_are_put_back_after_a_check():
    originals = {name: resolve(name) for exercise in EXERCISES.values() for name in exercise.references}
    with pytest.raises(CheckFailed):
        check("e_step")(calling_through("gmm_lessons", "e_step"))
    assert gmm_lessons.e_step is gmm_lessons.em.e_step is originals["e_step"]
    assert all(resolve(name) is function for name, function in originals.items())


# ---------------------------------------------------------------------------
# A function that never returns is stopped
# ---------------------------------------------------------------------------


def never_returns(*args, **kwargs):
    while True:
        pass


def test_a_function_that_never_returns_is_stopped_after_the_time_limit(monkeypatch):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)
    started = time.monotonic()
    failure = fails("e_step", never_returns)
    assert 0.5 <= time.monotonic() - started < 5
    assert str(failure) == (
        "e_step: your function did not return within 0.5 s, so the check stopped it - look for a loop that never "
        "ends (a while loop whose condition never turns false, a counter never increased); if it is only slow, "
        "raise the limit: checks.TIME_LIMIT = 1"
    )
    # The timer is gone: nothing interrupts the code that runs after the check.
    time.sleep(1.0)


def test_the_time_limit_holds_where_sigint_is_ignored_and_leaves_it_ignored(monkeypatch):
    """A process started in the background inherits SIGINT ignored; the check still stops the loop."""
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        started = time.monotonic()
        failure = fails("e_step", never_returns)
        assert time.monotonic() - started < 5 and "did not return within 0.5 s" in str(failure)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_function_within_the_time_limit_passes(monkeypatch, capsys):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.5)

    def slow_but_correct(*args):
        time.sleep(0.002)
        return correct("n_parameters")(*args)

    check("n_parameters")(slow_but_correct)
    assert capsys.readouterr().out.startswith("check_n_parameters: all ")
    time.sleep(0.6)


def test_a_real_interrupt_inside_the_call_is_still_an_interrupt(monkeypatch):
    """Ctrl-C (or a kernel interrupt) while the learner's function runs stops the check, as it would any code."""
    monkeypatch.setattr(checks, "TIME_LIMIT", 5)

    def interrupted(*args, **kwargs):
        _thread.interrupt_main()
        never_returns()

    with pytest.raises(KeyboardInterrupt):
        check("e_step")(interrupted)


def test_the_time_limit_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert default_time_limit() == 30
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "2.5")
    assert default_time_limit() == 2.5
    for bad in ("soon", "0", "-1", "nan"):
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, bad)
        with pytest.raises(ValueError, match=f"{ENVIRONMENT_VARIABLE} must be a positive number of seconds, got "):
            default_time_limit()


def test_a_bad_time_limit_is_named(monkeypatch):
    monkeypatch.setattr(checks, "TIME_LIMIT", "30")
    with pytest.raises(ValueError, match=r"checks\.TIME_LIMIT must be a positive number of seconds, got '30'"):
        check("e_step")(correct("e_step"))


@pytest.mark.kernel
def test_in_a_jupyter_kernel_a_function_that_never_returns_fails_and_the_kernel_goes_on(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "from gmm_lessons import checks\nchecks.TIME_LIMIT = 1",
        "def e_step(data, weights, means, covariances):\n    while True:\n        pass",
        "checks.check_e_step(e_step)",
        "import time\ntime.sleep(2)\nprint('still running', 6 * 7)",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    notebook.cells[2].metadata["tags"] = ["raises-exception"]
    started = time.monotonic()
    resources = {"metadata": {"path": tmp_path}}
    client = nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3", resources=resources)
    client.execute()
    assert time.monotonic() - started < 50
    (error,) = notebook.cells[2].outputs
    assert error.output_type == "error" and error.ename == "CheckFailed"
    assert error.evalue.startswith("e_step: your function did not return within 1 s, so the check stopped it")
    assert [output.get("text") for output in notebook.cells[3].outputs] == ["still running 42\n"]


# ---------------------------------------------------------------------------
# Other correct functions pass too, and every mistake gets its diagnosis
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, function",
    [(name, function) for name, module in EXERCISE_MODULES.items() for function in getattr(module, "ALSO_CORRECT", ())],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_other_correct_functions_pass(name, function, capsys):
    check(name)(function)
    assert capsys.readouterr().out.startswith(f"check_{name}: all ")


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
@pytest.mark.parametrize(
    "name, buggy, diagnosis",
    [
        pytest.param(name, buggy, diagnosis, id=f"{name}-{mistake}")
        for name, module in EXERCISE_MODULES.items()
        for mistake, buggy, diagnosis in getattr(module, "MISTAKES", ())
    ],
)
def test_each_mistake_gets_its_diagnosis_in_one_line(name, buggy, diagnosis):
    failure = fails(name, buggy)
    assert re.search(diagnosis, str(failure)), str(failure)
    # "expected [0.7, 0.3], got [0.7, 0.3]" tells the learner nothing.
    for expected, got in re.findall(r"expected (\S+(?:, \S+)*?), got (\S+(?:, \S+)*?)(?: \(| -|$)", str(failure)):
        assert expected != got, str(failure)

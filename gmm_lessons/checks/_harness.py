"""The harness of the self-checks: each exercise declared once, run on the learner's function.

An :class:`Exercise` records the function a lesson asks for: its name, the
lesson, its signature and its cases. :func:`public_check` turns the record
into the public ``check_<name>``, which first rejects the package's own
reference for the exercise, then runs the cases in order on a
:class:`Submission`, the learner's function wrapped so that every call copies
the input arrays, turns the learner's errors into hints, stops after the time
limit, and fails if the function changed an input or numpy's global random
state or called the reference. Cases raise :class:`CheckFailed` with a bare
message; the harness starts it with the exercise's name.
"""

import dataclasses
import sys
import traceback
import types

import numpy as np

from ._references import ReferenceSpy, captured_reference, resolve
from ._time_limit import TimeLimitReached, check_time_limit, time_limit
from .contract import success_line

# The package whose namespace the public checks live in.
PUBLIC_MODULE = __name__.rpartition(".")[0]


class CheckFailed(AssertionError):
    """A check's verdict on the learner's function.

    In a notebook it shows as its message alone: the frames of the check
    itself would only bury the hint. When the learner's own code raised, the
    traceback of that error (the part worth reading) follows the message.
    """

    def _render_traceback_(self):
        """IPython shows these lines instead of the usual traceback."""
        lines = [f"{type(self).__name__}: {self}"]
        if self.__cause__ is not None:
            lines += ["", "The error inside your function:"]
            lines += "".join(traceback.format_exception(self.__cause__)).rstrip().splitlines()
        return lines


@dataclasses.dataclass(frozen=True)
class Exercise:
    """One "Your turn" exercise and the cases its check runs.

    Attributes
    ----------
    name : str
        The function the learner writes, as the lesson names it ("e_step").
    lesson : str
        The two-digit number of the lesson that teaches it ("03").
    title : str
        What the function is, for the confirmation ("your E-step is correct").
    signature : str
        How the check calls it and what it returns, on one line.
    about : str
        What the function takes and returns (with shapes) and what it is
        compared with: the body of the public check's docstring.
    cases : tuple of callable
        Each takes a :class:`Submission` and raises :class:`CheckFailed` with
        a one-line message when the function fails it. The first line of a
        case's docstring lists it in the check's docstring.
    rng_calls : str
        For a function that takes an ``rng`` argument, the calls that should
        draw from it, named in messages; empty if it takes none.
    references : tuple of str
        The package's functions that do the exercise's job, named relative to
        the package ("e_step", "alignment.match_components"): a hand-in that is
        one of them, or calls one, is rejected. Empty if the package has none.
    """

    name: str
    lesson: str
    title: str
    signature: str
    about: str
    cases: tuple
    rng_calls: str = ""
    references: tuple = ()

    @property
    def check_name(self):
        return f"check_{self.name}"

    @property
    def reference_functions(self):
        """The package's functions that the references name."""
        return [resolve(name) for name in self.references]

    @property
    def arguments(self):
        """The names of the function's arguments, as the signature gives them (and messages name them)."""
        return argument_names(self.signature)


def argument_names(signature):
    """The argument names of a signature "fn(data, weights, rng=rng) -> ...": ("data", "weights", "rng")."""
    inside = signature[signature.index("(") + 1 : signature.index(")")]
    return tuple(part.split("=")[0].strip() for part in inside.split(","))


class Submission:
    """The learner's function, called the way the cases need it.

    ``submission(arguments, *args, **kwargs)`` calls
    ``fn(*arguments.values(), *args, **kwargs)``; ``arguments`` holds the
    leading arguments, whose names in messages are the exercise's own (its
    signature's). The arrays among them are passed as copies, and changing
    one in place fails. The learner's exceptions become :class:`CheckFailed`
    (a stub's ``NotImplementedError`` in one line, anything else chained,
    with a hint), and so does a call that outlasts ``checks.TIME_LIMIT``.
    numpy's global random state is restored after every call, and fails the
    check if the call changed it; a call of the package's reference fails.
    """

    def __init__(self, fn, exercise):
        self.fn = fn
        self.exercise = exercise
        self._spy = ReferenceSpy(exercise.reference_functions)

    def __call__(self, arguments, *args, **kwargs):
        names = self.exercise.arguments[: len(arguments)]
        given = {
            name: value.copy() if isinstance(value, np.ndarray) else value
            for name, value in zip(names, arguments.values(), strict=True)
        }
        global_state = np.random.get_state()
        try:
            with self._spy:
                result = self._call_learner(given, args, kwargs)
            global_state_used = not _same_state(np.random.get_state(), global_state)
        except CheckFailed:
            # A call of the package's reference is the verdict, even if the call then failed.
            if self._spy.called is None:
                raise
            global_state_used = False
        finally:
            np.random.set_state(global_state)
        if self._spy.called is not None:
            raise CheckFailed(reference_message(self.exercise, self._spy.called))
        if global_state_used:
            raise CheckFailed(_global_rng_message(self.exercise))
        for (name, value), original in zip(given.items(), arguments.values()):
            # NaN (lesson 11's missing entries) equals NaN here: an input left alone is unchanged.
            unchanged = isinstance(value, np.ndarray) and np.array_equal(
                value, original, equal_nan=value.dtype.kind in "fc"
            )
            if isinstance(value, np.ndarray) and not unchanged:
                raise CheckFailed(
                    f"your function changed {name} in place - compute new arrays ({name} - ..., {name} / ...) "
                    f"instead of updating it with -=, /= or {name}[...] = ..., which changes the caller's data"
                )
        return result

    def _call_learner(self, given, args, kwargs):
        seconds = check_time_limit(sys.modules[PUBLIC_MODULE].TIME_LIMIT)
        try:
            with time_limit(seconds):
                return self.fn(*given.values(), *args, **kwargs)
        except TimeLimitReached:
            raise CheckFailed(
                f"your function did not return within {seconds:g} s, so the check stopped it - look for a loop "
                "that never ends (a while loop whose condition never turns false, a counter never increased); "
                f"if it is only slow, raise the limit: checks.TIME_LIMIT = {2 * seconds:g}"
            ) from None
        except NotImplementedError:
            raise CheckFailed(
                "your function is not implemented yet (it raised NotImplementedError) - "
                "write your solution in the cell above"
            ) from None
        except Exception as error:
            # On one line, like every message: some errors (numpy's, scipy's) span several.
            said = " ".join(str(error).split())
            raise CheckFailed(
                f"your function raised {type(error).__name__}: {said} - {_error_hint(error, given)}"
            ) from error


def reference_message(exercise, reference):
    """Why the package's own reference (one of the exercise's), or a function that calls it, is not a hand-in."""
    name = next(name for name in exercise.references if resolve(name) is reference)
    task = "write it yourself" if reference.__name__ == exercise.name else f"write {exercise.name} without it"
    return (
        f"this is the package's own gl.{name} (or calls it) - the exercise is to {task}; "
        "the check would only be checking the package"
    )


def _same_state(state, other):
    return all(np.array_equal(part, other_part) for part, other_part in zip(state, other))


def _global_rng_message(exercise):
    used = "your function used numpy's global random state (np.random.choice, np.random.normal, np.random.seed, ...)"
    if exercise.rng_calls:
        return f"{used} - take every random number from the rng argument: {exercise.rng_calls}"
    return f"{used} - {exercise.name} needs no random numbers; leave np.random alone"


def _error_hint(error, arguments):
    given = ", ".join(_describe_argument(name, value) for name, value in arguments.items())
    if "broadcast" in str(error):
        return (
            f"it was called with {given}; to divide or subtract row by row, keep the summed axis "
            "(.sum(axis=1, keepdims=True)) or add one ([:, np.newaxis])"
        )
    # The messages of a @ b (np.matmul) and np.dot when the inner axes differ.
    if "core dimension" in str(error) or "not aligned" in str(error):
        return (
            f"it was called with {given}; a @ b needs the last axis of a as long as the first axis of b - "
            "compare the shapes on the failing line: is an array transposed that should not be, or the other way?"
        )
    return f"it was called with {given}; its traceback shows the line that failed"


def _describe_argument(name, value):
    if isinstance(value, np.ndarray):
        return f"{name} of shape {value.shape}"
    if isinstance(value, (int, float, str, np.number)):
        return f"{name}={value!r}"
    return f"{name} (a {type(value).__name__})"


def describe(value):
    """A short description of a value for a message: its type, length or shape, or its repr if short."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if len(repr(value)) > 40:
        return f"a {type(value).__name__}"
    return f"{value!r} of type {type(value).__name__}"


def same_seed_case(draw, what, other_seeds=(2,)):
    """A case: the same seed gives the same result; other seeds give another.

    ``draw(submission, seed)`` returns the learner's result, an array or a
    tuple of arrays, from ``rng=np.random.default_rng(seed)``; ``what`` names
    it in the plural ("samples"). The different seeds fail only if every one
    of them gives the result of the first seed (use several when results can
    coincide by chance).
    """

    def case(submission):
        first, again, *others = (draw(submission, seed) for seed in (1, 1, *other_seeds))
        calls = submission.exercise.rng_calls
        if not _identical(first, again):
            raise CheckFailed(
                f"two generators with the same seed gave different {what} - take every random number from the rng "
                f"argument ({calls}), not from np.random or a new generator (np.random.default_rng()) made inside "
                "your function"
            )
        if all(_identical(first, other) for other in others):
            seeds = "different seeds" if len(others) == 1 else f"{len(others) + 1} different seeds"
            raise CheckFailed(
                f"your {what} do not depend on the rng argument (generators with {seeds} gave the same {what}) - "
                f"draw from rng itself ({calls}) rather than from a generator with a fixed seed"
            )

    case.__name__ = "same_seed_same_result"
    case.__doc__ = f"The same seed gives the same {what}, another seed others."
    return case


def _identical(result, other):
    if isinstance(result, (tuple, list)):
        return all(np.array_equal(part, other_part) for part, other_part in zip(result, other))
    return np.array_equal(result, other)


def run(exercise, fn):
    """Run the exercise's cases on fn; print one line if none failed.

    A failure's message is started with the exercise's name; its chained
    cause (the learner's own error, if any) and traceback are kept.
    """
    try:
        if not callable(fn):
            raise CheckFailed(
                f"{exercise.check_name} needs your function itself, got {describe(fn)} - "
                f"pass it without calling it: {exercise.check_name}({exercise.name})"
            )
        reference = captured_reference(fn, exercise.reference_functions)
        if reference is not None:
            raise CheckFailed(reference_message(exercise, reference))
        submission = Submission(fn, exercise)
        for case in exercise.cases:
            case(submission)
    except CheckFailed as failure:
        failure.args = (f"{exercise.name}: {failure}",)
        raise
    print(success_line(exercise.check_name, len(exercise.cases), exercise.title))


def public_check(exercise):
    """The public ``check_<name>(fn)`` of an exercise, with its docstring."""

    def check(fn):
        run(exercise, fn)

    check.__name__ = check.__qualname__ = exercise.check_name
    check.__module__ = PUBLIC_MODULE
    check.__doc__ = _docstring(exercise)
    return check


def _docstring(exercise):
    cases = "\n".join(f"{number}. {_summary(case)}" for number, case in enumerate(exercise.cases, start=1))
    return f"""Check the ``{exercise.name}`` of lesson {exercise.lesson}: ``{exercise.signature}``.

{exercise.about}

The cases, in order; the first one that fails stops the check:

{cases}

When every case passes, the check prints one line saying so.

Parameters
----------
fn : callable
    Your ``{exercise.name}`` itself, not called: ``{exercise.check_name}({exercise.name})``.

Raises
------
CheckFailed
    An ``AssertionError`` whose one-line message starts with ``{exercise.name}:``
    and says what is wrong and how to fix it.
"""


def _summary(case):
    return (case.__doc__ or case.__name__).strip().splitlines()[0]


def registry(exercises):
    """The exercises by function name, in course order (by lesson), read-only."""
    ordered = sorted(exercises, key=lambda exercise: exercise.lesson)
    return types.MappingProxyType({exercise.name: exercise for exercise in ordered})


def signature_table(exercises):
    """A reStructuredText table: each public check, its lesson and how it calls the learner's function."""
    rows = [(f"``{e.check_name}({e.name})``", e.lesson, f"``{e.signature}``") for e in exercises]
    rows.insert(0, ("check", "lesson", "calls and expects"))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    rule = "  ".join("=" * width for width in widths)
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join([rule, lines[0], rule, *lines[1:], rule])

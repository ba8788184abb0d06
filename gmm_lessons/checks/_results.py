"""Reading the learner's results (arrays, indices, numbers, tuples) and comparing them with the reference.

Each reader returns the result in the form the cases compare, or raises
:class:`CheckFailed` saying what was returned instead and what that suggests.
"""

import numpy as np

from ._harness import CheckFailed, describe

# Deterministic results must match the reference to within these.
RTOL = 1e-6
ATOL = 1e-8


def not_none(result, statement):
    """Fail if the learner's function returned None, naming the ``return`` statement it may lack."""
    if result is None:
        raise CheckFailed(f"your function returned None - did you forget `{statement}`?")


def as_array(result, name, axes, shape, hints=None):
    """The learner's result as a float array of the expected shape.

    ``axes`` names the expected shape ("(n_samples, n_components)");
    ``hints`` maps a wrong shape to what it suggests.
    """
    not_none(result, f"return {name}")
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        hint = f" - return only {name}" if isinstance(result, (tuple, list)) else ""
        raise CheckFailed(
            f"expected {name} as an array of numbers, shape {axes} = {shape}, but got {describe(result)}{hint}"
        ) from None
    if array.shape != shape:
        message = f"expected {name} of shape {axes} = {shape}, got {array.shape}"
        hint = (hints or {}).get(array.shape)
        if hint is None and len(array.shape) == len(shape) and sorted(array.shape) == sorted(shape):
            hint = "the axes are in the wrong order - did you build or stack it transposed?"
        if hint is None and array.shape != np.squeeze(array).shape == shape:
            hint = "it has an extra axis of length 1 - leave out keepdims=True, or use .ravel()"
        if hint is None and isinstance(result, (tuple, list)):
            hint = f"your function returned {describe(result)}; return only {name}"
        raise CheckFailed(message + (f" - {hint}" if hint else ""))
    return array


def as_indices(result, name, axes, shape, hints=None):
    """The learner's result as an integer array of the expected shape: indices that can pick rows."""
    array = as_array(result, name, axes, shape, hints)
    dtype = np.asarray(result).dtype
    if not np.issubdtype(dtype, np.integer):
        raise CheckFailed(
            f"{name} must hold integers, got {fmt(array)} of type {dtype} - an array of floats cannot pick rows; "
            "make it an integer array (np.array(a_list_of_ints), dtype=int)"
        )
    return array.astype(int)


def as_number(result, name, hints=None):
    """The learner's result as a float.

    ``name`` says what the number is ("ln p(X)"); ``hints`` maps the shape of
    an array returned instead to a message, formatted with ``{shape}``.
    """
    not_none(result, "return")
    # np.asarray would read "1.5" as a number and a pair of numbers as an array: both are not what was asked.
    if isinstance(result, (str, bytes, tuple, list)):
        raise CheckFailed(f"expected a number, got {describe(result)} - return only {name}, one number")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"expected a number, got {describe(result)} - return only {name}, one number") from None
    if value.shape in (hints or {}):
        raise CheckFailed(hints[value.shape].format(shape=value.shape))
    if value.size != 1:
        raise CheckFailed(f"expected a single number, got {describe(value)}")
    return float(value.reshape(()))


def as_tuple(result, names):
    """The learner's result as a tuple of len(names) items, named in the message if it is not one."""
    statement = f"return {', '.join(names)}"
    not_none(result, statement)
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        kind = "pair" if len(names) == 2 else "tuple"
        raise CheckFailed(f"expected a {kind} ({', '.join(names)}), got {describe(result)} - end with `{statement}`")
    return tuple(result)


def assert_finite(values, name, hint="look for 0 / 0, log(0) or the log of a negative number"):
    if not np.all(np.isfinite(values)):
        raise CheckFailed(f"your {name} contain NaN or infinity on ordinary inputs - {hint}")


def close(got, expected):
    return np.allclose(got, expected, rtol=RTOL, atol=ATOL)


def diagnose(got, wrong_answers, default):
    """The message of the first (wrong answer, message) pair that got matches, else default."""
    for wrong_answer, message in wrong_answers:
        if close(got, wrong_answer):
            return message
    return default


def fmt(values):
    """An array on one line with 4 significant digits."""
    text = np.array2string(
        np.asarray(values, dtype=float),
        separator=", ",
        max_line_width=10**6,
        formatter={"float_kind": lambda v: f"{v:.4g}"},
    )
    return text.replace("\n", "")

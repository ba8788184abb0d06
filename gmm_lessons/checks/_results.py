"""Reading the learner's results (arrays, indices, numbers, tuples) and comparing them with the reference.

Each reader returns the result in the form the cases compare, or raises
:class:`CheckFailed` saying what was returned instead and what that suggests.
"""

import numpy as np

from ._harness import CheckFailed, describe

# Deterministic results must match the reference to within these.
RTOL = 1e-6
ATOL = 1e-8
# A relative difference below this, and above float64's rounding, is the rounding of a single-precision step.
SINGLE_PRECISION_LEVEL = 1e-4


def not_none(result, statement):
    """Fail if the learner's function returned None, naming the ``return`` statement it may lack."""
    if result is None:
        raise CheckFailed(f"your function returned None - did you forget `{statement}`?")


def _dtype(result):
    """The dtype numpy gives the result, or None if it makes no array of it (a ragged tuple)."""
    try:
        return np.asarray(result).dtype
    except (TypeError, ValueError):
        return None


def _not_text(result, wanted):
    """Fail if the result is text (a str, or an array of them), which numpy would read as numbers."""
    dtype = _dtype(result)
    if isinstance(result, (str, bytes)) or (dtype is not None and dtype.kind in "SU"):
        text = f"the string {result!r}" if isinstance(result, (str, bytes)) else f"{describe(result)} of strings"
        raise CheckFailed(
            f"your function returned {text} - return {wanted}, not text (leave out str(), f-strings and formatting)"
        )


def _double_precision(result, name):
    """Fail if the result is a float array or number of less than double precision (float32, float16)."""
    dtype = _dtype(result)
    if dtype is not None and dtype.kind == "f" and dtype.itemsize < 8:
        raise CheckFailed(
            f"your function computed {name} in {dtype} (single precision, about 7 significant digits) - compute in "
            "float64, NumPy's default: leave out .astype(np.float32) and dtype=np.float32, so that they agree "
            "with the reference to 1e-6"
        )


def as_array(result, name, axes, shape, hints=None, precision=True):
    """The learner's result as a float array of the expected shape.

    ``axes`` names the expected shape ("(n_samples, n_components)");
    ``hints`` maps a wrong shape to what it suggests. Text fails, and so do
    floats of less than double precision, unless ``precision`` is False.
    """
    not_none(result, f"return {name}")
    _not_text(result, f"{name} as an array of numbers")
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
    if precision:
        _double_precision(result, name)
    return array


def as_indices(result, name, axes, shape, hints=None):
    """The learner's result as an integer array of the expected shape: indices that can pick rows."""
    array = as_array(result, name, axes, shape, hints, precision=False)
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
    _not_text(result, f"{name} as a float")
    if isinstance(result, (bool, np.bool_)):
        raise CheckFailed(f"your function returned {result!r}, a bool - return {name}, a float")
    # np.asarray would read a pair of numbers as an array: a tuple or list is not the one number asked for.
    if isinstance(result, (tuple, list)):
        raise CheckFailed(f"expected a number, got {describe(result)} - return only {name}, one number")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"expected a number, got {describe(result)} - return only {name}, one number") from None
    if value.shape in (hints or {}):
        raise CheckFailed(hints[value.shape].format(shape=value.shape))
    if value.size != 1:
        raise CheckFailed(f"expected a single number, got {describe(value)}")
    _double_precision(result, name)
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


def single_precision_rounding(got, expected):
    """Whether got differs from expected only by about the rounding of float32 (but more than RTOL allows)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    scale = np.maximum(np.abs(expected), ATOL)
    return not close(got, expected) and np.max(np.abs(got - expected) / scale) < SINGLE_PRECISION_LEVEL


def expected_got(expected, got):
    """'expected E, got G', with as many digits as it takes for E and G to read differently (4 at least).

    A difference at the level of float32's rounding is said to be one.
    """
    for digits in range(4, 18):
        expected_text, got_text = fmt(expected, digits), fmt(got, digits)
        if expected_text != got_text:
            break
    text = f"expected {expected_text}, got {got_text}"
    if single_precision_rounding(got, expected):
        text += (
            " (they differ in the 5th to 8th digit, the rounding of float32: was a step computed in single "
            "precision? keep every array float64)"
        )
    return text


def fmt(values, digits=4):
    """An array (or a number) on one line with ``digits`` significant digits."""
    text = np.array2string(
        np.asarray(values, dtype=float),
        separator=", ",
        max_line_width=10**6,
        formatter={"float_kind": lambda v: f"{v:.{digits}g}"},
    )
    return text.replace("\n", "")


def judge_far_point(got, expected, where, shown, not_finite, constant_added):
    """The verdict on a point far from every component, where densities underflow to 0 (lessons 02 and 03).

    ``where`` opens the message ("for a point 40 standard deviations ..."), ``shown`` is the
    (expected, got) pair it prints, ``not_finite`` the message for NaN or infinity (the density-space
    version) and ``constant_added`` the hint for a close but wrong answer (a small constant added
    to the densities).
    """
    if not np.all(np.isfinite(got)):
        raise CheckFailed(not_finite)
    far = f"{where} {expected_got(*shown)}"
    if single_precision_rounding(got, expected):
        raise CheckFailed(far)
    if not close(got, expected):
        raise CheckFailed(f"{far} - {constant_added}")

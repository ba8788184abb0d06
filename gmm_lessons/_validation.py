"""Checks run once at the public boundary of the package.

Every public function validates its arguments here and then hands plain,
trusted float arrays to the internal helpers. Each check raises a
``ValueError`` that names the argument, says what was expected and what was
given. Nothing here modifies its input: arrays are converted with
``np.asarray`` (a copy only when the dtype changes) and never written to.

Number types follow scikit-learn's parameter checks: a count is a
``numbers.Integral`` (Python's and numpy's integers) and a real a
``numbers.Real`` (also ``fractions.Fraction`` and numpy's floats), never a
bool; ``decimal.Decimal`` is not a ``numbers.Real`` and is refused by name
rather than rounded silently. Arrays must hold integers or floats: booleans,
complex numbers, time stamps and durations, strings and Python objects are
refused by name rather than converted.
"""

from decimal import Decimal
from numbers import Integral, Real

import numpy as np

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")

# Weights must sum to one up to this absolute error, as in scikit-learn.
WEIGHT_SUM_ATOL = 1e-8
# Responsibilities computed in floating point sum to one only up to rounding.
PROBABILITY_ATOL = 1e-6
# A covariance is symmetric when |Sigma_ij - Sigma_ji| <= SYMMETRY_RTOL * max |Sigma|: relative to the
# matrix's scale, since matrix products leave (i, j) and (j, i) different by rounding of the largest terms.
SYMMETRY_RTOL = 1e-8
FLOAT_MAX = np.finfo(np.float64).max
# Below this a variance is subnormal: it has lost precision, and its inverse (the precision) is at or
# beyond the edge of float64's range, so that squared Mahalanobis distances overflow.
SMALLEST_NORMAL = np.finfo(np.float64).tiny
# numpy's dtype kinds: integers (signed, unsigned), real numbers (integers, floats), dates and durations.
INTEGER_KINDS = "iu"
NUMBER_KINDS = INTEGER_KINDS + "f"
TIME_KINDS = "mM"


def _rectangular_array(value, name):
    try:
        return np.asarray(value)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None


def _numeric_array(value, name, allow_nan=False, nan_hint=""):
    if isinstance(value, np.ma.MaskedArray):
        # np.asarray would drop the mask and use whatever the masked entries hold.
        raise ValueError(  # noqa: TRY004 (the API promises ValueError for every bad argument)
            f"{name} is a masked array: missing values are not supported here; "
            "drop or fill the masked entries and pass a plain array"
        )
    array = _rectangular_array(value, name)
    check_number_dtype(array.dtype, name)
    array = array.astype(np.float64, copy=False)
    if allow_nan:
        if np.any(np.isinf(array)):
            raise ValueError(f"{name} contains infinity (NaN marks a missing entry; infinity is not one)")
    elif not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity{nan_hint}")
    return array


def check_not_time_dtype(dtype, name):
    """That an array of this dtype holds no time stamps (datetime64) or durations (timedelta64).

    Converted to floats they would be counts of their unit (seconds, days ...),
    silently: a fit would depend on the unit the data happened to be stored in.
    """
    if dtype.kind in TIME_KINDS:
        raise ValueError(
            f"{name} must contain numbers, got dtype {dtype}: time stamps and durations are counts of their unit; "
            f"convert them to numbers in a unit you choose, e.g. durations / np.timedelta64(1, 's')"
        )


def check_number_dtype(dtype, name):
    """That an array of this dtype holds real numbers: signed or unsigned integers, or floats.

    numpy counts timedelta64 as an integer type, so ``np.issubdtype(dtype,
    np.number)`` would let durations through as counts of their unit.
    """
    check_not_time_dtype(dtype, name)
    if dtype.kind == "c":
        raise ValueError(f"{name} must contain real numbers, got dtype {dtype}")
    if dtype.kind not in NUMBER_KINDS:
        raise ValueError(f"{name} must contain numbers, got dtype {dtype}")


def _check_squares_in_range(X, name):
    # Distances and covariances sum n_samples * n_features squared differences of entries, each at most
    # (2 max |x|)^2; beyond that bound they overflow to inf and EM turns them into NaN.
    largest = float(np.nanmax(np.abs(X)))
    if largest > np.sqrt(FLOAT_MAX / (4.0 * X.size)):
        raise ValueError(
            f"{name} has entries as large as {largest:.3g} in absolute value: the squared distances "
            f"and covariances computed from them overflow float64; rescale {name} (e.g. standardise each feature)"
        )


def check_data(X, name="X", missing=False, nan_hint=""):
    """Return X as a float array of shape (n_samples, n_features).

    A 1-D X is read as n samples of one feature. With ``missing``, NaN marks
    a missing entry (see :func:`_check_observed`); otherwise NaN is refused,
    with ``nan_hint`` at the end of the message (where a caller offers a way
    with NaN).
    """
    X = _numeric_array(X, name, allow_nan=missing, nan_hint=nan_hint)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_features), "
            f"got {X.ndim}-D with shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {X.shape}, need at least one sample and one feature")
    if missing:
        _check_observed(X, name)
    _check_squares_in_range(X, name)
    return X


def _check_observed(X, name):
    """Every row and every column of X has an observed (non-NaN) entry.

    A row with none says nothing about the mixture, and a feature with none
    has no mean or variance to estimate: both are refused, not ignored.
    """
    observed = ~np.isnan(X)
    rows, columns = observed.any(axis=1), observed.any(axis=0)
    if not rows.all():
        raise ValueError(
            f"{name}[{int(np.argmin(rows))}] is entirely NaN: a row with no observed entry tells nothing about "
            "the mixture; drop such rows before fitting"
        )
    if not columns.all():
        raise ValueError(
            f"{name}[:, {int(np.argmin(columns))}] is entirely NaN: a feature with no observed entry has no mean "
            "or variance to estimate; drop that column"
        )


def check_plane_data(X, name="X"):
    """Return X as a float array of shape (n_samples, 2), data a figure can draw in the (x_1, x_2) plane."""
    X = check_data(X, name)
    if X.shape[1] != 2:
        raise ValueError(f"{name} must have 2 features to be drawn in the plane, got shape {X.shape}")
    return X


def _is_integer(value):
    # bool is a numbers.Integral, and numpy registers its durations (timedelta64) as one too.
    return isinstance(value, Integral) and not isinstance(value, (bool, np.timedelta64))


def _is_real(value):
    return isinstance(value, Real) and not isinstance(value, (bool, np.timedelta64))


def check_count(value, name, minimum=0, maximum=None):
    """Return value as a Python int in [minimum, maximum].

    Accepted: ``numbers.Integral`` (Python's and numpy's integers) but not
    bool or a numpy duration; an integral float, Fraction or Decimal is
    refused, as scikit-learn refuses it.
    """
    if not _is_integer(value):
        # The API promises ValueError for every bad argument, wrong type included.
        raise ValueError(f"{name} must be an integer, got {value!r} of type {type(value).__name__}")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise ValueError(f"{name} must be at least {minimum}{upper}, got {value}")
    return value


def check_n_components(n_components, n_samples):
    return check_count(n_components, "n_components", minimum=1, maximum=n_samples)


def check_real(value, name):
    """Return value as a finite Python float.

    Accepted: ``numbers.Real`` but not bool or a numpy duration (Python's
    int and float, ``fractions.Fraction``, numpy's integers and floats). A
    ``decimal.Decimal`` is refused, as scikit-learn refuses it: converting
    it would round it without saying so.
    """
    if not _is_real(value):
        hint = "; convert a Decimal with float()" if isinstance(value, Decimal) else ""
        # The API promises ValueError for every bad argument, wrong type included.
        raise ValueError(
            f"{name} must be a real number (an int, a float, a Fraction or a numpy number; not a bool), "
            f"got {value!r} of type {type(value).__name__}{hint}"
        )
    try:
        number = float(value)
    except OverflowError:  # an int or a Fraction beyond float64's range
        number = np.inf
    if not np.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def check_positive(value, name, what="number"):
    """Return value as a float > 0 (the number types of :func:`check_real`); ``what`` names it in the message."""
    value = check_real(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be a positive {what}, got {value}")
    return value


def check_non_negative(value, name):
    """Return value as a float >= 0 (the number types of :func:`check_real`)."""
    value = check_real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def check_permutation(order, n_components, name="order"):
    """Return order as an integer array of shape (n_components,) holding 0 .. n_components - 1 once each.

    Integers only: floats and booleans would index (a boolean array as a
    mask) rather than reorder.
    """
    order = _rectangular_array(order, name)
    if order.dtype.kind not in INTEGER_KINDS or order.shape != (n_components,) or not np.array_equal(
        np.sort(order), np.arange(n_components)
    ):
        raise ValueError(
            f"{name} must be a permutation of 0..{n_components - 1} (integers, each once), "
            f"got {order.tolist()} of dtype {order.dtype}"
        )
    return order


def check_flag(value, name):
    """Return value as a Python bool; only True and False (and numpy's bools) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        # The API promises ValueError for every bad argument, wrong type included.
        raise ValueError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")  # noqa: TRY004
    return bool(value)


def check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def check_rng(rng):
    """Return a np.random.Generator from None, a seed or a Generator.

    A Generator is used as it is (its state advances); the global numpy RNG
    is never used.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if _is_integer(rng) and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(
        "rng must be None, a non-negative integer seed or a numpy.random.Generator, "
        f"got {rng!r} of type {type(rng).__name__}"
    )


def check_weights(weights, name="weights"):
    """Return mixing weights pi_k as shape (K,): non-negative, summing to 1."""
    weights = _numeric_array(weights, name)
    if weights.ndim != 1 or weights.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of shape (n_components,), got shape {weights.shape}")
    if np.any(weights < 0):
        raise ValueError(f"{name} must be non-negative, got {weights}")
    total = weights.sum()
    if abs(total - 1.0) > WEIGHT_SUM_ATOL:
        raise ValueError(f"{name} must sum to 1, got sum {float(total)!r}")
    return weights


def check_means(means, n_components=None, n_features=None, name="means"):
    """Return means mu_k as shape (K, d).

    A 1-D array of length K is read as the means of K one-feature components.
    ``n_components`` and ``n_features`` are checked when given.
    """
    given = _numeric_array(means, name)
    means = given
    if given.ndim == 1 and n_features in (None, 1) and n_components in (None, given.shape[0]):
        means = given.reshape(-1, 1)
    expected = (
        "n_components" if n_components is None else n_components,
        "n_features" if n_features is None else n_features,
    )
    if (
        means.ndim != 2
        or means.shape[0] == 0
        or (n_components is not None and means.shape[0] != n_components)
        or (n_features is not None and means.shape[1] != n_features)
    ):
        raise ValueError(
            f"{name} must have shape (n_components, n_features) = ({expected[0]}, {expected[1]}), "
            f"got shape {given.shape}"
        )
    return means


def check_covariances(covariances, n_components, n_features):
    """Return covariances Sigma_k as shape (K, d, d), each symmetric.

    For one feature, a 1-D array of length K is read as the K variances.
    Positive definiteness is checked where the Cholesky factor is computed
    (``gaussian.precision_cholesky``), so that it is computed once.
    """
    covariances = _numeric_array(covariances, "covariances")
    if n_features == 1 and covariances.shape == (n_components,):
        covariances = covariances.reshape(-1, 1, 1)
    expected = (n_components, n_features, n_features)
    if covariances.shape != expected:
        raise ValueError(
            f"covariances must have shape (n_components, n_features, n_features) = {expected}, "
            f"got shape {covariances.shape}"
        )
    for k, covariance in enumerate(covariances):
        asymmetry = np.abs(covariance - covariance.T).max()
        if asymmetry > SYMMETRY_RTOL * np.abs(covariance).max():
            raise ValueError(
                f"covariances[{k}] must be symmetric (Sigma_ij = Sigma_ji up to {SYMMETRY_RTOL:g} of its largest "
                f"entry), got entries differing by {asymmetry:.3g} in\n{covariance}"
            )
        variances = np.diagonal(covariance)
        subnormal = (variances > 0) & (variances < SMALLEST_NORMAL)
        if subnormal.any():
            raise ValueError(
                f"covariances[{k}] has a variance of {variances[subnormal][0]:.3g} on its diagonal, below the "
                f"smallest normal float64 ({SMALLEST_NORMAL:.3g}): its inverse, the precision, is at or beyond "
                "float64's range; rescale the data so that no variance is this small"
            )
    return covariances


def _agreed_count(quantity, counts):
    """The count (n_components or n_features) that most of the arguments give.

    ``counts`` maps each argument's name to (the count it gives or None,
    its shape or None). An argument whose count differs from the majority's
    is left to its own check, which then names it; with no majority every
    argument is named.
    """
    known = {name: (count, shape) for name, (count, shape) in counts.items() if count is not None}
    values = [count for count, _ in known.values()]
    for value in values:
        if 2 * values.count(value) > len(values):
            return value
    if not known:
        return None
    given = ", ".join(
        f"{name} gives {count}" + ("" if shape is None else f" (shape {shape})")
        for name, (count, shape) in known.items()
    )
    *others, last = known
    raise ValueError(f"{', '.join(others)} and {last} disagree on {quantity}: {given}")


def _n_features_given(array, full_ndim):
    # (K, d) means or (K, d, d) covariances give d; the one-feature shorthand (K,) gives 1.
    if array.ndim == full_ndim:
        return array.shape[1]
    return 1 if array.ndim == 1 else None


def check_means_and_covariances(means, covariances, n_features=None, weights=None):
    """Return means (K, d) and covariances (K, d, d) checked against each other, X and the weights.

    K and d are those most of the arguments give (``n_features`` is X's,
    ``weights`` a checked weights array), so that a mismatch is blamed on
    the argument that differs from the others, or on all of them when no
    two agree.
    """
    means = _numeric_array(means, "means")
    covariances = _numeric_array(covariances, "covariances")
    n_components = _agreed_count(
        "n_components",
        {
            "weights": (None, None) if weights is None else (weights.shape[0], weights.shape),
            "means": (means.shape[0] if means.ndim else None, means.shape),
            "covariances": (covariances.shape[0] if covariances.ndim else None, covariances.shape),
        },
    )
    if weights is not None and weights.shape[0] != n_components:
        raise ValueError(
            f"weights must have shape (n_components,) = ({n_components},), as the means and covariances have "
            f"n_components = {n_components}; got shape {weights.shape}"
        )
    agreed_n_features = _agreed_count(
        "n_features",
        {
            "X": (n_features, None),
            "means": (_n_features_given(means, 2), means.shape),
            "covariances": (_n_features_given(covariances, 3), covariances.shape),
        },
    )
    if n_features is not None and n_features != agreed_n_features:
        raise ValueError(
            f"X has n_features = {n_features} columns but the mixture's means and covariances have "
            f"n_features = {agreed_n_features}"
        )
    means = check_means(means, n_components, agreed_n_features)
    return means, check_covariances(covariances, n_components, agreed_n_features)


def check_parameters(weights, means, covariances, n_features=None):
    """Validate a mixture (pi, mu, Sigma) against each other and the data (``n_features`` is X's).

    Returns (weights (K,), means (K, d), covariances (K, d, d)).
    """
    weights = check_weights(weights)
    return (weights, *check_means_and_covariances(means, covariances, n_features, weights))


def check_responsibilities(responsibilities, n_samples):
    """Return gamma(z_nk) as shape (n_samples, K): rows of probabilities."""
    responsibilities = _numeric_array(responsibilities, "responsibilities")
    if responsibilities.ndim != 2 or responsibilities.shape[0] != n_samples or responsibilities.shape[1] == 0:
        raise ValueError(
            f"responsibilities must have shape (n_samples, n_components) with n_samples = {n_samples} "
            "(the rows of X), "
            f"got shape {responsibilities.shape}"
        )
    if np.any(responsibilities < 0) or np.any(responsibilities > 1 + PROBABILITY_ATOL):
        raise ValueError("responsibilities must be probabilities in [0, 1]")
    row_sums = responsibilities.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > PROBABILITY_ATOL:
        raise ValueError(
            f"each row of responsibilities must sum to 1 (a probability over components); "
            f"row {worst} sums to {float(row_sums[worst])!r}"
        )
    return responsibilities

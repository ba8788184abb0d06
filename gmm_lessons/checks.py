"""Self-checks for the exercises of the lessons.

Each "Your turn" exercise asks for a function with the original lesson's
signature; the cell after it passes that function to one of these checks:

============================================  ===========================================================
``check_sample_mixture(sample_mixture)``      ``fn(weights, means, covariances, n_samples, rng=rng)``
                                              returns ``(X, labels)``
``check_e_step(e_step)``                      ``fn(X, weights, means, covariances)`` returns the
                                              responsibilities, shape (n_samples, n_components)
``check_m_step(m_step)``                      ``fn(X, responsibilities)`` returns
                                              ``(weights, means, covariances)``
``check_log_likelihood(log_likelihood)``      ``fn(X, weights, means, covariances)`` returns a number
``check_gmm_em(gmm_em)``                      ``fn(X, num_components, num_iterations, rng)`` returns
                                              ``(weights, means, covariances)``
``check_kmeans_plus_plus(kmeans_plus_plus)``  ``fn(data, num_components, rng)`` returns the row indices
                                              of the seeds, shape (num_components,)
``check_n_parameters(n_parameters)``          ``fn(num_components, num_features, covariance_type)``
                                              returns an int
``check_align_components(align_components)``  ``fn(means, reference_means)`` returns ``order``, with
                                              ``means[order]`` lined up with ``reference_means``
``check_sample_images(sample_images)``        ``fn(weights, means, covariances, n_samples, rng,
                                              pixel_mean, basis)`` returns images (n_samples, n_pixels)
============================================  ===========================================================

A check runs a few small, named cases, each chosen to catch one mistake that
learners really make. A wrong function raises :class:`CheckFailed` (an
``AssertionError`` that a notebook shows as its message, without the check's
own traceback) saying what is wrong and hinting at the fix; a right one
prints one line. Results are compared with this package's reference
functions to ``rtol=1e-6, atol=1e-8`` (the M-step with ``reg_covar=0``: Bishop's M-step
exactly). Samples and seedings are judged by statistical tests that a correct
function fails with probability below one in a million. The cases draw their
data from private generators; the sampling and seeding checks read the global
numpy random state only to see whether *your* function uses it, and restore it.
"""

import traceback

import numpy as np
from scipy.special import logsumexp, softmax
from scipy.stats import chi2

from .alignment import match_components as reference_match_components
from .em import e_step as reference_e_step
from .em import log_likelihood as reference_log_likelihood
from .em import log_mixture_density
from .em import m_step as reference_m_step
from .fitting import fit_gmm, initialize_parameters
from .gaussian import log_gaussian_density
from .sampling import sample_mixture as reference_sample_mixture
from .selection import n_parameters as reference_n_parameters

# Deterministic results must match the reference to within these.
RTOL = 1e-6
ATOL = 1e-8
# A sampled statistic fails when it is more than this many standard errors
# from its expected value: about 2e-9 per test for a correct sampler.
Z_LIMIT = 6.0
# The same false-alarm probability for the chi-squared test of a mean.
CHI2_FALSE_ALARM = 2e-9
# Samples drawn for the statistical cases: the smallest component (weight 0.2)
# then gets about 4000 points, and a 6-standard-error band on its variance is
# +-13% wide, narrow enough to tell Sigma from Sigma^2 or L^T L.
N_STATISTICAL = 20_000
# How far, in standard deviations, the far-away point sits from every component.
FAR = 40

# Two overlapping components in 2-D.
TWO_COMPONENTS = {
    "weights": np.array([0.6, 0.4]),
    "means": np.array([[0.0, 0.0], [3.0, 1.0]]),
    "covariances": np.array([[[1.0, 0.3], [0.3, 1.0]], [[2.0, -0.4], [-0.4, 0.5]]]),
}
# Three components of different sizes (so |Sigma_k| matters) in 2-D.
THREE_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [2.5, 0.5], [1.0, 2.5]]),
    "covariances": np.array([[[1.0, 0.5], [0.5, 1.0]], [[3.0, -0.7], [-0.7, 1.5]], [[0.3, 0.0], [0.0, 0.6]]]),
}
# Two unit components and, in the far-away cases, a point FAR standard
# deviations from both, equally far from each, so its responsibilities are
# the weights themselves.
UNIT_COMPONENTS = {
    "weights": np.array([0.7, 0.3]),
    "means": np.array([[0.0, 0.0], [3.0, 0.0]]),
    "covariances": np.array([np.eye(2), np.eye(2)]),
}
FAR_POINT = np.array([1.5, np.sqrt(FAR**2 - 1.5**2)])
# Well separated, strongly correlated components of very different shapes,
# for the sampling check.
SAMPLING_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]),
    "covariances": np.array([[[4.0, 1.8], [1.8, 1.0]], [[0.5, -0.6], [-0.6, 2.0]], [[2.0, 1.2], [1.2, 3.0]]]),
}


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


# ---------------------------------------------------------------------------
# Running cases and calling the learner's function
# ---------------------------------------------------------------------------


def _run(exercise, step, fn, cases):
    """Run each case on fn; print one line if none raised."""
    if not callable(fn):
        raise CheckFailed(
            f"check_{exercise} needs your function itself, got {_describe(fn)} - "
            f"pass it without calling it: check_{exercise}({exercise})"
        )
    for case in cases:
        case(fn)
    print(f"check_{exercise}: all {len(cases)} cases passed - your {step} is correct.")


def _call(fn, exercise, arguments, *args, **kwargs):
    """Call ``fn(*arguments.values(), *args, **kwargs)`` as a learner would.

    ``arguments`` names the leading arguments, for messages; the arrays among
    them are passed as copies. The learner's exceptions become
    ``AssertionError`` (a stub's ``NotImplementedError`` in one line,
    anything else chained, with a hint), and changing an input array in place
    is reported.
    """
    given = {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in arguments.items()}
    try:
        result = fn(*given.values(), *args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(
            f"check_{exercise}: {exercise} is not implemented yet (it raised NotImplementedError) - "
            "write your solution in the cell above"
        ) from None
    except Exception as error:
        raise CheckFailed(
            f"{exercise}: your function raised {type(error).__name__}: {str(error).strip()} - "
            f"{_error_hint(error, arguments)}"
        ) from error
    for name, value in given.items():
        if isinstance(value, np.ndarray) and not np.array_equal(value, arguments[name]):
            raise CheckFailed(
                f"{exercise}: your function changed {name} in place - compute new arrays (diff = X - means[k]) "
                f"instead of updating the inputs with -=, /= or {name}[...] = ..., which changes the caller's data"
            )
    return result


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


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if len(repr(value)) > 40:
        return f"a {type(value).__name__}"
    return f"{value!r} of type {type(value).__name__}"


def _as_array(result, exercise, name, axes, shape, hints=None):
    """The learner's result as a float array of the expected shape.

    ``axes`` names the expected shape ("(n_samples, n_components)");
    ``hints`` maps a wrong shape to what it suggests.
    """
    if result is None:
        raise CheckFailed(f"{exercise}: your function returned None - did you forget `return {name}`?")
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        hint = f" - return only {name}" if isinstance(result, (tuple, list)) else ""
        raise CheckFailed(
            f"{exercise}: expected {name} as an array of numbers, shape {axes} = {shape}, "
            f"but got {_describe(result)}{hint}"
        ) from None
    if array.shape != shape:
        message = f"{exercise}: expected {name} of shape {axes} = {shape}, got {array.shape}"
        hint = (hints or {}).get(array.shape)
        if hint is None and len(array.shape) == len(shape) and sorted(array.shape) == sorted(shape):
            hint = "the axes are in the wrong order - did you build or stack it transposed?"
        if hint is None and array.shape != np.squeeze(array).shape == shape:
            hint = "it has an extra axis of length 1 - leave out keepdims=True, or use .ravel()"
        if hint is None and isinstance(result, (tuple, list)):
            hint = f"your function returned {_describe(result)}; return only {name}"
        raise CheckFailed(message + (f" - {hint}" if hint else ""))
    return array


def _as_indices(result, exercise, name, axes, shape, hints=None):
    """The learner's result as an integer array of the expected shape: indices that can pick rows."""
    array = _as_array(result, exercise, name, axes, shape, hints)
    dtype = np.asarray(result).dtype
    if not np.issubdtype(dtype, np.integer):
        raise CheckFailed(
            f"{exercise}: {name} must hold integers, got {_fmt(array)} of type {dtype} - "
            "an array of floats cannot pick rows; make it an integer array (np.array(a_list_of_ints), dtype=int)"
        )
    return array.astype(int)


def _assert_finite(values, exercise, name, hint="look for 0 / 0, log(0) or the log of a negative number"):
    if not np.all(np.isfinite(values)):
        raise CheckFailed(f"{exercise}: your {name} contain NaN or infinity on ordinary inputs - {hint}")


def _close(got, expected):
    return np.allclose(got, expected, rtol=RTOL, atol=ATOL)


def _diagnose(got, wrong_answers, default):
    """The message of the first (wrong answer, message) pair that got matches, else default."""
    for wrong_answer, message in wrong_answers:
        if _close(got, wrong_answer):
            return message
    return default


def _fmt(values):
    """An array on one line with 4 significant digits."""
    text = np.array2string(
        np.asarray(values, dtype=float),
        separator=", ",
        max_line_width=10**6,
        formatter={"float_kind": lambda v: f"{v:.4g}"},
    )
    return text.replace("\n", "")


def _points(mixture, n_samples, seed):
    """n_samples points drawn from the mixture, rounded to 2 decimals to read well in messages."""
    X, _ = reference_sample_mixture(**mixture, n_samples=n_samples, rng=seed)
    return np.round(X, 2)


# ---------------------------------------------------------------------------
# E-step: fn(X, weights, means, covariances) -> responsibilities (n_samples, n_components)
# ---------------------------------------------------------------------------


def _responsibilities(fn, inputs):
    shape = (inputs["X"].shape[0], inputs["weights"].shape[0])
    result = _call(fn, "e_step", inputs)
    return _as_array(result, "e_step", "responsibilities", "(n_samples, n_components)", shape)


def _log_weighted(inputs):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), shape (n_samples, n_components)."""
    return np.log(inputs["weights"]) + log_gaussian_density(inputs["X"], inputs["means"], inputs["covariances"])


def _bayes_rule_mismatch(gamma, inputs):
    """What is wrong with responsibilities gamma that differ from the reference."""
    expected = reference_e_step(**inputs)
    _, log_det = np.linalg.slogdet(inputs["covariances"])
    if _close(gamma, softmax(_log_weighted(inputs) + 0.5 * log_det, axis=1)):
        return (
            "e_step: your Gaussian densities leave out the factor |Sigma_k|^(-1/2) - it does not cancel "
            "between components of different sizes; only (2 pi)^(-d/2) does"
        )
    n = int(np.argmax(np.abs(gamma - expected).max(axis=1)))
    return (
        f"e_step: your responsibilities differ from Bayes' rule (Bishop 9.23): for x = {_fmt(inputs['X'][n])} "
        f"expected {_fmt(expected[n])}, got {_fmt(gamma[n])} - "
        "gamma(z_nk) = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)"
    )


def _e_step_shape(fn):
    """Six samples, two components: shape (6, 2), not its transpose."""
    inputs = {"X": _points(TWO_COMPONENTS, 6, seed=1), **TWO_COMPONENTS}
    _assert_finite(_responsibilities(fn, inputs), "e_step", "responsibilities")


def _e_step_rows_sum_to_one(fn):
    """Each row is a distribution over components.

    Three samples and three components, so that dividing by sums over the
    wrong axis, or without keepdims, broadcasts without an error.
    """
    inputs = {"X": _points(THREE_COMPONENTS, 3, seed=2), **THREE_COMPONENTS}
    gamma = _responsibilities(fn, inputs)
    _assert_finite(gamma, "e_step", "responsibilities")
    row_sums = gamma.sum(axis=1)
    if _close(row_sums, 1.0):
        return
    if _close(gamma.sum(axis=0), 1.0):
        message = (
            "e_step: each column of your responsibilities sums to 1, not each row - you normalised over samples "
            "(axis=0); normalise over components: axis=1, keepdims=True"
        )
    elif _close(logsumexp(gamma, axis=1), 0.0):
        message = (
            "e_step: your responsibilities look like log responsibilities (the exps of each row sum to 1) - "
            "return np.exp of them"
        )
    elif _close(row_sums, np.exp(log_mixture_density(**inputs))):
        message = (
            "e_step: each row sums to the mixture density p(x_n), not 1 - you computed "
            "pi_k N(x_n | mu_k, Sigma_k) but did not divide by its sum over components"
        )
    else:
        message = (
            f"e_step: rows of your responsibilities sum to {_fmt(row_sums)} not 1 - "
            "did you normalise over components (axis=1, keepdims=True)?"
        )
    raise CheckFailed(message)


def _e_step_uses_weights(fn):
    """Unequal weights [0.9, 0.1], points on the segment between the means."""
    mixture = {**TWO_COMPONENTS, "weights": np.array([0.9, 0.1])}
    inputs = {"X": np.linspace(*mixture["means"], 5), **mixture}
    gamma = _responsibilities(fn, inputs)
    expected = reference_e_step(**inputs)
    if _close(gamma, expected):
        return
    log_density = log_gaussian_density(inputs["X"], mixture["means"], mixture["covariances"])
    weights = mixture["weights"]
    raise CheckFailed(
        _diagnose(
            gamma,
            [
                (
                    softmax(log_density, axis=1),
                    (f"e_step: your responsibilities ignore the mixing weights pi_k: with weights {_fmt(weights)} "
                    "they equal those for equal weights - multiply each density by weights[k] "
                    "(in log space: add np.log(weights[k]))"),
                ),
                (
                    softmax(log_density + weights, axis=1),
                    ("e_step: you added pi_k to the log-densities - in log space add ln pi_k: "
                    "log_density + np.log(weights)"),
                ),
                (
                    softmax(log_density * weights, axis=1),
                    ("e_step: you multiplied the log-densities by pi_k - in log space add ln pi_k: "
                    "log_density + np.log(weights)"),
                ),
            ],
            _bayes_rule_mismatch(gamma, inputs),
        )
    )


def _e_step_matches_bayes_rule(fn):
    """Three components of different sizes and eight points: Bayes' rule exactly."""
    inputs = {"X": _points(THREE_COMPONENTS, 8, seed=3), **THREE_COMPONENTS}
    gamma = _responsibilities(fn, inputs)
    if not _close(gamma, reference_e_step(**inputs)):
        raise CheckFailed(_bayes_rule_mismatch(gamma, inputs))


def _e_step_far_from_components(fn):
    """A point FAR standard deviations from every component: densities underflow to 0."""
    inputs = {"X": np.vstack([UNIT_COMPONENTS["means"], FAR_POINT]), **UNIT_COMPONENTS}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        gamma = _responsibilities(fn, inputs)
    expected = reference_e_step(**inputs)
    if not np.all(np.isfinite(gamma)):
        raise CheckFailed(
            f"e_step: a point {FAR} standard deviations from every component gave NaN - its densities underflow "
            "to 0 and 0 / 0 is NaN; compute log densities and use log-sum-exp (scipy.special.logsumexp) "
            "instead of dividing densities"
        )
    if not _close(gamma, expected):
        raise CheckFailed(
            f"e_step: for a point {FAR} standard deviations from every component expected {_fmt(expected[-1])}, "
            f"got {_fmt(gamma[-1])} - a small constant added to the densities hides the 0 / 0 but gives the "
            "wrong answer; compute log densities and use log-sum-exp (scipy.special.logsumexp)"
        )


E_STEP_CASES = (
    _e_step_shape,
    _e_step_rows_sum_to_one,
    _e_step_uses_weights,
    _e_step_matches_bayes_rule,
    _e_step_far_from_components,
)


def check_e_step(fn):
    """Check an E-step, ``fn(X, weights, means, covariances) -> responsibilities``.

    Cases: the shape (n_samples, n_components); rows that sum to 1; the
    mixing weights; Bayes' rule (Bishop 9.23) with components of different
    sizes; a point 40 standard deviations from every component (which needs
    log space).

    Parameters
    ----------
    fn : callable
        Takes X (n_samples, n_features), weights (n_components,), means
        (n_components, n_features) and covariances (n_components, n_features,
        n_features); returns the responsibilities gamma(z_nk) as an array of
        shape (n_samples, n_components).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("e_step", "E-step", fn, E_STEP_CASES)


# ---------------------------------------------------------------------------
# M-step: fn(X, responsibilities) -> (weights, means, covariances)
# ---------------------------------------------------------------------------


def _m_step_inputs():
    """Ten points in three clusters and soft responsibilities with unequal N_k."""
    X = _points(THREE_COMPONENTS, 10, seed=4)
    broad = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1]), "covariances": 4.0 * np.array([np.eye(2)] * 3)}
    return {"X": X, "responsibilities": reference_e_step(X, **broad)}


def _m_step_outputs(fn, inputs):
    """The learner's (weights, means, covariances), each of the right shape."""
    result = _call(fn, "m_step", inputs)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise CheckFailed(
            f"m_step: expected a tuple (weights, means, covariances), got {_describe(result)} - "
            "end with `return weights, means, covariances`"
        )
    n_samples, n_features = inputs["X"].shape
    n_components = inputs["responsibilities"].shape[1]
    out_of_order = "that is the shape of the {} - return weights, means, covariances in this order"
    weights = _as_array(
        result[0],
        "m_step",
        "weights",
        "(n_components,)",
        (n_components,),
        hints={
            (n_samples,): "you summed over components; N_k sums the responsibilities over samples: "
            "responsibilities.sum(axis=0)",
            (n_components, n_features): out_of_order.format("means"),
        },
    )
    means = _as_array(
        result[1],
        "m_step",
        "means",
        "(n_components, n_features)",
        (n_components, n_features),
        hints={(n_components,): out_of_order.format("weights")},
    )
    covariances = _as_array(
        result[2],
        "m_step",
        "covariances",
        "(n_components, n_features, n_features)",
        (n_components, n_features, n_features),
    )
    for name, values in (("weights", weights), ("means", means), ("covariances", covariances)):
        _assert_finite(values, "m_step", name)
    return weights, means, covariances


def _m_step_shapes(fn):
    """weights (3,), means (3, 2), covariances (3, 2, 2) from 10 samples."""
    _m_step_outputs(fn, _m_step_inputs())


def _m_step_weights(fn):
    """pi_k = N_k / N, Bishop (9.26)."""
    inputs = _m_step_inputs()
    weights, _, _ = _m_step_outputs(fn, inputs)
    expected = reference_m_step(**inputs, reg_covar=0)[0]
    if _close(weights, expected):
        return
    N_k = inputs["responsibilities"].sum(axis=0)
    n_samples, n_components = inputs["responsibilities"].shape
    if _close(weights, N_k):
        message = (
            f"m_step: weights are N_k = {_fmt(N_k)} (they sum to N = {n_samples}), not N_k / N - "
            "divide by the number of samples"
        )
    elif _close(weights, 1.0 / n_components):
        message = "m_step: weights are all 1 / n_components - compute them from the responsibilities: pi_k = N_k / N"
    elif not _close(weights.sum(), 1.0):
        message = (
            f"m_step: weights sum to {weights.sum():.4g}, not 1 - "
            "pi_k = N_k / N with N_k = responsibilities.sum(axis=0) and N the number of samples"
        )
    else:
        message = f"m_step: weights are {_fmt(weights)}, expected N_k / N = {_fmt(expected)}"
    raise CheckFailed(message)


def _m_step_means(fn):
    """mu_k = sum_n gamma(z_nk) x_n / N_k, Bishop (9.24)."""
    inputs = _m_step_inputs()
    X, gamma = inputs["X"], inputs["responsibilities"]
    _, means, _ = _m_step_outputs(fn, inputs)
    expected = reference_m_step(**inputs, reg_covar=0)[1]
    if _close(means, expected):
        return
    weighted_sums = gamma.T @ X
    raise CheckFailed(
        _diagnose(
            means,
            [
                (
                    weighted_sums / X.shape[0],
                    ("m_step: means are divided by N (the number of samples) instead of N_k - "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k with N_k = responsibilities[:, k].sum()"),
                ),
                (
                    weighted_sums,
                    ("m_step: means are sum_n gamma(z_nk) x_n, not divided by N_k - "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k"),
                ),
                (
                    np.repeat(X.mean(axis=0, keepdims=True), gamma.shape[1], axis=0),
                    ("m_step: every mean is the plain average of X - weight each sample by its responsibility: "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k"),
                ),
            ],
            f"m_step: means are {_fmt(means)}, expected {_fmt(expected)} - mu_k = sum_n gamma(z_nk) x_n / N_k",
        )
    )


def _scatter(X, weights, centres, divisors):
    """sum_n w_nk (x_n - c_k)(x_n - c_k)^T / divisor_k for each k, shape (K, d, d)."""
    centred = X[np.newaxis] - centres[:, np.newaxis]  # (K, n, d)
    return np.einsum("nk,kni,knj->kij", weights, centred, centred) / np.reshape(divisors, (-1, 1, 1))


def _m_step_covariances(fn):
    """Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k, Bishop (9.25)."""
    inputs = _m_step_inputs()
    X, gamma = inputs["X"], inputs["responsibilities"]
    _, _, covariances = _m_step_outputs(fn, inputs)
    _, means, expected = reference_m_step(**inputs, reg_covar=0)
    if _close(covariances, expected):
        return
    n_samples, n_components = gamma.shape
    N_k = gamma.sum(axis=0)
    unweighted = np.ones_like(gamma)
    global_mean = np.repeat(X.mean(axis=0, keepdims=True), n_components, axis=0)
    # np.cov(X.T, aweights=gamma[:, k]) divides by N_k - sum_n gamma_nk^2 / N_k.
    unbiased = expected * (N_k / (N_k - (gamma**2).sum(axis=0) / N_k))[:, np.newaxis, np.newaxis]
    not_weighted = (
        "m_step: covariances are not weighted by the responsibilities - multiply each "
        "(x_n - mu_k)(x_n - mu_k)^T by gamma(z_nk) before summing"
    )
    wrong_centre = (
        "m_step: covariances are centred on {} rather than the new mu_k - use diff = X - means[k] "
        "with the means of this M-step"
    )
    # A regulariser adds the same constant to every diagonal entry: their mean offset.
    regularised = np.diagonal(covariances - expected, axis1=1, axis2=2).mean() * np.eye(X.shape[1])
    raise CheckFailed(
        _diagnose(
            covariances,
            [
                (_scatter(X, unweighted, means, N_k), not_weighted),
                (_scatter(X, unweighted, means, np.full(n_components, n_samples)), not_weighted),
                (np.repeat(np.cov(X.T)[np.newaxis], n_components, axis=0), not_weighted),
                (_scatter(X, gamma, global_mean, N_k), wrong_centre.format("the mean of all of X")),
                (_scatter(X, gamma, np.zeros_like(means), N_k), wrong_centre.format("zero (not centred at all)")),
                (
                    _scatter(X, gamma, means, np.full(n_components, n_samples)),
                    "m_step: covariances are divided by N (the number of samples) instead of N_k",
                ),
                (
                    unbiased,
                    ("m_step: covariances have a bias correction, as np.cov gives by default - Bishop (9.25) "
                    "divides by N_k: use np.cov(..., aweights=..., bias=True) or compute the weighted sum / N_k"),
                ),
                (
                    expected + regularised,
                    (f"m_step: covariances have {regularised[0, 0]:.2g} added to the diagonal - this exercise is "
                    "Bishop's M-step without regularisation (reg_covar = 0); leave it out"),
                ),
            ],
            f"m_step: covariances are {_fmt(covariances)}, expected {_fmt(expected)} - "
            "Sigma_k = sum_n gamma(z_nk) (x_n - mu_k)(x_n - mu_k)^T / N_k",
        )
    )


M_STEP_CASES = (_m_step_shapes, _m_step_weights, _m_step_means, _m_step_covariances)


def check_m_step(fn):
    """Check an M-step, ``fn(X, responsibilities) -> (weights, means, covariances)``.

    Compared with Bishop's M-step, (9.24)-(9.27), without regularisation
    (``gmm_lessons.m_step(X, responsibilities, reg_covar=0)``). Cases: the
    shapes; the weights N_k / N; the weighted means; the weighted
    covariances centred on the new means.

    Parameters
    ----------
    fn : callable
        Takes X (n_samples, n_features) and responsibilities (n_samples,
        n_components); returns a tuple of weights (n_components,), means
        (n_components, n_features) and covariances (n_components,
        n_features, n_features).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("m_step", "M-step", fn, M_STEP_CASES)


# ---------------------------------------------------------------------------
# Log-likelihood: fn(X, weights, means, covariances) -> float
# ---------------------------------------------------------------------------


def _log_likelihood_value(fn, inputs):
    """The learner's log-likelihood as a float."""
    result = _call(fn, "log_likelihood", inputs)
    if result is None:
        raise CheckFailed("log_likelihood: your function returned None - did you forget `return`?")
    try:
        value = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"log_likelihood: expected a number, got {_describe(result)} - return only ln p(X), one number"
        ) from None
    n_samples, n_components = inputs["X"].shape[0], inputs["weights"].shape[0]
    if value.shape == (n_samples,):
        raise CheckFailed(
            f"log_likelihood: you returned one value per sample (shape {value.shape}) instead of the total - "
            "sum them: ln p(X) = sum_n ln p(x_n)"
        )
    if value.shape == (n_samples, n_components):
        raise CheckFailed(
            f"log_likelihood: you returned one value per sample and component (shape {value.shape}) - "
            "combine the components with log-sum-exp, then sum over samples"
        )
    if value.size != 1:
        raise CheckFailed(f"log_likelihood: expected a single number, got {_describe(value)}")
    return float(value.reshape(()))


def _log_likelihood_is_a_number(fn):
    """Six samples: one number, not one per sample."""
    inputs = {"X": _points(TWO_COMPONENTS, 6, seed=5), **TWO_COMPONENTS}
    _assert_finite(_log_likelihood_value(fn, inputs), "log_likelihood", "log-likelihood value")


def _log_likelihood_matches(fn):
    """Three components with unequal weights: sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), Bishop (9.14)."""
    mixture = {**THREE_COMPONENTS, "weights": np.array([0.6, 0.3, 0.1])}
    inputs = {"X": _points(mixture, 8, seed=6), **mixture}
    value = _log_likelihood_value(fn, inputs)
    expected = reference_log_likelihood(**inputs)
    if _close(value, expected):
        return
    log_mixture = log_mixture_density(**inputs)
    log_weighted = _log_weighted(inputs)
    log_density = log_weighted - np.log(mixture["weights"])
    n_components = mixture["weights"].shape[0]
    ignored_weights = (
        f"log_likelihood: your value ignores the mixing weights pi_k (weights {_fmt(mixture['weights'])}) - "
        "ln p(x_n) = ln sum_k pi_k N(x_n | mu_k, Sigma_k)"
    )
    log_inside = (
        "log_likelihood: you took the log of each component's term and summed over components - "
        "ln p(x_n) is the log of the sum, ln sum_k pi_k N(x_n | mu_k, Sigma_k): use logsumexp over components"
    )
    raise CheckFailed(
        _diagnose(
            value,
            [
                (
                    np.exp(log_mixture).sum(),
                    ("log_likelihood: you summed the densities p(x_n) without taking logs - "
                    "the log-likelihood is sum_n ln p(x_n)"),
                ),
                (
                    np.exp(log_mixture.sum()),
                    ("log_likelihood: you returned the likelihood, the product of the p(x_n) - take logs and sum "
                    "them: sum_n ln p(x_n) (a product of many densities underflows to 0)"),
                ),
                (log_mixture.mean(), "log_likelihood: you averaged ln p(x_n) over samples - return their sum"),
                (-expected, "log_likelihood: you returned minus the log-likelihood - return ln p(X) itself"),
                (logsumexp(log_density, axis=1).sum(), ignored_weights),
                (logsumexp(log_density, axis=1).sum() - len(log_mixture) * np.log(n_components), ignored_weights),
                (log_weighted.sum(), log_inside),
                ((mixture["weights"] * log_density).sum(), log_inside),
            ],
            f"log_likelihood: expected {expected:.6g}, got {value:.6g} - "
            "ln p(X) = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), Bishop (9.14)",
        )
    )


def _log_likelihood_far_from_components(fn):
    """A point FAR standard deviations from every component: its density underflows to 0."""
    inputs = {"X": np.vstack([UNIT_COMPONENTS["means"], FAR_POINT]), **UNIT_COMPONENTS}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        value = _log_likelihood_value(fn, inputs)
    expected = reference_log_likelihood(**inputs)
    if not np.isfinite(value):
        raise CheckFailed(
            f"log_likelihood: with a point {FAR} standard deviations from every component you returned {value} - "
            "its density underflows to 0 and ln 0 = -inf; compute ln pi_k + ln N(x_n | mu_k, Sigma_k) and "
            "combine them with log-sum-exp (scipy.special.logsumexp) instead of summing densities"
        )
    if not _close(value, expected):
        raise CheckFailed(
            f"log_likelihood: with a point {FAR} standard deviations from every component expected "
            f"{expected:.6g}, got {value:.6g} - a small constant added to the densities hides ln 0 but gives the "
            "wrong value; use log-sum-exp (scipy.special.logsumexp) on ln pi_k + ln N(x_n | mu_k, Sigma_k)"
        )


LOG_LIKELIHOOD_CASES = (_log_likelihood_is_a_number, _log_likelihood_matches, _log_likelihood_far_from_components)


def check_log_likelihood(fn):
    """Check a log-likelihood, ``fn(X, weights, means, covariances) -> float``.

    Cases: one number, not one per sample; the value of Bishop (9.14) with
    unequal weights; a point 40 standard deviations from every component
    (which needs log space).

    Parameters
    ----------
    fn : callable
        Takes X (n_samples, n_features), weights (n_components,), means
        (n_components, n_features) and covariances (n_components, n_features,
        n_features); returns ln p(X) = sum_n ln p(x_n), a number.

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("log_likelihood", "log-likelihood", fn, LOG_LIKELIHOOD_CASES)


# ---------------------------------------------------------------------------
# Sampling: fn(weights, means, covariances, n_samples, rng=rng) -> (X, labels)
# ---------------------------------------------------------------------------


def _same_state(state, other):
    return all(np.array_equal(part, other_part) for part, other_part in zip(state, other))


def _call_with_own_rng(fn, exercise, global_calls, rng_calls, arguments, *args, **kwargs):
    """:func:`_call`, failing if fn drew from numpy's global random state, which is restored either way.

    ``global_calls`` and ``rng_calls`` name, for the message, the
    ``np.random`` functions a learner may have used and what to use instead.
    """
    global_state = np.random.get_state()
    try:
        result = _call(fn, exercise, arguments, *args, **kwargs)
        global_state_used = not _same_state(np.random.get_state(), global_state)
    finally:
        np.random.set_state(global_state)
    if global_state_used:
        raise CheckFailed(
            f"{exercise}: your function used numpy's global random state ({global_calls}) - "
            f"draw everything from the rng argument: {rng_calls}"
        )
    return result


def _samples(fn, n_samples, seed):
    """The learner's (X, labels) from ``rng=np.random.default_rng(seed)``, checked for shape and values.

    Also checks that fn leaves numpy's global random state alone.
    """
    result = _call_with_own_rng(
        fn,
        "sample_mixture",
        "np.random.choice, np.random.multivariate_normal, ...",
        "rng.choice(...), rng.multivariate_normal(...), rng.standard_normal(...)",
        SAMPLING_COMPONENTS,
        n_samples,
        rng=np.random.default_rng(seed),
    )
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise CheckFailed(
            f"sample_mixture: expected a pair (X, labels), got {_describe(result)} - "
            "end with `return X, labels`"
        )
    n_components, n_features = SAMPLING_COMPONENTS["means"].shape
    X = _as_array(result[0], "sample_mixture", "X", "(n_samples, n_features)", (n_samples, n_features))
    labels = _as_array(
        result[1],
        "sample_mixture",
        "labels",
        "(n_samples,)",
        (n_samples,),
        hints={(n_samples, n_components): "labels are component indices z_n, not one-hot rows"},
    )
    _assert_finite(
        X, "sample_mixture", "points X", "np.sqrt of a matrix with negative entries is NaN; use its Cholesky factor"
    )
    if not np.all(np.isin(labels, np.arange(n_components))):
        hint = (
            "count components from 0, as indices of weights"
            if np.all(np.isin(labels, np.arange(1, n_components + 1)))
            else "each label is the index k of the component its point was drawn from"
        )
        raise CheckFailed(
            f"sample_mixture: labels must be component indices 0..{n_components - 1}, "
            f"got values {_fmt(np.unique(labels)[:10])} - {hint}"
        )
    return X, labels.astype(int)


def _sampling_shapes(fn):
    """Ten samples of three 2-D components: X (10, 2) and labels (10,) in 0..2."""
    _samples(fn, 10, seed=0)


def _sampling_uses_rng(fn):
    """The same seed gives the same samples, another seed others."""
    first, again, other = (_samples(fn, 50, seed) for seed in (1, 1, 2))
    identical = [all(np.array_equal(a, b) for a, b in zip(first, output)) for output in (again, other)]
    if not identical[0]:
        raise CheckFailed(
            "sample_mixture: two generators with the same seed gave different samples - draw everything from the "
            "rng argument, not from a new generator (np.random.default_rng()) made inside your function"
        )
    if identical[1]:
        raise CheckFailed(
            "sample_mixture: your samples do not depend on the rng argument (generators with different seeds gave "
            "the same samples) - draw from rng itself rather than a generator with a fixed seed"
        )


def _sampling_label_frequencies(fn):
    """Labels appear in proportion to the weights, each to within Z_LIMIT standard errors."""
    weights = SAMPLING_COMPONENTS["weights"]
    _, labels = _samples(fn, N_STATISTICAL, seed=3)
    frequencies = np.bincount(labels, minlength=weights.shape[0]) / N_STATISTICAL

    def within_limit(probabilities):
        standard_errors = np.sqrt(probabilities * (1 - probabilities) / N_STATISTICAL)
        return np.all(np.abs(frequencies - probabilities) <= Z_LIMIT * standard_errors)

    if within_limit(weights):
        return
    if within_limit(np.full_like(weights, 1.0 / weights.shape[0])):
        raise CheckFailed(
            f"sample_mixture: the labels ignore the weights: with weights {_fmt(weights)} the labels' frequencies "
            f"are {_fmt(frequencies)} - draw each label with probability pi_k: "
            "rng.choice(n_components, size=n_samples, p=weights)"
        )
    raise CheckFailed(
        f"sample_mixture: the labels' frequencies {_fmt(frequencies)} do not match the weights {_fmt(weights)} "
        f"(over {N_STATISTICAL} samples) - draw each label with probability pi_k: "
        "rng.choice(n_components, size=n_samples, p=weights)"
    )


def _sampling_points_match_labels(fn):
    """The points labelled k average to mu_k: a chi-squared test of each component's sample mean."""
    X, labels = _samples(fn, N_STATISTICAL, seed=4)
    limit = chi2.isf(CHI2_FALSE_ALARM, df=X.shape[1])
    for k, (mean, covariance) in enumerate(zip(SAMPLING_COMPONENTS["means"], SAMPLING_COMPONENTS["covariances"])):
        points = X[labels == k]
        offset = points.mean(axis=0) - mean
        if len(points) * offset @ np.linalg.solve(covariance, offset) > limit:
            raise CheckFailed(
                f"sample_mixture: points labelled {k} are not drawn from component {k}: their mean is "
                f"{_fmt(points.mean(axis=0))}, but means[{k}] is {_fmt(mean)} - draw each point from the "
                "component of its own label (X[labels == k] = ... means[k] ...)"
            )


def _covariance_fits(points, mean, covariance):
    """Whether points have this covariance about mean, each entry to within Z_LIMIT standard errors.

    Whitened by the Cholesky factor L of the covariance, n S has a Wishart(I, n)
    distribution: diagonal entries of S have standard error sqrt(2 / n),
    off-diagonal ones sqrt(1 / n).
    """
    n_points, n_features = points.shape
    whitened = np.linalg.solve(np.linalg.cholesky(covariance), (points - mean).T)
    scatter = whitened @ whitened.T / n_points
    standard_errors = np.sqrt((1 + np.eye(n_features)) / n_points)
    return np.all(np.abs(scatter - np.eye(n_features)) <= Z_LIMIT * standard_errors)


def _sampling_covariances(fn):
    """The points labelled k have covariance Sigma_k (not Sigma_k^2, L^T L, its diagonal or I)."""
    X, labels = _samples(fn, N_STATISTICAL, seed=5)
    for k, (mean, covariance) in enumerate(zip(SAMPLING_COMPONENTS["means"], SAMPLING_COMPONENTS["covariances"])):
        points = X[labels == k]
        if _covariance_fits(points, mean, covariance):
            continue
        cholesky_factor = np.linalg.cholesky(covariance)
        wrong_covariances = [
            (
                covariance @ covariance,
                ("you multiplied the noise by Sigma_k itself, which gives covariance Sigma_k^2 - multiply by a "
                "square root of it, the Cholesky factor L_k = np.linalg.cholesky(Sigma_k)"),
            ),
            (
                cholesky_factor.T @ cholesky_factor,
                ("you multiplied by L_k^T instead of L_k: for standard normal rows eps of shape "
                "(n, n_features) use eps @ L_k.T"),
            ),
            (
                np.diag(np.diag(covariance)),
                ("the correlations (off-diagonal entries of Sigma_k) are missing - scaling each coordinate by its "
                "standard deviation is not enough; multiply by the Cholesky factor L_k"),
            ),
            (
                np.eye(covariance.shape[0]),
                ("the points have identity covariance - multiply the standard normal noise by the Cholesky factor "
                "L_k of Sigma_k"),
            ),
        ]
        hint = next(
            (message for wrong, message in wrong_covariances if _covariance_fits(points, mean, wrong)),
            "x = mu_k + L_k eps with L_k = np.linalg.cholesky(Sigma_k) and eps standard normal, "
            "or rng.multivariate_normal(mu_k, Sigma_k)",
        )
        scatter = (points - mean).T @ (points - mean) / len(points)
        raise CheckFailed(
            f"sample_mixture: points labelled {k} have covariance {_fmt(scatter)}, but covariances[{k}] is "
            f"{_fmt(covariance)} - {hint}"
        )


SAMPLING_CASES = (
    _sampling_shapes,
    _sampling_uses_rng,
    _sampling_label_frequencies,
    _sampling_points_match_labels,
    _sampling_covariances,
)


def check_sample_mixture(fn):
    """Check a sampler, ``fn(weights, means, covariances, n_samples, rng=rng) -> (X, labels)``.

    Cases: the shapes and label values; the use of ``rng`` (same seed, same
    samples; no global random state); label frequencies against the weights;
    the points of each label against their component's mean, and against its
    covariance. The last three draw 20000 samples and allow 6 standard
    errors, so a correct sampler passes except with probability below one in
    a million.

    Parameters
    ----------
    fn : callable
        Takes weights (n_components,), means (n_components, n_features),
        covariances (n_components, n_features, n_features), n_samples and a
        keyword ``rng``, a ``numpy.random.Generator``; returns X of shape
        (n_samples, n_features) and labels of shape (n_samples,), the
        component index of each point.

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("sample_mixture", "sampler", fn, SAMPLING_CASES)


# ---------------------------------------------------------------------------
# The EM loop: fn(X, num_components, num_iterations, rng) -> (weights, means, covariances)
# ---------------------------------------------------------------------------

# Three overlapping clusters, so that every EM iteration still moves the parameters.
EM_LOOP_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [2.5, 0.5], [1.0, 2.5]]),
    "covariances": np.array([[[1.0, 0.5], [0.5, 1.0]], [[1.5, -0.3], [-0.3, 0.8]], [[0.4, 0.0], [0.0, 0.6]]]),
}
EM_LOOP_SEED = 11


def _em_loop_data():
    X, _ = reference_sample_mixture(**EM_LOOP_COMPONENTS, n_samples=120, rng=np.random.default_rng(EM_LOOP_SEED))
    return {"X": X}


def _em_loop_references(X, num_iterations, seed):
    """EM from the "random" start drawn with this seed: Bishop's M-step, and with the default reg_covar."""
    start = initialize_parameters(X, 3, rng=np.random.default_rng(seed))
    return [fit_gmm(X, 3, max_iter=num_iterations, tol=0, init=start, reg_covar=reg_covar).history
            for reg_covar in (0.0, 1e-6)]


def _em_loop_outputs(fn, num_iterations, seed):
    inputs = _em_loop_data()
    arguments = {**inputs, "num_components": 3, "num_iterations": num_iterations, "rng": np.random.default_rng(seed)}
    result = _call(fn, "gmm_em", arguments)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise CheckFailed(
            f"gmm_em: expected a tuple (weights, means, covariances), got {_describe(result)} - "
            "end with `return weights, means, covariances`"
        )
    n_features = inputs["X"].shape[1]
    shapes = (("weights", "(num_components,)", (3,)), ("means", "(num_components, n_features)", (3, n_features)),
              ("covariances", "(num_components, n_features, n_features)", (3, n_features, n_features)))
    return inputs["X"], [_as_array(value, "gmm_em", name, axes, shape)
                         for value, (name, axes, shape) in zip(result, shapes)]


def _agrees(got, parameters):
    return all(_close(mine, theirs) for mine, theirs in zip(got, parameters))


def _em_loop_uses_rng(fn):
    """The start comes from the rng argument: same seed, same result; other seed, other result."""
    _, first = _em_loop_outputs(fn, 2, seed=3)
    _, again = _em_loop_outputs(fn, 2, seed=3)
    _, other = _em_loop_outputs(fn, 2, seed=4)
    if not _agrees(first, again):
        raise CheckFailed(
            "gmm_em: the same rng seed gave different results - draw the start from the rng argument "
            "(gl.initialize_parameters(data, num_components, rng)), not from np.random"
        )
    if _agrees(first, other):
        raise CheckFailed(
            "gmm_em: two different rng seeds gave the same result - the start must come from the rng argument"
        )


def _em_loop_matches_em(fn):
    """After 0, 1 and 4 iterations: the start, then the E-step/M-step pairs of fit_gmm."""
    for num_iterations in (0, 1, 4):
        X, got = _em_loop_outputs(fn, num_iterations, seed=5)
        histories = _em_loop_references(X, num_iterations + 1, seed=5)
        if any(_agrees(got, history[num_iterations]) for history in histories):
            continue
        off_by_one = [t for t in (num_iterations - 1, num_iterations + 1)
                      if t >= 0 and any(_agrees(got, history[t]) for history in histories)]
        if off_by_one:
            raise CheckFailed(
                f"gmm_em: with num_iterations={num_iterations} your result equals EM after {off_by_one[0]} "
                "iterations - run exactly num_iterations E-step + M-step pairs (for _ in range(num_iterations))"
            )
        if num_iterations == 0:
            raise CheckFailed(
                "gmm_em: with num_iterations=0 expected the start itself, "
                "gl.initialize_parameters(data, num_components, rng) - did you start elsewhere?"
            )
        raise CheckFailed(
            f"gmm_em: after {num_iterations} iterations your parameters differ from EM run from the same start - "
            "alternate gl.e_step(data, weights, means, covariances) and gl.m_step(data, responsibilities), "
            "feeding each step the other's latest output"
        )


EM_LOOP_CASES = (_em_loop_uses_rng, _em_loop_matches_em)


def check_gmm_em(fn):
    """Check an EM loop, ``fn(X, num_components, num_iterations, rng) -> (weights, means, covariances)``.

    The start must be ``gl.initialize_parameters(X, num_components, rng)``
    (the original lesson's "random" start, drawn from ``rng``); then exactly
    ``num_iterations`` E-step + M-step pairs, with Bishop's M-step or the
    package's default ``reg_covar``. Cases: the use of ``rng``; the start at 0
    iterations and EM after 1 and 4 (an off-by-one is named).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("gmm_em", "EM loop", fn, EM_LOOP_CASES)


# ---------------------------------------------------------------------------
# k-means++ seeding: fn(data, num_components, rng) -> indices (num_components,)
# ---------------------------------------------------------------------------

# Three points on a line: after a first seed at 0, D^2 makes the point at 4 sixteen times as likely as the
# point at 1 to be the second seed (D alone: four times, uniform: as likely).
SEEDING_LINE = np.array([[0.0], [1.0], [4.0]])
# Two tight pairs, rows 0, 1 and rows 2, 3. The first two seeds almost always land in different pairs; the third,
# with D the distance to the nearest seed, is then the partner of either seed with probability 1/2.
SEEDING_PAIRS = np.array([[0.0], [1.0], [10.0], [11.0]])
# Seedings drawn for the statistical cases. On the line, the least likely (first, second) pair is still
# expected 100 times, so the chi-squared test is sound; on the pairs, a 6-standard-error band on how often
# the third seed joins the second seed's pair is +-15 percentage points around 50%.
N_SEEDINGS_LINE = 3000
N_SEEDINGS_PAIRS = 400


def _seeds(fn, data, num_components, rng):
    """The learner's seeds: distinct integer row indices of data, drawn without numpy's global random state."""
    result = _call_with_own_rng(
        fn,
        "kmeans_plus_plus",
        "np.random.randint, np.random.choice, ...",
        "rng.integers(n_samples), rng.choice(n_samples, p=...)",
        {"data": data, "num_components": num_components, "rng": rng},
    )
    n_samples, n_features = data.shape
    indices = _as_indices(
        result,
        "kmeans_plus_plus",
        "indices",
        "(num_components,)",
        (num_components,),
        hints={(num_components, n_features): "those are the seed points data[indices] - return their row indices"},
    )
    if indices.min() < 0 or indices.max() >= n_samples:
        hint = (
            "count rows from 0"
            if np.all((indices >= 1) & (indices <= n_samples))
            else "each index is the number of a row of data"
        )
        raise CheckFailed(
            f"kmeans_plus_plus: indices must be rows of data, 0..{n_samples - 1}, got {indices.tolist()} - {hint}"
        )
    if len(set(indices.tolist())) < num_components:
        repeated = next(index for position, index in enumerate(indices) if index in indices[:position])
        raise CheckFailed(
            f"kmeans_plus_plus: row {repeated} was picked twice ({indices.tolist()}) - a row already chosen has "
            "D(x_n) = 0, D being the distance to the nearest seed so far, so D^2 sampling never draws it again: "
            "keep D^2 up to date with np.minimum(D^2, squared distance to the new seed) and draw with "
            "rng.choice(n_samples, p=D^2 / D^2.sum())"
        )
    return indices


def _seeding_counts(fn, data, num_components, n_seedings, seed):
    """How often each sequence of seeds came up in n_seedings calls sharing one generator.

    Returns an array with one axis of length n_samples per seed.
    """
    rng = np.random.default_rng(seed)
    counts = np.zeros((data.shape[0],) * num_components)
    for _ in range(n_seedings):
        counts[tuple(_seeds(fn, data, num_components, rng))] += 1
    return counts


def _seeding_probabilities(data, num_components, power):
    """The probability of every sequence of seeds, shaped as :func:`_seeding_counts`.

    The first seed is uniform; each next one is drawn with probability
    proportional to D(x_n)^power, D the distance to the nearest seed so far:
    power 2 is k-means++, power 0 draws uniformly among the rows not chosen.
    """
    n_samples = data.shape[0]
    probabilities = np.zeros((n_samples,) * num_components)

    def extend(seeds, probability):
        if len(seeds) == num_components:
            probabilities[tuple(seeds)] = probability
            return
        distances = np.sqrt(((data[:, np.newaxis, :] - data[seeds]) ** 2).sum(axis=2)).min(axis=1)
        weights = np.where(distances > 0, distances**power, 0.0)
        for row in np.flatnonzero(weights):
            extend(seeds + [row], probability * weights[row] / weights.sum())

    for first in range(n_samples):
        extend([first], 1 / n_samples)
    return probabilities


def _fits(counts, probabilities):
    """Whether the counts are plausible draws from these probabilities (chi-squared, false alarm CHI2_FALSE_ALARM)."""
    expected = counts.sum() * probabilities
    if np.any(counts[expected == 0] > 0):
        return False
    possible = expected > 0
    statistic = ((counts[possible] - expected[possible]) ** 2 / expected[possible]).sum()
    return statistic <= chi2.isf(CHI2_FALSE_ALARM, df=possible.sum() - 1)


def _kmeans_pp_indices(fn):
    """Twelve points, four seeds: four distinct integer row indices."""
    _seeds(fn, _points(THREE_COMPONENTS, 12, seed=7), 4, np.random.default_rng(0))


def _kmeans_pp_uses_rng(fn):
    """The same seed gives the same indices; other seeds give others."""
    data = _points(THREE_COMPONENTS, 12, seed=7)
    first, again, *others = (_seeds(fn, data, 4, np.random.default_rng(seed)) for seed in (1, 1, 2, 3, 4, 5, 6))
    if not np.array_equal(first, again):
        raise CheckFailed(
            "kmeans_plus_plus: two generators with the same seed gave different indices - draw everything from the "
            "rng argument, not from a new generator (np.random.default_rng()) made inside your function"
        )
    if all(np.array_equal(first, other) for other in others):
        raise CheckFailed(
            "kmeans_plus_plus: your indices do not depend on the rng argument (generators with six different seeds "
            "gave the same indices) - draw from rng itself rather than a generator with a fixed seed"
        )


def _kmeans_pp_d_squared(fn):
    """On three points on a line, x = 0, 1, 4: the first seed uniform, the second with probability D^2 / sum D^2."""
    counts = _seeding_counts(fn, SEEDING_LINE, 2, N_SEEDINGS_LINE, seed=8)
    probabilities = _seeding_probabilities(SEEDING_LINE, 2, power=2)
    if _fits(counts, probabilities):
        return
    wrong_powers = (
        (
            0,
            "your seeds are drawn uniformly",
            ("draw each next seed with probability D(x_n)^2 / sum_m D(x_m)^2: "
            "rng.choice(n_samples, p=squared_distance / squared_distance.sum())"),
        ),
        (
            1,
            "your seeds are drawn with probability proportional to D(x_n), not D(x_n)^2",
            "square the distances: ((data - data[seed]) ** 2).sum(axis=1), without np.sqrt",
        ),
    )
    for power, mistake, fix in wrong_powers:
        if _fits(counts, _seeding_probabilities(SEEDING_LINE, 2, power)):
            share = counts[0, 1] / counts[0].sum()
            expected_share = probabilities[0, 1] / probabilities[0].sum()
            raise CheckFailed(
                f"kmeans_plus_plus: {mistake}: on three points x = 0, 1, 4, after a first seed at 0 your second "
                f"seed was the point at 1 in {share:.0%} of seedings, where D^2 sampling gives {expected_share:.0%} "
                f"(the point at 4 is 16 times as likely) - {fix}"
            )
    raise CheckFailed(
        f"kmeans_plus_plus: on three points x = 0, 1, 4 your (first, second) seeds came up {_fmt(counts)} times in "
        f"{N_SEEDINGS_LINE} seedings (row: first seed, column: second), expected about "
        f"{_fmt(np.round(N_SEEDINGS_LINE * probabilities))} - draw the first seed uniformly, rng.integers(n_samples), "
        "and each next one with probability D(x_n)^2 / sum_m D(x_m)^2"
    )


def _kmeans_pp_nearest_seed(fn):
    """On two tight pairs: no row twice, and the third seed joins the second seed's pair about half the time."""
    counts = _seeding_counts(fn, SEEDING_PAIRS, 3, N_SEEDINGS_PAIRS, seed=9)
    pair = np.arange(SEEDING_PAIRS.shape[0]) // 2
    with_second = (pair[:, np.newaxis] == pair)[np.newaxis]  # [first, second, third]: third in second's pair
    share = (counts * with_second).sum() / N_SEEDINGS_PAIRS
    expected = (_seeding_probabilities(SEEDING_PAIRS, 3, power=2) * with_second).sum()
    if abs(share - expected) <= Z_LIMIT * np.sqrt(expected * (1 - expected) / N_SEEDINGS_PAIRS):
        return
    raise CheckFailed(
        f"kmeans_plus_plus: on two tight pairs of points, x = 0, 1 and x = 10, 11, your third seed fell in the "
        f"second seed's pair in {share:.0%} of {N_SEEDINGS_PAIRS} seedings, expected {expected:.0%} - D(x_n) is the "
        "distance to the NEAREST seed so far: after each draw update D^2 = np.minimum(D^2, squared distance to the "
        "new seed), not the distance to the newest seed alone"
    )


SEEDING_CASES = (_kmeans_pp_indices, _kmeans_pp_uses_rng, _kmeans_pp_d_squared, _kmeans_pp_nearest_seed)


def check_kmeans_plus_plus(fn):
    """Check k-means++ seeding, ``fn(data, num_components, rng) -> indices``.

    The first seed is a uniformly drawn row; each next one is drawn with
    probability D(x_n)^2 / sum_m D(x_m)^2, D the distance to the nearest seed
    so far (Arthur and Vassilvitskii, 2007). Cases: distinct integer row
    indices; the use of ``rng`` (same seed, same indices; no global random
    state); 3000 seedings of three points on a line, whose (first, second)
    pairs must follow D^2 sampling (a chi-squared test that names uniform and
    D sampling); 400 seedings of two tight pairs of points, in which the
    third seed joins the second seed's pair about half the time, as it does
    only when D is the distance to the nearest seed. A correct function fails
    a statistical case with probability below one in a million.

    Parameters
    ----------
    fn : callable
        Takes data (n_samples, n_features), num_components and rng, a
        ``numpy.random.Generator``; returns the row indices of the seeds, an
        integer array of shape (num_components,).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("kmeans_plus_plus", "k-means++ seeding", fn, SEEDING_CASES)


# ---------------------------------------------------------------------------
# Counting parameters: fn(num_components, num_features, covariance_type) -> int
# ---------------------------------------------------------------------------

# Every covariance type is compared for K = 1..6 components and d = 1..5 features.
GRID_COMPONENTS, GRID_FEATURES = (axis.ravel() for axis in np.meshgrid(np.arange(1, 7), np.arange(1, 6), indexing="ij"))
SYMMETRIC = "a symmetric d x d matrix has d(d+1)/2 free entries (the diagonal and one triangle), not d * d"
PER_COMPONENT = "tied covariances are one matrix shared by all K components: d(d+1)/2 in total, not per component"


def _covariance_counts(K, d, covariance_type):
    """Covariance parameters of a type: the right count, what it is, and (wrong count, why it is wrong) pairs."""
    symmetric = d * (d + 1) // 2
    return {
        "full": (K * symmetric, "K d(d+1)/2: each Sigma_k is a symmetric d x d matrix", [(K * d * d, SYMMETRIC)]),
        "diag": (
            K * d,
            "K d: each Sigma_k has its d variances on the diagonal and nothing else",
            [(K * symmetric, "a diagonal Sigma_k has only its d variances: d per component, not d(d+1)/2")],
        ),
        "spherical": (
            K,
            "K: each Sigma_k = sigma_k^2 I has a single variance",
            [(K * d, "a spherical Sigma_k = sigma_k^2 I has a single variance: 1 parameter per component, not d")],
        ),
        "tied": (
            symmetric,
            "d(d+1)/2: all K components share one full matrix",
            [(d * d, SYMMETRIC), (K * symmetric, PER_COMPONENT), (K * d * d, f"{PER_COMPONENT}; and {SYMMETRIC}")],
        ),
    }[covariance_type]


def _parameter_count(fn, num_components, num_features, covariance_type):
    """The learner's count, checked to be an int."""
    arguments = {"num_components": num_components, "num_features": num_features, "covariance_type": covariance_type}
    result = _call(fn, "n_parameters", arguments)
    if result is None:
        raise CheckFailed("n_parameters: your function returned None - did you forget `return p`?")
    if isinstance(result, (int, np.integer)) and not isinstance(result, bool):
        return int(result)
    call = f"n_parameters({num_components}, {num_features}, {covariance_type!r})"
    if isinstance(result, (float, np.floating)):
        hint = (
            "a count is a whole number, an int: divide with // (d * (d + 1) // 2), which keeps integers integers"
            if float(result).is_integer()
            else "a count of parameters is a whole number, and so is d(d+1)/2"
        )
        raise CheckFailed(f"n_parameters: {call} returned {float(result)!r}, a float - {hint}")
    raise CheckFailed(f"n_parameters: {call} returned {_describe(result)} - return the number of parameters, an int")


def _parameter_count_mismatch(counts, expected, covariance_type):
    """Which mistake, in the weights or the covariances, explains every wrong count."""
    K, d = GRID_COMPONENTS, GRID_FEATURES
    right_covariance, what_it_is, wrong_covariances = _covariance_counts(K, d, covariance_type)
    n = int(np.argmax(counts != expected))
    example = f"n_parameters({K[n]}, {d[n]}, {covariance_type!r}) returned {counts[n]}, expected {expected[n]}"
    weights = [(K - 1, []), (K, ["there are K weights, but they sum to 1, so only K - 1 are free"])]
    covariances = [(right_covariance, [])] + [(count, [why]) for count, why in wrong_covariances]
    for weight_count, weight_mistakes in weights:
        for covariance_count, covariance_mistakes in covariances:
            if np.array_equal(counts, weight_count + K * d + covariance_count):
                return f"n_parameters: {example} - " + "; and ".join(weight_mistakes + covariance_mistakes)
    return (
        f"n_parameters: {example}: {K[n] - 1} weights (K of them, but they sum to 1) + {K[n] * d[n]} means + "
        f"{right_covariance[n]} covariance parameters ({what_it_is})"
    )


def _parameter_counts_agree(fn, covariance_type):
    """The counts for K = 1..6 and d = 1..5 against the reference."""
    grid = list(zip(GRID_COMPONENTS.tolist(), GRID_FEATURES.tolist()))
    counts = np.array([_parameter_count(fn, K, d, covariance_type) for K, d in grid])
    expected = np.array([reference_n_parameters(K, d, covariance_type) for K, d in grid])
    if not np.array_equal(counts, expected):
        raise CheckFailed(_parameter_count_mismatch(counts, expected, covariance_type))


def _n_parameters_is_an_int(fn):
    """n_parameters(3, 2, "full") is an int, not a float or an array."""
    _parameter_count(fn, 3, 2, "full")


def _n_parameters_full(fn):
    """covariance_type="full": K - 1 + K d + K d(d+1)/2."""
    _parameter_counts_agree(fn, "full")


def _n_parameters_diag(fn):
    """covariance_type="diag": K - 1 + K d + K d."""
    _parameter_counts_agree(fn, "diag")


def _n_parameters_spherical(fn):
    """covariance_type="spherical": K - 1 + K d + K."""
    _parameter_counts_agree(fn, "spherical")


def _n_parameters_tied(fn):
    """covariance_type="tied": K - 1 + K d + d(d+1)/2."""
    _parameter_counts_agree(fn, "tied")


PARAMETER_CASES = (
    _n_parameters_is_an_int,
    _n_parameters_full,
    _n_parameters_diag,
    _n_parameters_spherical,
    _n_parameters_tied,
)


def check_n_parameters(fn):
    """Check a parameter count, ``fn(num_components, num_features, covariance_type) -> int``.

    Compared with ``gmm_lessons.n_parameters`` (scikit-learn's count): K - 1
    weights, K d means, and the covariance parameters of the type. Cases: an
    int; then each type, "full", "diag", "spherical" and "tied", for K = 1..6
    and d = 1..5 (K weights, d * d entries of a symmetric matrix and a count
    of the wrong type are named).

    Parameters
    ----------
    fn : callable
        Takes num_components K, num_features d and covariance_type, one of
        "full", "diag", "spherical", "tied"; returns the number of free
        parameters, an int.

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("n_parameters", "parameter count", fn, PARAMETER_CASES)


# ---------------------------------------------------------------------------
# Matching components: fn(means, reference_means) -> order, means[order] lined up with reference_means
# ---------------------------------------------------------------------------

# How the cases relabel K reference means: means[i] is a perturbed copy of reference mean RELABELLINGS[K][i].
# For K >= 3 these are not their own inverses, so that the inverse order is caught.
RELABELLINGS = {2: [1, 0], 3: [2, 0, 1], 5: [3, 4, 1, 0, 2]}
# Greedy matching pairs the closest mean and reference first (mean 0 and reference 1, 0.1 apart), which leaves
# mean 1 to reference 0, 3 apart: a total squared distance of 9.01; the best order, [0, 1], totals 4.81.
GREEDY_TRAP = {"means": np.array([[0.9, 0.0], [3.0, 0.0]]), "reference_means": np.array([[0.0, 0.0], [1.0, 0.0]])}


def _relabelled(n_components, seed):
    """Reference means, and the same means relabelled and perturbed, rounded to 2 decimals to read well."""
    generator = np.random.default_rng(seed)
    reference_means = np.round(generator.normal(scale=3.0, size=(n_components, 2)), 2)
    means = reference_means[RELABELLINGS[n_components]] + generator.normal(scale=0.3, size=(n_components, 2))
    return {"means": np.round(means, 2), "reference_means": reference_means}


def _order(fn, inputs):
    """The learner's order, checked to be a permutation of 0..K-1."""
    n_components = inputs["reference_means"].shape[0]
    result = _call(fn, "align_components", inputs)
    order = _as_indices(
        result,
        "align_components",
        "order",
        "(n_components,)",
        (n_components,),
        hints={
            (2, n_components): "linear_sum_assignment returns two arrays, (row indices, column indices) - "
            "return only the second: _, order = linear_sum_assignment(cost)",
            inputs["means"].shape: "that is the shape of the means - return the order (indices), not means[order]",
        },
    )
    if sorted(order.tolist()) != list(range(n_components)):
        hint = (
            "count components from 0"
            if sorted(order.tolist()) == list(range(1, n_components + 1))
            else "matching each reference component to its nearest mean (argmin) can give two of them the same "
            "mean; solve the assignment problem: _, order = linear_sum_assignment(cost)"
        )
        raise CheckFailed(
            f"align_components: order must be a permutation of 0..{n_components - 1}, each component once, "
            f"got {order.tolist()} - {hint}"
        )
    return order


def _total_squared_distance(order, means, reference_means):
    return ((means[order] - reference_means) ** 2).sum()


def _align_is_a_permutation(fn):
    """Three components: an integer order of shape (3,), a permutation of 0, 1, 2."""
    _order(fn, _relabelled(3, seed=0))


def _align_relabelled(fn):
    """Relabelled, perturbed means with 2, 3 and 5 components: the reference order."""
    inputs = [_relabelled(n_components, seed=n_components) for n_components in RELABELLINGS]
    orders = [_order(fn, case) for case in inputs]
    expected_orders = [reference_match_components(**case) for case in inputs]
    for order, expected in zip(orders, expected_orders):
        if np.array_equal(order, expected):
            continue
        n_components = len(order)
        if all(np.array_equal(returned, np.arange(len(returned))) for returned in orders):
            hint = (
                "you returned 0..K-1 for every K: the row indices, the first output of linear_sum_assignment - "
                "return the second, the column indices: _, order = linear_sum_assignment(cost)"
            )
        elif np.array_equal(order, np.argsort(expected)):
            hint = (
                "that is the inverse order: means[order] must line up with reference_means, so the rows of the "
                "cost matrix are reference components and its columns means: "
                "cost[j, k] = |reference_means[j] - means[k]|^2"
            )
        else:
            hint = "cost[j, k] = |reference_means[j] - means[k]|^2, then _, order = linear_sum_assignment(cost)"
        raise CheckFailed(
            f"align_components: with {n_components} components expected order {expected.tolist()}, "
            f"got {order.tolist()} - {hint}"
        )


def _align_not_greedy(fn):
    """Two components on which matching the closest pair first is not optimal."""
    order = _order(fn, GREEDY_TRAP)
    expected = reference_match_components(**GREEDY_TRAP)
    if np.array_equal(order, expected):
        return
    raise CheckFailed(
        f"align_components: for reference_means {_fmt(GREEDY_TRAP['reference_means'])} and means "
        f"{_fmt(GREEDY_TRAP['means'])} your order {order.tolist()} has total squared distance "
        f"{_total_squared_distance(order, **GREEDY_TRAP):.3g}, but {expected.tolist()} has "
        f"{_total_squared_distance(expected, **GREEDY_TRAP):.3g} - matching the closest pair first (greedy) is "
        "not optimal; linear_sum_assignment(cost) minimises the total"
    )


ALIGNMENT_CASES = (_align_is_a_permutation, _align_relabelled, _align_not_greedy)


def check_align_components(fn):
    """Check component matching, ``fn(means, reference_means) -> order``.

    ``means[order]`` must line up with ``reference_means``: component
    ``order[j]`` is matched to reference component j so that the total
    squared distance between matched means is smallest (the assignment
    problem, solved by ``scipy.optimize.linear_sum_assignment``), as
    ``gmm_lessons.alignment.match_components`` does. Cases: a permutation of
    0..K-1; relabelled, perturbed means with 2, 3 and 5 components (the
    inverse order and the row indices are named); two components on which
    matching the closest pair first is not optimal.

    Parameters
    ----------
    fn : callable
        Takes means and reference_means, both (n_components, n_features);
        returns order, an integer array of shape (n_components,).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("align_components", "component matching", fn, ALIGNMENT_CASES)


# ---------------------------------------------------------------------------
# Generating images: fn(weights, means, covariances, n_samples, rng, pixel_mean, basis) -> images
# ---------------------------------------------------------------------------

# A mixture of three components in a 4-dimensional PCA space of 16-pixel images; the PCA directions, the
# orthonormal rows of a basis (from the QR decomposition of a fixed random matrix); and a mean image whose grey
# levels come close enough to 0 and 16 that sampled images need clipping.
IMAGE_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[6.0, 0.0, 0.0, 0.0], [-4.0, 5.0, 0.0, 0.0], [0.0, -4.0, 4.0, 2.0]]),
    "covariances": np.array(
        [np.diag([4.0, 2.0, 1.0, 1.0]), np.diag([1.0, 3.0, 2.0, 1.0]), np.diag([2.0, 1.0, 1.0, 3.0])]
    ),
}
IMAGE_BASIS = np.linalg.qr(np.random.default_rng(16).standard_normal((16, 4)))[0].T
IMAGE_PIXEL_MEAN = np.round(np.random.default_rng(17).uniform(0, 16, size=16), 1)
# Images per call: not the number of components, directions or pixels, so that no wrong product fits by chance.
N_IMAGES = 10


def _images(fn, seed):
    """The learner's images from ``rng=np.random.default_rng(seed)``, checked for shape and finiteness."""
    n_dims, n_pixels = IMAGE_BASIS.shape
    arguments = {
        **IMAGE_COMPONENTS,
        "n_samples": N_IMAGES,
        "rng": np.random.default_rng(seed),
        "pixel_mean": IMAGE_PIXEL_MEAN,
        "basis": IMAGE_BASIS,
    }
    result = _call(fn, "sample_images", arguments)
    images = _as_array(
        result,
        "sample_images",
        "images",
        "(n_samples, n_pixels)",
        (N_IMAGES, n_pixels),
        hints={
            (n_pixels, N_IMAGES): "one row per image, not one column: map all the scores at once with "
            "scores @ basis (each row z^T B is (B^T z)^T)",
            (N_IMAGES, n_dims): "those are the PCA scores - map them back to pixels: pixel_mean + scores @ basis",
        },
    )
    _assert_finite(images, "sample_images", "images")
    return images


def _sample_images_shape(fn):
    """Ten images of 16 pixels from a mixture in 4 PCA dimensions: shape (10, 16)."""
    _images(fn, seed=0)


def _sample_images_uses_rng(fn):
    """The same seed gives the same images, another seed others."""
    first, again, other = (_images(fn, seed) for seed in (1, 1, 2))
    if not np.array_equal(first, again):
        raise CheckFailed(
            "sample_images: two generators with the same seed gave different images - pass the rng argument on, "
            "gl.sample_mixture(weights, means, covariances, n_samples, rng=rng), instead of drawing from np.random "
            "or a new generator"
        )
    if np.array_equal(first, other):
        raise CheckFailed(
            "sample_images: your images do not depend on the rng argument (generators with different seeds gave "
            "the same images) - pass rng itself to gl.sample_mixture, not a fixed seed"
        )


def _sample_images_match(fn):
    """np.clip(pixel_mean + scores @ basis, 0, 16), the scores drawn by gl.sample_mixture from the same seed."""
    images = _images(fn, seed=3)
    scores, _ = reference_sample_mixture(**IMAGE_COMPONENTS, n_samples=N_IMAGES, rng=np.random.default_rng(3))
    unclipped = IMAGE_PIXEL_MEAN + scores @ IMAGE_BASIS
    if _close(images, np.clip(unclipped, 0, 16)):
        return
    raise CheckFailed(
        _diagnose(
            images,
            [
                (
                    np.clip(scores @ IMAGE_BASIS, 0, 16),
                    ("sample_images: you left out the mean image - the scores are coordinates of x - x-bar, so the "
                    "pixels are pixel_mean + scores @ basis"),
                ),
                (
                    unclipped,
                    (f"sample_images: some of your pixels lie outside the grey levels 0..16 (from "
                    f"{unclipped.min():.3g} to {unclipped.max():.3g}) - a Gaussian knows nothing of that range: "
                    "clip them with np.clip(images, 0, 16)"),
                ),
                (
                    scores @ IMAGE_BASIS,
                    ("sample_images: you left out the mean image and the clipping - the pixels are "
                    "np.clip(pixel_mean + scores @ basis, 0, 16)"),
                ),
            ],
            "sample_images: your images differ from those drawn with the same seed - draw the scores first, with "
            "gl.sample_mixture(weights, means, covariances, n_samples, rng=rng) and nothing else from rng before "
            "it, then return np.clip(pixel_mean + scores @ basis, 0, 16)",
        )
    )


IMAGE_CASES = (_sample_images_shape, _sample_images_uses_rng, _sample_images_match)


def check_sample_images(fn):
    """Check image generation, ``fn(weights, means, covariances, n_samples, rng, pixel_mean, basis) -> images``.

    Ancestral sampling in PCA space, then back to pixels: scores drawn by
    ``gl.sample_mixture(weights, means, covariances, n_samples, rng=rng)``,
    images ``np.clip(pixel_mean + scores @ basis, 0, 16)``. On a small made-up
    case (three components in 4 PCA dimensions, images of 16 pixels), cases:
    the shape (n_samples, n_pixels); the use of ``rng`` (same seed, same
    images); the images drawn from the same seed by the reference (a missing
    mean image or clipping is named).

    Parameters
    ----------
    fn : callable
        Takes weights (n_components,), means (n_components, n_dims),
        covariances (n_components, n_dims, n_dims), n_samples, rng (a
        ``numpy.random.Generator``), pixel_mean (n_pixels,) and basis (n_dims,
        n_pixels) with orthonormal rows; returns images of shape (n_samples,
        n_pixels).

    Raises
    ------
    AssertionError
        Saying what is wrong and how to fix it, at the first failing case.
    """
    _run("sample_images", "image sampler", fn, IMAGE_CASES)

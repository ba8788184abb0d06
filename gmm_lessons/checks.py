"""Self-checks for the exercises of the lessons.

Each "Your turn" exercise asks for a function with the original lesson's
signature; the cell after it passes that function to one of these checks:

=========================================  =====================================================
``check_sample_mixture(sample_mixture)``   ``fn(weights, means, covariances, n_samples, rng=rng)``
                                           returns ``(X, labels)``
``check_e_step(e_step)``                   ``fn(X, weights, means, covariances)`` returns the
                                           responsibilities, shape (n_samples, n_components)
``check_m_step(m_step)``                   ``fn(X, responsibilities)`` returns
                                           ``(weights, means, covariances)``
``check_log_likelihood(log_likelihood)``   ``fn(X, weights, means, covariances)`` returns a number
=========================================  =====================================================

A check runs a few small, named cases, each chosen to catch one mistake that
learners really make. A wrong function raises :class:`CheckFailed` (an
``AssertionError`` that a notebook shows as its message, without the check's
own traceback) saying what is wrong and hinting at the fix; a right one
prints one line. Results are compared with this package's reference
functions to ``rtol=1e-6, atol=1e-8`` (the M-step with ``reg_covar=0``: Bishop's M-step
exactly). Samples are judged by statistical tests that a correct sampler
fails with probability below one in a million. The cases draw their data from
private generators; the sampling check reads the global numpy random state
only to see whether *your* function uses it, and restores it.
"""

import traceback

import numpy as np
from scipy.special import logsumexp, softmax
from scipy.stats import chi2

from .em import e_step as reference_e_step
from .em import log_likelihood as reference_log_likelihood
from .em import log_mixture_density
from .em import m_step as reference_m_step
from .gaussian import log_gaussian_density
from .fitting import fit_gmm, initialize_parameters
from .sampling import sample_mixture as reference_sample_mixture

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


def _call(fn, exercise, arrays, *args, **kwargs):
    """Call ``fn(*arrays.values(), *args, **kwargs)`` as a learner would.

    The learner's exceptions become ``AssertionError`` (a stub's
    ``NotImplementedError`` in one line, anything else chained, with a hint),
    and changing an input array in place is reported.
    """
    given = {name: value.copy() for name, value in arrays.items()}
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
            f"{_error_hint(error, arrays)}"
        ) from error
    for name, value in given.items():
        if not np.array_equal(value, arrays[name]):
            raise CheckFailed(
                f"{exercise}: your function changed {name} in place - compute new arrays (diff = X - means[k]) "
                f"instead of updating the inputs with -=, /= or {name}[...] = ..., which changes the caller's data"
            )
    return result


def _error_hint(error, arrays):
    shapes = ", ".join(f"{name} of shape {value.shape}" for name, value in arrays.items())
    if "broadcast" in str(error):
        return (
            f"it was called with {shapes}; to divide or subtract row by row, keep the summed axis "
            "(.sum(axis=1, keepdims=True)) or add one ([:, np.newaxis])"
        )
    return f"it was called with {shapes}; its traceback shows the line that failed"


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
                    f"e_step: your responsibilities ignore the mixing weights pi_k: with weights {_fmt(weights)} "
                    "they equal those for equal weights - multiply each density by weights[k] "
                    "(in log space: add np.log(weights[k]))",
                ),
                (
                    softmax(log_density + weights, axis=1),
                    "e_step: you added pi_k to the log-densities - in log space add ln pi_k: "
                    "log_density + np.log(weights)",
                ),
                (
                    softmax(log_density * weights, axis=1),
                    "e_step: you multiplied the log-densities by pi_k - in log space add ln pi_k: "
                    "log_density + np.log(weights)",
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
                    "m_step: means are divided by N (the number of samples) instead of N_k - "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k with N_k = responsibilities[:, k].sum()",
                ),
                (
                    weighted_sums,
                    "m_step: means are sum_n gamma(z_nk) x_n, not divided by N_k - "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k",
                ),
                (
                    np.repeat(X.mean(axis=0, keepdims=True), gamma.shape[1], axis=0),
                    "m_step: every mean is the plain average of X - weight each sample by its responsibility: "
                    "mu_k = sum_n gamma(z_nk) x_n / N_k",
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
                    "m_step: covariances have a bias correction, as np.cov gives by default - Bishop (9.25) "
                    "divides by N_k: use np.cov(..., aweights=..., bias=True) or compute the weighted sum / N_k",
                ),
                (
                    expected + regularised,
                    f"m_step: covariances have {regularised[0, 0]:.2g} added to the diagonal - this exercise is "
                    "Bishop's M-step without regularisation (reg_covar = 0); leave it out",
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
                    "log_likelihood: you summed the densities p(x_n) without taking logs - "
                    "the log-likelihood is sum_n ln p(x_n)",
                ),
                (
                    np.exp(log_mixture.sum()),
                    "log_likelihood: you returned the likelihood, the product of the p(x_n) - take logs and sum "
                    "them: sum_n ln p(x_n) (a product of many densities underflows to 0)",
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


def _samples(fn, n_samples, seed):
    """The learner's (X, labels) from ``rng=np.random.default_rng(seed)``, checked for shape and values.

    Also checks that fn leaves numpy's global random state alone, and
    restores that state either way.
    """
    global_state = np.random.get_state()
    try:
        result = _call(fn, "sample_mixture", SAMPLING_COMPONENTS, n_samples, rng=np.random.default_rng(seed))
        global_state_used = not _same_state(np.random.get_state(), global_state)
    finally:
        np.random.set_state(global_state)
    if global_state_used:
        raise CheckFailed(
            "sample_mixture: your function used numpy's global random state (np.random.choice, "
            "np.random.multivariate_normal, ...) - draw everything from the rng argument: rng.choice(...), "
            "rng.multivariate_normal(...), rng.standard_normal(...)"
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
                "you multiplied the noise by Sigma_k itself, which gives covariance Sigma_k^2 - multiply by a "
                "square root of it, the Cholesky factor L_k = np.linalg.cholesky(Sigma_k)",
            ),
            (
                cholesky_factor.T @ cholesky_factor,
                "you multiplied by L_k^T instead of L_k: for standard normal rows eps of shape "
                "(n, n_features) use eps @ L_k.T",
            ),
            (
                np.diag(np.diag(covariance)),
                "the correlations (off-diagonal entries of Sigma_k) are missing - scaling each coordinate by its "
                "standard deviation is not enough; multiply by the Cholesky factor L_k",
            ),
            (
                np.eye(covariance.shape[0]),
                "the points have identity covariance - multiply the standard normal noise by the Cholesky factor "
                "L_k of Sigma_k",
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
    result = _call(fn, "gmm_em", inputs, 3, num_iterations, np.random.default_rng(seed))
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

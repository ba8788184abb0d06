"""Every bad argument gets a ValueError that names it and says what is wrong.

Each table row changes one argument of an otherwise valid call; the
expected message pattern names the argument and the problem (and, where
the message promises it, what was given).
"""

import re

import numpy as np
import pytest

import gmm_lessons as gl

X = np.random.default_rng(0).normal(size=(10, 2))
WEIGHTS = np.array([0.5, 0.5])
MEANS = np.array([[0.0, 0.0], [1.0, 1.0]])
COVARIANCES = np.array([np.eye(2), 2 * np.eye(2)])
RESPONSIBILITIES = np.column_stack([np.linspace(0, 1, 10), 1 - np.linspace(0, 1, 10)])
FIT = gl.fit_gmm(X, 2, max_iter=2, rng=0)

# --------------------------------------------------------------------------
# X
# --------------------------------------------------------------------------

X_TAKERS = {
    "log_gaussian_density": lambda X: gl.log_gaussian_density(X, MEANS, COVARIANCES),
    "e_step": lambda X: gl.e_step(X, WEIGHTS, MEANS, COVARIANCES),
    "m_step": lambda X: gl.m_step(X, RESPONSIBILITIES),
    "log_likelihood": lambda X: gl.log_likelihood(X, WEIGHTS, MEANS, COVARIANCES),
    "log_mixture_density": lambda X: gl.log_mixture_density(X, WEIGHTS, MEANS, COVARIANCES),
    "fit_gmm": lambda X: gl.fit_gmm(X, 1),
    "initialize_parameters": lambda X: gl.initialize_parameters(X, 1),
    "bic": lambda X: gl.bic(X, FIT),
    "aic": lambda X: gl.aic(X, FIT),
}

BAD_X = {
    "NaN": (np.array([[0.0, 1.0], [np.nan, 2.0]]), r"^X contains NaN or infinity"),
    "infinity": (np.array([[0.0, 1.0], [np.inf, 2.0]]), r"^X contains NaN or infinity"),
    "-infinity": (np.array([[0.0, -np.inf], [1.0, 2.0]]), r"^X contains NaN or infinity"),
    "strings": (np.array([["a", "b"], ["c", "d"]]), r"^X must contain numbers, got dtype <U1"),
    "object": (np.array([[1.0, None], [2.0, 3.0]], dtype=object), r"^X must contain numbers, got dtype object"),
    "booleans": (np.array([[True, False], [False, True]]), r"^X must contain numbers, got dtype bool"),
    "complex": (np.array([[1 + 0j, 2], [3, 4]]), r"^X must contain real numbers, got dtype complex128"),
    "ragged": ([[1.0, 2.0], [3.0]], r"^X must be a rectangular array of numbers"),
    "0-D": (np.float64(3.0), r"^X must be 1-D \(n_samples,\) or 2-D \(n_samples, n_features\), got 0-D"),
    "3-D": (np.zeros((4, 2, 2)), r"^X must be 1-D .* or 2-D .*, got 3-D with shape \(4, 2, 2\)"),
    "no samples": (np.zeros((0, 2)), r"^X is empty: shape \(0, 2\), need at least one sample and one feature"),
    "no features": (np.zeros((5, 0)), r"^X is empty: shape \(5, 0\)"),
    "empty 1-D": (np.zeros(0), r"^X is empty"),
    "masked": (
        np.ma.masked_array([[0.0, 1.0], [9.0, 2.0]], mask=[[False, False], [True, False]]),
        r"^X is a masked array: missing values are not supported here",
    ),
    "squares overflow": (
        np.array([[0.0, 1.0], [1e200, 2.0]]),
        r"^X has entries as large as 1e\+200 in absolute value: the squared distances .* overflow float64",
    ),
}


@pytest.mark.parametrize("bad", BAD_X.values(), ids=BAD_X.keys())
@pytest.mark.parametrize("call", X_TAKERS.values(), ids=X_TAKERS.keys())
def test_bad_X(call, bad):
    """Bad X in any public function taking X: ValueError naming X and the problem."""
    value, pattern = bad
    with pytest.raises(ValueError, match=pattern):
        call(value)


# --------------------------------------------------------------------------
# Counts: n_components, n_samples, max_iter, n_init, n_features
# --------------------------------------------------------------------------

BAD_N_COMPONENTS = {
    "float": (2.0, r"^n_components must be an integer, got 2\.0 of type float"),
    "bool": (True, r"^n_components must be an integer, got True of type bool"),
    "string": ("3", r"^n_components must be an integer, got '3' of type str"),
    "None": (None, r"^n_components must be an integer, got None"),
    "zero": (0, r"^n_components must be at least 1 and at most 10, got 0"),
    "negative": (-2, r"^n_components must be at least 1 and at most 10, got -2"),
    "more than samples": (11, r"^n_components must be at least 1 and at most 10, got 11"),
}


@pytest.mark.parametrize("bad", BAD_N_COMPONENTS.values(), ids=BAD_N_COMPONENTS.keys())
@pytest.mark.parametrize("function", [gl.fit_gmm, gl.initialize_parameters], ids=["fit_gmm", "initialize_parameters"])
def test_bad_n_components(function, bad):
    """n_components must be an int (not bool, float, str) in 1..n_samples."""
    value, pattern = bad
    with pytest.raises(ValueError, match=pattern):
        function(X, value)


@pytest.mark.parametrize(
    ("arguments", "pattern"),
    [
        ((2.0, 2), r"^n_components must be an integer, got 2\.0"),
        ((0, 2), r"^n_components must be at least 1, got 0"),
        ((2, 0), r"^n_features must be at least 1, got 0"),
        ((2, True), r"^n_features must be an integer, got True"),
        ((2, 2, "fulll"), r"^covariance_type must be one of 'full', 'diag', 'spherical', 'tied'; got 'fulll'"),
    ],
)
def test_bad_n_parameters_arguments(arguments, pattern):
    """n_parameters checks its counts and the covariance type."""
    with pytest.raises(ValueError, match=pattern):
        gl.n_parameters(*arguments)


FIT_OPTIONS = {
    "max_iter negative": ({"max_iter": -1}, r"^max_iter must be at least 0, got -1"),
    "max_iter float": ({"max_iter": 10.0}, r"^max_iter must be an integer, got 10\.0 of type float"),
    "tol negative": ({"tol": -1e-3}, r"^tol must be non-negative, got -0\.001"),
    "tol NaN": ({"tol": float("nan")}, r"^tol must be a finite number, got nan"),
    "tol string": ({"tol": "1e-3"}, r"^tol must be a real number .*, got '1e-3' of type str"),
    "reg_covar negative": ({"reg_covar": -1e-6}, r"^reg_covar must be non-negative, got -1e-06"),
    "reg_covar infinite": ({"reg_covar": np.inf}, r"^reg_covar must be a finite number, got inf"),
    "n_init zero": ({"n_init": 0}, r"^n_init must be at least 1, got 0"),
    "n_init float": ({"n_init": 1.5}, r"^n_init must be an integer, got 1\.5"),
    "keep_responsibilities int": (
        {"keep_responsibilities": 1},
        r"^keep_responsibilities must be True or False, got 1 of type int",
    ),
    "keep_responsibilities string": (
        {"keep_responsibilities": "yes"},
        r"^keep_responsibilities must be True or False, got 'yes' of type str",
    ),
    "covariance_type unknown": (
        {"covariance_type": "fulll"},
        r"^covariance_type must be one of 'full', 'diag', 'spherical', 'tied'; got 'fulll'",
    ),
    "covariance_type case": ({"covariance_type": "Full"}, r"^covariance_type must be one of .*; got 'Full'"),
    "covariance_type None": ({"covariance_type": None}, r"^covariance_type must be one of .*; got None"),
    "init unknown": ({"init": "kmeans"}, r"^init must be one of 'random', 'kmeans\+\+'; got 'kmeans'"),
    "init pair": (
        {"init": (WEIGHTS, MEANS)},
        r"^init must be one of 'random', 'kmeans\+\+' or a \(weights, means, covariances\) tuple",
    ),
    "init number": ({"init": 5}, r"^init must be one of .* or a \(weights, means, covariances\) tuple; got 5"),
    "init dict": (
        {"init": {"weights": WEIGHTS, "means": MEANS, "covariances": COVARIANCES}},
        r"^init must be one of .* tuple",
    ),
    "init wrong K": (
        {"init": ([1 / 3] * 3, np.zeros((3, 2)), [np.eye(2)] * 3)},
        r"^init has 3 components but n_components is 2",
    ),
    "init bad weights": ({"init": ([0.5, 0.6], MEANS, COVARIANCES)}, r"^init: weights must sum to 1, got sum 1\.1"),
    "init bad means": (
        {"init": (WEIGHTS, np.zeros((2, 3)), COVARIANCES)},
        r"^init: means must have shape \(n_components, n_features\) = \(2, 2\), got shape \(2, 3\)",
    ),
    "init not symmetric": (
        {"init": (WEIGHTS, MEANS, [np.eye(2), [[1, 0.5], [0, 1]]])},
        r"^init: covariances\[1\] must be symmetric",
    ),
    "init not positive definite": (
        {"init": (WEIGHTS, MEANS, [np.eye(2), [[1, 2], [2, 1]]])},
        r"^init: covariances\[1\] is not positive definite",
    ),
    "init with n_init": (
        {"init": (WEIGHTS, MEANS, COVARIANCES), "n_init": 2},
        r"^n_init must be 1 when init is a \(weights, means, covariances\) tuple",
    ),
    "rng float": (
        {"rng": 1.5},
        r"^rng must be None, a non-negative integer seed or a numpy\.random\.Generator, got 1\.5 of type float",
    ),
    "rng RandomState": ({"rng": np.random.RandomState(0)}, r"^rng must be None, .* got .* of type RandomState"),
    "rng negative": ({"rng": -1}, r"^rng must be None, a non-negative integer seed .*, got -1 of type int"),
    "rng string": ({"rng": "0"}, r"^rng must be .*, got '0' of type str"),
    "rng bool": ({"rng": True}, r"^rng must be .*, got True of type bool"),
}


@pytest.mark.parametrize("bad", FIT_OPTIONS.values(), ids=FIT_OPTIONS.keys())
def test_bad_fit_gmm_options(bad):
    """Each bad keyword of fit_gmm: ValueError naming it and the problem."""
    options, pattern = bad
    with pytest.raises(ValueError, match=pattern):
        gl.fit_gmm(X, 2, **options)


INITIALIZE_OPTIONS = {
    name: FIT_OPTIONS[name]
    for name in (
        "reg_covar negative",
        "reg_covar infinite",
        "covariance_type unknown",
        "rng float",
        "rng RandomState",
        "rng negative",
    )
}
INITIALIZE_OPTIONS["method unknown"] = (
    {"method": "kmeans"},
    r"^method must be one of 'random', 'kmeans\+\+'; got 'kmeans'",
)
INITIALIZE_OPTIONS["method tuple"] = (
    {"method": (WEIGHTS, MEANS, COVARIANCES)},
    r"^method must be one of 'random', 'kmeans\+\+'; got \(",
)


@pytest.mark.parametrize("bad", INITIALIZE_OPTIONS.values(), ids=INITIALIZE_OPTIONS.keys())
def test_bad_initialize_parameters_options(bad):
    """Each bad keyword of initialize_parameters: ValueError naming it and the problem."""
    options, pattern = bad
    with pytest.raises(ValueError, match=pattern):
        gl.initialize_parameters(X, 2, **options)


def test_random_start_needs_two_samples():
    """The lesson's start uses the data covariance, undefined for one sample: a clear ValueError."""
    with pytest.raises(ValueError, match=r'method="random" uses the data covariance, which needs at least 2 samples'):
        gl.fit_gmm(X[:1], 1, init="random")


# --------------------------------------------------------------------------
# Mixture parameters: weights, means, covariances
# --------------------------------------------------------------------------

BAD_PARAMETERS = {
    "weights negative": (([-0.5, 1.5], MEANS, COVARIANCES), r"^weights must be non-negative"),
    "weights not summing to 1": (([0.5, 0.6], MEANS, COVARIANCES), r"^weights must sum to 1, got sum 1\.1"),
    "weights 2-D": (
        ([[0.5, 0.5]], MEANS, COVARIANCES),
        r"^weights must be a non-empty 1-D array of shape \(n_components,\), got shape \(1, 2\)",
    ),
    "weights empty": (([], MEANS, COVARIANCES), r"^weights must be a non-empty 1-D array .*, got shape \(0,\)"),
    "weights scalar": ((1.0, MEANS, COVARIANCES), r"^weights must be a non-empty 1-D array .*, got shape \(\)"),
    "weights NaN": (([0.5, np.nan], MEANS, COVARIANCES), r"^weights contains NaN or infinity"),
    "weights strings": ((["a", "b"], MEANS, COVARIANCES), r"^weights must contain numbers"),
    "means more components": (
        (WEIGHTS, np.zeros((3, 2)), COVARIANCES),
        r"^means must have shape \(n_components, n_features\) = \(2, 2\), got shape \(3, 2\)",
    ),
    "means other features": (
        (WEIGHTS, np.zeros((2, 3)), COVARIANCES),
        r"^means must have shape \(n_components, n_features\) = \(2, 2\), got shape \(2, 3\)",
    ),
    "means 3-D": ((WEIGHTS, np.zeros((2, 2, 1)), COVARIANCES), r"^means must have shape .* got shape \(2, 2, 1\)"),
    "means complex": ((WEIGHTS, MEANS + 0j, COVARIANCES), r"^means must contain real numbers"),
    "covariances more components": (
        (WEIGHTS, MEANS, np.array([np.eye(2)] * 3)),
        r"^covariances must have shape \(n_components, n_features, n_features\) = \(2, 2, 2\), got shape \(3, 2, 2\)",
    ),
    "covariances other features": (
        (WEIGHTS, MEANS, np.array([np.eye(3)] * 2)),
        r"^covariances must have shape .* = \(2, 2, 2\), got shape \(2, 3, 3\)",
    ),
    "covariances one matrix": ((WEIGHTS, MEANS, np.eye(2)), r"^covariances must have shape .* got shape \(2, 2\)"),
    "covariances infinite": (
        (WEIGHTS, MEANS, np.array([np.eye(2), np.diag([np.inf, 1.0])])),
        r"^covariances contains NaN or infinity",
    ),
    "covariances not symmetric": (
        (WEIGHTS, MEANS, np.array([np.eye(2), [[1.0, 0.5], [0.0, 1.0]]])),
        r"^covariances\[1\] must be symmetric",
    ),
    "covariances indefinite": (
        (WEIGHTS, MEANS, np.array([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])),
        r"^covariances\[1\] is not positive definite",
    ),
    "covariances zero": (
        (WEIGHTS, MEANS, np.array([np.zeros((2, 2)), np.eye(2)])),
        r"^covariances\[0\] is not positive definite",
    ),
    "covariances negative definite": (
        (WEIGHTS, MEANS, np.array([-np.eye(2), np.eye(2)])),
        r"^covariances\[0\] is not positive definite",
    ),
    "covariances subnormal": (
        (WEIGHTS, MEANS, np.array([np.eye(2), 1e-310 * np.eye(2)])),
        r"^covariances\[1\] has a variance of 1e-310 on its diagonal, below the smallest normal float64",
    ),
    "weights masked": ((np.ma.masked_array(WEIGHTS, mask=[True, False]), MEANS, COVARIANCES), r"^weights is a masked"),
    "means masked": ((WEIGHTS, np.ma.masked_array(MEANS), COVARIANCES), r"^means is a masked array"),
    "covariances masked": ((WEIGHTS, MEANS, np.ma.masked_array(COVARIANCES)), r"^covariances is a masked array"),
}

PARAMETER_TAKERS = {
    "e_step": lambda w, m, c: gl.e_step(X, w, m, c),
    "log_likelihood": lambda w, m, c: gl.log_likelihood(X, w, m, c),
    "log_mixture_density": lambda w, m, c: gl.log_mixture_density(X, w, m, c),
    "sample_mixture": lambda w, m, c: gl.sample_mixture(w, m, c, 5, rng=0),
}


# Without X, only the means and the covariances give n_features: when they differ, both are named.
SAMPLE_MIXTURE_PATTERNS = {
    "means other features": r"^means and covariances disagree on n_features: means gives 3 \(shape \(2, 3\)\), "
    r"covariances gives 2 \(shape \(2, 2, 2\)\)",
    "covariances other features": r"^means and covariances disagree on n_features: means gives 2 .*, "
    r"covariances gives 3 \(shape \(2, 3, 3\)\)",
}


def parameter_cases():
    for call_name, call in PARAMETER_TAKERS.items():
        for case, (parameters, pattern) in BAD_PARAMETERS.items():
            if call_name == "sample_mixture":
                pattern = SAMPLE_MIXTURE_PATTERNS.get(case, pattern)
            yield pytest.param(call, parameters, pattern, id=f"{call_name}-{case}")


@pytest.mark.parametrize(("call", "parameters", "pattern"), list(parameter_cases()))
def test_bad_mixture_parameters(call, parameters, pattern):
    """Bad weights/means/covariances or mismatched shapes: ValueError naming the argument."""
    with pytest.raises(ValueError, match=pattern):
        call(*parameters)


@pytest.mark.parametrize("bad", BAD_PARAMETERS.values(), ids=BAD_PARAMETERS.keys())
def test_bad_init_tuple_parameters(bad):
    """The same mistakes in fit_gmm's init tuple are reported with an 'init: ' prefix."""
    parameters, pattern = bad
    with pytest.raises(ValueError, match="^init: " + pattern.lstrip("^")):
        gl.fit_gmm(X, 2, init=parameters)


@pytest.mark.parametrize(
    ("means", "covariances", "pattern"),
    [
        (
            np.zeros((2, 3)),
            COVARIANCES,
            r"^means must have shape \(n_components, n_features\) = \(2, 2\), got shape \(2, 3\)",
        ),
        (
            MEANS,
            np.array([np.eye(2)] * 3),
            (
                r"^means and covariances disagree on n_components: means gives 2 \(shape \(2, 2\)\), "
                r"covariances gives 3 \(shape \(3, 2, 2\)\)"
            ),
        ),
        (MEANS, np.array([np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]), r"^covariances\[1\] must be symmetric"),
        (MEANS, np.array([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]), r"^covariances\[1\] is not positive definite"),
    ],
)
def test_bad_log_gaussian_density_parameters(means, covariances, pattern):
    """log_gaussian_density checks means against X and covariances against means."""
    with pytest.raises(ValueError, match=pattern):
        gl.log_gaussian_density(X, means, covariances)


def test_symmetry_is_judged_relative_to_the_matrix_scale():
    """Rounding-sized asymmetry of a large matrix is accepted; an asymmetric matrix of tiny entries is not."""
    large = np.array([[7e7, 1e-9], [1e-9 + 1e-10, 9e7]])  # off-diagonals differ by 1e-18 of the largest entry
    gl.e_step(X, [1.0], [[0.0, 0.0]], [large])
    tiny = 1e-20 * np.array([[1.0, 0.5], [0.0, 1.0]])  # half of the largest entry: not symmetric at any scale
    with pytest.raises(ValueError, match=r"^covariances\[0\] must be symmetric"):
        gl.e_step(X, [1.0], [[0.0, 0.0]], [tiny])


@pytest.mark.parametrize("criterion", [gl.bic, gl.aic], ids=["bic", "aic"])
def test_criteria_check_the_result_against_X(criterion):
    """bic/aic of a 2-feature fit on 3-feature data: X is named, and a result that is not a fit is named."""
    wrong_width_message = r"^X has n_features = 3 columns but the mixture's means and covariances have n_features = 2$"
    with pytest.raises(ValueError, match=wrong_width_message):
        criterion(np.zeros((5, 3)), FIT)
    not_a_fit_message = r"^result must be a GMMFit from fit_gmm, got an object of type (NoneType|tuple) \(it has no "
    for not_a_fit in (None, (WEIGHTS, MEANS, COVARIANCES)):
        with pytest.raises(ValueError, match=not_a_fit_message):
            criterion(X, not_a_fit)


# --------------------------------------------------------------------------
# Responsibilities and the M-step options
# --------------------------------------------------------------------------

BAD_RESPONSIBILITIES = {
    "too few rows": (
        RESPONSIBILITIES[:9],
        (
            r"^responsibilities must have shape \(n_samples, n_components\) with n_samples = 10 \(the rows of X\), "
            r"got shape \(9, 2\)"
        ),
    ),
    "1-D": (RESPONSIBILITIES[:, 0], r"^responsibilities must have shape .* got shape \(10,\)"),
    "no components": (np.zeros((10, 0)), r"^responsibilities must have shape .* got shape \(10, 0\)"),
    "negative": (RESPONSIBILITIES * [[-1, 1]] + [[0, 0]], r"^responsibilities must be probabilities in \[0, 1\]"),
    "above 1": (RESPONSIBILITIES * 2 - 0.5, r"^responsibilities must be probabilities in \[0, 1\]"),
    "rows not summing to 1": (
        RESPONSIBILITIES * 0.9,
        r"^each row of responsibilities must sum to 1 .*; row \d+ sums to 0\.(9|8999)",
    ),
    "NaN": (np.where(RESPONSIBILITIES == 1, np.nan, RESPONSIBILITIES), r"^responsibilities contains NaN or infinity"),
    "strings": (RESPONSIBILITIES.astype(str), r"^responsibilities must contain numbers"),
    "masked": (np.ma.masked_invalid(RESPONSIBILITIES), r"^responsibilities is a masked array"),
}


@pytest.mark.parametrize("bad", BAD_RESPONSIBILITIES.values(), ids=BAD_RESPONSIBILITIES.keys())
def test_bad_responsibilities(bad):
    """m_step rejects responsibilities of the wrong shape, outside [0, 1], or rows not summing to 1."""
    value, pattern = bad
    with pytest.raises(ValueError, match=pattern):
        gl.m_step(X, value)


@pytest.mark.parametrize(
    ("options", "pattern"),
    [
        ({"reg_covar": -1.0}, r"^reg_covar must be non-negative, got -1\.0"),
        ({"reg_covar": float("nan")}, r"^reg_covar must be a finite number, got nan"),
        ({"reg_covar": None}, r"^reg_covar must be a real number .*, got None of type NoneType"),
        (
            {"covariance_type": "diagonal"},
            r"^covariance_type must be one of 'full', 'diag', 'spherical', 'tied'; got 'diagonal'",
        ),
    ],
)
def test_bad_m_step_options(options, pattern):
    """m_step checks reg_covar and covariance_type."""
    with pytest.raises(ValueError, match=pattern):
        gl.m_step(X, RESPONSIBILITIES, **options)


# --------------------------------------------------------------------------
# sample_mixture's own arguments
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "pattern"),
    [
        ({"n_samples": -1}, r"^n_samples must be at least 0, got -1"),
        ({"n_samples": 2.5}, r"^n_samples must be an integer, got 2\.5 of type float"),
        ({"n_samples": "10"}, r"^n_samples must be an integer, got '10' of type str"),
        ({"n_samples": True}, r"^n_samples must be an integer, got True of type bool"),
        (
            {"n_samples": 5, "rng": 0.5},
            r"^rng must be None, a non-negative integer seed or a numpy\.random\.Generator, got 0\.5",
        ),
        ({"n_samples": 5, "rng": np.random.RandomState(1)}, r"^rng must be .* of type RandomState"),
        ({"n_samples": 5, "rng": -3}, r"^rng must be .*, got -3 of type int"),
        ({"n_samples": 5, "rng": np.random.PCG64(0)}, r"^rng must be .* of type PCG64"),
    ],
)
def test_bad_sample_mixture_arguments(options, pattern):
    """sample_mixture checks n_samples (an int >= 0) and rng."""
    with pytest.raises(ValueError, match=pattern):
        gl.sample_mixture(WEIGHTS, MEANS, COVARIANCES, **options)


def test_messages_say_what_was_given():
    """Spot check that a message quotes the given value, not just the rule."""
    with pytest.raises(ValueError) as error:
        gl.fit_gmm(X, 2, max_iter=-7)
    assert "max_iter" in str(error.value) and "-7" in str(error.value)
    with pytest.raises(ValueError) as error:
        gl.e_step(X, [0.25, 0.25], MEANS, COVARIANCES)
    assert re.search(r"weights .*sum.* 0\.5", str(error.value))


# --------------------------------------------------------------------------
# Which argument is blamed when arguments disagree with each other
# --------------------------------------------------------------------------

X3 = np.random.default_rng(1).normal(size=(10, 3))
THREE_WEIGHTS = np.full(3, 1 / 3)

# Each row: the arguments of one call, mismatched in one way, and the argument the message must start with.
# Of three arguments giving n_components (weights, means, covariances) or n_features (X, means, covariances),
# the one that differs from the other two is to blame; with only two that differ, both are named.
DISAGREEMENTS = {
    "e_step weights count": (lambda: gl.e_step(X, THREE_WEIGHTS, MEANS, COVARIANCES), "weights must"),
    "e_step means count": (lambda: gl.e_step(X, WEIGHTS, np.zeros((3, 2)), COVARIANCES), "means must"),
    "e_step covariances count": (lambda: gl.e_step(X, WEIGHTS, MEANS, np.array([np.eye(2)] * 3)), "covariances must"),
    "e_step X width": (lambda: gl.e_step(X3, WEIGHTS, MEANS, COVARIANCES), "X has"),
    "e_step means width": (lambda: gl.e_step(X, WEIGHTS, np.zeros((2, 3)), COVARIANCES), "means must"),
    "e_step covariances width": (lambda: gl.e_step(X, WEIGHTS, MEANS, np.array([np.eye(3)] * 2)), "covariances must"),
    "e_step no two counts agree": (
        lambda: gl.e_step(X, WEIGHTS, np.zeros((3, 2)), np.array([np.eye(2)] * 4)),
        "weights, means and covariances disagree on n_components",
    ),
    "log_likelihood weights count": (lambda: gl.log_likelihood(X, THREE_WEIGHTS, MEANS, COVARIANCES), "weights must"),
    "log_likelihood X width": (lambda: gl.log_likelihood(X3, WEIGHTS, MEANS, COVARIANCES), "X has"),
    "log_mixture_density X width": (lambda: gl.log_mixture_density(X3, WEIGHTS, MEANS, COVARIANCES), "X has"),
    "log_gaussian_density X width": (lambda: gl.log_gaussian_density(X3, MEANS, COVARIANCES), "X has"),
    "log_gaussian_density means width": (
        lambda: gl.log_gaussian_density(X, np.zeros((2, 3)), COVARIANCES),
        "means must",
    ),
    "log_gaussian_density counts": (
        lambda: gl.log_gaussian_density(X, MEANS, np.array([np.eye(2)] * 3)),
        "means and covariances disagree on n_components",
    ),
    "sample_mixture weights count": (lambda: gl.sample_mixture(THREE_WEIGHTS, MEANS, COVARIANCES, 5), "weights must"),
    "sample_mixture means width": (
        lambda: gl.sample_mixture(WEIGHTS, np.zeros((2, 3)), COVARIANCES, 5),
        "means and covariances disagree on n_features",
    ),
    "fit_gmm init weights count": (
        lambda: gl.fit_gmm(X, 2, init=(THREE_WEIGHTS, MEANS, COVARIANCES)),
        "init: weights must",
    ),
    "fit_gmm init for other data": (lambda: gl.fit_gmm(X3, 2, init=(WEIGHTS, MEANS, COVARIANCES)), "init: X has"),
    "bic X width": (lambda: gl.bic(X3, FIT), "X has"),
    "aic X width": (lambda: gl.aic(X3, FIT), "X has"),
    "bic no fit": (lambda: gl.bic(X, None), "result must"),
    "aic parameters instead of a fit": (lambda: gl.aic(X, (WEIGHTS, MEANS, COVARIANCES)), "result must"),
}


@pytest.mark.parametrize(("call", "blamed"), DISAGREEMENTS.values(), ids=DISAGREEMENTS.keys())
def test_the_message_names_the_argument_that_is_wrong(call, blamed):
    """Arguments that disagree: a ValueError whose message starts with the argument(s) at fault."""
    with pytest.raises(ValueError, match="^" + re.escape(blamed)):
        call()


# --------------------------------------------------------------------------
# No silent NaN: an overflowing squared distance is an error, not a NaN
# --------------------------------------------------------------------------

FAR_MEANS = np.array([[1e200, 0.0], [0.0, -1e200]])
TINY_COVARIANCES = np.array([1e-300 * np.eye(2)] * 2)  # normal numbers, but (x - mu)^2 / 1e-300 overflows

OVERFLOWING = {
    "e_step far means": lambda: gl.e_step(X, WEIGHTS, FAR_MEANS, COVARIANCES),
    "log_likelihood far means": lambda: gl.log_likelihood(X, WEIGHTS, FAR_MEANS, COVARIANCES),
    "log_mixture_density far means": lambda: gl.log_mixture_density(X, WEIGHTS, FAR_MEANS, COVARIANCES),
    "e_step tiny covariances": lambda: gl.e_step(1e5 * X, WEIGHTS, MEANS, TINY_COVARIANCES),
    "log_likelihood tiny covariances": lambda: gl.log_likelihood(1e5 * X, WEIGHTS, MEANS, TINY_COVARIANCES),
    "fit_gmm far start": lambda: gl.fit_gmm(X, 2, init=(WEIGHTS, FAR_MEANS, COVARIANCES)),
}


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the overflow this test is about
@pytest.mark.parametrize("call", OVERFLOWING.values(), ids=OVERFLOWING.keys())
def test_overflowing_distances_raise_instead_of_nan(call):
    """Every component's log-density -inf at some x_n would give NaN responsibilities: a ValueError naming x_n."""
    with pytest.raises(ValueError, match=r"^X\[0\] has a log-density of -inf or NaN under every component"):
        call()


def test_largest_accepted_X_gives_finite_fits():
    """The bound on X's entries is not too lax: data just inside it fits without overflow, for both starts."""
    n_samples, n_features = 50, 2
    limit = np.sqrt(np.finfo(np.float64).max / (4 * n_samples * n_features))
    X_large = limit * np.random.default_rng(0).uniform(-1.0, 1.0, size=(n_samples, n_features))
    X_large[0, 0] = limit
    for init in ("kmeans++", "random"):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            fit = gl.fit_gmm(X_large, 2, init=init, rng=0)
            assert np.isfinite(gl.bic(X_large, fit))
        assert np.isfinite(fit.log_likelihood_history).all()
        assert all(np.isfinite(array).all() for parameters in fit.history for array in parameters)
    with pytest.raises(ValueError, match=r"^X has entries as large as"):
        gl.fit_gmm(X_large * 1.001, 2)

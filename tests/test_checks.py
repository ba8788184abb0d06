"""The self-checks pass correct functions and diagnose the mistakes learners make.

The generic tests run over every exercise of ``checks.EXERCISES``: a correct
function passes in one line; an unsolved stub, a function that is not passed
itself, one that raises and one that touches numpy's global random state fail
in one line naming the exercise. Then each exercise's table of buggy
functions, one realistic mistake each, with the diagnosis its check must give.
"""

import inspect
import re

import numpy as np
import original_lesson
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons
from gmm_lessons import checks
from gmm_lessons.checks import EXERCISES, CheckFailed

# ---------------------------------------------------------------------------
# A correct function for each exercise: a thin adapter around the package's reference (the one place to change
# if the checks come to reject the reference itself)
# ---------------------------------------------------------------------------


def _gmm_em(data, num_components, num_iterations, rng):
    start = gmm_lessons.initialize_parameters(data, num_components, rng)
    fit = gmm_lessons.fit_gmm(data, num_components, max_iter=num_iterations, tol=0, init=start, reg_covar=0)
    return fit.weights, fit.means, fit.covariances


def _sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + scores @ basis, 0, 16)


def _lower_bound(data, weights, means, covariances, responsibilities):
    """Bishop (9.71) with scipy's log-densities, written apart from the package: the q_nk = 0 terms count 0."""
    log_joint = np.log(weights) + np.column_stack(
        [multivariate_normal(mean, covariance).logpdf(data) for mean, covariance in zip(means, covariances)]
    )
    q = responsibilities
    log_q = np.log(np.where(q > 0, q, 1.0))
    return float(np.where(q > 0, q * (log_joint - log_q), 0.0).sum())


CORRECT = {
    "sample_mixture": lambda weights, means, covariances, n_samples, rng=None: gmm_lessons.sample_mixture(
        weights, means, covariances, n_samples, rng=rng
    ),
    "log_likelihood": lambda X, weights, means, covariances: gmm_lessons.log_likelihood(X, weights, means, covariances),
    "e_step": lambda X, weights, means, covariances: gmm_lessons.e_step(X, weights, means, covariances),
    "m_step": lambda X, responsibilities: gmm_lessons.m_step(X, responsibilities, reg_covar=0),
    "gmm_em": _gmm_em,
    "kmeans_plus_plus": lambda data, num_components, rng: gmm_lessons.fitting.kmeans_plus_plus_centres(
        data, num_components, rng
    ),
    "n_parameters": lambda num_components, num_features, covariance_type: gmm_lessons.n_parameters(
        num_components, num_features, covariance_type
    ),
    "align_components": lambda means, reference_means: gmm_lessons.alignment.match_components(means, reference_means),
    "sample_images": _sample_images,
    "lower_bound": _lower_bound,
}


def check(name):
    """The public check of an exercise, as the lessons call it."""
    return getattr(checks, f"check_{name}")


def fails(name, function):
    """Run the exercise's check on a wrong function; its message, asserted to be one line naming the exercise."""
    with pytest.raises(CheckFailed) as failure:
        check(name)(function)
    message = str(failure.value)
    assert "\n" not in message, f"a check's message should be one line: {message!r}"
    assert message.startswith(f"{name}: "), message
    return failure.value


# ---------------------------------------------------------------------------
# The exercises and their public checks
# ---------------------------------------------------------------------------


def test_every_exercise_has_a_correct_function_and_a_table_of_mistakes():
    assert list(CORRECT) == list(EXERCISES) == list(MISTAKES)


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
        check(name)(CORRECT[name])
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
        return CORRECT[name](*args, **kwargs)

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
    assert RANDOM_EXERCISES == [name for name in EXERCISES if "rng" in inspect.signature(CORRECT[name]).parameters]


@pytest.mark.parametrize("name", RANDOM_EXERCISES)
def test_a_new_generator_inside_the_function_is_caught(name):
    failure = fails(name, with_rng(CORRECT[name], np.random.default_rng))
    assert re.search(r": two generators with the same seed gave different \w+ - take every random number", str(failure))


@pytest.mark.parametrize("name", RANDOM_EXERCISES)
def test_a_fixed_seed_inside_the_function_is_caught(name):
    failure = fails(name, with_rng(CORRECT[name], lambda: np.random.default_rng(0)))
    assert re.search(r": your \w+ do not depend on the rng argument .* rather than from a generator with a fixed seed",
                     str(failure))


# ---------------------------------------------------------------------------
# Other correct functions pass too
# ---------------------------------------------------------------------------


def sample_mixture_with_multivariate_normal(weights, means, covariances, n_samples, rng=None):
    """One rng.multivariate_normal call per component."""
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    X = np.empty((n_samples, means.shape[1]))
    for k in range(len(weights)):
        X[labels == k] = rng.multivariate_normal(means[k], covariances[k], size=(labels == k).sum())
    return X, labels


def sample_mixture_with_counts(weights, means, covariances, n_samples, rng=None):
    """Multinomial counts, then shuffled component blocks, the labels as a list."""
    counts = rng.multinomial(n_samples, weights)
    labels = rng.permutation(np.repeat(np.arange(len(weights)), counts))
    X = np.array([rng.multivariate_normal(means[k], covariances[k]) for k in labels])
    return X, labels.tolist()


def gmm_em_regularised(data, num_components, num_iterations, rng):
    """The package's default reg_covar in every M-step."""
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = CORRECT["e_step"](data, weights, means, covariances)
        weights, means, covariances = gmm_lessons.m_step(data, responsibilities)
    return weights, means, covariances


def sample_images_one_by_one(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    """x-bar + B^T z for each score vector z, as the equation is written."""
    sampled_scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.array([np.clip(pixel_mean + basis.T @ z, 0, 16) for z in sampled_scores])


@pytest.mark.parametrize(
    "name, function",
    [
        ("m_step", original_lesson.m_step),
        ("sample_mixture", sample_mixture_with_multivariate_normal),
        ("sample_mixture", sample_mixture_with_counts),
        ("gmm_em", gmm_em_regularised),
        ("sample_images", sample_images_one_by_one),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_other_correct_functions_pass(name, function, capsys):
    check(name)(function)
    assert capsys.readouterr().out.startswith(f"check_{name}: all ")


def test_the_original_density_space_e_step_fails_only_far_from_the_components():
    """The far-away case runs last: reaching it means every earlier case passed."""
    assert "40 standard deviations from every component gave NaN" in str(fails("e_step", original_lesson.e_step))


# ---------------------------------------------------------------------------
# Lesson 01: sampling mistakes
# ---------------------------------------------------------------------------


def sample(weights, means, covariances, n_samples, rng):
    return CORRECT["sample_mixture"](weights, means, covariances, n_samples, rng=rng)


def transform_noise(factors, labels, rng):
    """factors[labels[n]] @ eps_n for standard normal eps_n: a learner's usual way to shape the noise."""
    eps = rng.standard_normal((len(labels), factors.shape[-1]))
    return np.einsum("nij,nj->ni", factors[labels], eps)


def sample_with_factors(factors):
    """A sampler that multiplies the noise by factors(covariances) instead of their Cholesky factors."""

    def sample_mixture(weights, means, covariances, n_samples, rng=None):
        labels = rng.choice(len(weights), size=n_samples, p=weights)
        return means[labels] + transform_noise(factors(covariances), labels, rng), labels

    return sample_mixture


def sample_ignoring_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.integers(len(weights), size=n_samples)
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_reversed_weights(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights[::-1])
    return means[labels] + transform_noise(np.linalg.cholesky(covariances), labels, rng), labels


def sample_with_unrelated_labels(weights, means, covariances, n_samples, rng=None):
    X, _ = sample(weights, means, covariances, n_samples, rng)
    return X, rng.choice(len(weights), size=n_samples, p=weights)


def sample_in_blocks_with_shuffled_labels(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    counts = np.bincount(labels, minlength=len(weights))
    X = np.vstack([rng.multivariate_normal(means[k], covariances[k], size=counts[k]) for k in range(len(weights))])
    return X, labels


def sample_with_standard_deviations(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    standard_deviations = np.sqrt(np.diagonal(covariances, axis1=1, axis2=2))
    return means[labels] + standard_deviations[labels] * rng.standard_normal((n_samples, means.shape[1])), labels


def sample_without_covariance(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    return means[labels] + rng.standard_normal((n_samples, means.shape[1])), labels


def sample_then(change):
    """A sampler whose correct (X, labels) are changed by change(X, labels, n_components) before returning."""

    def sample_mixture(weights, means, covariances, n_samples, rng=None):
        return change(*sample(weights, means, covariances, n_samples, rng), len(weights))

    return sample_mixture


SAMPLING_MISTAKES = [
    (
        "ignoring_weights",
        sample_ignoring_weights,
        r"the labels ignore the weights: with weights \[0\.5, 0\.3, 0\.2\] the labels' frequencies are .*p=weights",
    ),
    ("reversed_weights", sample_with_reversed_weights, r"the labels' frequencies \[.*\] do not match the weights"),
    ("unrelated_labels", sample_with_unrelated_labels, r"points labelled 0 are not drawn from component 0"),
    ("blocks_with_shuffled_labels", sample_in_blocks_with_shuffled_labels, r"points labelled 0 are not drawn from"),
    (
        "covariance_as_factor",
        sample_with_factors(lambda covariances: covariances),
        r"points labelled 0 have covariance .* you multiplied the noise by Sigma_k itself",
    ),
    (
        "transposed_cholesky",
        sample_with_factors(lambda covariances: np.linalg.cholesky(covariances).transpose(0, 2, 1)),
        r"you multiplied by L_k\^T instead of L_k",
    ),
    ("standard_deviations", sample_with_standard_deviations, r"the correlations \(off-diagonal entries of Sigma_k\)"),
    ("without_covariance", sample_without_covariance, r"the points have identity covariance"),
    ("elementwise_square_root", sample_with_factors(np.sqrt), r"your points X contain NaN or infinity .*Cholesky"),
    (
        "transposed_points",
        sample_then(lambda X, labels, K: (X.T, labels)),
        r"expected X of shape \(n_samples, n_features\) = \(10, 2\), got \(2, 10\) - the axes are in the wrong order",
    ),
    ("one_hot_labels", sample_then(lambda X, labels, K: (X, np.eye(K)[labels])), r"not one-hot rows"),
    (
        "labels_from_one",
        sample_then(lambda X, labels, K: (X, labels + 1)),
        r"labels must be component indices 0\.\.2, got values \[.*\] - count components from 0",
    ),
    (
        "only_points",
        sample_then(lambda X, labels, K: X),
        r"expected a pair \(X, labels\), got an array of shape \(10, 2\) - end with `return X, labels`",
    ),
]


# ---------------------------------------------------------------------------
# Lessons 02 and 03: log-likelihood and E-step mistakes
# ---------------------------------------------------------------------------


def log_weighted_densities(X, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k), shape (n_samples, n_components)."""
    return np.log(weights) + gmm_lessons.log_gaussian_density(X, means, covariances)


def densities(X, weights, means, covariances):
    """pi_k N(x_n | mu_k, Sigma_k) in density space, shape (n_samples, n_components)."""
    return np.exp(log_weighted_densities(X, weights, means, covariances))


def log_likelihood_per_sample(X, weights, means, covariances):
    return logsumexp(log_weighted_densities(X, weights, means, covariances), axis=1)


def log_likelihood_with_weights(weights_instead):
    """The log-likelihood computed with weights_instead(weights) as the mixing weights."""
    return lambda X, weights, means, covariances: log_likelihood_per_sample(
        X, weights_instead(weights), means, covariances
    ).sum()


LOG_LIKELIHOOD_MISTAKES = [
    ("per_sample", log_likelihood_per_sample, r"one value per sample \(shape \(6,\)\) instead of the total - sum them"),
    ("per_sample_and_component", log_weighted_densities, r"one value per sample and component \(shape \(6, 2\)\)"),
    (
        "without_log",
        lambda *inputs: densities(*inputs).sum(),
        r"you summed the densities p\(x_n\) without taking logs",
    ),
    (
        "product",
        lambda *inputs: np.prod(densities(*inputs).sum(axis=1)),
        r"you returned the likelihood, the product of the p\(x_n\)",
    ),
    (
        "mean",
        lambda *inputs: log_likelihood_per_sample(*inputs).mean(),
        r"you averaged ln p\(x_n\) over samples - return their sum",
    ),
    ("negative", lambda *inputs: -CORRECT["log_likelihood"](*inputs), r"you returned minus the log-likelihood"),
    (
        "equal_weights",
        log_likelihood_with_weights(lambda weights: np.full(len(weights), 1 / len(weights))),
        r"ignores the mixing weights pi_k",
    ),
    ("without_weights", log_likelihood_with_weights(np.ones_like), r"ignores the mixing weights pi_k"),
    (
        "log_inside_the_sum",
        lambda *inputs: log_weighted_densities(*inputs).sum(),
        r"you took the log of each component's term and summed over components",
    ),
    (
        "density_space",
        lambda *inputs: np.log(densities(*inputs).sum(axis=1)).sum(),
        r"40 standard deviations from every component you returned -inf .*logsumexp",
    ),
    (
        "density_space_with_epsilon",
        lambda *inputs: np.log(densities(*inputs).sum(axis=1) + 1e-300).sum(),
        r"40 standard deviations .* small constant .* log-sum-exp",
    ),
    (
        "returns_a_tuple",
        lambda *inputs: (log_likelihood_per_sample(*inputs).sum(), log_likelihood_per_sample(*inputs)),
        r"expected a number, got a tuple of 2 items",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return`"),
]


def normalised(weighted, axis=1, keepdims=True):
    """Responsibilities from pi_k N(x_n | mu_k, Sigma_k), normalised over an axis (right: 1, keeping it)."""
    return weighted / weighted.sum(axis=axis, keepdims=keepdims)


def e_step_from_log_weighted(log_weighted):
    """An E-step that normalises log_weighted(X, weights, means, covariances) in log space."""

    def e_step(X, weights, means, covariances):
        values = log_weighted(X, weights, means, covariances)
        return np.exp(values - logsumexp(values, axis=1, keepdims=True))

    return e_step


def e_step_without_determinant(X, weights, means, covariances):
    """A hand-written log-density that drops the normalising constant altogether."""
    return np.column_stack(
        [
            np.log(w) - 0.5 * np.sum((X - m) @ np.linalg.inv(c) * (X - m), axis=1)
            for w, m, c in zip(weights, means, covariances)
        ]
    )


def e_step_centres_x_in_place(X, weights, means, covariances):
    log_weighted = np.empty((X.shape[0], len(weights)))
    for k in range(len(weights)):
        diff = X
        diff -= means[k]
        log_weighted[:, k] = np.log(weights[k]) + multivariate_normal.logpdf(diff, np.zeros(2), covariances[k])
        diff += means[k]
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def e_step_means_by_column(X, weights, means, covariances):
    weighted = np.column_stack(
        [weights[k] * multivariate_normal.pdf(X, means[:, k], covariances[k]) for k in range(len(weights))]
    )
    return normalised(weighted)


def unit_weights(log_weighted_with):
    """log_weighted_with(log-densities, weights): how a mistaken E-step brings in the weights."""
    return lambda X, weights, means, covariances: log_weighted_with(
        log_weighted_densities(X, np.ones(len(weights)), means, covariances), weights
    )


E_STEP_MISTAKES = [
    (
        "transposed",
        lambda *inputs: CORRECT["e_step"](*inputs).T,
        r"expected responsibilities of shape \(n_samples, n_components\) = \(6, 2\), got \(2, 6\)",
    ),
    (
        "without_keepdims",
        lambda *inputs: normalised(densities(*inputs), keepdims=False),
        r"raised ValueError: operands could not be broadcast .*keepdims=True",
    ),
    (
        "normalised_over_samples",
        lambda *inputs: normalised(densities(*inputs), axis=0),
        r"each column of your responsibilities sums to 1, not each row .*axis=1",
    ),
    ("not_normalised", densities, r"each row sums to the mixture density p\(x_n\), not 1 .*did not divide"),
    (
        "normalised_by_the_total",
        lambda *inputs: normalised(densities(*inputs), axis=None),
        r"rows of your responsibilities sum to \[.*\] not 1 - did you normalise over",
    ),
    (
        "returns_logs",
        lambda *inputs: log_weighted_densities(*inputs) - logsumexp(log_weighted_densities(*inputs), axis=1)[:, None],
        r"look like log responsibilities .*np\.exp",
    ),
    (
        "ignores_weights",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density)),
        r"ignore the mixing weights pi_k: with weights \[0\.9, 0\.1\] they equal those for",
    ),
    (
        "adds_weights_in_log_space",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density + weights)),
        r"you added pi_k to the log-densities - in log space add ln pi_k",
    ),
    (
        "multiplies_log_densities_by_weights",
        e_step_from_log_weighted(unit_weights(lambda log_density, weights: log_density * weights)),
        r"you multiplied the log-densities by pi_k",
    ),
    (
        "without_determinant",
        e_step_from_log_weighted(e_step_without_determinant),
        r"leave out the factor \|Sigma_k\|\^\(-1/2\)",
    ),
    ("original_lesson", original_lesson.e_step, r"a point 40 standard deviations from every component gave NaN - "),
    (
        "with_epsilon",
        lambda *inputs: normalised(densities(*inputs) + 1e-300),
        r"40 standard deviations .* expected \[0\.7, 0\.3\], got \[0\.5, 0\.5\] .*log-sum-exp",
    ),
    ("centres_x_in_place", e_step_centres_x_in_place, r"your function changed X in place"),
    (
        "means_by_column",
        e_step_means_by_column,
        r"raised ValueError: .* it was called with X of shape \(3, 2\), weights of shape \(3,\)",
    ),
    (
        "returns_a_tuple",
        lambda *inputs: (CORRECT["e_step"](*inputs), CORRECT["log_likelihood"](*inputs)),
        r"got a tuple of 2 items - return only responsibilities",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return responsibilities`"),
]


# ---------------------------------------------------------------------------
# Lessons 04 and 05: M-step and EM-loop mistakes
# ---------------------------------------------------------------------------


def m_step_with(weights=None, means=None, covariances=None):
    """An M-step whose weights, means or covariances come from a (buggy) function of X, R and the right means."""

    def m_step(X, R):
        right_weights, right_means, right_covariances = CORRECT["m_step"](X, R)
        return (
            right_weights if weights is None else weights(X, R),
            right_means if means is None else means(X, R),
            right_covariances if covariances is None else covariances(X, R, right_means),
        )

    return m_step


def weighted_scatter(X, R, centres, divisors):
    return np.array([(R[:, k] * (X - centres[k]).T) @ (X - centres[k]) / divisors[k] for k in range(R.shape[1])])


M_STEP_MISTAKES = [
    (
        "weights_are_N_k",
        m_step_with(weights=lambda X, R: R.sum(axis=0)),
        r"weights are N_k = \[.*\] \(they sum to N = 10\), not N_k / N",
    ),
    (
        "weights_summed_over_components",
        m_step_with(weights=lambda X, R: R.sum(axis=1) / len(X)),
        r"expected weights of shape \(n_components,\) = \(3,\), got \(10,\) - you summed over components",
    ),
    (
        "weights_with_keepdims",
        m_step_with(weights=lambda X, R: R.sum(axis=0, keepdims=True) / len(X)),
        r"got \(1, 3\) - it has an extra axis of length 1",
    ),
    (
        "weights_uniform",
        m_step_with(weights=lambda X, R: np.full(R.shape[1], 1 / R.shape[1])),
        r"weights are all 1 / n_components",
    ),
    ("weights_divided_by_K", m_step_with(weights=lambda X, R: R.sum(axis=0) / R.shape[1]), r"weights sum to 3\.333"),
    (
        "means_divided_by_N",
        m_step_with(means=lambda X, R: R.T @ X / len(X)),
        r"means are divided by N \(the number of samples\) instead of N_k",
    ),
    ("means_not_divided", m_step_with(means=lambda X, R: R.T @ X), r"means are sum_n gamma\(z_nk\) x_n, not divided"),
    (
        "means_unweighted",
        m_step_with(means=lambda X, R: np.tile(X.mean(axis=0), (R.shape[1], 1))),
        r"every mean is the plain average of X",
    ),
    (
        "means_transposed",
        m_step_with(means=lambda X, R: X.T @ R / R.sum(axis=0)),
        r"expected means of shape \(n_components, n_features\) = \(3, 2\), got \(2, 3\) - the axes are in the wrong",
    ),
    (
        "covariances_unweighted",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, np.ones_like(R), mu, R.sum(axis=0))),
        r"covariances are not weighted by the responsibilities",
    ),
    (
        "covariances_np_cov_of_all_data",
        m_step_with(covariances=lambda X, R, mu: np.array([np.cov(X.T)] * R.shape[1])),
        r"covariances are not weighted by the responsibilities",
    ),
    (
        "covariances_centred_on_global_mean",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, [X.mean(axis=0)] * R.shape[1], R.sum(axis=0))),
        r"covariances are centred on the mean of all of X rather than the new mu_k",
    ),
    (
        "covariances_not_centred",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, np.zeros_like(mu), R.sum(axis=0))),
        r"covariances are centred on zero",
    ),
    (
        "covariances_divided_by_N",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, mu, [len(X)] * R.shape[1])),
        r"covariances are divided by N \(the number of samples\) instead of N_k",
    ),
    (
        "covariances_np_cov_aweights",
        m_step_with(covariances=lambda X, R, mu: np.array([np.cov(X.T, aweights=R[:, k]) for k in range(R.shape[1])])),
        r"bias correction, as np\.cov gives by default",
    ),
    (
        "covariances_stacked_last",
        m_step_with(covariances=lambda X, R, mu: np.dstack(weighted_scatter(X, R, mu, R.sum(axis=0)))),
        r"expected covariances of shape .* = \(3, 2, 2\), got \(2, 2, 3\) - the axes are in the wrong order",
    ),
    ("covariances_regularised", gmm_lessons.m_step, r"covariances have 1e-06 added to the diagonal"),
    (
        "returns_means_first",
        lambda X, R: tuple(CORRECT["m_step"](X, R)[i] for i in (1, 0, 2)),
        r"that is the shape of the means - return weights, means, covariances in this order",
    ),
    (
        "normalises_responsibilities_in_place",
        lambda X, R: CORRECT["m_step"](X, R.__itruediv__(R.sum(axis=1, keepdims=True))),
        r"your function changed responsibilities in place",
    ),
    (
        "returns_two_values",
        lambda X, R: CORRECT["m_step"](X, R)[1:],
        r"expected a tuple \(weights, means, covariances\), got a tuple of 2 items",
    ),
    (
        "returns_a_dict",
        lambda X, R: dict(zip(("weights", "means", "covariances"), CORRECT["m_step"](X, R))),
        r"expected a tuple \(weights, means, covariances\), got a dict - end with `return weights, means, covariances`",
    ),
]


def gmm_em_stale_responsibilities(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    responsibilities = CORRECT["e_step"](data, weights, means, covariances)
    for _ in range(num_iterations):
        weights, means, covariances = CORRECT["m_step"](data, responsibilities)
    return weights, means, covariances


GMM_EM_MISTAKES = [
    (
        "one_iteration_too_many",
        lambda data, K, num_iterations, rng: CORRECT["gmm_em"](data, K, num_iterations + 1, rng),
        r"with num_iterations=0 your result equals EM after 1 iterations",
    ),
    (
        "kmeans_plus_plus_start",
        lambda data, K, num_iterations, rng: tuple(gmm_lessons.fit_gmm(data, K, max_iter=num_iterations, tol=0, rng=rng,
                                                                       reg_covar=0).history[-1]),
        r"with num_iterations=0 expected the start itself, gl\.initialize_parameters",
    ),
    ("stale_responsibilities", gmm_em_stale_responsibilities, r"after 4 iterations your parameters differ from EM"),
    (
        "returns_responsibilities",
        lambda data, K, num_iterations, rng: CORRECT["e_step"](data, *CORRECT["gmm_em"](data, K, num_iterations, rng)),
        r"expected a tuple \(weights, means, covariances\), got an array of shape \(120, 3\)",
    ),
]


# ---------------------------------------------------------------------------
# Lesson 06: k-means++ seeding mistakes
# ---------------------------------------------------------------------------


def seeding_with(next_seed_weights, update=np.minimum):
    """k-means++ with the next seed drawn with probability proportional to next_seed_weights(D^2) and D^2 updated
    by update(D^2 so far, squared distance to the new seed)."""

    def kmeans_plus_plus(data, num_components, rng):
        n_samples = data.shape[0]
        chosen = [rng.integers(n_samples)]
        squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
        for _ in range(1, num_components):
            weights = next_seed_weights(squared_distance)
            chosen.append(rng.choice(n_samples, p=weights / weights.sum()))
            squared_distance = update(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
        return np.array(chosen)

    return kmeans_plus_plus


def kmeans_plus_plus_newest_seed_skipping_chosen_rows(data, num_components, rng):
    """D to the newest seed only, with the rows chosen so far given probability 0 (so nothing repeats)."""
    n_samples = data.shape[0]
    chosen = [rng.integers(n_samples)]
    for _ in range(1, num_components):
        squared_distance = ((data - data[chosen[-1]]) ** 2).sum(axis=1)
        squared_distance[chosen] = 0
        chosen.append(rng.choice(n_samples, p=squared_distance / squared_distance.sum()))
    return np.array(chosen)


def kmeans_plus_plus_first_seed_is_row_0(data, num_components, rng):
    chosen = [0]
    squared_distance = ((data - data[0]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(data.shape[0], p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


SEEDING_MISTAKES = [
    (
        "uniform",
        lambda data, K, rng: rng.choice(data.shape[0], size=K, replace=False),
        r"your seeds are drawn uniformly: .* in \d+% of seedings, where D\^2 sampling gives 6%",
    ),
    (
        "uniform_with_replacement",
        lambda data, K, rng: rng.integers(data.shape[0], size=K),
        r"row \d+ was picked twice",
    ),
    (
        "distance_not_squared",
        seeding_with(np.sqrt),
        r"proportional to D\(x_n\), not D\(x_n\)\^2: .* in \d+% of seedings, .* square the distances",
    ),
    (
        "distance_to_the_newest_seed",
        seeding_with(lambda squared_distance: squared_distance, update=lambda squared_distance, to_new: to_new),
        r"row \d+ was picked twice .* nearest seed so far.*np\.minimum",
    ),
    (
        "newest_seed_skipping_chosen_rows",
        kmeans_plus_plus_newest_seed_skipping_chosen_rows,
        r"your third seed fell in the second seed's pair in \d+% of 400 seedings, expected 50% - .* NEAREST",
    ),
    (
        "first_seed_is_row_0",
        kmeans_plus_plus_first_seed_is_row_0,
        r"\(first, second\) seeds came up \[\[0, \d+, \d+\], \[0, 0, 0\], \[0, 0, 0\]\] .* first seed uniformly",
    ),
    (
        "returns_the_points",
        lambda data, K, rng: data[CORRECT["kmeans_plus_plus"](data, K, rng)],
        r"expected indices of shape \(num_components,\) = \(4,\), got \(4, 2\) - those are the seed points",
    ),
    (
        "float_indices",
        lambda data, K, rng: CORRECT["kmeans_plus_plus"](data, K, rng).astype(float),
        r"indices must hold integers, got \[.*\] of type float64",
    ),
    (
        "counts_rows_from_1",
        lambda data, K, rng: CORRECT["kmeans_plus_plus"](data, K, rng) + 1,
        r"indices must be rows of data, 0\.\.\d+, got .* count rows from 0",
    ),
]


# ---------------------------------------------------------------------------
# Lesson 07: parameter-count mistakes
# ---------------------------------------------------------------------------


def n_parameters_with(weights=None, covariances=None):
    """A count whose weights (from K) or covariance parameters (from K, d and the type) come from a buggy function."""

    def n_parameters(num_components, num_features, covariance_type):
        right = CORRECT["n_parameters"](num_components, num_features, covariance_type)
        K, d = num_components, num_features
        right_covariances = right - (K - 1) - K * d
        return (
            (K - 1 if weights is None else weights(K))
            + K * d
            + (right_covariances if covariances is None else covariances(K, d, covariance_type, right_covariances))
        )

    return n_parameters


def full_counted_d_squared(K, d, covariance_type, right):
    return {"full": K * d * d, "tied": d * d}.get(covariance_type, right)


PARAMETER_MISTAKES = [
    (
        "K_weights",
        n_parameters_with(weights=lambda K: K),
        r"n_parameters\(1, 1, 'full'\) returned 3, expected 2 - there are K weights, but they sum to 1",
    ),
    (
        "symmetric_counted_d_squared",
        n_parameters_with(covariances=full_counted_d_squared),
        r"n_parameters\(1, 2, 'full'\) returned 6, expected 5 - a symmetric d x d matrix has d\(d\+1\)/2 free",
    ),
    (
        "K_weights_and_d_squared",
        n_parameters_with(weights=lambda K: K, covariances=full_counted_d_squared),
        r"they sum to 1, so only K - 1 are free; and a symmetric d x d matrix",
    ),
    (
        "tied_per_component",
        n_parameters_with(covariances=lambda K, d, t, right: K * right if t == "tied" else right),
        r"n_parameters\(2, 1, 'tied'\) returned 5, expected 4 - tied covariances are one matrix shared by all K",
    ),
    (
        "spherical_d_per_component",
        n_parameters_with(covariances=lambda K, d, t, right: K * d if t == "spherical" else right),
        r"'spherical'\) .* a spherical Sigma_k = sigma_k\^2 I has a single variance: 1 parameter per component",
    ),
    (
        "diag_counted_as_full",
        n_parameters_with(covariances=lambda K, d, t, right: K * d * (d + 1) // 2 if t == "diag" else right),
        r"'diag'\) .* a diagonal Sigma_k has only its d variances: d per component, not d\(d\+1\)/2",
    ),
    (
        "means_forgotten",
        lambda K, d, t: CORRECT["n_parameters"](K, d, t) - K * d,
        r"n_parameters\(1, 1, 'full'\) returned 1, expected 2: 0 weights \(K of them, but they sum to 1\) \+ 1 means",
    ),
    (
        "true_division",
        lambda K, d, t: CORRECT["n_parameters"](K, d, t) + 0.0,
        r"n_parameters\(3, 2, 'full'\) returned 17\.0, a float - .* divide with //",
    ),
    (
        "returns_a_dict",
        lambda K, d, t: {"full": CORRECT["n_parameters"](K, d, "full")},
        r"returned .*dict - return the number of parameters, an int",
    ),
    ("forgets_return", lambda K, d, t: None, r"returned None - did you forget `return p`"),
    (
        "tied_missing",
        lambda K, d, t: (K - 1) + K * d + {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K}[t],
        r"raised KeyError: 'tied' - it was called with num_components=1, num_features=1, covariance_type='tied'",
    ),
]


# ---------------------------------------------------------------------------
# Lesson 08: component-matching mistakes
# ---------------------------------------------------------------------------


def squared_distances(rows, columns):
    return ((rows[:, np.newaxis, :] - columns[np.newaxis, :, :]) ** 2).sum(axis=2)


def align_greedy(means, reference_means):
    """The closest (reference, mean) pair first, then the closest of the rest, and so on."""
    cost = squared_distances(reference_means, means)
    order = np.zeros(len(means), dtype=int)
    for _ in range(len(means)):
        j, k = np.unravel_index(np.argmin(cost), cost.shape)
        order[j] = k
        cost[j, :] = cost[:, k] = np.inf
    return order


ALIGNMENT_MISTAKES = [
    (
        "inverse",
        lambda means, reference: linear_sum_assignment(squared_distances(means, reference))[1],
        r"with 3 components expected order \[1, 2, 0\], got \[2, 0, 1\] - that is the inverse",
    ),
    (
        "row_indices",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means))[0],
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - you returned 0\.\.K-1 for every K: the row",
    ),
    ("greedy", align_greedy, r"your order \[1, 0\] has total squared distance 9\.01, but \[0, 1\] has 4\.81 - .*greed"),
    (
        "nearest_mean",
        lambda means, reference: squared_distances(reference, means).argmin(axis=1),
        r"order must be a permutation of 0\.\.1, each component once, got \[0, 0\] - .*argmin",
    ),
    (
        "maximises",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means), maximize=True)[1],
        r"with 2 components expected order \[1, 0\], got \[0, 1\] - cost\[j, k\] = \|reference_means\[j\] - means",
    ),
    (
        "returns_both_outputs",
        lambda means, reference: linear_sum_assignment(squared_distances(reference, means)),
        r"got \(2, 3\) - linear_sum_assignment returns two arrays, \(row indices, column indices\)",
    ),
    (
        "returns_the_means",
        lambda means, reference: means[CORRECT["align_components"](means, reference)],
        r"got \(3, 2\) - that is the shape of the means",
    ),
    (
        "float_order",
        lambda means, reference: CORRECT["align_components"](means, reference).astype(float),
        r"order must hold integers, got \[1, 2, 0\] of type float64",
    ),
    (
        "counts_from_1",
        lambda means, reference: CORRECT["align_components"](means, reference) + 1,
        r"permutation of 0\.\.2, .* count components from 0",
    ),
]


# ---------------------------------------------------------------------------
# Lesson 09: image-sampling mistakes
# ---------------------------------------------------------------------------


def images_from_scores(to_images):
    """An image sampler that maps the scores drawn by gl.sample_mixture with to_images(scores, pixel_mean, basis)."""

    def sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis):
        scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
        return to_images(scores, pixel_mean, basis)

    return sample_images


def images_after_another_draw(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    rng.permutation(n_samples)
    return CORRECT["sample_images"](weights, means, covariances, n_samples, rng, pixel_mean, basis)


IMAGE_MISTAKES = [
    (
        "without_mean",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(scores @ basis, 0, 16)),
        r"you left out the mean image - .* pixel_mean \+ scores @ basis",
    ),
    (
        "without_clipping",
        images_from_scores(lambda scores, pixel_mean, basis: pixel_mean + scores @ basis),
        r"some of your pixels lie outside the grey levels 0\.\.16 \(from -.* np\.clip",
    ),
    (
        "without_mean_or_clipping",
        images_from_scores(lambda scores, pixel_mean, basis: scores @ basis),
        r"you left out the mean image and the clipping",
    ),
    (
        "basis_transposed",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis.T, 0, 16)),
        r"raised ValueError: matmul: .* basis of shape \(4, 16\); a @ b needs the last axis of a as long as",
    ),
    (
        "in_columns",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean[:, None] + basis.T @ scores.T, 0, 16)),
        r"expected images of shape \(n_samples, n_pixels\) = \(10, 16\), got \(16, 10\) - one row",
    ),
    (
        "as_scores",
        images_from_scores(lambda scores, pixel_mean, basis: scores),
        r"got \(10, 4\) - those are the PCA scores",
    ),
    (
        "with_components",
        lambda *inputs: (CORRECT["sample_images"](*inputs), np.zeros(10)),
        r"expected images as an array of numbers, .* got a tuple of 2 items - return only images",
    ),
    (
        "after_another_draw",
        images_after_another_draw,
        r"your images differ from those drawn with the same seed .* nothing else from rng",
    ),
]


# ---------------------------------------------------------------------------
# Lesson 10: lower-bound mistakes
# ---------------------------------------------------------------------------


def lower_bound_terms(with_logs=True, entropy_sign=-1, log_weights=True):
    """A lower bound that sums q_nk [ln pi_k + ln N(x_n | mu_k, Sigma_k) + entropy_sign * ln q_nk], where
    ln N is replaced by N itself without ``with_logs`` and ln pi_k left out without ``log_weights``;
    q ln q is evaluated naively (0 ln 0 = NaN)."""

    def lower_bound(data, weights, means, covariances, responsibilities):
        log_density = gmm_lessons.log_gaussian_density(data, means, covariances)
        density_term = log_density if with_logs else np.exp(log_density)
        joint = density_term + (np.log(weights) if log_weights else 0.0)
        return (responsibilities * (joint + entropy_sign * np.log(responsibilities))).sum()

    return lower_bound


def lower_bound_summed_over(axis):
    def lower_bound(data, weights, means, covariances, responsibilities):
        log_joint = log_weighted_densities(data, weights, means, covariances)
        return (responsibilities * (log_joint - np.log(responsibilities))).sum(axis=axis)

    return lower_bound


def lower_bound_with_own_responsibilities(data, weights, means, covariances, responsibilities):
    own = gmm_lessons.e_step(data, weights, means, covariances)
    return CORRECT["lower_bound"](data, weights, means, covariances, own)


def lower_bound_without_entropy(data, weights, means, covariances, responsibilities):
    return (responsibilities * log_weighted_densities(data, weights, means, covariances)).sum()


LOWER_BOUND_MISTAKES = [
    ("without_entropy", lower_bound_without_entropy, r"you left out the entropy term - subtract q_nk ln q_nk"),
    ("entropy_sign", lower_bound_terms(entropy_sign=1), r"the entropy term has the wrong sign"),
    ("without_log_weights", lower_bound_terms(log_weights=False), r"you left out ln pi_k"),
    ("densities", lower_bound_terms(with_logs=False), r"density N\(x_n \| mu_k, Sigma_k\) instead of its log"),
    ("naive_zero_log_zero", lower_bound_terms(), r"with q_nk = 0 you returned nan - .*xlogy"),
    ("per_sample", lower_bound_summed_over(1), r"one value per sample \(shape \(8,\)\) - .* sum over both"),
    ("wrong_axis", lower_bound_summed_over(0), r"one value per component \(shape \(3,\)\)"),
    ("per_term", lower_bound_summed_over(()), r"one value per sample and component \(shape \(8, 3\)\)"),
    ("own_responsibilities", lower_bound_with_own_responsibilities, r"did you ignore the responsibilities argument"),
    ("mean", lambda *inputs: CORRECT["lower_bound"](*inputs) / 8, r"you averaged over the samples"),
    (
        "returns_a_tuple",
        lambda *inputs: (CORRECT["lower_bound"](*inputs), CORRECT["log_likelihood"](*inputs[:4])),
        r"expected a number, got a tuple of 2 items",
    ),
    ("returns_a_string", lambda *inputs: f"{CORRECT['lower_bound'](*inputs):.3f}", r"expected a number, got '-"),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return`"),
]


MISTAKES = {
    "sample_mixture": SAMPLING_MISTAKES,
    "log_likelihood": LOG_LIKELIHOOD_MISTAKES,
    "e_step": E_STEP_MISTAKES,
    "m_step": M_STEP_MISTAKES,
    "gmm_em": GMM_EM_MISTAKES,
    "kmeans_plus_plus": SEEDING_MISTAKES,
    "n_parameters": PARAMETER_MISTAKES,
    "align_components": ALIGNMENT_MISTAKES,
    "sample_images": IMAGE_MISTAKES,
    "lower_bound": LOWER_BOUND_MISTAKES,
}


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@pytest.mark.parametrize(
    "name, buggy, diagnosis",
    [
        pytest.param(name, buggy, diagnosis, id=f"{name}-{mistake}")
        for name, mistakes in MISTAKES.items()
        for mistake, buggy, diagnosis in mistakes
    ],
)
def test_each_mistake_gets_its_diagnosis_in_one_line(name, buggy, diagnosis):
    failure = fails(name, buggy)
    assert re.search(diagnosis, str(failure)), str(failure)

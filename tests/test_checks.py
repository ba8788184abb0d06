"""The self-checks pass correct functions and diagnose the mistakes learners make.

The generic tests run over every exercise of ``checks.EXERCISES``: a correct
function passes in one line; an unsolved stub, a function that is not passed
itself, one that raises and one that touches numpy's global random state fail
in one line naming the exercise. Then each exercise's table of buggy
functions, one realistic mistake each, with the diagnosis its check must give.
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
import original_lesson
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

import gmm_lessons
from course.manifest import read_lessons
from gmm_lessons import checks
from gmm_lessons.checks import EXERCISES, CheckFailed
from gmm_lessons.checks._references import resolve
from gmm_lessons.checks._time_limit import ENVIRONMENT_VARIABLE, default_time_limit

# ---------------------------------------------------------------------------
# A correct function for each exercise, written here in NumPy and SciPy, independent of the package's reference
# (which the checks reject)
# ---------------------------------------------------------------------------


def correct_log_weighted(data, weights, means, covariances):
    """ln pi_k + ln N(x_n | mu_k, Sigma_k) by scipy's multivariate_normal: shape (n_samples, n_components)."""
    return np.column_stack(
        [np.log(w) + multivariate_normal.logpdf(data, m, c) for w, m, c in zip(weights, means, covariances)]
    )


def correct_sample_mixture(weights, means, covariances, n_samples, rng=None):
    labels = rng.choice(len(weights), size=n_samples, p=weights)
    noise = rng.standard_normal((n_samples, means.shape[1]))
    X = means[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(covariances)[labels], noise)
    return X, labels


def correct_log_likelihood(data, weights, means, covariances):
    return float(logsumexp(correct_log_weighted(data, weights, means, covariances), axis=1).sum())


def correct_e_step(data, weights, means, covariances):
    log_weighted = correct_log_weighted(data, weights, means, covariances)
    return np.exp(log_weighted - logsumexp(log_weighted, axis=1, keepdims=True))


def correct_m_step(data, responsibilities):
    N_k = responsibilities.sum(axis=0)
    means = responsibilities.T @ data / N_k[:, np.newaxis]
    covariances = np.array(
        [(r[:, np.newaxis] * (data - m)).T @ (data - m) / n for r, m, n in zip(responsibilities.T, means, N_k)]
    )
    return N_k / len(data), means, covariances


def correct_gmm_em(data, num_components, num_iterations, rng):
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        weights, means, covariances = correct_m_step(data, correct_e_step(data, weights, means, covariances))
    return weights, means, covariances


def correct_kmeans_plus_plus(data, num_components, rng):
    chosen = [rng.integers(len(data))]
    squared_distance = ((data - data[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, num_components):
        chosen.append(rng.choice(len(data), p=squared_distance / squared_distance.sum()))
        squared_distance = np.minimum(squared_distance, ((data - data[chosen[-1]]) ** 2).sum(axis=1))
    return np.array(chosen)


def correct_n_parameters(num_components, num_features, covariance_type):
    K, d = num_components, num_features
    covariance_parameters = {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K, "tied": d * (d + 1) // 2}
    return (K - 1) + K * d + covariance_parameters[covariance_type]


def correct_align_components(means, reference_means):
    cost = ((reference_means[:, np.newaxis, :] - means[np.newaxis, :, :]) ** 2).sum(axis=2)
    return linear_sum_assignment(cost)[1]


def correct_sample_images(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    # gl.sample_mixture is what the exercise asks for; the package has no reference image sampler.
    scores, _ = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + scores @ basis, 0, 16)


def correct_lower_bound(data, weights, means, covariances, responsibilities):
    """Bishop (9.71) with scipy's log-densities, written apart from the package: the q_nk = 0 terms count 0."""
    log_joint = np.log(weights) + np.column_stack(
        [multivariate_normal(mean, covariance).logpdf(data) for mean, covariance in zip(means, covariances)]
    )
    q = responsibilities
    log_q = np.log(np.where(q > 0, q, 1.0))
    return float(np.where(q > 0, q * (log_joint - log_q), 0.0).sum())


def correct_conditional_gaussian(mean, covariance, x, observed):
    """Bishop (2.81)-(2.82) with np.linalg.solve on the observed block."""
    missing = ~observed
    sigma_mo = covariance[np.ix_(missing, observed)]
    sigma_oo = covariance[np.ix_(observed, observed)]
    conditional_mean = mean[missing] + sigma_mo @ np.linalg.solve(sigma_oo, x[observed] - mean[observed])
    conditional_covariance = covariance[np.ix_(missing, missing)] - sigma_mo @ np.linalg.solve(sigma_oo, sigma_mo.T)
    return conditional_mean, conditional_covariance


def correct_sufficient_statistics(data, responsibilities):
    """The three sums of the M-step, one einsum each."""
    return (responsibilities.sum(axis=0), responsibilities.T @ data,
            np.einsum("nk,ni,nj->kij", responsibilities, data, data))


CORRECT = {
    "sample_mixture": correct_sample_mixture,
    "log_likelihood": correct_log_likelihood,
    "e_step": correct_e_step,
    "m_step": correct_m_step,
    "gmm_em": correct_gmm_em,
    "kmeans_plus_plus": correct_kmeans_plus_plus,
    "n_parameters": correct_n_parameters,
    "align_components": correct_align_components,
    "sample_images": correct_sample_images,
    "lower_bound": correct_lower_bound,
    "conditional_gaussian": correct_conditional_gaussian,
    "sufficient_statistics": correct_sufficient_statistics,
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


def gmm_em_with_the_packages_steps(data, num_components, num_iterations, rng):
    """Lesson 05's loop composes the package's E- and M-steps on purpose: only fit_gmm is its reference."""
    weights, means, covariances = gmm_lessons.initialize_parameters(data, num_components, rng)
    for _ in range(num_iterations):
        responsibilities = gmm_lessons.e_step(data, weights, means, covariances)
        weights, means, covariances = gmm_lessons.m_step(data, responsibilities, reg_covar=0)
    return weights, means, covariances


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
        return CORRECT["n_parameters"](*args)

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
        check("e_step")(CORRECT["e_step"])


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
        ("gmm_em", gmm_em_with_the_packages_steps),
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
    (
        "returns_a_string",
        lambda *inputs: f"{CORRECT['log_likelihood'](*inputs):.1f}",
        r"your function returned the string '-\d+\.\d' - return ln p\(X\) as a float, not text",
    ),
    ("returns_a_bool", lambda *inputs: True, r"returned True, a bool - return ln p\(X\), a float"),
    (
        "single_precision",
        lambda *inputs: np.float32(CORRECT["log_likelihood"](*inputs)),
        r"your function computed ln p\(X\) in float32 \(single precision",
    ),
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


def e_step_in_single_precision(X, weights, means, covariances):
    """Log space, log-sum-exp and all, but every array float32."""
    X, weights, means, covariances = (np.asarray(a, dtype=np.float32) for a in (X, weights, means, covariances))
    log_weighted = np.empty((len(X), len(weights)), dtype=np.float32)
    log_2_pi = np.log(np.float32(2 * np.pi))
    for k in range(len(weights)):
        diff = X - means[k]
        mahalanobis = np.sum(diff @ np.linalg.inv(covariances[k]) * diff, axis=1)
        log_det = np.log(np.linalg.det(covariances[k]))
        log_weighted[:, k] = np.log(weights[k]) - 0.5 * (mahalanobis + log_det + X.shape[1] * log_2_pi)
    exps = np.exp(log_weighted - log_weighted.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


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
    ("centres_x_in_place", e_step_centres_x_in_place, r"your function changed data in place"),
    (
        "means_by_column",
        e_step_means_by_column,
        r"raised ValueError: .* it was called with data of shape \(3, 2\), weights of shape \(3,\)",
    ),
    (
        "returns_a_tuple",
        lambda *inputs: (CORRECT["e_step"](*inputs), CORRECT["log_likelihood"](*inputs)),
        r"got a tuple of 2 items - return only responsibilities",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return responsibilities`"),
    (
        "in_single_precision",
        e_step_in_single_precision,
        r"your function computed responsibilities in float32 \(single precision, about 7 significant digits\)",
    ),
    (
        "in_single_precision_returned_as_float64",
        lambda *inputs: e_step_in_single_precision(*inputs).astype(float),
        (r"for a point 40 standard deviations from every component expected \[0\.7\d*, 0\.3\d*\], "
         r"got \[0\.\d+, 0\.\d+\] \(they differ in the 5th to 8th digit, the rounding of float32"),
    ),
    (
        "hard_assignments",
        lambda *inputs: np.eye(len(inputs[1]))[CORRECT["e_step"](*inputs).argmax(axis=1)],
        r"your responsibilities are hard assignments \(1 for the most probable component",
    ),
    (
        "returns_strings",
        lambda *inputs: CORRECT["e_step"](*inputs).astype(str),
        r"returned an array of shape \(6, 2\) of strings - return responsibilities as an array of numbers, not text",
    ),
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


def hard_assignments(R):
    """One-hot rows: 1 for each sample's most responsible component."""
    return np.eye(R.shape[1])[R.argmax(axis=1)]


M_STEP_MISTAKES = [
    (
        "hard_assignments",
        lambda X, R: CORRECT["m_step"](X, hard_assignments(R)),
        (r"your weights count the samples whose largest responsibility is gamma\(z_nk\) \(a hard assignment by "
         r"argmax, as k-means does\)"),
    ),
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
        r"every mean is the plain average of data",
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
        r"covariances are centred on the mean of all of data rather than the new mu_k - use diff = data - means\[k\]",
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
    (
        "covariances_regularised",
        m_step_with(covariances=lambda X, R, mu: weighted_scatter(X, R, mu, R.sum(axis=0)) + 1e-6 * np.eye(X.shape[1])),
        r"covariances have 1e-06 added to the diagonal",
    ),
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


def gmm_em_from(start):
    """An EM loop of the right steps from start(data, num_components, rng)."""

    def gmm_em(data, num_components, num_iterations, rng):
        weights, means, covariances = start(data, num_components, rng)
        for _ in range(num_iterations):
            weights, means, covariances = CORRECT["m_step"](data, CORRECT["e_step"](data, weights, means, covariances))
        return weights, means, covariances

    return gmm_em


def start_by_hand(data, num_components, rng):
    """The "random" start of gl.initialize_parameters written out, without its 1e-6 on the covariances."""
    means = data[rng.choice(len(data), num_components, replace=False)]
    covariances = np.repeat(np.cov(data.T)[np.newaxis], num_components, axis=0)
    return np.full(num_components, 1 / num_components), means, covariances


GMM_EM_MISTAKES = [
    (
        "one_iteration_too_many",
        lambda data, K, num_iterations, rng: CORRECT["gmm_em"](data, K, num_iterations + 1, rng),
        r"with num_iterations=0 your result equals EM after 1 iterations",
    ),
    (
        "kmeans_plus_plus_start",
        gmm_em_from(lambda data, K, rng: gmm_lessons.initialize_parameters(data, K, rng, method="kmeans++")),
        r"with num_iterations=0 expected the start itself, gl\.initialize_parameters\(data, num_components, rng\)",
    ),
    (
        "start_without_reg_covar",
        gmm_em_from(start_by_hand),
        (r"with num_iterations=1 your result is EM from a start whose covariances lack the 1e-06 that "
         r"gl\.initialize_parameters\(data, num_components, rng\) adds to their diagonal \(reg_covar\)"),
    ),
    (
        "calls_fit_gmm",
        lambda data, K, num_iterations, rng: tuple(
            gmm_lessons.fit_gmm(
                data, K, max_iter=num_iterations, tol=0, init=gmm_lessons.initialize_parameters(data, K, rng),
                reg_covar=0,
            ).history[-1]
        ),
        r"^gmm_em: this is the package's own gl\.fit_gmm \(or calls it\) - the exercise is to write gmm_em without it",
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


def align_by_sorting(means, reference_means):
    """Both sets of means sorted by their first feature, the k-th smallest matched to the k-th."""
    order = np.empty(len(means), dtype=int)
    order[np.argsort(reference_means[:, 0])] = np.argsort(means[:, 0])
    return order


ALIGNMENT_MISTAKES = [
    (
        "sorted_by_first_feature",
        align_by_sorting,
        (r"your order \[1, 0\] has total squared distance [\d.]+, but \[0, 1\] has [\d.]+ - sorting both sets of "
         r"means by feature 0 does not match them in general \(lesson 08\)"),
    ),
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


def images_without_noise(weights, means, covariances, n_samples, rng, pixel_mean, basis):
    """Each image the mean of the component drawn for it."""
    _, labels = gmm_lessons.sample_mixture(weights, means, covariances, n_samples, rng=rng)
    return np.clip(pixel_mean + means[labels] @ basis, 0, 16)


IMAGE_MISTAKES = [
    (
        "clipped_to_0_1",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis, 0, 1)),
        r"you clipped to 0\.\.1, the grey levels of these images run from 0 to 16",
    ),
    (
        "clipped_to_0_255",
        images_from_scores(lambda scores, pixel_mean, basis: np.clip(pixel_mean + scores @ basis, 0, 255)),
        r"you clipped to 0\.\.255, the grey levels",
    ),
    (
        "clipped_before_the_mean",
        images_from_scores(lambda scores, pixel_mean, basis: pixel_mean + np.clip(scores @ basis, 0, 16)),
        r"you clipped before adding the mean image",
    ),
    (
        "clipped_above_only",
        images_from_scores(lambda scores, pixel_mean, basis: np.minimum(pixel_mean + scores @ basis, 16)),
        r"your pixels are right where they lie inside 0\.\.16 and wrong where they need clipping",
    ),
    ("means_without_noise", images_without_noise, r"every image is the mean of its component"),
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
    (
        "returns_a_string",
        lambda *inputs: f"{CORRECT['lower_bound'](*inputs):.3f}",
        r"returned the string '-\d+\.\d+' - return L\(q, theta\) as a float",
    ),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return`"),
]


# ---------------------------------------------------------------------------
# Lesson 11: conditional-Gaussian mistakes
# ---------------------------------------------------------------------------


def conditional_gaussian_terms(mean_sign=1, covariance_sign=-1, solve=True, centre=True):
    """Bishop (2.81)-(2.82) with the corrections' signs as given, Sigma_oo^-1 left out without ``solve`` and
    mu_o left out without ``centre``."""

    def conditional_gaussian(mean, covariance, x, observed):
        missing = ~observed
        sigma_mo = covariance[np.ix_(missing, observed)]
        sigma_oo = covariance[np.ix_(observed, observed)]
        with_inverse = (lambda b: np.linalg.solve(sigma_oo, b)) if solve else (lambda b: b)
        offset = x[observed] - (mean[observed] if centre else 0.0)
        return (mean[missing] + mean_sign * sigma_mo @ with_inverse(offset),
                covariance[np.ix_(missing, missing)] + covariance_sign * sigma_mo @ with_inverse(sigma_mo.T))

    return conditional_gaussian


def conditional_gaussian_marginal_covariance(mean, covariance, x, observed):
    conditional_mean, _ = CORRECT["conditional_gaussian"](mean, covariance, x, observed)
    return conditional_mean, covariance[np.ix_(~observed, ~observed)]


def conditional_gaussian_marginal_mean(mean, covariance, x, observed):
    _, conditional_covariance = CORRECT["conditional_gaussian"](mean, covariance, x, observed)
    return mean[~observed], conditional_covariance


def conditional_gaussian_of_the_observed_block(mean, covariance, x, observed):
    """The roles of observed and missing swapped: the observed block given the (NaN) missing one."""
    return CORRECT["conditional_gaussian"](mean, covariance, x, ~observed)


def conditional_gaussian_filled_row(mean, covariance, x, observed):
    """The whole row with its gaps filled, instead of the m unobserved coordinates."""
    conditional_mean, conditional_covariance = CORRECT["conditional_gaussian"](mean, covariance, x, observed)
    filled = x.copy()
    filled[~observed] = conditional_mean
    return filled, conditional_covariance


def conditional_gaussian_in_place(mean, covariance, x, observed):
    """Fills x's gaps in place on the way."""
    conditional_mean, conditional_covariance = CORRECT["conditional_gaussian"](mean, covariance, x, observed)
    x[~observed] = conditional_mean
    return x[~observed], conditional_covariance


def conditional_gaussian_with_full_precision(mean, covariance, x, observed):
    """Solves with the whole covariance, NaN and all, instead of its observed block."""
    missing = ~observed
    return (mean[missing] + covariance[missing] @ np.linalg.solve(covariance, x - mean),
            CORRECT["conditional_gaussian"](mean, covariance, x, observed)[1])


def conditional_gaussian_from_isnan(mean, covariance, x, observed):
    """Finds the unobserved coordinates with np.isnan(x) instead of the observed argument."""
    return CORRECT["conditional_gaussian"](mean, covariance, x, ~np.isnan(x))


def conditional_gaussian_reading_x_everywhere(mean, covariance, x, observed):
    """Adds x's unobserved entries, NaN taken for 0, to the conditional mean."""
    conditional_mean, conditional_covariance = CORRECT["conditional_gaussian"](mean, covariance, x, observed)
    return conditional_mean + np.nan_to_num(x)[~observed], conditional_covariance


CONDITIONAL_GAUSSIAN_MISTAKES = [
    ("marginal_covariance", conditional_gaussian_marginal_covariance, r"is Sigma_mm, the marginal covariance .*Schur"),
    ("marginal_mean", conditional_gaussian_marginal_mean, r"is mu_m, the marginal mean"),
    ("mean_sign", conditional_gaussian_terms(mean_sign=-1), r"Sigma_oo\^-1 \(x_o - mu_o\) has the wrong sign"),
    ("covariance_sign", conditional_gaussian_terms(covariance_sign=1), r"Sigma_om has the wrong sign - subtract"),
    ("no_inverse", conditional_gaussian_terms(solve=False), r"without Sigma_oo\^-1"),
    ("not_centred", conditional_gaussian_terms(centre=False), r"you left out mu_o"),
    ("observed_block", conditional_gaussian_of_the_observed_block, r"that is the o = 3 observed coordinates"),
    ("whole_row", conditional_gaussian_filled_row, r"that is all d = 4 coordinates - return only the m = 1"),
    ("in_place", conditional_gaussian_in_place, r"your function changed x in place"),
    ("nan_in_arithmetic", conditional_gaussian_with_full_precision, r"contains NaN or infinity - x is NaN"),
    ("isnan_for_observed", conditional_gaussian_from_isnan, r"did you find the unobserved coordinates with np\.isnan"),
    ("reads_unobserved_x", conditional_gaussian_reading_x_everywhere, r"result changed .* read only x\[observed\]"),
    ("returns_the_mean_only", lambda *inputs: CORRECT["conditional_gaussian"](*inputs)[0],
     r"expected a pair \(conditional_mean, conditional_covariance\)"),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return conditional_mean"),
]


def statistics_with(N_k=None, sum_x=None, sum_xx=None):
    """A sufficient_statistics right but for the parts given, each a function of (data, responsibilities)."""

    def sufficient_statistics(data, R):
        right = correct_sufficient_statistics(data, R)
        return tuple(part if wrong is None else wrong(data, R) for part, wrong in zip(right, (N_k, sum_x, sum_xx)))

    return sufficient_statistics


def outer_sums(weights, data, centres=None):
    centred = data[np.newaxis] - (0.0 if centres is None else centres[:, np.newaxis])
    return np.einsum("nk,kni,knj->kij", weights, centred, centred)


def statistics_means(data, R):
    return R.T @ data / R.sum(axis=0)[:, np.newaxis]


SUFFICIENT_STATISTICS_MISTAKES = [
    ("N_k_over_components", statistics_with(N_k=lambda X, R: R.sum(axis=1)), r"you summed over the components"),
    ("N_k_hard", statistics_with(N_k=lambda X, R: np.bincount(R.argmax(axis=1), minlength=3).astype(float)),
     r"a hard assignment"),
    ("N_k_weights", statistics_with(N_k=lambda X, R: R.sum(axis=0) / len(X)), r"these are the weights pi_k"),
    ("sum_x_unweighted", statistics_with(sum_x=lambda X, R: np.tile(X.sum(axis=0), (3, 1))),
     r"every sum_x\[k\] is the plain sum of data"),
    ("sum_x_means", statistics_with(sum_x=statistics_means), r"you divided by N_k"),
    ("sum_x_transposed", statistics_with(sum_x=lambda X, R: X.T @ R), r"the axes are in the wrong order"),
    ("sum_x_summed_over_components", statistics_with(sum_x=lambda X, R: (R.T @ X).sum(axis=0)),
     r"without weighting per component"),
    ("sum_xx_unweighted", statistics_with(sum_xx=lambda X, R: outer_sums(np.ones_like(R), X)),
     r"unweighted sum of x_n x_n\^T"),
    ("sum_xx_gamma_squared", statistics_with(sum_xx=lambda X, R: outer_sums(R**2, X)), r"gamma\(z_nk\)\^2"),
    ("sum_xx_centred", statistics_with(sum_xx=lambda X, R: outer_sums(R, X, statistics_means(X, R))),
     r"you centred x_n on mu_k"),
    ("sum_xx_normalised", statistics_with(sum_xx=lambda X, R: outer_sums(R, X) / R.sum(axis=0)[:, None, None]),
     r"you divided by N_k"),
    ("sum_xx_covariances",
     statistics_with(sum_xx=lambda X, R: outer_sums(R, X, statistics_means(X, R)) / R.sum(axis=0)[:, None, None]),
     r"these are the covariances"),
    ("sum_xx_squares", statistics_with(sum_xx=lambda X, R: R.T @ X**2), r"these are squares x_ni\^2"),
    ("sum_xx_over_components", statistics_with(sum_xx=lambda X, R: outer_sums(R, X).sum(axis=0)),
     r"summed the outer products over the components too"),
    ("sum_xx_per_sample", statistics_with(sum_xx=lambda X, R: np.einsum("ni,nj->nij", X, X)),
     r"one outer product per sample"),
    ("sum_xx_outer_of_sums", statistics_with(sum_xx=lambda X, R: np.einsum("ki,kj->kij", R.T @ X, R.T @ X)),
     r"outer product of the sums"),
    ("returns_two", lambda X, R: correct_sufficient_statistics(X, R)[:2], r"expected a tuple \(N_k, sum_x, sum_xx\)"),
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
    "conditional_gaussian": CONDITIONAL_GAUSSIAN_MISTAKES,
    "sufficient_statistics": SUFFICIENT_STATISTICS_MISTAKES,
}


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in divide:RuntimeWarning")
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
    # "expected [0.7, 0.3], got [0.7, 0.3]" tells the learner nothing.
    for expected, got in re.findall(r"expected (\S+(?:, \S+)*?), got (\S+(?:, \S+)*?)(?: \(| -|$)", str(failure)):
        assert expected != got, str(failure)

"""Lesson 05's exercise: the EM loop, ``gmm_em``."""

import numpy as np

from ..fitting import fit_gmm, initialize_parameters
from ..parameters import MixtureParameters
from ..sampling import sample_mixture
from ._harness import CheckFailed, Exercise, argument_names, same_seed_case
from ._results import as_array, as_tuple, close

# Three overlapping clusters, so that every EM iteration still moves the parameters.
EM_LOOP_COMPONENTS = {
    "weights": np.array([0.5, 0.3, 0.2]),
    "means": np.array([[0.0, 0.0], [2.5, 0.5], [1.0, 2.5]]),
    "covariances": np.array([[[1.0, 0.5], [0.5, 1.0]], [[1.5, -0.3], [-0.3, 0.8]], [[0.4, 0.0], [0.0, 0.6]]]),
}
EM_LOOP_SEED = 11
N_COMPONENTS = 3
# What gl.initialize_parameters adds to the diagonal of the start covariances by default.
START_REG_COVAR = 1e-6
SIGNATURE = "fn(data, num_components, num_iterations, rng) -> (weights, means, covariances)"
DATA, COMPONENTS, ITERATIONS, RNG = argument_names(SIGNATURE)
START = f"gl.initialize_parameters({DATA}, {COMPONENTS}, {RNG})"


def _data():
    X, _ = sample_mixture(**EM_LOOP_COMPONENTS, n_samples=120, rng=np.random.default_rng(EM_LOOP_SEED))
    return X


def _histories(X, num_iterations, start):
    """EM from this start: Bishop's M-step, and with the default reg_covar."""
    return [
        fit_gmm(X, N_COMPONENTS, max_iter=num_iterations, tol=0, init=start, reg_covar=reg_covar).history
        for reg_covar in (0.0, 1e-6)
    ]


def _starts(X, seed):
    """The "random" start drawn with this seed, and the same start without START_REG_COVAR on its covariances."""
    start = initialize_parameters(X, N_COMPONENTS, rng=np.random.default_rng(seed))
    bare = start.covariances - START_REG_COVAR * np.eye(X.shape[1])
    return start, MixtureParameters(start.weights, start.means, bare)


def _outputs(submission, num_iterations, seed):
    """The data and the learner's [weights, means, covariances] after num_iterations from this seed."""
    X = _data()
    arguments = {DATA: X, COMPONENTS: N_COMPONENTS, ITERATIONS: num_iterations, RNG: np.random.default_rng(seed)}
    result = as_tuple(submission(arguments), ("weights", "means", "covariances"))
    n_features = X.shape[1]
    shapes = (
        ("weights", f"({COMPONENTS},)", (N_COMPONENTS,)),
        ("means", f"({COMPONENTS}, n_features)", (N_COMPONENTS, n_features)),
        ("covariances", f"({COMPONENTS}, n_features, n_features)", (N_COMPONENTS, n_features, n_features)),
    )
    return X, [as_array(value, name, axes, shape) for value, (name, axes, shape) in zip(result, shapes)]


def _agrees(got, parameters):
    return all(close(mine, theirs) for mine, theirs in zip(got, parameters))


def _matches_em(submission):
    """After 0, 1 and 4 iterations: the start, then the E-step/M-step pairs of fit_gmm."""
    for num_iterations in (0, 1, 4):
        X, got = _outputs(submission, num_iterations, seed=5)
        start, bare_start = _starts(X, seed=5)
        histories = _histories(X, num_iterations + 1, start)
        if any(_agrees(got, history[num_iterations]) for history in histories):
            continue
        if any(_agrees(got, history[num_iterations]) for history in _histories(X, num_iterations + 1, bare_start)):
            raise CheckFailed(
                f"with {ITERATIONS}={num_iterations} your result is EM from a start whose covariances lack the "
                f"{START_REG_COVAR:g} that {START} adds to their diagonal (reg_covar) - start from {START} itself "
                "rather than building the start by hand"
            )
        off_by_one = [
            t
            for t in (num_iterations - 1, num_iterations + 1)
            if t >= 0 and any(_agrees(got, history[t]) for history in histories)
        ]
        if off_by_one:
            raise CheckFailed(
                f"with {ITERATIONS}={num_iterations} your result equals EM after {off_by_one[0]} "
                f"iterations - run exactly {ITERATIONS} E-step + M-step pairs (for _ in range({ITERATIONS}))"
            )
        if num_iterations == 0:
            raise CheckFailed(f"with {ITERATIONS}=0 expected the start itself, {START} - did you start elsewhere?")
        raise CheckFailed(
            f"after {num_iterations} iterations your parameters differ from EM run from the same start - "
            f"alternate gl.e_step({DATA}, weights, means, covariances) and gl.m_step({DATA}, responsibilities), "
            "feeding each step the other's latest output"
        )


EXERCISE = Exercise(
    name="gmm_em",
    lesson="05",
    title="EM loop",
    signature=SIGNATURE,
    about="""\
The start must be ``gl.initialize_parameters(data, num_components, rng)``
(the original lesson's "random" start, drawn from ``rng``); then exactly
``num_iterations`` E-step + M-step pairs, with Bishop's M-step or the
package's default ``reg_covar``. ``fn`` returns weights (num_components,),
means (num_components, n_features) and covariances (num_components,
n_features, n_features); an off-by-one in the number of iterations is named.""",
    cases=(
        same_seed_case(lambda submission, seed: _outputs(submission, 2, seed)[1], "results"),
        _matches_em,
    ),
    rng_calls=START,
    references=("fit_gmm", "fitting.run_em"),
)

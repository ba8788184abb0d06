"""Pure functions: no public function modifies its inputs or touches numpy's global RNG."""

import numpy as np
import pytest

import gmm_lessons as gl


def make_inputs(layout):
    """Fresh, writeable input arrays; X in the given memory layout."""
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 2)) + np.repeat([[0.0, 0.0], [4.0, 4.0]], 20, axis=0)
    if layout == "C-contiguous float64":
        X = np.ascontiguousarray(base)
    elif layout == "Fortran-ordered":
        X = np.asfortranarray(base)
    else:  # a strided view into a bigger array
        bigger = np.zeros((80, 4))
        bigger[::2, ::2] = base
        X = bigger[::2, ::2]
    responsibilities = rng.dirichlet([1.0, 1.0], size=40)
    return {
        "X": X,
        "x": np.ascontiguousarray(base[:, 0]),  # 1-D: 40 samples of one feature
        "weights": np.array([0.4, 0.6]),
        "means": np.array([[0.0, 0.0], [4.0, 4.0]]),
        "covariances": np.array([[[1.0, 0.2], [0.2, 1.0]], [[2.0, 0.0], [0.0, 0.5]]]),
        "means_1d": np.array([0.0, 4.0]),
        "variances": np.array([1.0, 2.0]),
        "responsibilities": responsibilities,
        "one_column": np.ones((40, 1)),  # K = 1: its transpose is contiguous, no copy is made
    }


FIT = gl.fit_gmm(make_inputs("C-contiguous float64")["X"], 2, max_iter=3, rng=0)

PUBLIC_CALLS = {
    "log_gaussian_density": lambda a: gl.log_gaussian_density(a["X"], a["means"], a["covariances"]),
    "log_gaussian_density 1-D": lambda a: gl.log_gaussian_density(a["x"], a["means_1d"], a["variances"]),
    "e_step": lambda a: gl.e_step(a["X"], a["weights"], a["means"], a["covariances"]),
    "e_step 1-D": lambda a: gl.e_step(a["x"], a["weights"], a["means_1d"], a["variances"]),
    "m_step": lambda a: gl.m_step(a["X"], a["responsibilities"]),
    "m_step tied": lambda a: gl.m_step(a["X"], a["responsibilities"], covariance_type="tied"),
    "m_step one component": lambda a: gl.m_step(a["X"], a["one_column"]),
    "m_step 1-D": lambda a: gl.m_step(a["x"], a["responsibilities"]),
    "log_likelihood": lambda a: gl.log_likelihood(a["X"], a["weights"], a["means"], a["covariances"]),
    "log_mixture_density": lambda a: gl.log_mixture_density(a["X"], a["weights"], a["means"], a["covariances"]),
    "sample_mixture": lambda a: gl.sample_mixture(a["weights"], a["means"], a["covariances"], 30, rng=1),
    "sample_mixture 1-D": lambda a: gl.sample_mixture(a["weights"], a["means_1d"], a["variances"], 30, rng=1),
    "sample_mixture rng=None": lambda a: gl.sample_mixture(a["weights"], a["means"], a["covariances"], 30),
    "initialize_parameters random": lambda a: gl.initialize_parameters(a["X"], 2, rng=2),
    "initialize_parameters kmeans++": lambda a: gl.initialize_parameters(a["X"], 2, rng=2, method="kmeans++"),
    "fit_gmm init tuple": lambda a: gl.fit_gmm(
        a["X"], 2, max_iter=5, init=(a["weights"], a["means"], a["covariances"])
    ),
    "fit_gmm init tuple 1-D": lambda a: gl.fit_gmm(
        a["x"], 2, max_iter=5, init=(a["weights"], a["means_1d"], a["variances"])
    ),
    "fit_gmm kmeans++ n_init": lambda a: gl.fit_gmm(a["X"], 2, max_iter=5, rng=3, n_init=2),
    "fit_gmm random spherical": lambda a: gl.fit_gmm(
        a["X"], 2, max_iter=5, rng=3, init="random", covariance_type="spherical"
    ),
    "fit_gmm rng=None": lambda a: gl.fit_gmm(a["X"], 2, max_iter=5),
    "fit_gmm reg_covar=0": lambda a: gl.fit_gmm(a["X"], 2, max_iter=5, rng=3, reg_covar=0),
    "bic": lambda a: gl.bic(a["X"], FIT),
    "aic": lambda a: gl.aic(a["X"], FIT),
    "n_parameters": lambda a: gl.n_parameters(2, 2, "diag"),
    "seed_dataset": lambda a: gl.seed_dataset(),
}
LAYOUTS = ["C-contiguous float64", "Fortran-ordered", "strided view"]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("call", PUBLIC_CALLS.values(), ids=PUBLIC_CALLS.keys())
def test_inputs_are_not_modified(call, layout):
    """After the call every input array (and the fit result scored by bic/aic) equals its copy from before."""
    inputs = make_inputs(layout)
    copies = {name: array.copy() for name, array in inputs.items()}
    fit_before = [tuple(array.copy() for array in parameters) for parameters in FIT.history]

    call(inputs)

    for name, array in inputs.items():
        np.testing.assert_array_equal(array, copies[name], err_msg=name)
    for parameters, before in zip(FIT.history, fit_before):
        for array, array_before in zip(parameters, before):
            np.testing.assert_array_equal(array, array_before)


@pytest.mark.parametrize("call", PUBLIC_CALLS.values(), ids=PUBLIC_CALLS.keys())
def test_global_rng_is_untouched(call, global_rng_untouched):
    """No public function reads from or advances np.random's global state (rng=None included)."""
    inputs = make_inputs("C-contiguous float64")
    np.random.seed(2024)
    with global_rng_untouched():
        call(inputs)


def test_global_seed_does_not_change_results():
    """Seeding the global RNG differently does not change a seeded fit or sample (it is not used)."""
    inputs = make_inputs("C-contiguous float64")
    np.random.seed(1)
    first = (
        gl.fit_gmm(inputs["X"], 2, rng=4),
        gl.sample_mixture(inputs["weights"], inputs["means"], inputs["covariances"], 20, rng=4),
    )
    np.random.seed(2)
    second = (
        gl.fit_gmm(inputs["X"], 2, rng=4),
        gl.sample_mixture(inputs["weights"], inputs["means"], inputs["covariances"], 20, rng=4),
    )
    np.testing.assert_array_equal(first[0].means, second[0].means)
    np.testing.assert_array_equal(first[1][0], second[1][0])


def test_read_only_inputs_are_accepted():
    """Arrays marked read-only work everywhere (so nothing tries to write into them)."""
    inputs = make_inputs("C-contiguous float64")
    for array in inputs.values():
        array.flags.writeable = False
    for call in PUBLIC_CALLS.values():
        call(inputs)

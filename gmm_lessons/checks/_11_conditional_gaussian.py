"""Lesson 11's exercise: the Gaussian of the missing coordinates given the observed ones, ``conditional_gaussian``."""

import numpy as np

from ..missing import conditional_gaussian as reference_conditional_gaussian
from ._harness import CheckFailed, Exercise
from ._results import as_array, as_tuple, close, diagnose, expected_got

SIGNATURE = "fn(mean, covariance, x, observed) -> (conditional_mean, conditional_covariance)"
BISHOP_MEAN = "mu_m|o = mu_m + Sigma_mo Sigma_oo^-1 (x_o - mu_o), Bishop (2.81)"
BISHOP_COVARIANCE = "Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om, Bishop (2.82)"
# A 4-D Gaussian whose coordinates are all correlated, so that every block of the covariance matters.
MEAN = np.array([1.0, -2.0, 0.5, 3.0])
COVARIANCE = np.array(
    [[2.0, 0.6, -0.4, 0.3], [0.6, 1.5, 0.5, -0.2], [-0.4, 0.5, 1.8, 0.7], [0.3, -0.2, 0.7, 1.2]]
)
POINT = np.array([2.0, -1.0, -0.5, 2.5])


def _inputs(observed, unobserved_value=np.nan):
    """MEAN, COVARIANCE, POINT with ``unobserved_value`` where not ``observed``, and the mask."""
    observed = np.array(observed)
    return {"mean": MEAN, "covariance": COVARIANCE, "x": np.where(observed, POINT, unobserved_value),
            "observed": observed}


def _blocks(inputs, observed):
    """(mu_m, mu_o, x_o, Sigma_mm, Sigma_mo, Sigma_oo) with o the coordinates ``observed`` says."""
    mean, covariance, x = inputs["mean"], inputs["covariance"], inputs["x"]
    missing = ~observed
    return (mean[missing], mean[observed], x[observed], covariance[np.ix_(missing, missing)],
            covariance[np.ix_(missing, observed)], covariance[np.ix_(observed, observed)])


def _outputs(submission, inputs):
    """The learner's (conditional_mean, conditional_covariance), of shapes (m,) and (m, m)."""
    conditional_mean, conditional_covariance = as_tuple(
        submission(inputs), ("conditional_mean", "conditional_covariance")
    )
    observed = inputs["observed"]
    d, m = observed.size, int((~observed).sum())
    o = d - m
    whole = f"that is all d = {d} coordinates - return only the m = {m} unobserved ones: index with ~observed"
    observed_block = f"that is the o = {o} observed coordinates - the result is about the m = {m} unobserved ones"
    none = ("you returned empty arrays: did you find the unobserved coordinates with np.isnan(x)? Here x holds numbers "
            "there - the observed argument says which coordinates are known: use ~observed")
    conditional_mean = as_array(conditional_mean, "conditional_mean", "(m,)", (m,),
                                hints={(d,): whole, (o,): observed_block, (0,): none})
    conditional_covariance = as_array(conditional_covariance, "conditional_covariance", "(m, m)", (m, m),
                                      hints={(d, d): whole, (o, o): observed_block, (0, 0): none})
    for name, values in (("conditional_mean", conditional_mean), ("conditional_covariance", conditional_covariance)):
        if not np.all(np.isfinite(values)):
            raise CheckFailed(
                f"your {name} contains NaN or infinity - x is NaN at the unobserved coordinates: read only "
                "x[observed], and check that observed is True where x is known (not the other way round)"
            )
    return conditional_mean, conditional_covariance


def _shapes(submission):
    """Three of four coordinates observed: a mean of shape (1,) and a covariance of shape (1, 1)."""
    _outputs(submission, _inputs([True, True, False, True]))


def _wrong_means(inputs):
    """(conditional mean a known mistake gives, what it tells the learner) pairs."""
    mu_m, mu_o, x_o, _, sigma_mo, sigma_oo = _blocks(inputs, inputs["observed"])
    regression = sigma_mo @ np.linalg.solve(sigma_oo, x_o - mu_o)
    marginal = ("your conditional_mean is mu_m, the marginal mean - observing x_o moves it: "
                "add Sigma_mo Sigma_oo^-1 (x_o - mu_o)")
    sign = "the correction Sigma_mo Sigma_oo^-1 (x_o - mu_o) has the wrong sign - add it to mu_m"
    no_inverse = ("you multiplied by Sigma_mo without Sigma_oo^-1 - solve with the observed block: "
                  "np.linalg.solve(Sigma_oo, x_o - mu_o)")
    times_block = ("you multiplied by Sigma_oo instead of solving with it - "
                   "use np.linalg.solve(Sigma_oo, x_o - mu_o)")
    no_centre = "you left out mu_o - the regression is on x_o - mu_o"
    return [
        (mu_m, marginal),
        (mu_m - regression, sign),
        (mu_m + sigma_mo @ (x_o - mu_o), no_inverse),
        (mu_m + sigma_mo @ sigma_oo @ (x_o - mu_o), times_block),
        (mu_m + sigma_mo @ np.linalg.solve(sigma_oo, x_o), no_centre),
    ]


def _wrong_covariances(inputs):
    """(conditional covariance a known mistake gives, what it tells the learner) pairs."""
    _, _, _, sigma_mm, sigma_mo, sigma_oo = _blocks(inputs, inputs["observed"])
    schur = sigma_mo @ np.linalg.solve(sigma_oo, sigma_mo.T)
    # The blocks with the roles swapped: Sigma_oo is then the "missing" block, Sigma_mm the "observed" one.
    _, _, _, block_oo, block_om, block_mm = _blocks(inputs, ~inputs["observed"])
    marginal = ("your conditional_covariance is Sigma_mm, the marginal covariance - knowing x_o narrows it: "
                "subtract Sigma_mo Sigma_oo^-1 Sigma_om (the Schur complement, Bishop 2.82)")
    sign = ("the correction Sigma_mo Sigma_oo^-1 Sigma_om has the wrong sign - subtract it: "
            "conditioning can only narrow a Gaussian")
    no_inverse = "you left out Sigma_oo^-1 - Sigma_m|o = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om"
    swapped = ("that is the covariance of the observed block given the missing one - swap the roles: "
               "Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om with m the unobserved coordinates")
    return [
        (sigma_mm, marginal),
        (sigma_mm + schur, sign),
        (sigma_mm - sigma_mo @ sigma_mo.T, no_inverse),
        (block_oo - block_om @ np.linalg.solve(block_mm, block_om.T), swapped),
    ]


def _value_case(name, observed, doc):
    """A case: the learner's result against the reference for the ``observed`` pattern."""

    def case(submission):
        inputs = _inputs(observed)
        conditional_mean, conditional_covariance = _outputs(submission, inputs)
        expected_mean, expected_covariance = reference_conditional_gaussian(**inputs)
        if not close(conditional_mean, expected_mean):
            raise CheckFailed(diagnose(conditional_mean, _wrong_means(inputs),
                                       f"conditional_mean: {expected_got(expected_mean, conditional_mean)} - "
                                       f"{BISHOP_MEAN}"))
        if not close(conditional_covariance, expected_covariance):
            shown = expected_got(expected_covariance, conditional_covariance)
            raise CheckFailed(diagnose(conditional_covariance, _wrong_covariances(inputs),
                                       f"conditional_covariance: {shown} - {BISHOP_COVARIANCE}"))

    case.__doc__, case.__name__ = doc, name
    return case


def _unobserved_entries_unread(submission):
    """The unobserved entries of x hold stale numbers, not NaN: the result must not change."""
    inputs = _inputs([True, False, False, True], unobserved_value=100.0)
    conditional_mean, conditional_covariance = _outputs(submission, inputs)
    expected_mean, expected_covariance = reference_conditional_gaussian(**inputs)
    if not (close(conditional_mean, expected_mean) and close(conditional_covariance, expected_covariance)):
        raise CheckFailed(
            "with numbers instead of NaN at the unobserved coordinates of x your result changed "
            f"(conditional_mean: {expected_got(expected_mean, conditional_mean)}) - read only x[observed]: "
            "the unobserved entries of x are unknown, whatever they hold"
        )


EXERCISE = Exercise(
    name="conditional_gaussian",
    lesson="11",
    title="conditional Gaussian",
    signature=SIGNATURE,
    about=("``fn`` takes mean (d,), covariance (d, d), x (d,) with NaN where unobserved and observed, a boolean "
           "array (d,); it returns the mean (m,) and covariance (m, m) of the m unobserved coordinates given the "
           f"observed ones: {BISHOP_MEAN} and {BISHOP_COVARIANCE}. They are compared with "
           "``gmm_lessons.conditional_gaussian``."),
    cases=(
        _shapes,
        _value_case("_first_two_observed", [True, True, False, False],
                    "First two coordinates observed: the last two's mean (2.81) and covariance (2.82)."),
        _value_case("_interleaved", [False, True, False, True],
                    "Observed coordinates between missing ones: (2.81) and (2.82) for coordinates 0 and 2."),
        _unobserved_entries_unread,
    ),
    references=("conditional_gaussian", "missing._conditional_by_rows"),
)

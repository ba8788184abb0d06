"""Lesson 11's exercise, ``conditional_gaussian``: a correct conditional Gaussian and the mistakes learners make."""

import numpy as np


def correct_conditional_gaussian(mean, covariance, x, observed):
    """Bishop (2.81)-(2.82) with np.linalg.solve on the observed block."""
    missing = ~observed
    sigma_mo = covariance[np.ix_(missing, observed)]
    sigma_oo = covariance[np.ix_(observed, observed)]
    conditional_mean = mean[missing] + sigma_mo @ np.linalg.solve(sigma_oo, x[observed] - mean[observed])
    conditional_covariance = covariance[np.ix_(missing, missing)] - sigma_mo @ np.linalg.solve(sigma_oo, sigma_mo.T)
    return conditional_mean, conditional_covariance


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
    conditional_mean, _ = correct_conditional_gaussian(mean, covariance, x, observed)
    return conditional_mean, covariance[np.ix_(~observed, ~observed)]


def conditional_gaussian_marginal_mean(mean, covariance, x, observed):
    _, conditional_covariance = correct_conditional_gaussian(mean, covariance, x, observed)
    return mean[~observed], conditional_covariance


def conditional_gaussian_of_the_observed_block(mean, covariance, x, observed):
    """The roles of observed and missing swapped: the observed block given the (NaN) missing one."""
    return correct_conditional_gaussian(mean, covariance, x, ~observed)


def conditional_gaussian_filled_row(mean, covariance, x, observed):
    """The whole row with its gaps filled, instead of the m unobserved coordinates."""
    conditional_mean, conditional_covariance = correct_conditional_gaussian(mean, covariance, x, observed)
    filled = x.copy()
    filled[~observed] = conditional_mean
    return filled, conditional_covariance


def conditional_gaussian_in_place(mean, covariance, x, observed):
    """Fills x's gaps in place on the way."""
    conditional_mean, conditional_covariance = correct_conditional_gaussian(mean, covariance, x, observed)
    x[~observed] = conditional_mean
    return x[~observed], conditional_covariance


def conditional_gaussian_with_full_precision(mean, covariance, x, observed):
    """Solves with the whole covariance, NaN and all, instead of its observed block."""
    missing = ~observed
    return (mean[missing] + covariance[missing] @ np.linalg.solve(covariance, x - mean),
            correct_conditional_gaussian(mean, covariance, x, observed)[1])


def conditional_gaussian_from_isnan(mean, covariance, x, observed):
    """Finds the unobserved coordinates with np.isnan(x) instead of the observed argument."""
    return correct_conditional_gaussian(mean, covariance, x, ~np.isnan(x))


def conditional_gaussian_reading_x_everywhere(mean, covariance, x, observed):
    """Adds x's unobserved entries, NaN taken for 0, to the conditional mean."""
    conditional_mean, conditional_covariance = correct_conditional_gaussian(mean, covariance, x, observed)
    return conditional_mean + np.nan_to_num(x)[~observed], conditional_covariance


MISTAKES = [
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
    ("returns_the_mean_only", lambda *inputs: correct_conditional_gaussian(*inputs)[0],
     r"expected a pair \(conditional_mean, conditional_covariance\)"),
    ("forgets_return", lambda *inputs: None, r"returned None - did you forget `return conditional_mean"),
]

"""gmm_lessons: Gaussian mixture models and EM from scratch, the helper package of the lessons.

The mathematics is exported here; figures, sliders and the exercises'
self-checks are the submodules ``plotting``, ``widgets`` and ``checks``; EM from
sufficient statistics, over chunks and streams, is ``streaming``;
``environment`` checks what is installed. The teaching submodules are
imported on first use, so ``import gmm_lessons`` loads neither matplotlib
nor ipywidgets.
"""

import importlib

from . import streaming
from .datasets import seed_dataset
from .em import e_step, log_likelihood, log_mixture_density, lower_bound, m_step
from .fitting import GMMFit, fit_gmm, initialize_parameters
from .gaussian import log_gaussian_density
from .missing import conditional_gaussian, impute_mean, observed_log_likelihood
from .parameters import MixtureParameters
from .sampling import sample_chunk, sample_mixture
from .selection import aic, bic, n_parameters
from .streaming import StepwiseFit, m_step_from_statistics, stepwise_em, sufficient_statistics

__all__ = [
    "GMMFit",
    "GaussianMixture",
    "MixtureParameters",
    "StepwiseFit",
    "aic",
    "bic",
    "checks",
    "conditional_gaussian",
    "e_step",
    "environment",
    "fit_gmm",
    "impute_mean",
    "initialize_parameters",
    "log_gaussian_density",
    "log_likelihood",
    "log_mixture_density",
    "lower_bound",
    "m_step",
    "m_step_from_statistics",
    "n_parameters",
    "observed_log_likelihood",
    "plotting",
    "sample_chunk",
    "sample_mixture",
    "seed_dataset",
    "stepwise_em",
    "streaming",
    "sufficient_statistics",
    "widgets",
]


# The teaching layer pulls in matplotlib, ipywidgets, anywidget and Pillow, and GaussianMixture scikit-learn:
# each is imported on first use (PEP 562), so that the mathematics alone imports fast and needs none of them.
_LAZY_SUBMODULES = ("checks", "environment", "plotting", "widgets")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name == "GaussianMixture":
        from .estimator import GaussianMixture

        return GaussianMixture
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *__all__})

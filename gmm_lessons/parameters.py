"""The parameters of a Gaussian mixture, as one value (Bishop, PRML section 9.2)."""

from typing import NamedTuple

import numpy as np


class MixtureParameters(NamedTuple):
    """One set of mixture parameters; unpacks as ``weights, means, covariances``.

    Taught in lesson 05 (the EM loop).

    Attributes
    ----------
    weights : ndarray of shape (n_components,)
        Mixing weights pi_k.
    means : ndarray of shape (n_components, n_features)
        Means mu_k.
    covariances : ndarray of shape (n_components, n_features, n_features)
        Covariances Sigma_k.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray


class FinalParameters:
    """A fit's final weights, means and covariances: the last entry of its ``history`` (MixtureParameters)."""

    @property
    def weights(self):
        """Final pi_k, shape (n_components,)."""
        return self.history[-1].weights

    @property
    def means(self):
        """Final mu_k, shape (n_components, n_features)."""
        return self.history[-1].means

    @property
    def covariances(self):
        """Final Sigma_k, shape (n_components, n_features, n_features)."""
        return self.history[-1].covariances

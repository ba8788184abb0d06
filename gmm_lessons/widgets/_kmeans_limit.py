"""The k-means limit explorer of lesson 07: a shared spherical covariance epsilon I shrinking to 0."""

import numpy as np

from .. import plotting
from .._validation import check_means, check_parameters, check_plane_data, check_positive
from ..em import e_step
from ._frames import FrameSliderFigure
from ._parts import fix_limits, selection_slider
from ._render import new_figure

EPSILONS_PER_DECADE = 8  # the k-means limit slider's frames: 41 over epsilon 1e-3 .. 1e2


def kmeans_limit_explorer(X, means, weights=None, epsilon_range=(1e-3, 1e2), epsilon=1.0):
    """Shrink a shared spherical covariance epsilon I and watch EM's soft assignments turn into k-means'.

    With Sigma_k = epsilon I for every k (Bishop section 9.3.2),
    gamma(z_nk) is proportional to pi_k exp(-|x_n - mu_k|^2 / (2 epsilon)); as
    epsilon -> 0 each point's responsibility goes to 1 for its nearest mean.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
    means : array-like of shape (n_components, 2)
    weights : array-like of shape (n_components,), optional
        pi_k; equal by default.
    epsilon_range : (float, float)
        The slider's smallest and largest epsilon.
    epsilon : float, default 1.0
        Where the slider starts (the nearest of its values, which are
        ``EPSILONS_PER_DECADE`` to a decade, log-spaced from the range's ends).
    """
    X = check_plane_data(X)
    means = check_means(means, n_features=2)
    n_components = means.shape[0]
    weights = np.full(n_components, 1.0 / n_components) if weights is None else weights

    def shared_spherical(epsilon):  # Sigma_k = epsilon I for every k
        return np.repeat(epsilon * np.eye(2)[np.newaxis], n_components, axis=0)

    weights, means, _ = check_parameters(weights, means, shared_spherical(1.0), 2)
    message = f"epsilon_range must be two increasing positive variances, got {epsilon_range!r}"
    if np.ndim(epsilon_range) != 1 or len(epsilon_range) != 2:
        raise ValueError(message)
    smallest, largest = (check_positive(end, "epsilon_range", "variance") for end in epsilon_range)
    if not smallest < largest:
        raise ValueError(message)
    epsilon = check_positive(epsilon, "epsilon", "variance")
    low, high = np.log10(smallest), np.log10(largest)
    # The slider's states, EPSILONS_PER_DECADE to a factor of 10: one precomputed frame each.
    epsilons = np.logspace(low, high, round((high - low) * EPSILONS_PER_DECADE) + 1)

    def responsibilities_at(epsilon):
        return e_step(X, weights, means, shared_spherical(epsilon))

    curve_epsilons = np.logspace(low, high, 60)
    certainty = np.array([responsibilities_at(epsilon).max(axis=1).mean() for epsilon in curve_epsilons])

    figure, (data_ax, curve_ax) = new_figure(2, width=8.0, height=4.0, width_ratios=(1.2, 1))
    plotting.label_axes(data_ax, r"Responsibilities with $\boldsymbol{\Sigma}_k = \epsilon\mathbf{I}$")
    fix_limits(data_ax, X)
    mixture = plotting.MixturePlot(data_ax, X, responsibilities_at(epsilon), means, shared_spherical(epsilon),
                                   n_stds=(1,))
    curve_ax.semilogx(curve_epsilons, certainty, color="#333333")
    (marker,) = curve_ax.plot([], [], marker="o", markersize=9, color=plotting.COMPONENT_COLOURS[1], linestyle="none")
    curve_ax.set_xlabel(r"$\epsilon$ (shared variance)")
    curve_ax.set_ylabel(r"mean of $\max_k \gamma(z_{nk})$")
    curve_ax.set_title("Soft → hard as ε → 0")
    curve_ax.set_ylim(1.0 / n_components - 0.05, 1.02)
    curve_ax.grid(alpha=0.3)

    def draw(epsilon):  # the slider's value, the shared variance
        responsibilities = responsibilities_at(epsilon)
        mixture.update(responsibilities, covariances=shared_spherical(epsilon))
        mean_certainty = responsibilities.max(axis=1).mean()
        marker.set_data([epsilon], [mean_certainty])
        hard = int((responsibilities.max(axis=1) > 0.99).sum())
        return (f"ε = {epsilon:.3g} · mean of max<sub>k</sub> γ(z<sub>nk</sub>) = {mean_certainty:.3f} · "
                f"points assigned with γ > 0.99: {hard} of {X.shape[0]}")

    slider = selection_slider("shared variance ε", [(f"{value:.3g}", float(value)) for value in epsilons],
                              epsilons[np.abs(np.log10(epsilons / epsilon)).argmin()])
    artists = {"points": mixture.points, "circles": mixture.ellipses, "means": mixture.mean_markers,
               "curve_marker": marker}
    return FrameSliderFigure("k-means limit explorer", figure, "epsilon", slider, draw, artists)

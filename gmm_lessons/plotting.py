"""Figures for the lessons: data, covariance ellipses, responsibilities, curves.

Every function draws on a given matplotlib ``Axes`` (or makes one) and
returns the artists it made, so that a widget can update them in place
instead of redrawing the figure. Component k always has the colour
``COMPONENT_COLOURS[k]`` and the marker ``COMPONENT_MARKERS[k]``, in every
lesson: the eight Okabe-Ito colours (safe for colour-blind readers), then four
of Paul Tol's muted colours, so that up to 12 components of one figure never
share a colour, and a distinct marker shape as a second cue.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import to_rgba
from matplotlib.patches import Ellipse
from scipy.stats import norm

from ._validation import check_covariances, check_means, check_plane_data, check_responsibilities

COMPONENT_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
                     "#882255", "#117733", "#332288", "#999933")
COMPONENT_MARKERS = ("X", "P", "D", "s", "^", "v", "o", "*", "p", "h", "<", ">")
DATA_COLOUR = "#7f7f7f"
ELLIPSE_STDS = (1, 2, 3)
FIGURE_SIZE = (7, 5)


def _check_component_index(k):
    if not 0 <= k < len(COMPONENT_COLOURS):
        raise ValueError(f"k must be a component index from 0 to {len(COMPONENT_COLOURS) - 1} (the palette has "
                         f"{len(COMPONENT_COLOURS)} distinct colours and markers), got {k}")


def component_colour(k):
    """The colour of component k, 0 <= k < 12; no two components share one."""
    _check_component_index(k)
    return COMPONENT_COLOURS[k]


def component_marker(k):
    """The marker shape of component k's mean, 0 <= k < 12 (a second cue besides the colour)."""
    _check_component_index(k)
    return COMPONENT_MARKERS[k]


def coverage_of_ellipse(n_std):
    """Probability mass of a 2-D Gaussian inside its n_std-standard-deviation ellipse.

    The squared Mahalanobis distance of a 2-D Gaussian sample is chi-square
    with 2 degrees of freedom, so P(r <= n_std) = 1 - exp(-n_std^2 / 2):
    39.3 %, 86.5 % and 98.9 % for 1, 2 and 3 standard deviations.
    """
    return 1.0 - np.exp(-0.5 * np.asarray(n_std, dtype=float) ** 2)


def ellipse_geometry(covariance, n_std=1.0):
    """Width, height and angle of the ellipse {x : (x - mu)^T Sigma^-1 (x - mu) = n_std^2}.

    The axes of the ellipse are the eigenvectors of Sigma (the columns of
    ``eigh``'s second output) and its semi-axes are n_std times the square
    roots of the eigenvalues.

    Parameters
    ----------
    covariance : ndarray of shape (2, 2)
    n_std : float

    Returns
    -------
    width, height : float
        Full lengths along the major and the minor axis.
    angle : float
        Degrees from the x_1 axis to the major axis.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)  # ascending
    major_axis = eigenvectors[:, 1]
    width, height = 2.0 * n_std * np.sqrt(np.maximum(eigenvalues[::-1], 0.0))
    angle = np.degrees(np.arctan2(major_axis[1], major_axis[0]))
    return width, height, angle


def new_axes(title=None, figsize=FIGURE_SIZE, equal_aspect=True):
    """A pyplot figure with one labelled Axes, for notebook cells."""
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    label_axes(ax, title, equal_aspect)
    return ax


def label_axes(ax, title=None, equal_aspect=True):
    """x_1 / x_2 axis labels, a title and (for 2-D data) equal aspect."""
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    if equal_aspect:
        ax.set_aspect("equal", adjustable="box")


def plot_points(X, ax, labels=None, size=14, alpha=0.6):
    """Scatter 2-D data: grey, or coloured by component label.

    Returns the ``PathCollection`` (its face colours can be updated).
    """
    X = np.asarray(X)
    colours = DATA_COLOUR if labels is None else [component_colour(k) for k in np.asarray(labels)]
    return ax.scatter(X[:, 0], X[:, 1], s=size, c=colours, alpha=alpha, linewidths=0)


def plot_means(means, ax, size=120):
    """Each mean mu_k as its component's marker in its component's colour; returns the artists."""
    return [
        ax.plot(mean[0], mean[1], marker=component_marker(k), markersize=np.sqrt(size), color=component_colour(k),
                markeredgecolor="white", markeredgewidth=1.2, linestyle="none", zorder=4)[0]
        for k, mean in enumerate(np.asarray(means))
    ]


def plot_ellipses(means, covariances, ax, n_stds=ELLIPSE_STDS, linestyle="-"):
    """Ellipses at 1, 2 and 3 standard deviations around each 2-D component.

    Returns a list (one entry per component) of lists of ``Ellipse``
    patches (one per standard deviation), for :func:`update_ellipses`.
    """
    ellipses = []
    for k, (mean, covariance) in enumerate(zip(np.asarray(means), np.asarray(covariances))):
        component_ellipses = []
        for n_std in n_stds:
            width, height, angle = ellipse_geometry(covariance, n_std)
            patch = Ellipse(mean, width, height, angle=angle, fill=False, linestyle=linestyle,
                            edgecolor=component_colour(k), linewidth=2.0 - 0.4 * n_std, zorder=3)
            ax.add_patch(patch)
            component_ellipses.append(patch)
        ellipses.append(component_ellipses)
    return ellipses


def update_ellipses(ellipses, means, covariances, n_stds=ELLIPSE_STDS):
    """Move the patches made by :func:`plot_ellipses` to new parameters."""
    for component_ellipses, mean, covariance in zip(ellipses, np.asarray(means), np.asarray(covariances)):
        for patch, n_std in zip(component_ellipses, n_stds):
            patch.set_center(mean)
            patch.width, patch.height, patch.angle = ellipse_geometry(covariance, n_std)


def update_means(mean_markers, means):
    """Move the crosses made by :func:`plot_means`."""
    for marker, mean in zip(mean_markers, np.asarray(means)):
        marker.set_data([mean[0]], [mean[1]])


def responsibility_colours(responsibilities, alpha=0.8):
    """Blend the component colours by each point's responsibilities.

    Parameters
    ----------
    responsibilities : ndarray of shape (n_samples, n_components)

    Returns
    -------
    rgba : ndarray of shape (n_samples, 4)
        A point shared equally by two components gets the mix of their
        colours; a point owned by one gets that component's colour.
    """
    responsibilities = np.asarray(responsibilities)
    palette = np.array([to_rgba(component_colour(k)) for k in range(responsibilities.shape[1])])
    rgba = responsibilities @ palette
    rgba[:, 3] = alpha
    return rgba


def plot_responsibilities(X, responsibilities, ax, size=16):
    """Scatter 2-D data coloured by soft assignment; returns the ``PathCollection``."""
    X = np.asarray(X)
    return ax.scatter(X[:, 0], X[:, 1], s=size, c=responsibility_colours(responsibilities), linewidths=0)


class MixturePlot:
    """2-D data coloured by responsibility, with each component's ellipses and mean, updatable in place.

    The figure of a mixture used throughout the lessons: each point gets
    the blend of the component colours weighted by its responsibilities
    gamma(z_nk) (Bishop 9.23), and each component k its 1, 2, 3
    standard-deviation ellipses and a cross at mu_k. Taught in lesson 03
    (the E-step); lessons 04-08 and the slider widgets draw it, and
    :meth:`update` moves it to other responsibilities or parameters
    without redrawing the axes.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array-like of shape (n_samples, 2)
    responsibilities : array-like of shape (n_samples, n_components), or None
        gamma(z_nk), e.g. from :func:`gmm_lessons.e_step`; None draws the
        points grey, as data before any E-step.
    means : array-like of shape (n_components, 2)
    covariances : array-like of shape (n_components, 2, 2)
    n_stds : tuple of float, default (1, 2, 3)
        The ellipses drawn, in standard deviations.
    point_size, mean_size : float, default 16 and 120
        Marker areas of the points and of the means' crosses.

    Attributes
    ----------
    points : PathCollection
    ellipses : list of lists of Ellipse
        One list per component, one patch per entry of ``n_stds``.
    mean_markers : list of Line2D
        One cross per component.
    artists : dict
        ``{"points": points, "ellipses": ellipses, "means": mean_markers}``.
    """

    def __init__(self, ax, X, responsibilities, means, covariances, n_stds=ELLIPSE_STDS, point_size=16,
                 mean_size=120):
        X = check_plane_data(X)
        self.n_samples = X.shape[0]
        self.n_stds = tuple(n_stds)
        self.means = check_means(means, n_features=2)
        self.covariances = check_covariances(covariances, self.means.shape[0], 2)
        self.points = ax.scatter(X[:, 0], X[:, 1], s=point_size, c=self._colours(responsibilities), linewidths=0)
        self.ellipses = plot_ellipses(self.means, self.covariances, ax, n_stds=self.n_stds)
        self.mean_markers = plot_means(self.means, ax, size=mean_size)
        self.artists = {"points": self.points, "ellipses": self.ellipses, "means": self.mean_markers}

    def _colours(self, responsibilities):
        if responsibilities is None:
            # As plot_points' grey, but per point, so that update() can colour them later.
            return np.tile(to_rgba(DATA_COLOUR, 0.6), (self.n_samples, 1))
        responsibilities = check_responsibilities(responsibilities, self.n_samples)
        n_components = self.means.shape[0]
        if responsibilities.shape[1] != n_components:
            raise ValueError(
                f"responsibilities must have one column per component ({n_components}, as the means), "
                f"got shape {responsibilities.shape}"
            )
        return responsibility_colours(responsibilities)

    def update(self, responsibilities=None, means=None, covariances=None):
        """Recolour the points and move the ellipses and means; what is not given stays as it is.

        Parameters
        ----------
        responsibilities : array-like of shape (n_samples, n_components), optional
        means : array-like of shape (n_components, 2), optional
        covariances : array-like of shape (n_components, 2, 2), optional
        """
        n_components = self.means.shape[0]
        if means is not None:
            self.means = check_means(means, n_components, 2)
            update_means(self.mean_markers, self.means)
        if covariances is not None:
            self.covariances = check_covariances(covariances, n_components, 2)
        if means is not None or covariances is not None:
            update_ellipses(self.ellipses, self.means, self.covariances, self.n_stds)
        if responsibilities is not None:
            self.points.set_facecolors(self._colours(responsibilities))


def plot_log_likelihood_curve(log_likelihoods, ax, current=None):
    """Log-likelihood against EM iteration, with a marker at iteration ``current``.

    Returns (line, marker); move the marker with :func:`update_curve_marker`.
    """
    log_likelihoods = np.asarray(log_likelihoods)
    iterations = np.arange(log_likelihoods.size)
    (line,) = ax.plot(iterations, log_likelihoods, color="#333333", marker=".", markersize=4, linewidth=1.2)
    current = iterations[-1] if current is None else current
    (marker,) = ax.plot([current], [log_likelihoods[current]], marker="o", markersize=9,
                        color=COMPONENT_COLOURS[1], linestyle="none", zorder=3)
    ax.set_xlabel("EM iteration")
    ax.set_ylabel(r"log-likelihood $\ln p(\mathbf{X})$")
    ax.grid(alpha=0.3)
    return line, marker


def update_curve_marker(marker, log_likelihoods, current):
    """Move the marker of :func:`plot_log_likelihood_curve` to iteration ``current``."""
    marker.set_data([current], [log_likelihoods[current]])


def grid_over(X, n_points=120, margin=0.15):
    """A regular grid covering 2-D data with a margin: (x1, x2, points of shape (n*n, 2))."""
    X = np.asarray(X)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * (high - low)
    x1, x2 = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], n_points),
                         np.linspace(low[1] - pad[1], high[1] + pad[1], n_points))
    return x1, x2, np.column_stack([x1.ravel(), x2.ravel()])


def plot_log_density_contours(x1, x2, log_density, ax, n_levels=10):
    """Filled contours of a log-density evaluated on a grid from :func:`grid_over`."""
    log_density = np.asarray(log_density).reshape(x1.shape)
    top = log_density.max()
    levels = np.linspace(top - 12.0, top, n_levels + 1)  # the top e^12-fold range of the density
    return ax.contourf(x1, x2, log_density, levels=levels, cmap="Greys", alpha=0.5, extend="min", zorder=0)


def plot_mixture_1d(X, weights, means, variances, ax, bins=40):
    """1-D data as a histogram, with each weighted component pi_k N(x | mu_k, sigma_k^2) and their sum.

    Parameters
    ----------
    X : ndarray of shape (n_samples,) or (n_samples, 1)
    weights, means, variances : ndarrays of shape (n_components,)
    """
    X = np.asarray(X).ravel()
    weights, means, variances = (np.asarray(a, dtype=float).ravel() for a in (weights, means, variances))
    ax.hist(X, bins=bins, density=True, color=DATA_COLOUR, alpha=0.35, label="samples")
    stds = np.sqrt(variances)
    grid = np.linspace(min(X.min(), (means - 4 * stds).min()), max(X.max(), (means + 4 * stds).max()), 400)
    weighted = weights[:, None] * norm.pdf(grid, loc=means[:, None], scale=stds[:, None])
    for k, curve in enumerate(weighted):
        label = rf"$\pi_{k + 1}\,\mathcal{{N}}(x\mid\mu_{k + 1},\sigma_{k + 1}^2)$"
        ax.plot(grid, curve, color=component_colour(k), linewidth=1.8, label=label)
    ax.plot(grid, weighted.sum(axis=0), color="black", linewidth=2.2, linestyle="--", label="mixture $p(x)$")
    ax.set_xlabel("$x$")
    ax.set_ylabel("density")
    return ax


def plot_image_grid(images, ax, image_shape=(8, 8), n_columns=12, value_range=(0, 16), title=None):
    """Small grey-level images (e.g. handwritten digits) tiled into one picture.

    Parameters
    ----------
    images : array-like of shape (n_images, height * width)
        One flattened image per row.
    ax : matplotlib Axes
    image_shape : (int, int)
        (height, width) of one image.
    n_columns : int
        Images per row of the grid.
    value_range : (float, float)
        Pixel values drawn white and black.
    title : str, optional

    Returns
    -------
    AxesImage
    """
    images = np.asarray(images, dtype=float)
    height, width = image_shape
    n_rows = -(-len(images) // n_columns)
    # One pixel of gap (NaN, drawn light grey) between and around the images.
    mosaic = np.full((n_rows * (height + 1) + 1, n_columns * (width + 1) + 1), np.nan)
    for index, image in enumerate(images):
        row, column = divmod(index, n_columns)
        top, left = row * (height + 1) + 1, column * (width + 1) + 1
        mosaic[top:top + height, left:left + width] = image.reshape(image_shape)
    colour_map = colormaps["gray_r"].with_extremes(bad="#d9d9d9")
    picture = ax.imshow(mosaic, cmap=colour_map, vmin=value_range[0], vmax=value_range[1])
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return picture

"""Lesson 07's exercise, ``n_parameters``: a correct parameter count and the mistakes learners make."""


def correct_n_parameters(num_components, num_features, covariance_type):
    K, d = num_components, num_features
    covariance_parameters = {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K, "tied": d * (d + 1) // 2}
    return (K - 1) + K * d + covariance_parameters[covariance_type]


def n_parameters_with(weights=None, covariances=None):
    """A count whose weights (from K) or covariance parameters (from K, d and the type) come from a buggy function."""

    def n_parameters(num_components, num_features, covariance_type):
        right = correct_n_parameters(num_components, num_features, covariance_type)
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


MISTAKES = [
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
        lambda K, d, t: correct_n_parameters(K, d, t) - K * d,
        r"n_parameters\(1, 1, 'full'\) returned 1, expected 2: 0 weights \(K of them, but they sum to 1\) \+ 1 means",
    ),
    (
        "true_division",
        lambda K, d, t: correct_n_parameters(K, d, t) + 0.0,
        r"n_parameters\(3, 2, 'full'\) returned 17\.0, a float - .* divide with //",
    ),
    (
        "returns_a_dict",
        lambda K, d, t: {"full": correct_n_parameters(K, d, "full")},
        r"returned .*dict - return the number of parameters, an int",
    ),
    ("forgets_return", lambda K, d, t: None, r"returned None - did you forget `return p`"),
    (
        "tied_missing",
        lambda K, d, t: (K - 1) + K * d + {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K}[t],
        r"raised KeyError: 'tied' - it was called with num_components=1, num_features=1, covariance_type='tied'",
    ),
]

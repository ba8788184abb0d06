"""Time one EM iteration of ``gmm_lessons.fit_gmm`` against scikit-learn and the original lesson.

Run it with ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_em_iteration.py``);
``--quick`` does a smoke run on smaller data in a few seconds.

What it measures, for (n, d, K) = (1e5, 2, 3), (1e6, 2, 3) and (1e5, 10, 5):

* Three implementations of EM for a full-covariance Gaussian mixture, on the
  same data (``gmm_lessons.sample_mixture`` with a seeded Generator) and from
  the same start (``gmm_lessons.initialize_parameters(..., method="random")``):

  - ours: ``fit_gmm(X, K, max_iter=m, tol=0, init=start)``, log space;
  - sklearn: ``GaussianMixture(K, weights_init, means_init, precisions_init=inv(covariances),
    max_iter=m, tol=0, reg_covar=1e-6, init_params="random_from_data")``;
  - original: the lesson's density-space ``e_step`` then ``m_step``, m times.

* Time per iteration. Each fit has a fixed cost (input checks, the start's
  E-step, scikit-learn's initialisation and final E-step) that is not part of
  an iteration, so a fit is timed at two iteration counts and the difference
  is divided by the number of extra iterations N:
  ours (t(N) - t(0)) / N, sklearn (t(N + 1) - t(1)) / N (scikit-learn 1.9.1
  fails with max_iter=0 when precisions_init is given), original t(N) / N.
  ``init_params="random_from_data"`` keeps scikit-learn from running k-means
  for an initialisation it then overrides; either way it falls in the fixed
  cost. The implementations are interleaved in every repeat; the report gives
  the median (and the min) over repeats, from ``time.perf_counter``. One
  iteration of ours and of sklearn includes the log-likelihood of the new
  parameters (the convergence test); the original computes none.

* Peak memory of one iteration: tracemalloc's peak, above its level before
  the iteration, while one E-step and one M-step run through each
  implementation's step functions (ours: ``m_step_by_component`` and
  ``e_step_by_component``; sklearn: its ``_e_step``, ``_m_step`` and
  ``_compute_lower_bound``, the body of its fit loop; original: its two
  functions). numpy reports its array allocations to tracemalloc; buffers
  that BLAS allocates internally are not seen.

* Equal results: after N iterations from the same start, the largest
  absolute difference over weights, means and covariances between ours and
  sklearn (both with reg_covar=1e-6), and between ours with reg_covar=0 and
  the original (which has no regularisation); plus the per-sample
  log-likelihood of every iteration, ours against sklearn's ``lower_bounds_``.

Targets (from the project issue): ours at most 0.5x scikit-learn's time per
iteration, no slower than the original, results equal to 1e-8. The script
prints PASS or FAIL for each; it is a report, not a test, so it exits 0
whatever the verdict, and 1 only if an implementation crashes.

Nothing about threads is set here: BLAS uses whatever the environment gives
it, and the report prints the relevant environment variables and, if
threadpoolctl is installed, the BLAS libraries loaded and their thread counts.
"""

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import traceback
import tracemalloc
import warnings
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import scipy
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmm_lessons import fit_gmm, initialize_parameters, original_lesson, sample_mixture
from gmm_lessons.em import e_step_by_component, m_step_by_component

FULL_CONFIGS = [(100_000, 2, 3), (1_000_000, 2, 3), (100_000, 10, 5)]
QUICK_CONFIGS = [(10_000, 2, 3), (100_000, 2, 3), (10_000, 10, 5)]
FULL_REPEATS, FULL_ITERATIONS = 5, 10
QUICK_REPEATS, QUICK_ITERATIONS = 3, 20

REG_COVAR = 1e-6
TARGET_VS_SKLEARN = 0.5
TARGET_VS_ORIGINAL = 1.0
EQUAL_ATOL = 1e-8
SEED = 20240611

IMPLEMENTATIONS = ("ours", "sklearn", "original")
THREAD_ENV_PREFIXES = ("OMP_", "OPENBLAS_", "MKL_", "BLIS_", "VECLIB_", "NUMEXPR_", "GOTO_")
MIB = 2.0**20


# --------------------------------------------------------------------------
# Data and start.


def make_mixture(n_features, n_components, rng):
    """Well separated but overlapping components.

    Means are rescaled so the closest pair is 4 apart; every covariance has a
    random orientation and eigenvalues in [0.5, 2] (standard deviations 0.7 to
    1.4), so neighbouring components share their tails.
    """
    means = rng.normal(size=(n_components, n_features))
    if n_components > 1:
        gaps = np.linalg.norm(means[:, np.newaxis] - means[np.newaxis], axis=2)
        means *= 4.0 / gaps[np.triu_indices(n_components, 1)].min()
    covariances = np.empty((n_components, n_features, n_features))
    for k in range(n_components):
        rotation, _ = np.linalg.qr(rng.normal(size=(n_features, n_features)))
        covariance = rotation @ np.diag(rng.uniform(0.5, 2.0, n_features)) @ rotation.T
        covariances[k] = (covariance + covariance.T) / 2
    weights = rng.dirichlet(np.full(n_components, 5.0))
    return weights, means, covariances


def make_problem(n_samples, n_features, n_components, seed):
    rng = np.random.default_rng([seed, n_samples, n_features, n_components])
    X, _ = sample_mixture(*make_mixture(n_features, n_components, rng), n_samples, rng=rng)
    start = initialize_parameters(X, n_components, rng=rng, method="random")
    return X, start


# --------------------------------------------------------------------------
# The three implementations: n_iter EM iterations from ``start``.


def run_ours(X, start, n_iter, reg_covar=REG_COVAR):
    return fit_gmm(X, len(start.weights), max_iter=n_iter, tol=0.0, init=start, reg_covar=reg_covar)


def sklearn_model(start, n_iter):
    return GaussianMixture(
        n_components=len(start.weights),
        covariance_type="full",
        tol=0.0,
        reg_covar=REG_COVAR,
        max_iter=n_iter,
        n_init=1,
        init_params="random_from_data",  # overridden by the three *_init; avoids k-means
        weights_init=start.weights,
        means_init=start.means,
        precisions_init=np.linalg.inv(start.covariances),
        random_state=0,
    )


def run_sklearn(X, start, n_iter):
    model = sklearn_model(start, n_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 never converges
        model.fit(X)
    return model


def run_original(X, start, n_iter):
    weights, means, covariances = start
    for _ in range(n_iter):
        weights, means, covariances = original_lesson.m_step(X, original_lesson.e_step(X, weights, means, covariances))
    return weights, means, covariances


# Fixed-cost baseline iteration count of each implementation (see the docstring).
BASELINE_ITERATIONS = {"ours": 0, "sklearn": 1, "original": None}  # None: no fixed cost to subtract
RUNNERS = {"ours": run_ours, "sklearn": run_sklearn, "original": run_original}


def parameters_of(implementation, result):
    if implementation == "ours":
        return result.weights, result.means, result.covariances
    if implementation == "sklearn":
        return result.weights_, result.means_, result.covariances_
    return result


# --------------------------------------------------------------------------
# Measurements.


class Crashes:
    """Record an implementation's crash, print its traceback, and carry on."""

    def __init__(self):
        self.seen = []

    def guard(self, label, function, *args):
        try:
            return function(*args)
        except Exception:  # noqa: BLE001 - a crash is reported per implementation, and the run goes on
            self.seen.append(label)
            print(f"\n*** CRASH in {label}:", file=sys.stderr)
            traceback.print_exc()
            return None


def timed(function, *args):
    gc.collect()
    begin = time.perf_counter()
    function(*args)
    return time.perf_counter() - begin


def time_per_iteration(X, start, n_iter, repeats, crashes, label):
    """Milliseconds per iteration of each implementation, as (median, min) over repeats.

    Every repeat times each implementation at its baseline iteration count and
    at baseline + n_iter, interleaving the implementations. The fixed cost of a
    fit varies from call to call by more than a small iteration takes, so the
    medians (and the mins) of the two times are taken first and then
    differenced: (median t(base + N) - median t(base)) / N.
    """
    samples = {name: {"base": [], "full": []} for name in IMPLEMENTATIONS}
    crashed = set()
    for _ in range(repeats):
        for name in IMPLEMENTATIONS:
            if name in crashed:
                continue
            base = BASELINE_ITERATIONS[name]

            def measure(run=RUNNERS[name], base=base):
                fixed_cost = 0.0 if base is None else timed(run, X, start, base)
                return fixed_cost, timed(run, X, start, (base or 0) + n_iter)

            measured = crashes.guard(f"{label} {name} timing", measure)
            if measured is None:
                crashed.add(name)
            else:
                samples[name]["base"].append(measured[0])
                samples[name]["full"].append(measured[1])
    return {
        name: None
        if name in crashed
        else tuple(
            1e3 * (pick(samples[name]["full"]) - pick(samples[name]["base"])) / n_iter
            for pick in (statistics.median, min)
        )
        for name in IMPLEMENTATIONS
    }


def peak_mib(function):
    """Peak traced memory above the level at the call, in MiB."""
    function()  # warm-up: one-off allocations (imports, caches) stay out of the number
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - before) / MIB


# For each implementation, a builder of a function that runs one E-step and one
# M-step. The state before the iteration (responsibilities, fitted model) is
# built by the builder, outside the measurement. Memory does not depend on the
# parameter values, so scikit-learn's state is the one after one fitted iteration.


def one_iteration_ours(X, start):
    responsibilities, _ = e_step_by_component(X, *start)

    def iteration():
        parameters = m_step_by_component(X, responsibilities, REG_COVAR, "full")
        _, log_density = e_step_by_component(X, *parameters)
        log_density.sum()

    return iteration


def one_iteration_sklearn(X, start):
    model = run_sklearn(X, start, 1)

    def iteration():  # the body of scikit-learn's fit loop
        log_prob_norm, log_resp = model._e_step(X)
        model._m_step(X, log_resp)
        model._compute_lower_bound(log_resp, log_prob_norm)

    return iteration


def one_iteration_original(X, start):
    def iteration():
        original_lesson.m_step(X, original_lesson.e_step(X, *start))

    return iteration


ONE_ITERATION = {"ours": one_iteration_ours, "sklearn": one_iteration_sklearn, "original": one_iteration_original}


def iteration_peak_mib(name, X, start):
    return peak_mib(ONE_ITERATION[name](X, start))


def max_abs_difference(first, second):
    return max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(first, second))


def compare_results(X, start, n_iter, crashes, label):
    """Run every implementation n_iter iterations from ``start`` and compare."""
    ours = crashes.guard(f"{label} ours", run_ours, X, start, n_iter)
    ours_unregularised = crashes.guard(f"{label} ours reg_covar=0", run_ours, X, start, n_iter, 0.0)
    model = crashes.guard(f"{label} sklearn", run_sklearn, X, start, n_iter)
    original = crashes.guard(f"{label} original", run_original, X, start, n_iter)
    comparison = {"vs_sklearn": None, "vs_original": None, "details": []}
    if ours is not None and model is not None:
        ours_parameters = parameters_of("ours", ours)
        sklearn_parameters = parameters_of("sklearn", model)
        comparison["vs_sklearn"] = max_abs_difference(ours_parameters, sklearn_parameters)
        per_parameter = [max_abs_difference([a], [b]) for a, b in zip(ours_parameters, sklearn_parameters)]
        # sklearn's lower_bounds_[i] is the mean log-likelihood of the parameters after i iterations.
        log_likelihood_gap = float(
            np.max(np.abs(ours.log_likelihood_history[:n_iter] / X.shape[0] - np.asarray(model.lower_bounds_)))
        )
        comparison["details"].append(
            "ours vs sklearn: max|dweights| {:.1e}, max|dmeans| {:.1e}, max|dcovariances| {:.1e}; "
            "per-sample log-likelihood of every iteration {:.1e}".format(*per_parameter, log_likelihood_gap)
        )
    if ours_unregularised is not None and original is not None:
        ours_parameters = parameters_of("ours", ours_unregularised)
        comparison["vs_original"] = max_abs_difference(ours_parameters, original)
        per_parameter = [max_abs_difference([a], [b]) for a, b in zip(ours_parameters, original)]
        finite = all(np.all(np.isfinite(p)) for p in original)
        comparison["details"].append(
            "ours(reg_covar=0) vs original: max|dweights| {:.1e}, max|dmeans| {:.1e}, max|dcovariances| {:.1e}".format(
                *per_parameter
            )
            + ("" if finite else "; the original's parameters contain NaN or inf")
        )
    return comparison


# --------------------------------------------------------------------------
# Report.


def load_average():
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def environment_lines():
    def package_version(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    try:
        usable_cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        usable_cpus = "?"
    lines = [
        f"python {platform.python_version()} on {platform.platform()} ({platform.machine()})",
        (
            f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
            f"gmm-lessons {package_version('gmm-lessons')}"
        ),
        f"CPUs: os.cpu_count() = {os.cpu_count()}, usable by this process = {usable_cpus}",
        f"load average at start {load_average()} (other processes' load skews the timings)",
    ]
    thread_vars = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(THREAD_ENV_PREFIXES))
    lines.append(
        "threads: this script sets nothing; environment: " + (", ".join(thread_vars) if thread_vars else "none set")
    )
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        lines.append("BLAS/OpenMP pools: threadpoolctl not installed")
    else:
        pools = threadpool_info()
        for pool in pools:
            lines.append(
                f"pool: {pool.get('internal_api')} {pool.get('version')} ({pool.get('user_api')}), "
                f"{pool.get('num_threads')} threads, {os.path.basename(pool.get('filepath', ''))}"
            )
        threaded_blas = [pool for pool in pools if pool.get("user_api") == "blas" and pool.get("num_threads", 1) > 1]
        if len(threaded_blas) > 1:
            lines.append(
                "note: more than one multi-threaded BLAS is loaded (numpy and scipy wheels each bundle OpenBLAS); "
                "code alternating between them (scipy.linalg, then a numpy matmul) can lose milliseconds per "
                "switch to their idle threads spinning; compare with --blas-threads 1"
            )
    return lines


def fmt_ms(value):
    return "CRASH" if value is None else f"{value[0]:8.2f} [{value[1]:7.2f}]"


def ratio(numerator, denominator, which=0):
    """Ratio of the medians (which=0) or of the mins (which=1); None after a crash."""
    if numerator is None or denominator is None:
        return None
    return numerator[which] / denominator[which]


def fmt_ratio(numerator, denominator):
    if ratio(numerator, denominator) is None:
        return "n/a"
    return f"{ratio(numerator, denominator):5.2f} [{ratio(numerator, denominator, 1):5.2f}]"


def fmt_number(value, spec):
    return "CRASH" if value is None else format(value, spec)


def verdict(value, limit):
    if value is None:
        return "n/a "
    return "PASS" if value <= limit else "FAIL"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller n and fewer repeats: a smoke run")
    parser.add_argument("--repeats", type=int, help="timing repeats (default 5, quick 3)")
    parser.add_argument("--iterations", type=int, help="EM iterations N per timed fit (default 10, quick 20)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        help="limit every BLAS library to this many threads (threadpoolctl); by default nothing is set",
    )
    args = parser.parse_args(argv)
    configs = QUICK_CONFIGS if args.quick else FULL_CONFIGS
    repeats = args.repeats or (QUICK_REPEATS if args.quick else FULL_REPEATS)
    n_iter = args.iterations or (QUICK_ITERATIONS if args.quick else FULL_ITERATIONS)
    if repeats < 1 or n_iter < 1:
        parser.error("--repeats and --iterations must be at least 1")
    if args.blas_threads is not None:
        if args.blas_threads < 1:
            parser.error("--blas-threads must be at least 1")
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            parser.error("--blas-threads needs threadpoolctl")
        with threadpool_limits(limits=args.blas_threads, user_api="blas"):
            return run(args, configs, repeats, n_iter)
    return run(args, configs, repeats, n_iter)


def run(args, configs, repeats, n_iter):

    wall_begin = time.perf_counter()
    print("EM iteration benchmark: gmm_lessons.fit_gmm vs scikit-learn GaussianMixture vs the original lesson")
    print("mode: " + ("QUICK (smoke run, smaller n)" if args.quick else "full"))
    if args.blas_threads is not None:
        print(f"  --blas-threads {args.blas_threads}: every BLAS library limited to {args.blas_threads} thread(s)")
    for line in environment_lines():
        print("  " + line)
    print(
        f"full covariances, reg_covar={REG_COVAR:g} (original: none), tol=0, same data and random start for all; "
        f"N={n_iter} iterations per timed fit, {repeats} repeats, seed {SEED}"
    )
    print()

    crashes = Crashes()
    rows = []
    for n_samples, n_features, n_components in configs:
        label = f"(n={n_samples}, d={n_features}, K={n_components})"
        print(f"running {label} ...", file=sys.stderr, flush=True)
        X, start = make_problem(n_samples, n_features, n_components, SEED)
        # The comparison runs first: it also warms every code path up before timing.
        comparison = compare_results(X, start, n_iter, crashes, label)
        times = time_per_iteration(X, start, n_iter, repeats, crashes, label)
        peaks = {
            name: crashes.guard(f"{label} {name} memory", iteration_peak_mib, name, X, start)
            for name in IMPLEMENTATIONS
        }
        rows.append(((n_samples, n_features, n_components), X.nbytes / MIB, times, peaks, comparison))
        del X
        gc.collect()

    key = "{:>9} {:>3} {:>3}"
    print(f"Time per EM iteration, ms, from the median [min] of {repeats} repeats; ratios of medians [of mins]")
    header = (
        key.format("n", "d", "K")
        + f" | {'ours':>18} | {'sklearn':>18} | {'original':>18} | {'ours/sklearn':>13} | {'ours/original':>13}"
    )
    print(header)
    print("-" * len(header))
    for (n, d, k), _, times, _, _ in rows:
        print(
            key.format(n, d, k)
            + f" | {fmt_ms(times['ours']):>18} | {fmt_ms(times['sklearn']):>18} | {fmt_ms(times['original']):>18}"
            + f" | {fmt_ratio(times['ours'], times['sklearn']):>13} | {fmt_ratio(times['ours'], times['original']):>13}"
        )
    print("(ours and sklearn compute the log-likelihood in every iteration; the original computes none)")
    print()

    print(
        f"Peak memory of one iteration above baseline (tracemalloc, MiB) and max|difference| after {n_iter} "
        "iterations from the same start"
    )
    header = (
        key.format("n", "d", "K")
        + f" | {'X':>7} | {'ours':>7} | {'sklearn':>7} | {'original':>8}"
        + f" | {'ours vs sklearn':>15} | {'ours(reg 0) vs original':>23}"
    )
    print(header)
    print("-" * len(header))
    for (n, d, k), x_mib, _, peaks, comparison in rows:
        print(
            key.format(n, d, k)
            + f" | {x_mib:7.1f} | {fmt_number(peaks['ours'], '7.1f'):>7} | {fmt_number(peaks['sklearn'], '7.1f'):>7}"
            + f" | {fmt_number(peaks['original'], '8.1f'):>8}"
            + f" | {fmt_number(comparison['vs_sklearn'], '15.1e'):>15}"
            + f" | {fmt_number(comparison['vs_original'], '23.1e'):>23}"
        )
    for (n, d, k), _, _, _, comparison in rows:
        for detail in comparison["details"]:
            print(f"  (n={n}, d={d}, K={k}) {detail}")
    print()

    print(
        f"Targets: ours/sklearn <= {TARGET_VS_SKLEARN} and ours/original <= {TARGET_VS_ORIGINAL} "
        f"(ratios of medians), results equal to {EQUAL_ATOL:g}"
    )
    header = key.format("n", "d", "K") + f" | {'vs sklearn':>12} | {'vs original':>12} | {'equal':>5}"
    print(header)
    print("-" * len(header))
    all_pass = 0
    for (n, d, k), _, times, _, comparison in rows:
        vs_sklearn = ratio(times["ours"], times["sklearn"])
        vs_original = ratio(times["ours"], times["original"])
        differences = [comparison["vs_sklearn"], comparison["vs_original"]]
        equal = None if None in differences else max(differences)
        verdicts = [verdict(vs_sklearn, TARGET_VS_SKLEARN), verdict(vs_original, TARGET_VS_ORIGINAL)]
        verdicts.append(verdict(equal, EQUAL_ATOL))
        all_pass += all(v == "PASS" for v in verdicts)
        print(
            key.format(n, d, k)
            + f" | {verdicts[0]} {fmt_number(vs_sklearn, '7.2f'):>7} | {verdicts[1]} {fmt_number(vs_original, '7.2f'):>7}"
            + f" | {verdicts[2]}"
        )
    print(f"{all_pass} of {len(rows)} configurations meet every target")
    if crashes.seen:
        print("CRASHED: " + "; ".join(crashes.seen))
    print(f"total run time {time.perf_counter() - wall_begin:.1f} s; load average at end {load_average()}")
    return 1 if crashes.seen else 0


if __name__ == "__main__":
    sys.exit(main())

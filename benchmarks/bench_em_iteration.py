"""Time one EM iteration of gmm_lessons against scikit-learn and the original lesson's code.

Run it with ``make benchmark`` (or ``python benchmarks/bench_em_iteration.py``);
``--quick`` runs every configuration at a tenth of its size, in seconds.

For (n, d, K) = (1e5, 2, 3), (1e6, 2, 3) and (1e5, 10, 5), the implementations
of ``tests/em_implementations.py`` (``tests/test_core_benchmark_agreement.py``
checks that they agree) run on the same data and from the same random start,
with full covariances and ``tol=0``. Each gives one record:

- time per iteration, in ms. A fit has a fixed cost outside its iterations
  (input checks, the start's E-step, scikit-learn's initialisation and final
  E-step), so each implementation is timed at its ``base`` iteration count
  and at ``base + N``, and the difference of the medians over the repeats is
  divided by N. scikit-learn's ``base`` is 1, as it cannot run 0 iterations
  from ``precisions_init``; timing ``max_iter=1`` fits one after another with
  ``warm_start=True`` would instead add its final E-step to every iteration.
  Ours and scikit-learn's iterations include the log-likelihood of the new
  parameters (the convergence test); the original computes none.
- peak memory, in MiB: tracemalloc's peak of what a fit of ``base + 1``
  iterations allocates (numpy reports its arrays to tracemalloc; buffers
  BLAS allocates internally are not seen).

BLAS runs one thread (threadpoolctl, a dependency of scikit-learn): with the
default two threads on a 2-core machine, scikit-learn's iteration on
(1e4, 2, 3) ran seven times slower, likely because it alternates between
numpy's and scipy's own copies of OpenBLAS and their idle threads spin.

The report prints the records as a table, with each implementation's time
relative to scikit-learn's and to the original lesson's on the same data.
"""

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import numpy as np
import sklearn
from em_implementations import make_problem, run_estimator, run_original, run_ours, run_sklearn
from threadpoolctl import threadpool_limits

CONFIGS = [(100_000, 2, 3), (1_000_000, 2, 3), (100_000, 10, 5)]
REPEATS, N_ITERATIONS = 5, 10
SEED = 20240611
# name: (runner, base iteration count: the fit that measures the fixed cost)
IMPLEMENTATIONS = {
    "gmm_lessons": (run_ours, 0),
    "gl.GaussianMixture": (run_estimator, 1),
    "scikit-learn": (run_sklearn, 1),
    "original lesson": (run_original, 0),
}


def seconds(run, X, start, n_iter):
    gc.collect()
    begin = time.perf_counter()
    run(X, start, n_iter)
    return time.perf_counter() - begin


def peak_mib(run, X, start, n_iter):
    run(X, start, n_iter)  # warm-up: one-off allocations (imports, caches) stay out of the number
    gc.collect()
    tracemalloc.start()
    run(X, start, n_iter)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def measure(n_samples, n_features, n_components, repeats, n_iter):
    """One record (a dict) per implementation, for one configuration."""
    label = f"(n, d, K) = ({n_samples}, {n_features}, {n_components})"
    X, start = make_problem(n_samples, n_features, n_components, SEED)
    times = {name: ([], []) for name in IMPLEMENTATIONS}  # at base and at base + n_iter iterations
    for repeat in range(1, repeats + 1):
        print(f"{label}: timing, repeat {repeat} of {repeats}", file=sys.stderr, flush=True)
        for name, (run, base) in IMPLEMENTATIONS.items():  # interleaved, so a burst of load hits them all
            times[name][0].append(seconds(run, X, start, base))
            times[name][1].append(seconds(run, X, start, base + n_iter))
    print(f"{label}: peak memory", file=sys.stderr, flush=True)
    return [
        {
            "n": n_samples,
            "d": n_features,
            "K": n_components,
            "implementation": name,
            "ms_per_iteration": 1e3 * (statistics.median(times[name][1]) - statistics.median(times[name][0])) / n_iter,
            "peak_mib": peak_mib(run, X, start, base + 1),
        }
        for name, (run, base) in IMPLEMENTATIONS.items()
    ]


def print_table(records):
    row = "{:>9} {:>3} {:>3}  {:<18} {:>9} {:>9} {:>9} {:>10}"
    print(row.format("n", "d", "K", "", "ms/iter", "peak MiB", "÷ sklearn", "÷ original"))
    for record in records:
        configuration = record["n"], record["d"], record["K"]
        ms = {r["implementation"]: r["ms_per_iteration"] for r in records if (r["n"], r["d"], r["K"]) == configuration}
        print(
            row.format(
                *configuration,
                record["implementation"],
                f"{record['ms_per_iteration']:.2f}",
                f"{record['peak_mib']:.1f}",
                f"{record['ms_per_iteration'] / ms['scikit-learn']:.2f}",
                f"{record['ms_per_iteration'] / ms['original lesson']:.2f}",
            )
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every configuration at a tenth of its n, 3 repeats")
    args = parser.parse_args(argv)
    configs = [(n // 10, d, k) for n, d, k in CONFIGS] if args.quick else CONFIGS
    repeats = 3 if args.quick else REPEATS
    print(
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}; one BLAS thread, {N_ITERATIONS} iterations per timed fit, {repeats} repeats"
    )
    records = []
    with threadpool_limits(limits=1):
        for config in configs:
            records += measure(*config, repeats, N_ITERATIONS)
    print_table(records)


if __name__ == "__main__":
    main()

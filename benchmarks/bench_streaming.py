"""Throughput and peak memory of EM in memory, stepwise EM on a stream, and EM as a dask map-reduce (lesson 12).

Run it with ``make benchmark`` (or ``python benchmarks/bench_streaming.py``);
``--quick`` runs at a tenth of the size, in seconds.

The data: N samples of lesson 12's three-component mixture in 2-D, made
chunk by chunk with ``gl.sample_chunk`` (so the streaming and dask runs
never hold them whole). Every run starts from the same parameters and
includes making its data, and runs in a fresh subprocess, so that its peak
memory is its own:

- ``fit_gmm``: all N samples made and held, then ``N_ITER`` iterations of
  ``fit_gmm`` (``tol=0``);
- ``stepwise``: one pass of ``gl.stepwise_em`` over a generator of chunks
  (the chunk is the mini-batch);
- ``dask``: ``N_ITER`` iterations of the map-reduce of lesson 12 on a
  ``LocalCluster`` of 2 workers of 1 thread each, in this process
  (``processes=False``, so that tracemalloc sees the workers' arrays); every
  iteration makes every chunk again. The cluster's start is not timed.

Each record: samples processed per second (N x passes / seconds), and peak
memory two ways: tracemalloc's peak of what one pass allocates (numpy
reports its buffers to it), measured in a second, untimed run because
tracemalloc slows every Python allocation and dask's scheduler makes many;
and the process's maximum resident set size (``ru_maxrss``, which includes
the interpreter and its imports). The
machine's load average is printed with every record: on a shared machine
the times move with it.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIXTURE = ([0.5, 0.3, 0.2], [[0.0, 0.0], [4.0, 1.0], [1.0, 4.0]],
           [[[1.0, 0.0], [0.0, 1.0]], [[1.0, -0.5], [-0.5, 1.0]], [[0.6, 0.0], [0.0, 0.6]]])
SEED = 20261202
N_SAMPLES = 1_000_000
CHUNK_SIZES = (10_000, 50_000, 250_000)
N_ITER = 5


def _start():
    import gmm_lessons as gl

    return gl.initialize_parameters(gl.sample_chunk(*MIXTURE, 2000, SEED + 1, 0), 3, rng=0)


def _run_fit_gmm(n_samples, chunk_size, start, n_iter):
    import numpy as np

    import gmm_lessons as gl

    X = np.concatenate([gl.sample_chunk(*MIXTURE, chunk_size, SEED, i) for i in range(n_samples // chunk_size)])
    gl.fit_gmm(X, 3, init=tuple(start), max_iter=n_iter, tol=0)
    return n_iter


def _run_stepwise(n_samples, chunk_size, start, n_iter):
    import gmm_lessons as gl

    stream = (gl.sample_chunk(*MIXTURE, chunk_size, SEED, i) for i in range(n_samples // chunk_size))
    gl.stepwise_em(stream, 3, alpha=0.6, init=tuple(start))
    return 1


def _run_dask(n_samples, chunk_size, start, n_iter):
    import dask
    import dask.array as da
    import numpy as np

    import gmm_lessons as gl
    from gmm_lessons import streaming

    def make_chunk(block_id):
        return gl.sample_chunk(*MIXTURE, chunk_size, SEED, block_id[0])

    X = da.map_blocks(make_chunk, chunks=((chunk_size,) * (n_samples // chunk_size), (2,)), dtype=float,
                      meta=np.empty((0, 2)))
    theta = start
    for _ in range(n_iter):
        parts = [dask.delayed(streaming.chunk_statistics)(block, *theta) for block in X.to_delayed().ravel()]
        total = dask.delayed(streaming.combine_statistics)(parts).compute()
        theta = gl.m_step_from_statistics(*total[:3])
    return n_iter


def run_one(method, n_samples, chunk_size):
    """One measurement, in this process: a dict for the report."""
    start = _start()
    client = cluster = None
    if method == "dask":
        from dask.distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address="127.0.0.1:0")
        client = Client(cluster)
    runner = {"fit_gmm": _run_fit_gmm, "stepwise": _run_stepwise, "dask": _run_dask}[method]
    began = time.perf_counter()
    passes = runner(n_samples, chunk_size, start, N_ITER)
    seconds = time.perf_counter() - began
    # tracemalloc slows every Python allocation (dask's scheduler makes many): a second, untimed run of one
    # pass measures the peak, which one pass reaches as well as five.
    tracemalloc.start()
    runner(n_samples, chunk_size, start, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if client is not None:
        client.close()
        cluster.close()
    return {
        "method": method,
        "chunk": chunk_size,
        "seconds": seconds,
        "samples_per_s": n_samples * passes / seconds,
        "traced_peak_mib": peak / 2**20,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10,
        "load": os.getloadavg()[0],
    }


def measure(method, n_samples, chunk_size):
    """Run one measurement in a fresh subprocess and return its record."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, __file__, "--one", method, str(n_samples), str(chunk_size)],
        capture_output=True, text=True, env=environment, timeout=1800, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{method} with chunks of {chunk_size} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument("--one", nargs=3, metavar=("METHOD", "N", "CHUNK"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        method, n_samples, chunk_size = arguments.one
        print(json.dumps(run_one(method, int(n_samples), int(chunk_size))))
        return
    scale = 10 if arguments.quick else 1
    n_samples = N_SAMPLES // scale
    chunks = [size // scale for size in CHUNK_SIZES]
    print(f"EM over {n_samples} samples of a 3-component 2-D mixture, {N_ITER} iterations (stepwise: one pass); "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start", flush=True)
    plan = [("fit_gmm", chunks[-1])] + [(method, size) for method in ("stepwise", "dask") for size in chunks]
    records = []
    for method, size in plan:
        print(f"  running {method} with chunks of {size} ...", flush=True)
        records.append(measure(method, n_samples, size))
    print(f"\n{'method':10s} {'chunk':>8s} {'seconds':>8s} {'samples/s':>11s} {'traced peak':>12s} "
          f"{'max RSS':>9s} {'load':>5s}")
    for r in records:
        chunk = "all" if r["method"] == "fit_gmm" else str(r["chunk"])
        print(f"{r['method']:10s} {chunk:>8s} {r['seconds']:8.2f} {r['samples_per_s']:11.3g} "
              f"{r['traced_peak_mib']:9.1f} MiB {r['maxrss_mib']:5.0f} MiB {r['load']:5.2f}")
    print(f"\nThe whole data set is {n_samples * 2 * 8 / 2**20:.1f} MiB; samples/s counts every pass "
          "(fit_gmm and dask read the data once per iteration, stepwise EM once in all).")


if __name__ == "__main__":
    main()

"""EM from sufficient statistics (gmm_lessons.streaming): over chunks, on a dask cluster, and stepwise on a stream."""

import subprocess
import sys

import numpy as np
import pytest

import gmm_lessons as gl
from gmm_lessons import streaming

MIXTURE = ([0.5, 0.3, 0.2], [[0.0, 0.0], [4.0, 1.0], [1.0, 4.0]],
           [np.eye(2), [[1.0, -0.5], [-0.5, 1.0]], 0.6 * np.eye(2)])


@pytest.fixture(scope="module")
def chunks():
    """Six chunks of 500 samples, read-only."""
    parts = [gl.sample_chunk(*MIXTURE, 500, 3, chunk) for chunk in range(6)]
    for part in parts:
        part.flags.writeable = False
    return parts


@pytest.fixture(scope="module")
def start(chunks):
    return gl.initialize_parameters(chunks[0], 3, rng=0)


def test_a_chunk_is_the_same_whether_made_alone_or_after_the_others():
    alone = gl.sample_chunk(*MIXTURE, 50, 9, 4)
    np.testing.assert_array_equal(alone, gl.sample_chunk(*MIXTURE, 50, 9, 4))
    assert not np.array_equal(alone, gl.sample_chunk(*MIXTURE, 50, 9, 3))
    assert not np.array_equal(alone, gl.sample_chunk(*MIXTURE, 50, 10, 4))
    # The chunk's generator is child 4 of the stream's SeedSequence.
    child = np.random.SeedSequence(9).spawn(5)[4]
    np.testing.assert_array_equal(alone, gl.sample_mixture(*MIXTURE, 50, rng=np.random.default_rng(child))[0])


def test_statistics_summed_over_chunks_are_the_statistics_of_the_whole(chunks, start):
    X = np.concatenate(chunks)
    gamma = gl.e_step(X, *start)
    whole = gl.sufficient_statistics(X, gamma)
    per_chunk = [gl.sufficient_statistics(x, g) for x, g in zip(np.split(X, 6), np.split(gamma, 6))]
    for part, total in zip(zip(*per_chunk), whole):
        np.testing.assert_allclose(sum(part), total, rtol=1e-12)
    assert [part.shape for part in whole] == [(3,), (3, 2), (3, 2, 2)]
    combined = streaming.combine_statistics(streaming.chunk_statistics(chunk, *start) for chunk in chunks)
    for got, expected in zip(combined[:3], whole):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert combined.n_samples == len(X)
    assert combined.log_likelihood == pytest.approx(gl.log_likelihood(X, *start), rel=1e-12)


def test_the_statistics_are_the_sums_they_are_named_for(chunks, start):
    X = chunks[1]
    gamma = gl.e_step(X, *start)
    N_k, sum_x, sum_xx = gl.sufficient_statistics(X, gamma)
    np.testing.assert_allclose(N_k, gamma.sum(axis=0))
    k = 2
    np.testing.assert_allclose(sum_x[k], (gamma[:, k, None] * X).sum(axis=0))
    np.testing.assert_allclose(sum_xx[k], sum(g * np.outer(x, x) for g, x in zip(gamma[:, k], X)))


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_the_m_step_from_statistics_is_em_m_step(chunks, start, covariance_type):
    X = np.concatenate(chunks)
    gamma = gl.e_step(X, *start)
    from_statistics = gl.m_step_from_statistics(*gl.sufficient_statistics(X, gamma), reg_covar=1e-4,
                                                covariance_type=covariance_type)
    direct = gl.m_step(X, gamma, reg_covar=1e-4, covariance_type=covariance_type)
    for got, expected in zip(from_statistics, direct):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_the_one_pass_covariance_loses_digits_far_from_the_origin_and_centring_restores_them(chunks, start):
    X = np.concatenate(chunks)
    gamma = gl.e_step(X, *start)
    shifted = X + 1e6
    direct = gl.m_step(shifted, gamma, reg_covar=0)[2]
    one_pass = gl.m_step_from_statistics(*gl.sufficient_statistics(shifted, gamma), reg_covar=0)[2]
    centred = gl.m_step_from_statistics(*gl.sufficient_statistics(shifted - shifted[:500].mean(axis=0), gamma),
                                        reg_covar=0)[2]
    assert np.abs(one_pass - direct).max() > 1e-6  # about 1e12 * eps of error on variances of about 1
    np.testing.assert_allclose(centred, direct, rtol=1e-9, atol=1e-12)


def _em_over_chunks(compute_statistics, start, n_iter):
    theta = start
    for _ in range(n_iter):
        theta = gl.m_step_from_statistics(*compute_statistics(theta)[:3])
    return theta


def test_dask_map_reduce_on_a_local_cluster_gives_batch_em_to_1e_8(start):
    dask = pytest.importorskip("dask", reason="dask is pinned in requirements.txt")
    da = pytest.importorskip("dask.array")
    distributed = pytest.importorskip("distributed")
    n_chunks, size = 6, 400
    make = dask.delayed(gl.sample_chunk, pure=True)
    X_lazy = da.concatenate([da.from_delayed(make(*MIXTURE, size, 11, i), shape=(size, 2), dtype=float)
                             for i in range(n_chunks)])

    def on_the_cluster(theta):
        parts = [dask.delayed(streaming.chunk_statistics)(block, *theta) for block in X_lazy.to_delayed().ravel()]
        return dask.delayed(streaming.combine_statistics)(parts).compute()

    # Threads of this process, and the scheduler's HTTP server on a free port of 127.0.0.1 only.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address="127.0.0.1:0")
    with cluster, distributed.Client(cluster) as client:
        theta = _em_over_chunks(on_the_cluster, start, 10)
        assert len(client.scheduler_info()["workers"]) == 2
    X = np.concatenate([gl.sample_chunk(*MIXTURE, size, 11, i) for i in range(n_chunks)])
    batch = gl.fit_gmm(X, 3, init=tuple(start), max_iter=10, tol=0)
    assert batch.n_iter == 10
    for got, expected in zip(theta, batch.history[-1]):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)


def test_the_synchronous_scheduler_gives_the_same_parameters(start):
    dask = pytest.importorskip("dask", reason="dask is pinned in requirements.txt")
    chunks = [dask.delayed(gl.sample_chunk, pure=True)(*MIXTURE, 300, 12, i) for i in range(4)]

    def synchronous(theta):
        parts = [dask.delayed(streaming.chunk_statistics)(chunk, *theta) for chunk in chunks]
        return dask.delayed(streaming.combine_statistics)(parts).compute(scheduler="synchronous")

    def in_memory(theta):
        return streaming.combine_statistics(streaming.chunk_statistics(gl.sample_chunk(*MIXTURE, 300, 12, i), *theta)
                                            for i in range(4))

    for got, expected in zip(_em_over_chunks(synchronous, start, 5), _em_over_chunks(in_memory, start, 5)):
        np.testing.assert_array_equal(got, expected)


def test_the_first_step_with_t0_0_is_one_batch_em_iteration(chunks, start):
    X = np.concatenate(chunks)
    for alpha in (0.6, 1.0):
        fit = streaming.stepwise_em([X], 3, alpha=alpha, t0=0, init=tuple(start))
        assert fit.step_sizes.tolist() == [1.0]
        for got, expected in zip(fit.history[1], gl.m_step(X, gl.e_step(X, *start))):
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_with_alpha_1_and_t0_0_the_running_statistics_are_the_average_of_the_batches():
    rng = np.random.default_rng(0)
    batches = [tuple(rng.normal(size=shape) for shape in ((3,), (3, 2), (3, 2, 2))) for _ in range(7)]
    running = batches[0]
    for t, batch in enumerate(batches[1:], start=2):
        running = streaming.stepwise_update(running, batch, streaming.step_size(t, alpha=1.0, t0=0.0))
    for got, parts in zip(running, zip(*batches)):
        np.testing.assert_allclose(got, np.mean(parts, axis=0), rtol=1e-12)


def test_stepwise_em_on_a_stream_ends_near_the_batch_fit(start):
    held_out = gl.sample_chunk(*MIXTURE, 1000, 13, 0)
    stream = (gl.sample_chunk(*MIXTURE, 100, 14, t) for t in range(200))
    fit = streaming.stepwise_em(stream, 3, alpha=0.7, rng=0, held_out=held_out)
    batch = gl.fit_gmm(np.concatenate([gl.sample_chunk(*MIXTURE, 100, 14, t) for t in range(200)]), 3, rng=0)
    batch_score = gl.log_likelihood(held_out, *batch.history[-1]) / len(held_out)
    assert fit.n_steps == 200 and fit.n_seen[-1] == 20000 and len(fit.log_likelihood_history) == 201
    assert fit.log_likelihood_history[-1] > fit.log_likelihood_history[0] + 0.05
    assert abs(fit.log_likelihood_history[-1] - batch_score) < 0.005
    order = np.argsort(fit.means[:, 0] + 10 * fit.means[:, 1])
    batch_order = np.argsort(batch.means[:, 0] + 10 * batch.means[:, 1])
    np.testing.assert_allclose(fit.means[order], batch.means[batch_order], atol=0.1)
    np.testing.assert_allclose(fit.weights[order], batch.weights[batch_order], atol=0.02)


def test_stepwise_em_leaves_its_inputs_alone_and_takes_a_seed(chunks):
    copies = [chunk.copy() for chunk in chunks]
    first = streaming.stepwise_em(chunks, 3, rng=5)
    again = streaming.stepwise_em(iter(chunks), 3, rng=np.random.default_rng(5))
    for chunk, copy in zip(chunks, copies):
        np.testing.assert_array_equal(chunk, copy)
    np.testing.assert_array_equal(first.means, again.means)
    assert first.log_likelihood_history is None


def test_minibatches_cover_every_sample_once_per_epoch(chunks):
    X = chunks[0]
    batches = list(streaming.minibatches(X, 64, n_epochs=2, rng=1))
    assert [len(batch) for batch in batches] == [64] * 7 + [52] + [64] * 7 + [52]
    for epoch in (batches[:8], batches[8:]):
        np.testing.assert_array_equal(np.sort(np.concatenate(epoch), axis=0), np.sort(X, axis=0))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda X: streaming.stepwise_em([X], 2, alpha=0.5), r"alpha must be a number with 0.5 < alpha <= 1"),
        (lambda X: streaming.stepwise_em([X], 2, alpha=1.2), r"alpha must be .* got 1.2"),
        (lambda X: streaming.stepwise_em([X], 2, t0=-1), r"t0 must be non-negative"),
        (lambda X: streaming.stepwise_em([], 2), r"batches is empty"),
        (lambda X: streaming.stepwise_em(X, 2), r"batches must be an iterable of 2-D arrays .*streaming.minibatches"),
        (lambda X: streaming.stepwise_em([X, X[:, :1]], 2), r"batch 1 has 1 features but the first batch has 2"),
        (lambda X: streaming.stepwise_em([X], 2, held_out=X[:, :1]), r"held_out has 1 features"),
        (lambda X: streaming.minibatches(X, 0), r"batch_size must be at least 1, got 0"),
        (lambda X: streaming.minibatches(X, 10, n_epochs=0), r"n_epochs must be at least 1"),
        (lambda X: gl.sample_chunk(*MIXTURE, 0, 1, 0), r"chunk_size must be at least 1"),
        (lambda X: gl.sample_chunk(*MIXTURE, 10, 1, -1), r"chunk must be at least 0"),
        (lambda X: gl.m_step_from_statistics(np.ones(3), np.ones((2, 2)), np.ones((3, 2, 2))),
         r"sum_x must have shape \(n_components, n_features\) with n_components = 3"),
        (lambda X: gl.m_step_from_statistics(np.ones(3), np.ones((3, 2)), np.ones((3, 2))), r"sum_xx must have shape"),
        (lambda X: gl.m_step_from_statistics(-np.ones(3), np.ones((3, 2)), np.ones((3, 2, 2))),
         r"N_k must be non-negative"),
        (lambda X: gl.sufficient_statistics(X, np.ones((len(X) + 1, 2)) / 2), r"responsibilities must have shape"),
        (lambda X: streaming.combine_statistics([]), r"parts must be a non-empty sequence of ChunkStatistics"),
    ],
)
def test_bad_arguments_are_named(chunks, call, message):
    with pytest.raises(ValueError, match=message):
        call(chunks[0])


def test_importing_gmm_lessons_does_not_import_dask():
    code = "import sys, gmm_lessons; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"

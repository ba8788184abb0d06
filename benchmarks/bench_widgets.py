"""Time one update of every slider widget in gmm_lessons.widgets.

An update is what happens when a learner drags a slider one step: the
widget's callback moves its artists and re-renders the figure to PNG. The
target is a median under 100 ms on a 2-core machine, so that dragging feels
instant. Run with ``make benchmark`` or ``python benchmarks/bench_widgets.py``.
"""

import time

import matplotlib

matplotlib.use("Agg")

import numpy as np

import gmm_lessons as gl
from gmm_lessons import widgets

TARGET_MS = 100.0
STEPS_PER_SLIDER = 25


def lesson_widgets():
    """The widgets as the lessons build them, on the original lesson's data."""
    X, _ = gl.seed_dataset()
    fit = gl.fit_gmm(X, 3, init="random", rng=3, max_iter=50)
    start = gl.initialize_parameters(X, 3, rng=3)
    return {
        "sampling_explorer": lambda: widgets.sampling_explorer(
            [0.3, 0.4, 0.3], [[0.0, 0.0], [4.0, 4.0], [-3.0, 3.0]], [np.eye(2)] * 3, rng=0),
        "likelihood_explorer": lambda: widgets.likelihood_explorer(X, *fit.history[-1]),
        "responsibility_explorer": lambda: widgets.responsibility_explorer(X, *start),
        "em_step_explorer": lambda: widgets.em_step_explorer(X, *start),
        "em_history_explorer": lambda: widgets.em_history_explorer(X, fit),
    }


def time_updates(widget):
    """Milliseconds per update, moving each slider across its range."""
    timings = []
    for slider in widget.sliders.values():
        for value in np.linspace(slider.min, slider.max, STEPS_PER_SLIDER):
            value = type(slider.value)(value)
            if value == slider.value:
                continue
            started = time.perf_counter()
            slider.value = value
            timings.append(1e3 * (time.perf_counter() - started))
    return np.array(timings)


def main():
    print(f"{'widget':<26}{'build ms':>10}{'updates':>9}{'median ms':>11}{'max ms':>9}  target")
    for name, build in lesson_widgets().items():
        started = time.perf_counter()
        widget = build()
        build_ms = 1e3 * (time.perf_counter() - started)
        timings = time_updates(widget)
        verdict = "PASS" if np.median(timings) < TARGET_MS else "FAIL"
        print(f"{name:<26}{build_ms:>10.0f}{timings.size:>9}{np.median(timings):>11.1f}{timings.max():>9.1f}"
              f"  {verdict} (median < {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()

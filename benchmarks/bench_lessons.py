"""How fast the lessons are, each notebook in a fresh kernel, and what every slider ships to the browser.

For each lesson, run all cells in a new kernel (as ``make notebooks`` and
nbval do) and time it; then, in the same kernel, find every slider widget the
lesson built. No slider does anything in the kernel when it moves, so what
each ships to the browser is reported instead: a frame slider
(``FrameSliderFigure``) its frames x bytes of PNG, a canvas slider
(``CanvasSliderFigure``) the bytes of its canvas widget's state (figure
background, data, mixture and ES module). The time from a key press to the new image in the browser is
``bench_sliders_browser.py``'s.

Targets on the course's 2-core machine: each notebook under 20 s, the whole
series (13 lessons) under 150 s.

Run with ``make benchmark`` or ``python benchmarks/bench_lessons.py [NOTEBOOK ...]``.
"""

import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the course package, at the root

from course.manifest import read_lessons

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOK_TARGET_S = 20.0
SERIES_TARGET_S = 150.0

# Run in the lesson's kernel after its last cell: what every slider widget ships to the browser.
MEASURE_SLIDERS = """
import gc as _gc, json as _json
from gmm_lessons.widgets import CanvasSliderFigure as _Canvas, FrameSliderFigure as _Frames
_report = []
for _widget in [o for o in _gc.get_objects() if isinstance(o, _Frames)]:
    _frames, _bytes = _widget.payload()
    _report.append({"widget": _widget.title, "slider": next(iter(_widget.sliders)), "frames": _frames,
                    "bytes": _bytes})
for _widget in [o for o in _gc.get_objects() if isinstance(o, _Canvas)]:
    _report.append({"widget": _widget.title, "slider": ", ".join(_widget.sliders),
                    "bytes": len(_json.dumps(_widget.canvas.get_state(), default=str))})
print(_json.dumps(_report))
"""


def run_lesson(path):
    """(seconds to start a kernel, seconds to execute every cell, list of slider payload records)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}})
    kernel_started = time.perf_counter()
    with client.setup_kernel():
        started = time.perf_counter()
        for index, cell in enumerate(notebook.cells):
            client.execute_cell(cell, index)
        elapsed = time.perf_counter() - started
        probe = nbformat.v4.new_code_cell(MEASURE_SLIDERS)
        notebook.cells.append(probe)
        client.execute_cell(probe, len(notebook.cells) - 1)
    text = "".join(output.get("text", "") for output in probe.outputs if output.output_type == "stream")
    return started - kernel_started, elapsed, json.loads(text)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv):
    paths = [Path(arg) for arg in argv] or [lesson.path for lesson in read_lessons(ROOT / "notebooks")]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other load skews timings)")
    print(f"{'lesson':<46}{'kernel s':>9}{'cells s':>8}   then what each slider ships to the browser")
    total, failures = 0.0, []
    for path in paths:
        startup, elapsed, sliders = run_lesson(path)
        elapsed += startup
        total += elapsed
        if elapsed >= NOTEBOOK_TARGET_S:
            failures.append(f"{path.name} took {elapsed:.1f} s")
        print(f"{path.stem:<46}{startup:>9.1f}{elapsed - startup:>8.1f}")
        for record in sliders:
            label = f"{record['widget']}: {record['slider']}"
            if "frames" in record:
                print(f"{'':<26}{label:<60} {record['frames']} frames, {record['bytes'] / 1e3:.0f} kB "
                      f"({record['bytes'] / record['frames'] / 1e3:.1f} kB each)")
            else:
                print(f"{'':<26}{label:<60} canvas state {record['bytes'] / 1e3:.0f} kB")
    if total >= SERIES_TARGET_S:
        failures.append(f"the series took {total:.1f} s")
    print(f"\ntotal {total:.1f} s for {len(paths)} lessons (kernel start included)")
    print(f"targets: each notebook < {NOTEBOOK_TARGET_S:.0f} s, series < {SERIES_TARGET_S:.0f} s")
    print("all targets met" if not failures else "MISSED: " + "; ".join(failures))


if __name__ == "__main__":
    main(sys.argv[1:])

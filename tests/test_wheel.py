"""The package as a learner installs it, apart from the repository.

``python -m build`` makes an sdist and a wheel that ``twine check --strict``
accepts and that hold ``gmm_lessons`` alone. A fresh virtualenv gets only that
wheel with its ``lessons`` extra, and ipykernel and nbclient (what a plain
Jupyter or Colab has), from PyPI as pip does; a lesson downloaded from the
website (the committed notebook, copied to a folder outside the repository)
then runs top to bottom in that virtualenv's kernel. About a minute and a half
with pip's cache warm; ``-s`` shows the progress.
"""

import os
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gmm_lessons"
# What the package reads at run time besides its modules: lesson 08's data set and the canvas sliders' ES module.
PACKAGE_DATA = {"gmm_lessons/data/old_faithful.csv", "gmm_lessons/static/mixture_canvas.js"}
# 03 has sliders and a self-check; 06 imports scikit-learn (the lessons extra) and has both too.
LESSONS = ["03_e_step", "06_initialisation_and_singularities"]
# Appended to the downloaded copy: which Python the kernel runs and where it found the package.
PROBE = "import sys\n\nimport gmm_lessons\n\nprint(sys.executable)\nprint(gmm_lessons.__file__)"
# A cell that takes longer has hung: lessons run in well under 20 s.
CELL_TIMEOUT = 120


def _run(command, what, **kwargs):
    """Run ``command``, print how long it took, fail with its output if it fails."""
    print(f"{what} ...", flush=True)
    began = time.perf_counter()
    # check=False: a failure is reported with the command's output, which CalledProcessError leaves out.
    result = subprocess.run([str(part) for part in command], check=False, capture_output=True, text=True,
                            timeout=600, **kwargs)
    print(f"{what}: {time.perf_counter() - began:.0f} s", flush=True)
    assert result.returncode == 0, f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _learner_environment(home):
    """This process's environment without what ties a Python or Jupyter to this machine or repository.

    The test runs with the repository on ``PYTHONPATH``, which a learner does not have; Jupyter's and IPython's
    folders point at the empty ``home``, so no kernel spec or start-up file of this machine's user is found.
    """
    environment = {name: value for name, value in os.environ.items()
                   if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH"}}
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR"):
        environment[name] = str(home / name.lower())
    return environment


def _first_error(cell):
    """``"name: value"`` of a code cell's first error output, or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return f"{output.ename}: {output.evalue}"
    return None


@pytest.fixture(scope="module")
def distributions(tmp_path_factory):
    """The (wheel, sdist) that ``python -m build`` makes of the repository."""
    outdir = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", outdir, ROOT], "python -m build")
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def learner(distributions, tmp_path_factory):
    """A fresh virtualenv with the wheel, its lessons extra, ipykernel and nbclient: (venv, environment)."""
    wheel, _ = distributions
    home = tmp_path_factory.mktemp("learner")
    venv = home / "venv"
    environment = _learner_environment(home)
    _run([sys.executable, "-m", "venv", venv], "python -m venv", env=environment)
    # --no-compile: byte-compiling every installed module took about 20 of the install's 45 s of CPU time here,
    # and changes nothing the lessons do (the kernel compiles what it imports).
    _run([venv / "bin" / "python", "-m", "pip", "install", "--no-compile", f"{wheel}[lessons]",
          "ipykernel", "nbclient"], "pip install the wheel[lessons], ipykernel and nbclient", env=environment)
    return venv, environment


def test_twine_check_strict_accepts_the_wheel_and_the_sdist(distributions):
    _run([sys.executable, "-m", "twine", "check", "--strict", *distributions], "twine check --strict")


def test_the_wheel_holds_the_package_with_its_data_and_nothing_else(distributions):
    wheel, _ = distributions
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"gmm_lessons"}
    modules = {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py")}
    assert modules - names == set()
    assert PACKAGE_DATA - names == set()


def test_the_sdist_holds_the_package_alone(distributions):
    _, sdist = distributions
    with tarfile.open(sdist) as archive:
        folders = {Path(member.name).parts[1] for member in archive.getmembers()
                   if member.isdir() and len(Path(member.name).parts) > 1}
    assert folders == {"gmm_lessons", "gmm_lessons.egg-info"}


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_downloaded_lesson_runs_top_to_bottom_in_the_learners_kernel(learner, lesson, tmp_path):
    venv, environment = learner
    download = tmp_path / f"{lesson}.ipynb"
    notebook = nbformat.read(ROOT / "notebooks" / download.name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbformat.write(notebook, download)

    _run([venv / "bin" / "jupyter", "execute", "--allow-errors", "--inplace", f"--timeout={CELL_TIMEOUT}",
          download.name], f"lesson {lesson} in the fresh venv's kernel", cwd=tmp_path, env=environment)

    executed = nbformat.read(download, as_version=4)
    unexpected = {index: _first_error(cell) for index, cell in enumerate(executed.cells)
                  if _first_error(cell) and "raises-exception" not in cell.metadata.get("tags", [])}
    assert unexpected == {}
    executable, module = executed.cells[-1].outputs[0].text.split()
    assert Path(executable).parent == venv / "bin"
    assert Path(module).parent.parent.name == "site-packages"
    assert Path(module).is_relative_to(venv)

"""What the lessons need installed, and what is missing (lesson 00's environment check)."""

import importlib.metadata
import sys

from packaging.version import Version

MINIMUM_PYTHON = (3, 11)
# distribution name -> (minimum version, what the lessons use it for)
REQUIREMENTS = {
    "numpy": ("1.24", "arrays and linear algebra"),
    "scipy": ("1.10", "reference densities, log-sum-exp"),
    "matplotlib": ("3.8", "figures"),
    "ipywidgets": ("8.0", "sliders"),
    "jupyterlab_widgets": ("3.0", "shows the sliders in JupyterLab"),
    "scikit-learn": ("1.6", "the reference to compare with, and gl.GaussianMixture's base, lesson 09"),
}


def missing_requirements():
    """Requirements not met, as a list of (name, found version or None, minimum)."""
    problems = []
    for name, (minimum, _) in REQUIREMENTS.items():
        try:
            found = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append((name, None, minimum))
            continue
        if Version(found) < Version(minimum):
            problems.append((name, found, minimum))
    return problems


def check_environment():
    """Print one line per requirement, and what to run if something is missing."""
    python_ok = sys.version_info[:2] >= MINIMUM_PYTHON
    print(f"{'✓' if python_ok else '✗'} Python {sys.version.split()[0]} (need {'.'.join(map(str, MINIMUM_PYTHON))}+)")
    problems = {name: (found, minimum) for name, found, minimum in missing_requirements()}
    for name, (minimum, purpose) in REQUIREMENTS.items():
        if name in problems:
            found, _ = problems[name]
            status = "not installed" if found is None else f"{found} is too old"
            print(f"✗ {name}: {status}, need {minimum}+ ({purpose})")
        else:
            print(f"✓ {name} {importlib.metadata.version(name)} ({purpose})")
    if problems or not python_ok:
        print("\nSomething is missing. From the repository's folder, run `make lab` (it installs the tested "
              "versions into .venv), or: pip install -r requirements.txt")
    else:
        print("\nEverything the lessons need is installed.")

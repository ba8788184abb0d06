"""The package's layers (CONTRIBUTING.md, "Architecture"): a light `import gmm_lessons`, and mathematics
that never imports the teaching modules, the scikit-learn estimator or the build tools."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gmm_lessons as gl

PACKAGE = Path(gl.__file__).parent
MATHEMATICS = ("_validation", "parameters", "gaussian", "em", "missing", "sampling", "fitting", "selection",
               "streaming", "alignment", "datasets")
TEACHING = ("plotting", "widgets", "checks", "environment")
LIBRARY_WAY = ("estimator",)
# What a mathematics module may not import: the layers above it, and the build tools (course/, once tools/).
ABOVE_MATHEMATICS = (*(f"gmm_lessons.{name}" for name in TEACHING + LIBRARY_WAY), "course", "tools")
HEAVY = ("ipywidgets", "anywidget", "matplotlib", "PIL", "sklearn")

FRESH_IMPORT = """
import json, sys
import gmm_lessons as gl

def loaded():
    return sorted(name for name in sys.modules
                  if name.split(".")[0] in HEAVY or name.split(".")[:2] in [["gmm_lessons", m] for m in TEACHING])

before = loaded()
widgets = gl.widgets
print(json.dumps({"file": gl.__file__, "before": before, "after": loaded(),
                  "explorer": callable(widgets.sampling_explorer)}))
"""


def test_import_gmm_lessons_loads_no_teaching_module_until_one_is_used():
    """In a fresh interpreter: no widget, plotting or check module, nor their heavy dependencies, until
    ``gl.widgets`` is read; then the widgets work."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE.parent), os.environ.get("PYTHONPATH", "")])}
    script = f"HEAVY, TEACHING = {HEAVY!r}, {TEACHING!r}\n{FRESH_IMPORT}"
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environment,
                               check=True, timeout=120)
    report = json.loads(completed.stdout)
    assert Path(report["file"]) == Path(gl.__file__)
    assert report["before"] == [], f"import gmm_lessons imported {report['before']}"
    assert {"gmm_lessons.widgets", "gmm_lessons.plotting", "ipywidgets", "anywidget", "matplotlib", "PIL"} <= set(
        report["after"])
    assert report["explorer"]


def test_the_lazy_submodules_are_attributes_and_importable_as_before():
    import gmm_lessons.widgets as w
    from gmm_lessons import plotting, widgets

    assert gl.widgets is widgets is w is sys.modules["gmm_lessons.widgets"]
    assert gl.plotting is plotting is sys.modules["gmm_lessons.plotting"]
    assert callable(gl.checks.check_e_step)
    assert gl.environment.__name__ == "gmm_lessons.environment"
    for name in TEACHING:
        assert name in gl.__all__ and name in dir(gl)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_module'"):
        gl.no_such_module  # noqa: B018


def imports_above_mathematics(source):
    """(line, import statement, what it imports) for every import in ``source``, a module of gmm_lessons,
    that reaches a layer above the mathematics; inside functions too."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            # Relative to gmm_lessons (level 1); `from . import plotting` imports gmm_lessons.plotting.
            base = ".".join(filter(None, ["gmm_lessons" if node.level else "", node.module or ""]))
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        reached = [name for name in names
                   if any(name == above or name.startswith(f"{above}.") for above in ABOVE_MATHEMATICS)]
        if reached:
            found.append((node.lineno, ast.unparse(node), reached[0]))
    return found


def test_the_import_check_finds_every_form_of_import():
    source = ("import numpy as np\nfrom ._validation import check_data\n"
              "def show(fit):\n    from . import plotting\n    from .widgets._frames import FrameSliderFigure\n"
              "    import gmm_lessons.checks\n    from gmm_lessons.estimator import GaussianMixture\n"
              "    import course.lessons\n")
    assert [(line, name) for line, _, name in imports_above_mathematics(source)] == [
        (4, "gmm_lessons.plotting"), (5, "gmm_lessons.widgets._frames"), (6, "gmm_lessons.checks"),
        (7, "gmm_lessons.estimator"), (8, "course.lessons")]


def test_every_module_of_the_package_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    modules |= {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert modules == set(MATHEMATICS + TEACHING + LIBRARY_WAY)


@pytest.mark.parametrize("module", MATHEMATICS)
def test_the_mathematics_never_imports_the_layers_above_it(module):
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    violations = [f"gmm_lessons/{module}.py:{line}: {statement}"
                  for line, statement, _ in imports_above_mathematics(source)]
    assert not violations, "the mathematics layer imports a layer above it:\n" + "\n".join(violations)

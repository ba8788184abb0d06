"""The environment check says what is missing; the setup says which Python it needs, and works as root."""

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from gmm_lessons import environment

ROOT = Path(__file__).resolve().parents[1]
MINIMUM = ".".join(map(str, environment.MINIMUM_PYTHON))
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def test_everything_is_installed_here(capsys):
    assert environment.missing_requirements() == []
    environment.check_environment()
    out = capsys.readouterr().out
    assert "Everything the lessons need is installed." in out
    assert out.count("✓") == len(environment.REQUIREMENTS) + 1  # + Python


def test_a_missing_package_is_named_with_what_to_run(monkeypatch, capsys):
    real_version = importlib.metadata.version

    def version(name):
        if name == "ipywidgets":
            raise importlib.metadata.PackageNotFoundError(name)
        return "0.1" if name == "scipy" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    assert environment.missing_requirements() == [("scipy", "0.1", "1.10"), ("ipywidgets", None, "8.0")]
    environment.check_environment()
    out = capsys.readouterr().out
    assert "✗ ipywidgets: not installed, need 8.0+" in out
    assert "✗ scipy: 0.1 is too old, need 1.10+" in out
    assert "make lab" in out


def pinned_python_support():
    """Each pinned package's Requires-Python, from its installed metadata."""
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    names = [Requirement(line).name for line in lines if "==" in line and not line.startswith("#")]
    return {name: SpecifierSet(importlib.metadata.metadata(name)["Requires-Python"] or "") for name in names}


def test_the_minimum_python_is_what_the_pins_need_and_is_said_everywhere():
    """Every pin installs on the minimum Python, some pin needs it, and pyproject, README and Makefile say it."""
    support = pinned_python_support()
    assert [name for name, python in support.items() if not python.contains(MINIMUM)] == []
    older = f"3.{environment.MINIMUM_PYTHON[1] - 1}"
    assert any(not python.contains(older) for python in support.values()), f"every pin installs on Python {older}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == f">={MINIMUM}"
    assert f"Python {MINIMUM} or newer" in (ROOT / "README.md").read_text()
    assert f"sys.version_info < ({MINIMUM.replace('.', ', ')})" in (ROOT / "Makefile").read_text()


def test_the_license_is_an_spdx_string_for_a_bounded_setuptools():
    """A license table is deprecated (setuptools stops building it after 2027-02-18); strings need setuptools 77."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"
    (setuptools,) = [Requirement(r) for r in pyproject["build-system"]["requires"] if r.startswith("setuptools")]
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77.0.3")
    assert any(spec.operator == "<" for spec in setuptools.specifier), "the build backend's version is unbounded"


@needs_make
def test_lab_allows_root_only_as_root():
    """Jupyter refuses to start as root without --allow-root; the flag is added for uid 0 only, on 127.0.0.1."""
    dry_run = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (command,) = [line for line in dry_run.splitlines() if "jupyter lab" in line]
    assert "--ServerApp.ip=127.0.0.1" in command and "token" not in command  # the default: a random token
    assert ("--allow-root" in command) == (os.geteuid() == 0)


@needs_make
def test_setup_with_an_old_python_fails_early_saying_what_to_run(tmp_path):
    """An old PYTHON: one clear line naming its version and the fix, and no half-made .venv left behind."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    (tmp_path / "requirements.txt").touch()
    (tmp_path / "pyproject.toml").touch()
    old_python = tmp_path / "old_python"  # answers --version like Python 3.10 and fails the version test
    old_python.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.10.13" && exit 0\nexit 1\n')
    old_python.chmod(0o755)

    setup = subprocess.run(
        ["make", "setup", f"PYTHON={old_python}"], cwd=tmp_path, capture_output=True, text=True, check=False
    )

    assert setup.returncode != 0
    expected = rf"need Python {re.escape(MINIMUM)} or newer.*is Python 3\.10\.13\. Run: make setup PYTHON="
    assert re.search(expected, setup.stderr), setup.stderr
    assert not (tmp_path / ".venv").exists()

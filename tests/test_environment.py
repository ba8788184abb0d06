"""The environment check says what is missing."""

import importlib.metadata

from gmm_lessons import environment


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

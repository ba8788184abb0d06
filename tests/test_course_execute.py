"""The cache of executed lessons and the publishing policy (course.execute, course.publish), without a kernel."""

import pytest

from course import execute, publish


def test_the_cache_key_changes_with_the_notebook_the_package_and_the_kind():
    key = execute.cache_key(b"notebook", execute.WIDGETS, package="p")
    assert key == execute.cache_key(b"notebook", execute.WIDGETS, package="p")
    assert key != execute.cache_key(b"notebook!", execute.WIDGETS, package="p")
    assert key != execute.cache_key(b"notebook", execute.WIDGETS, package="q")
    assert key != execute.cache_key(b"notebook", execute.SLIDES, package="p")


def test_the_package_digest_follows_its_files(tmp_path):
    (tmp_path / "a.py").write_text("x = 1", encoding="utf-8")
    before = execute.package_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_bytes(b"byte code")
    assert execute.package_digest(tmp_path) == before, "byte code is not source"
    (tmp_path / "a.py").write_text("x = 2", encoding="utf-8")
    assert execute.package_digest(tmp_path) != before


@pytest.mark.parametrize(("value", "folder"), [("off", None), ("", execute.DEFAULT_CACHE), ("/tmp/x", "/tmp/x")])
def test_the_cache_folder_comes_from_the_environment(monkeypatch, value, folder):
    monkeypatch.setenv(execute.CACHE_VARIABLE, value)
    assert execute.cache_folder() == (None if folder is None else type(execute.DEFAULT_CACHE)(folder))


def test_an_output_folder_is_replaced_only_when_the_same_command_made_it(tmp_path):
    lessons, output = tmp_path / "lessons", tmp_path / "out"
    lessons.mkdir()
    with publish.new_output(output, lessons, "pages") as staging:
        (staging / "a.html").write_text("a", encoding="utf-8")
    assert sorted(path.name for path in output.iterdir()) == [publish.BUILD_MARK, "a.html"]
    with publish.new_output(output, lessons, "pages") as staging:
        (staging / "b.html").write_text("b", encoding="utf-8")
    assert sorted(path.name for path in output.iterdir()) == [publish.BUILD_MARK, "b.html"]
    with pytest.raises(publish.PublishError, match="`python -m course slides` did not make"), \
            publish.new_output(output, lessons, "slides"):
        pass
    assert (output / "b.html").is_file()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lessons", "out"], "a build left a folder behind"


def test_a_failed_build_leaves_the_previous_output(tmp_path):
    lessons, output = tmp_path / "lessons", tmp_path / "out"
    lessons.mkdir()
    with publish.new_output(output, lessons, "student") as staging:
        (staging / "kept.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(RuntimeError), publish.new_output(output, lessons, "student") as staging:
        (staging / "half.ipynb").write_text("{}", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert sorted(path.name for path in output.iterdir()) == [publish.BUILD_MARK, "kept.ipynb"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["lessons", "out"]

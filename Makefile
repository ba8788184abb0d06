# The two commands of the README, and the ones that maintain the lessons.
#   make lab        set up, then open the lessons in JupyterLab (127.0.0.1, with a token)
#   make test       set up, then run every test (package, widgets, notebooks via nbval)
#   make check      the package's tests and ruff, in under a minute (make test is the full gate CI runs)
#   make notebooks  re-execute every lesson in a fresh kernel and store its outputs
#   make student    homework copies of every lesson, solutions removed, in build/student
#   make slides     a reveal.js slide deck of every lesson, for offline use, in build/slides
#   make links      regenerate every lesson's previous/contents/next links and the lesson tables
#   make benchmark  time the EM iteration (vs scikit-learn, the original lesson), each lesson and slider

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SLIDES_ASSETS := tools/slides/node_modules/.installed

.PHONY: setup lab test check notebooks student slides links benchmark

setup: $(INSTALLED)

# The pins in requirements.txt need Python 3.11 or newer. A .venv left by an older (or since removed)
# Python cannot be repaired in place, so it is made again, with $(PYTHON), if that one is new enough.
SUPPORTED_PYTHON := import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))
SUPPORTED_VENV := import sys, pip; sys.exit(sys.version_info < (3, 11))

$(INSTALLED): requirements.txt pyproject.toml
	@if ! $(BIN)/python -c '$(SUPPORTED_VENV)' 2>/dev/null; then \
		if ! $(PYTHON) -c '$(SUPPORTED_PYTHON)' 2>/dev/null; then \
			echo "make: the lessons need Python 3.11 or newer with venv; $(PYTHON) is" \
				"$$($(PYTHON) --version 2>/dev/null || echo "not a working Python"). Run: make setup PYTHON=python3.11 (or newer)" >&2; \
			exit 1; \
		fi; \
		if [ -e $(VENV) ]; then \
			echo "Making $(VENV) again with $(PYTHON): its Python" \
				"($$($(BIN)/python --version 2>/dev/null || echo missing)) is older than 3.11, broken or has no pip"; \
		fi; \
		$(PYTHON) -m venv --clear $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# Jupyter refuses to run as root (as in many containers) unless told to; the flag is added only then.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ALLOW_ROOT)

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Naming tests/ leaves the notebooks (nbval) out; the three ignored run lessons in kernels, build
# slides or drive a browser.
check: $(INSTALLED)
	$(BIN)/python -m pytest tests --ignore=tests/browser --ignore=tests/test_homework.py --ignore=tests/test_slides.py
	$(BIN)/ruff check .

# The lessons are those of notebooks/lessons.toml, in its order (read when the recipe runs, after setup).
# Widget state is not stored (each slider widget carries a still PNG for readers without a
# kernel), nor are execution timestamps (they would change every cell at every run).
notebooks: $(INSTALLED)
	lessons="$$($(BIN)/python tools/lessons.py paths)" && \
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
		$$lessons

# Student copies of every lesson (solutions removed, outputs cleared) in build/student.
student: $(INSTALLED)
	$(BIN)/python tools/homework.py notebooks build/student

# Slide decks and PDF handouts of every lesson in build/slides: open NN_name.slides.html in a browser
# (offline, also from file://). Every lesson is executed again with the slide style (a line per
# lesson as it goes), then each deck is printed by Chromium. reveal.js, MathJax 2, require.js,
# jQuery and the widget manager are the npm packages pinned in tools/slides/package-lock.json,
# installed again only when the lock file changes.
slides: $(INSTALLED) $(SLIDES_ASSETS)
	$(BIN)/python tools/slides.py notebooks build/slides

# After editing notebooks/lessons.toml: rewrite the navigation cell of every lesson, the list of
# lessons on the contents page and the README's lesson table (only those; nothing is executed).
links: $(INSTALLED)
	$(BIN)/python tools/lessons.py links

$(SLIDES_ASSETS): tools/slides/package.json tools/slides/package-lock.json
	npm ci --prefix tools/slides --no-audit --no-fund
	touch $@

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/bench_em_iteration.py
	$(BIN)/python benchmarks/bench_lessons.py

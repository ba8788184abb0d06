# The two commands of the README, and the ones that maintain the lessons.
#   make lab        set up, then open the lessons in JupyterLab (127.0.0.1, with a token)
#   make test       set up, then run every test (package, widgets, notebooks via nbval)
#   make check      the package's tests and ruff, in under a minute (make test is the full gate CI runs)
#   make notebooks  re-execute every lesson in a fresh kernel and store its outputs
#   make student    homework copies of every lesson, solutions removed, in build/student
#   make grade SUBMISSIONS=DIR [TIMEOUT=60] [JOBS=N]
#                   grade DIR/<student>/NN_name.ipynb with the lessons' checks: build/grades/grades.csv, feedback
#   make slides     a reveal.js slide deck of every lesson, for offline use, in build/slides
#   make site       the course as a static website that works offline (file:// or any static host), in build/site
#   make html       every lesson executed with its widget state, as a page in build/html (sliders work, no kernel)
#   make links      regenerate every lesson's previous/contents/next links and the lesson tables
#   make benchmark  time the EM iteration (vs scikit-learn, the original lesson), streaming and dask EM, each lesson and slider
#   make nbgrader-venv  nbgrader, for instructors and its test, in its own .venv-nbgrader (make test sets it up)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SLIDES_ASSETS := tools/slides/node_modules/.installed
SITE_VENV := .venv-site
SITE_INSTALLED := $(SITE_VENV)/.installed
SITE_ASSETS := tools/site/node_modules/.installed
# The widgets' front end (the widget manager) is pinned once, in tools/html_manager: slides, site and html copy it.
WIDGET_ASSETS := tools/html_manager/node_modules/.installed

.PHONY: setup lab test check notebooks student grade slides site html links benchmark nbgrader-venv

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

# nbgrader (0.9.6, with a database, a pinned JupyterLab and lab extensions) gets a virtualenv of its own, so
# that nothing of it reaches the learners' .venv; tests/test_nbgrader.py finds it there.
NBGRADER_VENV := .venv-nbgrader
NBGRADER_INSTALLED := $(NBGRADER_VENV)/.installed

nbgrader-venv: $(NBGRADER_INSTALLED)

$(NBGRADER_INSTALLED): requirements-nbgrader.txt
	$(PYTHON) -m venv --clear $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet -r requirements-nbgrader.txt
	touch $@

# Jupyter refuses to run as root (as in many containers) unless told to; the flag is added only then.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks $(ALLOW_ROOT)

# The nbgrader and site virtualenvs and the site's and widgets' npm assets too: tests/test_nbgrader.py runs the
# real nbgrader, tests/test_site.py builds the website and opens every page.
test: $(INSTALLED) $(NBGRADER_INSTALLED) $(SITE_INSTALLED) $(SITE_ASSETS) $(WIDGET_ASSETS)
	$(BIN)/python -m pytest

# Naming tests/ leaves the notebooks (nbval) out; the marks (pyproject.toml) leave out the tests that start
# kernels (grading, homework, nbgrader), build decks, pages, the website or a venv, or drive a browser.
check: $(INSTALLED)
	$(BIN)/python -m pytest tests -m "not kernel and not build and not browser"
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

# Grade the students' filled-in copies, DIR/<student>/NN_name.ipynb, each in a fresh kernel with
# TIMEOUT seconds per cell, JOBS students at once (default one per core), only the lessons ONLY names
# (ONLY="03 11": a homework's; default every lesson with exercises); the submissions are only read.
# Writes build/grades/grades.csv (for a learning-management system), problems.csv and feedback/<student>/.
TIMEOUT ?= 60
grade: $(INSTALLED)
	@if [ -z "$(SUBMISSIONS)" ]; then echo "make grade: say where the submissions are: make grade SUBMISSIONS=DIR" >&2; exit 1; fi
	$(BIN)/python tools/grade.py "$(SUBMISSIONS)" --out build/grades --timeout $(TIMEOUT) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(ONLY),--only $(ONLY))

# Slide decks and PDF handouts of every lesson in build/slides: open NN_name.slides.html in a browser
# (offline, also from file://). Every lesson is executed again with the slide style (a line per
# lesson as it goes), then each deck is printed by Chromium. reveal.js, MathJax 2, require.js and
# jQuery are the npm packages pinned in tools/slides/package-lock.json, the widget manager the one in
# tools/html_manager/package-lock.json, each installed again only when its lock file changes.
slides: $(INSTALLED) $(SLIDES_ASSETS) $(WIDGET_ASSETS)
	$(BIN)/python tools/slides.py notebooks build/slides

# The course as a website in build/site (open build/site/index.html, or publish the folder on any static
# host). Pages show the committed outputs; SITE_EXECUTE=1 executes each lesson first, storing its widget
# state, so that its sliders work on the page without a kernel. Jupyter Book 1 (requirements-site.txt)
# lives in its own .venv-site; MathJax and require.js are the npm packages pinned in
# tools/site/package-lock.json, the widget manager the one in tools/html_manager/package-lock.json.
site: $(INSTALLED) $(SITE_INSTALLED) $(SITE_ASSETS) $(WIDGET_ASSETS)
	$(BIN)/python tools/website.py notebooks build/site

$(SITE_INSTALLED): requirements-site.txt
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SITE_VENV)/bin/python -m pip install --quiet -r requirements-site.txt
	touch $@

$(SITE_ASSETS): tools/site/package.json tools/site/package-lock.json
	npm ci --prefix tools/site --no-audit --no-fund
	touch $@

# Every lesson executed again with its widget state (the stored notebooks keep none), written as
# build/html/NN_name.html: its frame sliders work with no kernel, from file://. The widget manager is
# the npm package pinned in tools/html_manager/package-lock.json; require.js and MathJax are the decks'.
html: $(INSTALLED) $(SLIDES_ASSETS) $(WIDGET_ASSETS)
	$(BIN)/python tools/widget_state.py notebooks build/html

# After editing notebooks/lessons.toml: rewrite the navigation cell of every lesson, the list of
# lessons on the contents page and the README's lesson table (only those; nothing is executed).
links: $(INSTALLED)
	$(BIN)/python tools/lessons.py links

$(SLIDES_ASSETS): tools/slides/package.json tools/slides/package-lock.json
	npm ci --prefix tools/slides --no-audit --no-fund
	touch $@

$(WIDGET_ASSETS): tools/html_manager/package.json tools/html_manager/package-lock.json
	npm ci --prefix tools/html_manager --no-audit --no-fund
	touch $@

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/bench_em_iteration.py
	$(BIN)/python benchmarks/bench_streaming.py
	$(BIN)/python benchmarks/bench_lessons.py
	$(BIN)/python benchmarks/bench_sliders_browser.py

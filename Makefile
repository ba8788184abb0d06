# The two commands of the README, and the ones that maintain the lessons.
#   make lab        set up, then open the lessons in JupyterLab (127.0.0.1, with a token)
#   make test       set up, then run every test (package, widgets, notebooks via nbval)
#   make check      the fast tier of tests and ruff, in under a minute (make test is the full gate CI runs)
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
# Every target that reads the lessons runs `python -m course VERB` (python -m course --help lists the verbs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SITE_VENV := .venv-site
SITE_INSTALLED := $(SITE_VENV)/.installed
# Every script, style and font the decks, pages and site load, pinned once (course/assets/package.json).
ASSETS := course/assets/node_modules/.installed
COURSE := $(BIN)/python -m course

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

# The tests run on every core (pytest-xdist); a file's tests stay in one worker (nbval runs a notebook's cells in
# one kernel, a module's fixtures are made once).
JOBS_TEST ?= auto
# The nbgrader and site virtualenvs and the site's and widgets' npm assets too: tests/test_nbgrader.py runs the
# real nbgrader, tests/test_site.py builds the website and opens every page.
test: $(INSTALLED) $(NBGRADER_INSTALLED) $(SITE_INSTALLED) $(ASSETS)
	$(BIN)/python -m pytest -n $(JOBS_TEST) --dist loadfile

# Naming tests/ leaves the notebooks (nbval) out; the marks (pyproject.toml) leave out the tests that start
# kernels (grading, homework, nbgrader), build decks, pages, the website or a venv, or drive a browser.
check: $(INSTALLED)
	$(BIN)/python -m pytest tests -n auto -m "not kernel and not build and not browser"
	$(BIN)/ruff check .

# The lessons are those of notebooks/lessons.toml, in its order (read when the recipe runs, after setup).
# Widget state is not stored (each slider widget carries a still PNG for readers without a
# kernel), nor are execution timestamps (they would change every cell at every run).
notebooks: $(INSTALLED)
	$(COURSE) notebooks

# Student copies of every lesson (solutions removed, outputs cleared) in build/student.
student: $(INSTALLED)
	$(COURSE) student

# Grade the students' filled-in copies, DIR/<student>/NN_name.ipynb, each in a fresh kernel with
# TIMEOUT seconds per cell, JOBS students at once (default one per core), only the lessons ONLY names
# (ONLY="03 11": a homework's; default every lesson with exercises); the submissions are only read.
# Writes build/grades/grades.csv (for a learning-management system), problems.csv and feedback/<student>/.
TIMEOUT ?= 60
grade: $(INSTALLED)
	@if [ -z "$(SUBMISSIONS)" ]; then echo "make grade: say where the submissions are: make grade SUBMISSIONS=DIR" >&2; exit 1; fi
	$(COURSE) grade "$(SUBMISSIONS)" --out build/grades --timeout $(TIMEOUT) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(ONLY),--only $(ONLY))

# Slide decks and PDF handouts of every lesson in build/slides: open NN_name.slides.html in a browser
# (offline, also from file://). Every lesson is executed again with the slide style (a line per
# lesson as it goes), then each deck is printed by Chromium. The browser assets are the npm packages
# pinned in course/assets/package-lock.json, installed again only when the lock file changes.
slides: $(INSTALLED) $(ASSETS)
	$(COURSE) slides

# The course as a website in build/site (open build/site/index.html, or publish the folder on any static
# host). Pages show the committed outputs; SITE_EXECUTE=1 executes each lesson first, storing its widget
# state, so that its sliders work on the page without a kernel. Jupyter Book 1 (requirements-site.txt)
# lives in its own .venv-site; MathJax, require.js and the widget manager are pinned in course/assets.
site: $(INSTALLED) $(SITE_INSTALLED) $(ASSETS)
	$(COURSE) site

$(SITE_INSTALLED): requirements-site.txt
	$(PYTHON) -m venv $(SITE_VENV)
	$(SITE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SITE_VENV)/bin/python -m pip install --quiet -r requirements-site.txt
	touch $@

# Every lesson executed again with its widget state (the stored notebooks keep none), written as
# build/html/NN_name.html: its sliders work with no kernel, from file://. The decks, the pages and the
# site execute each lesson once per kind: executed lessons are kept in build/cache (COURSE_CACHE=off: none).
html: $(INSTALLED) $(ASSETS)
	$(COURSE) pages

# After editing notebooks/lessons.toml: rewrite the navigation cell of every lesson, the list of
# lessons on the contents page and the README's lesson table (only those; nothing is executed).
links: $(INSTALLED)
	$(COURSE) links

$(ASSETS): course/assets/package.json course/assets/package-lock.json
	npm ci --prefix course/assets --no-audit --no-fund
	touch $@

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/bench_em_iteration.py
	$(BIN)/python benchmarks/bench_streaming.py
	$(BIN)/python benchmarks/bench_lessons.py
	$(BIN)/python benchmarks/bench_sliders_browser.py

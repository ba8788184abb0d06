# The two commands of the README, and the ones that maintain the lessons.
#   make lab        set up, then open the lessons in JupyterLab (127.0.0.1, with a token)
#   make test       set up, then run every test (package, widgets, notebooks via nbval)
#   make notebooks  re-execute every lesson in a fresh kernel and store its outputs
#   make benchmark  time the EM iteration against scikit-learn and the original lesson

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup lab test notebooks benchmark

setup: $(INSTALLED)

$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Widget state is not stored: each slider widget carries a still PNG for readers without a kernel.
notebooks: $(INSTALLED)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=False notebooks/*.ipynb

benchmark: $(INSTALLED)
	$(BIN)/python benchmarks/bench_em_iteration.py
	$(BIN)/python benchmarks/bench_widgets.py

# Two commands are all a learner needs: `make lab` and `make test`. The rest is for maintainers.
# `make` alone lists the targets. PY=python3.13 picks the Python that builds .venv.
VENV   := .venv
PYTHON := $(VENV)/bin/python
PY     ?= python3
export PY
# Kernels started by Jupyter, nbval and nbclient must be this environment's Python.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help lab test execute sync bench mutants lock handouts venv dot clean

help:                     ## list the targets
	@echo "make lab    open the course in JupyterLab at the first notebook (sets up on first use)"
	@echo "make test   re-run every notebook and check everything (sets up on first use)"
	@echo
	@echo "For maintainers:"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | grep -vE '^(help|lab|test):' | sed -E 's/^([a-z]+):.*## /  make \1\t/' | expand -t 18

lab: venv                 ## open the course in JupyterLab at the first notebook
	@tools/ensure-dot || true
	$(PYTHON) tools/lab.py

test: venv dot            ## re-execute every notebook and run every test
	$(PYTHON) -m pytest -n 2 --dist loadscope

execute: venv dot         ## store fresh outputs: all notebooks, or NB=notebooks/03-....ipynb
	$(PYTHON) tools/execute.py $(NB)

sync: venv                ## regenerate headers, navigation, inherited code, anchors and the README table
	$(PYTHON) tools/sync.py

bench: venv dot           ## time each notebook, bare nbval and the whole validation
	$(PYTHON) tools/execute.py bench

mutants: venv dot         ## plant each known defect in a scratch copy and report which checks catch it
	$(PYTHON) tools/mutants.py

lock:                     ## re-pin the whole environment (requirements.lock) from requirements.txt
	tools/lock

handouts: venv            ## printable HTML of every notebook, figures embedded, in handouts/
	$(VENV)/bin/jupyter nbconvert --to html --HTMLExporter.embed_images=True --output-dir handouts notebooks/*.ipynb

venv:
	@tools/ensure-venv

dot:
	@tools/ensure-dot

clean:                    ## remove the environment and everything generated
	rm -rf $(VENV) .pytest_cache handouts

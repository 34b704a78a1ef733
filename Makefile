# Two commands are all a learner needs: `make lab` and `make test`. The rest is for maintainers.
# `make` alone lists the targets. PY=python3.13 picks the Python that builds .venv; VENV=.venv-3.13
# another folder for it (CI tests each Python in one of its own).
VENV   := .venv
export VENV
PYTHON := $(VENV)/bin/python
# nbgrader's preprocessors, for `make student` and its tests, in a folder of their own (requirements-student.txt)
NBGRADER := $(VENV)/nbgrader
PY     ?= python3
export PY
# Kernels started by Jupyter, nbval and nbclient must be this environment's Python.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help lab test execute sync bench mutants lock site site-serve site-test pdf pdf-test find student venv dot clean

help:                     ## list the targets
	@echo "make lab    open the course in JupyterLab at the first notebook (sets up on first use)"
	@echo "make test   re-run every notebook and check everything (sets up on first use)"
	@echo
	@echo "For maintainers:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | grep -vE '^(help|lab|test):' | sed -E 's/^([a-z-]+):.*## /  make \1\t/' | expand -t 19

lab: venv                 ## open the course in JupyterLab at the first notebook
	@tools/ensure-dot || true
	$(PYTHON) tools/lab.py

test: venv dot $(NBGRADER)/ready  ## re-execute every notebook and run every test
	$(PYTHON) -m pytest -n 2 --dist loadscope

execute: venv dot         ## store fresh outputs: all notebooks, or NB=notebooks/03-....ipynb
	$(PYTHON) tools/execute.py $(NB)

sync: venv $(NBGRADER)/ready  ## regenerate headers, navigation, inherited code, anchors and the README table
	$(PYTHON) tools/sync.py

bench: venv dot           ## time each notebook, bare nbval and the whole validation
	$(PYTHON) tools/execute.py bench

mutants: venv dot         ## plant each known defect in a scratch copy and report which checks catch it
	$(PYTHON) tools/mutants.py

lock:                     ## re-pin the whole environment (requirements.lock) from requirements.txt
	tools/lock

site: venv $(VENV)/site-ready site/node_modules/.package-lock.json  ## build the course site in build/site/ from the stored outputs (nothing re-executed)
	$(PYTHON) tools/site.py

# issue 19: Run here. Pyodide and viz.js, pinned in site/package-lock.json, copied into the site by tools/site_run.py
site/node_modules/.package-lock.json: site/package-lock.json
	npm ci --prefix site --no-audit --no-fund --silent

site-serve: site          ## serve the site at http://localhost:8000/ (open it there: the video plays only over http)
	$(PYTHON) tools/site.py serve

site-test: site           ## check every page of the site in Chromium, network blocked (tests/browser)
	$(PYTHON) -m pytest -o addopts="" -p no:cacheprovider tests/browser --ignore=tests/browser/test_pdf.py

# issue 18: site
pdf: site                 ## print A4 handouts of the notebooks and notes to build/pdf/ (all, or NB="05 07")
	$(PYTHON) tools/pdf.py $(NB)

pdf-test: pdf             ## read the printed handouts back and check them (tests/browser/test_pdf.py)
	$(PYTHON) -m pytest -o addopts="" -p no:cacheprovider tests/browser/test_pdf.py

find: venv                ## the moments of the lecture about something: make find q="zero grad"
	@$(PYTHON) tools/search.py $(q)

# The site's packages (Sphinx, myst-nb, the theme, MathJax, Playwright), on top of the lock, on first use.
$(VENV)/site-ready: requirements-site.txt tests/browser/package-lock.json $(VENV)/ready
	@echo "Installing the site's packages into $(VENV) from requirements-site.txt (first time: a minute)..."
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-site.txt -c requirements.lock
	@# issue 18: site. axe-core for the browser suite, pinned in tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	@touch $@

student: venv $(NBGRADER)/ready  ## write the students' versions (exercises/) from the teacher's (teachers/source/)
	$(PYTHON) tools/student.py

# issue 17: a teacher's nbgrader, for real (tools/grade.py), with its dependencies in an environment of their own.
NBGRADER_VENV := .venv-nbgrader
.PHONY: grade-demo
grade-demo: venv $(NBGRADER_VENV)/ready  ## nbgrader releases, autogrades and gives feedback on every exercise notebook (build/grade-demo/)
	$(NBGRADER_VENV)/bin/python tools/grade.py

$(NBGRADER_VENV)/ready: requirements-nbgrader.txt
	@rm -rf $(NBGRADER_VENV)
	$(PY) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-nbgrader.txt
	@touch $@

$(NBGRADER)/ready: requirements-student.txt | venv
	@rm -rf $(NBGRADER)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --target $(NBGRADER) -r requirements-student.txt
	@touch $@

venv:
	@tools/ensure-venv

dot:
	@tools/ensure-dot

clean:                    ## remove the environments (.venv, and .venv-3.X of other Pythons) and everything generated
	rm -rf $(VENV) .venv-3.* .venv-nbgrader .pytest_cache build student

# Two commands are all a learner needs: `make lab` and `make test`. The rest is for maintainers.
# `make` alone lists the targets. PY=python3.13 picks the Python that builds .venv.
VENV   := .venv
PYTHON := $(VENV)/bin/python
# nbgrader's preprocessors, for `make student` and its tests, in a folder of their own (requirements-student.txt)
NBGRADER := $(VENV)/nbgrader
PY     ?= python3
export PY
# Kernels started by Jupyter, nbval and nbclient must be this environment's Python.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help lab test execute sync bench mutants lock site site-serve site-test find student venv dot clean

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

sync: venv                ## regenerate headers, navigation, inherited code, anchors and the README table
	$(PYTHON) tools/sync.py

bench: venv dot           ## time each notebook, bare nbval and the whole validation
	$(PYTHON) tools/execute.py bench

mutants: venv dot         ## plant each known defect in a scratch copy and report which checks catch it
	$(PYTHON) tools/mutants.py

lock:                     ## re-pin the whole environment (requirements.lock) from requirements.txt
	tools/lock

site: venv $(VENV)/site-ready  ## build the course site in build/site/ from the stored outputs (nothing re-executed)
	$(PYTHON) tools/site.py

site-serve: site          ## serve the site at http://localhost:8000/ (open it there: the video plays only over http)
	$(PYTHON) tools/site.py serve

site-test: site           ## check every page of the site in Chromium, network blocked (tests/browser)
	$(PYTHON) -m pytest -o addopts="" -p no:cacheprovider tests/browser

find: venv                ## the moments of the lecture about something: make find q="zero grad"
	@$(PYTHON) tools/search.py $(q)

# The site's packages (Sphinx, myst-nb, the theme, MathJax, Playwright), on top of the lock, on first use.
$(VENV)/site-ready: requirements-site.txt $(VENV)/ready
	@echo "Installing the site's packages into .venv from requirements-site.txt (first time: a minute)..."
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-site.txt -c requirements.lock
	@touch $@

student: venv $(NBGRADER)/ready  ## write the students' versions of exercises/ to student/ (solutions out)
	$(PYTHON) tools/student.py

$(NBGRADER)/ready: requirements-student.txt | venv
	@rm -rf $(NBGRADER)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps --target $(NBGRADER) -r requirements-student.txt
	@touch $@

venv:
	@tools/ensure-venv

dot:
	@tools/ensure-dot

clean:                    ## remove the environment and everything generated
	rm -rf $(VENV) .pytest_cache build student

# Two commands are all a learner needs: `make lab` and `make test`. The rest is for maintainers.
VENV   := .venv
PYTHON := $(VENV)/bin/python
# Kernels started by Jupyter, nbval and nbclient must be this environment's Python.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: lab test execute sync bench handouts dot clean

lab: $(VENV)/ready dot            ## open the course in JupyterLab at the first notebook
	$(PYTHON) tools/course.py lab

test: $(VENV)/ready dot           ## re-execute every notebook and run every test
	$(PYTHON) -m pytest -n 2 --dist loadscope

execute: $(VENV)/ready dot        ## store fresh outputs: all notebooks, or NB=notebooks/03-....ipynb
	$(PYTHON) tools/course.py execute $(NB)

sync: $(VENV)/ready               ## regenerate headers, navigation, inherited code and the README table
	$(PYTHON) tools/course.py sync

bench: $(VENV)/ready dot          ## time each notebook and the whole validation
	$(PYTHON) tools/course.py bench

handouts: $(VENV)/ready          ## printable HTML of every notebook, figures embedded, in handouts/
	$(VENV)/bin/jupyter nbconvert --to html --HTMLExporter.embed_images=True --output-dir handouts notebooks/*.ipynb

dot:
	@tools/ensure-dot

$(VENV)/ready: requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache handouts

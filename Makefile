# Two commands on a fresh machine with Python 3.11 and pip:  make report  and  make test.
# Everything else (the virtual environment, the pinned packages, the synthetic extract)
# is made on first use.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)

.PHONY: setup report test test-fast mutants lab bench synth clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is nodig (gevonden: " + sys.version.split()[0] + "); zet PYTHON=/pad/naar/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

## make report: the whole suite on the shipped synthetic extract; prints where the report is
report: setup
	$(PY) -m analysis run

## make test: the whole test suite (unit, property, end-to-end, back-tests, browser)
test: setup
	$(PY) -m pytest -n auto --dist loadgroup

## make test-fast: everything except the slow end-to-end runs
test-fast: setup
	$(PY) -m pytest -n auto -m "not slow"

## make mutants: mutation testing of the tables, rounding, the disclosure-control engine and statistical methods
## against their fast unit tests (not part of make test; the score is kept in docs/mutatie.md)
mutants: setup
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children 2 > mutants.log 2>&1 || (tail -20 mutants.log; exit 1)
	$(VENV)/bin/mutmut export-cicd-stats > /dev/null
	$(PY) -c 'import json; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
	  print("mutanten:", s["total"], "gedood:", s["killed"], "overleefd:", s["survived"], \
	        "zonder test:", s["no_tests"], "time-out:", s["timeout"], \
	        "score: %.1f%%" % (100 * s["killed"] / s["total"]))'
	$(VENV)/bin/mutmut results | grep -v ': killed' || true

## make lab: JupyterLab on notebooks/ with this project's kernel, registered under the name
## the notebooks' metadata ask for (kernelspec "python3"), pointing at this .venv's Python
lab: setup
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (analysis)"
	$(VENV)/bin/jupyter lab notebooks/

## make bench: speed and memory figures (national size and ten times national size); options
## through ARGS, for example  make bench ARGS=--zonder-10x  or  make bench ARGS=--alleen-suite
bench: setup
	$(PY) -m analysis.running.bench $(ARGS)

## make synth: make the shipped synthetic extract in data/raw/synthetisch if it is absent
## (an existing folder is checked against data/raw/synthetisch.sha256, never replaced)
synth: setup
	$(PY) -m analysis synth

clean:
	rm -rf reports/[!.]* data/derived/[!R]* .pytest_cache .hypothesis mutants

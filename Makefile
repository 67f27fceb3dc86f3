# The two commands a newcomer needs: `make test` and `make demo`. Both build their own virtualenv.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/build/collections
STAGED := $(COLLECTIONS)/ansible_collections/macfleet/conda
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Keep every test run away from the invoking user's conda and Ansible settings.
export ANSIBLE_CONFIG := $(CURDIR)/tests/ansible.cfg

.PHONY: test demo bench venv stage lint sanity pytest molecule clean

venv: $(VENV)/.installed
$(VENV)/.installed: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-test.txt
	touch $@

stage: venv
	tests/bin/stage-collection.sh >/dev/null

test: lint sanity pytest molecule

lint: stage
	cd $(STAGED) && $(CURDIR)/$(BIN)/ansible-lint --offline --profile production

# Module code runs on the managed host's Python, 3.9 and up (macOS ships 3.9): it must compile and
# import there too, whenever this machine has a 3.9.
PY39 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.9*/bin/python3.9 /usr/bin/python3.9 /usr/local/bin/python3.9))

sanity: stage
	$(BIN)/python tests/bin/seed-get-pip.py >/dev/null
	cd $(STAGED) && $(CURDIR)/$(BIN)/ansible-test sanity --python 3.11 --color no --requirements
	@if [ -n "$(PY39)" ]; then \
	  cd $(STAGED) && PATH="$(dir $(PY39)):$$PATH" $(CURDIR)/$(BIN)/ansible-test sanity --color no \
	    --requirements --python 3.9 --test compile --test import; \
	else echo "sanity: no Python 3.9 here, module code checked on 3.11 only"; fi

# Unit, contract and integration tests, and the benchmark harness's own unit tests, in one pytest
# run spread over the machine's cores.
pytest: venv
	$(BIN)/pytest -n auto --dist loadfile tests benchmarks

molecule: stage
	@if ls extensions/molecule/*/molecule.yml >/dev/null 2>&1; then \
	  cd $(STAGED)/extensions && $(CURDIR)/$(BIN)/molecule test --all; \
	else echo "molecule: no scenarios yet"; fi

demo: stage
	$(BIN)/python tests/bin/demo.py

# What a converged fleet run costs (README, Benchmarks): `make bench BENCH_ARGS=--quick` for a smoke run.
BENCH_ARGS ?=
bench: stage
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf build tests/output .pytest_cache

# Quick start: `make demo` checks a shipped example application; `make test` runs the tests.
# Both create .venv with a Python that durable-rules runs on (3.11 or 3.12) and install what they need.

PYTHON ?= $(shell for p in python3.11 python3.12 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] < (3,13)))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench validate clean

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 or 3.12 is needed (durable-rules does not import on 3.13)" >&2; exit 2; fi
	@command -v gcc >/dev/null 2>&1 || { echo "installing a C compiler for durable-rules"; \
	  (apt-get update -qq && apt-get install -y -qq gcc g++ python3-dev) >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# The demo's notice lists missing materials, so `checker check` exits 1 by design; 2 or more is an error.
demo: $(STAMP)
	@$(BIN)/checker check individual-business-registration examples/individual-business-leased-agent.yaml; \
	  status=$$?; [ $$status -le 1 ] || exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest -q

validate: $(STAMP)
	$(BIN)/checker validate

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) *.egg-info

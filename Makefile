# Quick start: `make demo` checks a shipped example application; `make test` runs the tests.
# Both create $(VENV) (.venv) with Python 3.11, 3.12 or 3.13 (the newest found, or PYTHON=...)
# and install exactly what requirements.lock says (hashes checked), then durable-rules built from
# its pinned sdist with the patch in third_party/durable-rules/, then this package (editable).
# Another Python, in its own venv: make test PYTHON=python3.11 VENV=.venv-3.11

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  if $$p -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] < (3,14)))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV ?= .venv
BIN := $(VENV)/bin
# the stamp names the Python: another PYTHON for the same VENV rebuilds it
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
STAMP := $(VENV)/.installed-python$(PYVER)
DURABLE := $(wildcard third_party/durable-rules/*)
# zen-engine, the benchmark-only extra, is in requirements.lock (make lock takes the bench extra)
# but installed only by `make bench`: LOCKED_ZEN prints its entry (version and hashes), or the rest
LOCKED_ZEN = awk -v want=$(1) '/^[^ \#]/ {zen = /^zen-engine==/} zen == want' requirements.lock

.PHONY: demo test bench validate wheel lock clean golden mutation

$(STAMP): pyproject.toml requirements.lock $(DURABLE)
	@if [ -z "$(PYTHON)" ] || ! $(PYTHON) -c 'import sys; sys.exit(not ((3,11) <= sys.version_info[:2] < (3,14)))' 2>/dev/null; then \
	  echo "Python 3.11, 3.12 or 3.13 is needed (found: '$(PYTHON)'); name one with PYTHON=..." >&2; exit 2; fi
	@# durable-rules is built from source: a C compiler, patch and Python's headers
	@headers=$$($(PYTHON) -c 'import os, sysconfig; print(os.path.isfile(os.path.join(sysconfig.get_path("include"), "Python.h")))'); \
	  if ! command -v gcc >/dev/null 2>&1 || ! command -v patch >/dev/null 2>&1 || [ "$$headers" != True ]; then \
	  echo "installing a C compiler, patch and Python's headers for durable-rules"; \
	  (apt-get update -qq && apt-get install -y -qq gcc patch \
	    python$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-dev) >/dev/null; fi
	@# a notice's PDF (WeasyPrint) needs Pango 1.44 or newer and the Noto CJK fonts; the tests read PDFs
	@# with poppler-utils (pdftotext, pdffonts): installed with apt-get as root, else said what to install
	@if ! $(PYTHON) -c 'import ctypes, ctypes.util as u, sys; p = u.find_library("pango-1.0"); \
	      sys.exit(not (p and u.find_library("pangoft2-1.0") and ctypes.CDLL(p).pango_version() >= 14400))' 2>/dev/null \
	    || [ -z "$$(find /usr/share/fonts -name 'NotoSansCJK*' -print -quit 2>/dev/null)" ] \
	    || ! command -v pdftotext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Pango, the Noto CJK fonts and poppler-utils for PDF notices"; \
	    (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils) \
	      >/dev/null || echo "could not install them: PDF notices cannot be made here (E028)" >&2; \
	  else echo "PDF notices need libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk (the tests poppler-utils too):" \
	    "install them as root" >&2; fi; fi
	$(PYTHON) -m venv --clear $(VENV)
	$(call LOCKED_ZEN,0) > $(VENV)/requirements-base.lock
	$(BIN)/python -m pip install -q --require-hashes -r $(VENV)/requirements-base.lock
	sh third_party/durable-rules/install.sh $(BIN)/python
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

# The demo's notice lists missing materials, so `checker check` exits 1 by design; 2 or more is an error.
demo: $(STAMP)
	@$(BIN)/checker check individual-business-registration examples/individual-business-leased-agent.yaml; \
	  status=$$?; [ $$status -le 1 ] || exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Mutation testing of the core (scripts/mutation.py, scripts/mutation.toml): run before a release,
# not in CI; it takes long. Options through ARGS, e.g.
#   make mutation ARGS="--module checker/run/decide.py --sample 50 --seed 1"
# The report goes to stdout and mutation-report.md (git-ignored).
ARGS ?=
mutation: $(STAMP)
	$(BIN)/python scripts/mutation.py $(ARGS)

validate: $(STAMP)
	$(BIN)/checker validate

# The side-by-side table with GoRules ZEN and the targets of issue 18 (bench/compare.py), then the
# figures of bench/bench.py (the whole library mixed, load time, cold start, memory).
bench: $(STAMP)
	$(call LOCKED_ZEN,1) > $(VENV)/requirements-bench.lock
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r $(VENV)/requirements-bench.lock
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/bench.py

# The wheel (with the matter library inside), in dist/.
wheel: $(STAMP)
	$(BIN)/python -m pip wheel -q --no-deps --no-build-isolation -w dist .

# Re-resolve requirements.lock after a change to pyproject.toml's dependencies, keeping every other
# pin; `make lock LOCK_FLAGS=--upgrade` moves everything to the newest versions the ranges allow
# (or --upgrade-package NAME for one). Then run `make test` on 3.11 and 3.13 (see README).
LOCK_FLAGS ?=
lock:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11, 3.12 or 3.13 is needed; name one with PYTHON=..." >&2; exit 2; fi
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q uv
	.venv-lock/bin/uv pip compile pyproject.toml requirements-build.in --extra test --extra bench --universal \
	  --python-version 3.11 --generate-hashes --no-emit-package durable-rules \
	  --custom-compile-command "make lock" $(LOCK_FLAGS) -o requirements.lock

clean:
	rm -rf $(VENV) .venv-lock build dist *.egg-info

# Regenerate tests/golden/ (notices, CLI outputs, web pages) after a change meant to alter them;
# review `git diff tests/golden` before committing.
golden: $(STAMP)
	$(BIN)/python tests/golden.py

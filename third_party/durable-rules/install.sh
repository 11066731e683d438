#!/bin/sh
# Build durable-rules 2.0.28 from its published sdist (pinned by hash in requirements.txt), apply
# the patches in this folder, and install it into the virtual environment of PYTHON.
# Usage: sh third_party/durable-rules/install.sh VENV/bin/python
# Needs a C compiler, `patch`, Python's headers, and setuptools installed in that environment
# (requirements.lock has it): nothing unpinned is fetched for the build.
set -eu
python=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -m pip download -q --no-deps --no-binary :all: --no-build-isolation --require-hashes \
  -r "$here/requirements.txt" -d "$work"
tar -xzf "$work/durable_rules-2.0.28.tar.gz" -C "$work"
for p in "$here"/*.patch; do
  patch -s -p1 -d "$work/durable_rules-2.0.28" < "$p"
done
"$python" -m pip install -q --no-deps --no-build-isolation "$work/durable_rules-2.0.28"

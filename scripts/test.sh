#!/usr/bin/env bash
# All tests: the pure-Rust unit tests (no Python needed), then the Python suite against the
# extension built by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --lib --quiet
.venv/bin/python -m pytest -q tests "$@"

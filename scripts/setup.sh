#!/usr/bin/env bash
# Installs everything vlmserve needs on a fresh Debian machine and builds it into .venv:
# system packages for the bundled libjpeg-turbo (cmake, nasm), then the package itself
# (release build, fat LTO) with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in cmake nasm; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" fonts-dejavu-core >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q "maturin>=1.7,<2"
.venv/bin/pip install -q -e ".[test]"
echo "vlmserve $(.venv/bin/python -c 'import vlmserve; print(vlmserve.__version__)') installed in .venv"

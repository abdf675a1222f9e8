#!/usr/bin/env bash
# Installs everything vlmserve needs on a fresh Debian machine and builds it into .venv:
# system packages (cmake and nasm for the bundled libjpeg-turbo, Tesseract for the OCR
# backend, fonts for the sample-document generator, Java for TorchServe), then the package
# itself (release build, fat LTO) with its test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(cmake nasm tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd fonts-dejavu-core fonts-liberation2
  fonts-freefont-ttf fonts-urw-base35)
need=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
command -v java >/dev/null || need+=(openjdk-17-jre-headless)  # TorchServe's frontend
if [ ${#need[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" -eq 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q "maturin>=1.7,<2"
.venv/bin/pip install -q -e ".[test]"
echo "vlmserve $(.venv/bin/python -c 'import vlmserve; print(vlmserve.__version__)') installed in .venv"

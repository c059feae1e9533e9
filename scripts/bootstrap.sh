# Sourced by demo.sh and test.sh: makes .venv with Python 3.11+ and installs Proofroom into it.
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "proofroom: need root (or sudo) to run: $*" >&2; return 1; fi
}

apt_install() {
  echo "==> Installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "proofroom: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$PYTHON" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

stamp=".venv/.proofroom-$(sha256sum pyproject.toml | cut -c1-16)-${PROOFROOM_EXTRAS:-dev}"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Proofroom and its dependencies"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[${PROOFROOM_EXTRAS:-dev}]"
  rm -f .venv/.proofroom-*
  touch "$stamp"
fi

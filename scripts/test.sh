#!/usr/bin/env bash
# Set up and run every check: ruff, mypy, Django's checks, migrations, the import
# contract, then the test suite on SQLite — and again on PostgreSQL when
# DATABASE_URL points at one. Installs Debian's chromium (browser tests) and
# exiftool (XMP sidecar tests) when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

missing=()
if ! command -v chromium >/dev/null && [ -z "${PROOFROOM_CHROMIUM:-}" ]; then missing+=(chromium); fi
# exiftool: the tests read exported XMP sidecars back with a real XMP parser.
command -v exiftool >/dev/null || missing+=(libimage-exiftool-perl)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

PG_URL="${DATABASE_URL:-}"
unset DATABASE_URL GALLERY_DATABASE_URL PROOFROOM_SIDE
PROOFROOM_DATA="$(mktemp -d -t proofroom-test.XXXXXX)"
export PROOFROOM_DATA
trap 'rm -rf "$PROOFROOM_DATA"' EXIT
V=.venv/bin

step() { echo; echo "==> $*"; }
step "ruff";              "$V/ruff" check . && "$V/ruff" format --check .
step "mypy";              "$V/mypy"
step "manage.py check";   "$V/proofroom" manage check --fail-level WARNING
# Each side's production settings: behind a TLS proxy, a real secret key, DEBUG off.
DEPLOY_KEY="$("$V/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
for side in studio gallery; do
  step "manage.py check --deploy ($side)"
  PROOFROOM_SIDE="$side" PROOFROOM_BEHIND_HTTPS_PROXY=true PROOFROOM_SECRET_KEY="$DEPLOY_KEY" \
    "$V/proofroom" manage check --deploy --fail-level WARNING
done
step "migrations";        "$V/proofroom" manage makemigrations --check --dry-run
step "import contracts";  "$V/lint-imports"
step "tests on SQLite";   "$V/python" -m pytest "$@"

if [ -n "$PG_URL" ]; then
  step "tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" "$V/python" -m pytest "$@"
fi

#!/usr/bin/env bash
# Set up and run the demo: a sample studio on the desk and its online gallery,
# served on http://127.0.0.1:8000 until Ctrl-C. Data lives in ./var (PROOFROOM_DATA).
set -euo pipefail
PROOFROOM_EXTRAS="${PROOFROOM_EXTRAS:-dev}"
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
exec .venv/bin/proofroom demo "$@"

#!/usr/bin/env bash
# The README's run command: install dxmap into ./.venv and serve it on its embedded default
# (a SQLite file under ./instance, bundled demo data) at http://127.0.0.1:8050.
# Arguments go to 'dxmap serve', e.g. bash scripts/serve.sh --port 8060 --workers 4
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/venv.sh ""  # '' so that venv.sh does not see this script's arguments as pip extras
exec dxmap serve "$@"

#!/usr/bin/env bash
# The README's run command: install dxmap into ./.venv and serve it on its embedded default
# (a SQLite file under ./instance, bundled demo data) at http://127.0.0.1:8050.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/venv.sh
exec dxmap serve "$@"

# Sourced by scripts/serve.sh and .ci/run: make sure ./.venv exists (on Debian's own Python the
# venv module lives in the python3-venv package) and has dxmap installed with the given extras.
# Usage: . .ci/venv.sh [EXTRAS]   e.g. ". .ci/venv.sh test" or ". .ci/venv.sh ''" for none.
# A script sourcing this without arguments hands it its own ($1 …): pass '' explicitly.
case "${1:-}" in
  -*)
    echo "venv.sh: '$1' is not a list of extras (source it as '. .ci/venv.sh \"\"')" >&2
    return 2
    ;;
esac
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "${1:-}" ]; then
  .venv/bin/python -m pip install -q -e ".[$1]"
else
  .venv/bin/python -m pip install -q -e .
fi
export PATH="$PWD/.venv/bin:$PATH"

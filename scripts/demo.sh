#!/usr/bin/env bash
# The main job on a fresh machine: build and install pysens2 into its own
# virtual environment (a system Python may be externally managed, PEP 668)
# and run the demo:  bash scripts/demo.sh [demo options, e.g. --json]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${PYSENS2_DEMO_VENV:-build/demo-venv}
if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        # Debian's Python needs python3-venv for `-m venv`.
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            rm -rf "$VENV" && "$PYTHON" -m venv "$VENV"
        else
            echo "demo.sh: '$PYTHON -m venv' failed; install python3-venv" >&2
            exit 1
        fi
    fi
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q .
exec "$VENV/bin/python" -m pysens2 demo "$@"

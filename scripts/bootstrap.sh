# Sourced by ./vete and ./run-tests: make .venv with vete installed (editable, with the
# test extra), reinstalling only when pyproject.toml changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VETE_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "vete needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "creating $VENV ..." >&2
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.vete-installed"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "installing vete and its test tools into $VENV (first run only) ..." >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[test]" >&2
    echo "$want" > "$stamp"
fi

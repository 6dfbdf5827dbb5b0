# Sourced by scripts/run and scripts/test with one argument, the extra to install ("" for none;
# without an argument bash would hand this file the caller's): a local virtualenv with the project installed.
# Reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/pip install -qq --upgrade pip
fi
extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -qq -e ".${extras:+[$extras]}"
  touch "$stamp"
fi

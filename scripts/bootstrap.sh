# Shared by scripts/start and scripts/test: make .venv and install the project into it.
# Usage: source scripts/bootstrap.sh; ensure_venv "EXTRAS"
# Re-installs only when pyproject.toml or the extras change, so a second start is quick.

ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "coach needs Python 3.11 or newer (found: $("$python" --version 2>&1)). Set PYTHON=/path/to/python3.11." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv"
    "$python" -m venv .venv
  fi
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
  if [ ! -f .venv/.coach-installed ] || [ "$(cat .venv/.coach-installed)" != "$want" ]; then
    echo "==> installing coach and its embedded models into .venv (first run: a few minutes)"
    .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".[$extras]" 2>&1 | grep -v '^WARNING: Location' || true
    .venv/bin/python -c "import coach" || { echo "installing coach failed; see the pip output above" >&2; exit 1; }
    echo "$want" > .venv/.coach-installed
  fi
}

as_root() {
  if [ "$(id -u)" = "0" ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

ensure_debian_packages() {
  # Installs the Debian packages named, if any of them is missing.
  local missing=()
  local pkg
  for pkg in "$@"; do
    # "deinstall ... config-files" also answers dpkg -s, so read the status itself.
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

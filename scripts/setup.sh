#!/usr/bin/env bash
# Set up everything policykg needs on a fresh Debian machine with Python 3.11:
# the Debian packages (a Java runtime for the HermiT reasoner, python3-venv), a virtualenv
# in .venv and the package itself (editable) with its test tools, and Debian's chromium for
# the browser tests of the lineage pages (driven by Playwright, which never downloads a browser).
# Idempotent: a second run only checks. Run as root or with sudo available for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# Always installed: the browser tests must fail, not skip, without a browser.
ALWAYS_APT_PACKAGES=(chromium fonts-dejavu-core)
for pkg in "${ALWAYS_APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need_apt+=(python3-venv)
# the real SPARQL server the remote-endpoint tests publish to and query (tests fail without it)
command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource)
for pkg in "${EXTRA_APT_PACKAGES[@]:-}"; do
  [ -n "$pkg" ] && ! dpkg -s "$pkg" >/dev/null 2>&1 && need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.policykg-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing policykg and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi

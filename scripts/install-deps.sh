#!/usr/bin/env bash
# Installs the Debian 12 packages Agape builds, tests and runs with.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build ccache
  libpistache-dev libhttp-parser-dev libsoci-dev libsoci-sqlite3-4.0 libsqlite3-dev libpq-dev
  libboost-dev libboost-filesystem-dev libboost-system-dev libyaml-cpp-dev libssl-dev
  libcurl4-openssl-dev libpoco-dev libbenchmark-dev libgtest-dev libgmock-dev googletest
  nlohmann-json3-dev libspdlog-dev libfmt-dev libqrencode-dev libpng-dev liboath-dev
  libcrypt-dev libhpdf-dev fonts-dejavu-core poppler-utils libvips-dev libxapian-dev prometheus-cpp-dev prometheus zlib1g-dev tzdata libhowardhinnant-date-dev libutfcpp-dev python3 postgresql wrk nginx-light openssl sqlite3 curl ca-certificates
  clang-14 libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js runs the standard validators the tests use (OpenAPI lint, an
# independent JWT implementation); keep a preinstalled one.
if ! command -v npx >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

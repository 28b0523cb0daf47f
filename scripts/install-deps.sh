#!/usr/bin/env bash
# Installs the Debian packages LeapSim builds, tests and runs with.
# Idempotent: when every package is already installed it does nothing and needs no network.
set -euo pipefail

packages=(
  build-essential cmake make git
  libgtest-dev googletest libbenchmark-dev
  libeigen3-dev libboost-random-dev librandom123-dev
  libhdf5-dev hdf5-tools libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  pybind11-dev python3-pybind11 python3-numpy python3-h5py python3-pandas python3-matplotlib
  python3-nbclient python3-nbformat python3-ipykernel python3-pytest python3-venv
  libopenmpi-dev openmpi-bin
  python3-jinja2 python3-openpyxl python3-tqdm fonts-noto-cjk chromium
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps: not root and no sudo; install these packages first: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

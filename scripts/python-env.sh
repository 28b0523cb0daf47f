#!/usr/bin/env bash
# Makes `import leapsim` work without PYTHONPATH: a virtual environment on Debian's python3 that
# sees the system's packages (numpy, pandas, h5py, matplotlib, ipykernel) and, through a .pth
# file, the package built in build/release/python; and a Jupyter kernel "leapsim" running it.
# Idempotent: reruns only refresh the .pth file and the kernel spec.
#   scripts/python-env.sh VENV_DIR BUILD_PYTHON_DIR
set -euo pipefail
venv="$1"
package_dir="$2"

if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv --system-site-packages --without-pip "$venv"
fi
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$package_dir" > "$site/leapsim-build.pth"
PYDEVD_DISABLE_FILE_VALIDATION=1 "$venv/bin/python" -m ipykernel install --user --name leapsim \
  --display-name "LeapSim (Python 3)" --env PYDEVD_DISABLE_FILE_VALIDATION 1 > /dev/null

#!/usr/bin/env bash
# Morris screening of 20 inputs of the Congtai study (10 trajectories, 50 replications a point):
# the figure in docs/performance.md, "Sensitivity analysis". Prints the machine's load, the wall
# time, the CPU time and the scenario runs per second. Usage: bench/sensitivity_morris.sh [THREADS] [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
threads="${1:-2}"
build="${2:-$root/build/release}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $threads threads"
start=$(date +%s.%N)
/usr/bin/time -f "CPU: %U s user, %S s system" -o "$out/cpu.txt" \
  "$build/apps/leapsim/leapsim" sensitivity "$root/scenarios/congtai-2019.yaml" \
  --inputs "$root/bench/congtai-2019.sensitivity.yaml" -o "$out/morris.h5" -j "$threads" -q | tail -n 1
cat "$out/cpu.txt"
end=$(date +%s.%N)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall time: $(echo "$end - $start" | bc) s"
# The same study run plainly under the same load: the runs per second a point's runs can reach.
start=$(date +%s.%N)
"$build/apps/leapsim/leapsim" run "$root/scenarios/congtai-2019.yaml" -r 200 -j "$threads" -q > /dev/null
end=$(date +%s.%N)
echo "leapsim run -r 200 (1000 runs): $(echo "scale=1; 1000 / ($end - $start)" | bc) runs/s"

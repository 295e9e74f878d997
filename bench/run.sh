#!/usr/bin/env bash
# `npm run bench`: every benchmark against the real services; each prints a table and writes
# bench/results/<name>.json. Figures, never pass/fail: these machines are shared and noisy.
# Run one with `npm run bench -- report-worker` (or event-ingest, report-sealing).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services/up.sh
mkdir -p bench/results
# The apps are measured compiled, as production runs them.
npm run --silent build
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(report-sealing report-worker event-ingest)
for name in "${benches[@]}"; do
  echo "== bench: $name"
  TS_NODE_SWC=true node -r ts-node/register -r tsconfig-paths/register "bench/$name.bench.ts"
done

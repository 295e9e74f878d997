#!/usr/bin/env bash
# Checks the Prometheus alert rules (syntax, and their unit tests: each alert fires on the series
# the apps export) with promtool, and that the Grafana dashboard is JSON with panels. Installs
# promtool from the Go module proxy the first time (it compiles for several minutes; the Go build
# and module caches make later runs instant). That every metric name the two files use is one the
# apps register is checked by the jest unit spec test/unit/observability-files.spec.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."

PROMETHEUS_VERSION=v0.316.0 # promtool of Prometheus 3.x, as module versions are numbered
bin="$(go env GOPATH)/bin/promtool"
if [[ ! -x "$bin" ]] || ! "$bin" --version >/dev/null 2>&1; then
  echo "installing promtool ($PROMETHEUS_VERSION, from the Go module proxy)"
  go install "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_VERSION"
fi

"$bin" check rules deploy/prometheus/alert-rules.yml
"$bin" test rules deploy/prometheus/alert-rules.test.yml
node -e '
  const dashboard = JSON.parse(require("fs").readFileSync("deploy/grafana/platform-dashboard.json", "utf8"));
  const panels = dashboard.panels.filter((panel) => panel.type !== "row");
  const empty = panels.filter((panel) => !panel.targets?.length || !panel.targets.every((target) => target.expr));
  if (!dashboard.uid || panels.length === 0 || empty.length > 0) {
    console.error("deploy/grafana/platform-dashboard.json: no uid, no panels, or panels without a query:", empty.map((p) => p.title));
    process.exit(1);
  }
  console.log(`deploy/grafana/platform-dashboard.json: ${panels.length} panels, each with a query`);
'

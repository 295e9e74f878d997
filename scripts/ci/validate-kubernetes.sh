#!/usr/bin/env bash
# Renders every kustomization under deploy/kubernetes and validates each resource against the
# Kubernetes OpenAPI schemas, offline: built-in kinds with the schemas the kubernetes-validate
# package ships, KEDA's kinds with the schemas in deploy/kubernetes/schemas (made from KEDA's CRDs,
# and checked here to be exactly what KEDA_VERSION's CRDs give). A resource that cannot be checked
# fails like an invalid one.
#
# Installs, once, into .tools/kubernetes (git-ignored; TOOLS_DIR moves it): kustomize from the Go
# module proxy, and kubernetes-validate from PyPI in a virtualenv. Later runs reuse them.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUSTOMIZE_VERSION=v5.8.1
KUBERNETES_VALIDATE_VERSION=1.37.0
KEDA_VERSION=v2.18.1
# The oldest Kubernetes KEDA_VERSION supports, and the newest the schemas cover.
KUBERNETES_VERSIONS=(1.31.0 1.37.0)

tools="${TOOLS_DIR:-$PWD/.tools/kubernetes}"
kustomize="$tools/bin/kustomize"
python="$tools/venv/bin/python"
manifests=deploy/kubernetes
schemas="$manifests/schemas"

say() { printf '%s\n' "validate-kubernetes: $*"; }

install_kustomize() {
  if [ -x "$kustomize" ] && "$kustomize" version 2>/dev/null | grep -qx "$KUSTOMIZE_VERSION"; then return; fi
  say "installing kustomize $KUSTOMIZE_VERSION (Go module proxy)"
  GOBIN="$tools/bin" GOFLAGS=-buildvcs=false go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
}

install_kubernetes_validate() {
  local check="import kubernetes_validate.version as v, sys; sys.exit(v.__version__ != '$KUBERNETES_VALIDATE_VERSION')"
  if [ -x "$python" ] && "$python" -c "$check" 2>/dev/null; then return; fi
  say "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI)"
  python3 -m venv "$tools/venv"
  "$python" -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

# The committed KEDA schemas are what the converter makes from KEDA_VERSION's CRDs.
check_keda_schemas() {
  local keda_dir fresh
  keda_dir="$(go mod download -json "github.com/kedacore/keda/v2@$KEDA_VERSION" | "$python" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  fresh="$work/schemas"
  "$python" scripts/ci/keda_crd_schemas.py "$keda_dir" "$fresh" >/dev/null
  if ! diff -r "$fresh/keda.sh" "$schemas/keda.sh" >"$work/schemas.diff"; then
    head -20 "$work/schemas.diff"
    say "FAIL: $schemas/keda.sh differs from KEDA $KEDA_VERSION's CRDs; regenerate:"
    say "  $python scripts/ci/keda_crd_schemas.py $keda_dir $schemas"
    exit 1
  fi
  say "KEDA schemas match KEDA $KEDA_VERSION"
}

mkdir -p "$tools/bin"
install_kustomize
install_kubernetes_validate
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check_keda_schemas

rendered=()
for kustomization in $(find "$manifests" -name kustomization.yaml | sort); do
  # A component cannot be built alone: it is rendered (and validated) in the overlays that use it.
  if grep -qx 'kind: Component' "$kustomization"; then continue; fi
  dir="$(dirname "$kustomization")"
  name="$(echo "${dir#"$manifests"/}" | tr / -).yaml"
  "$kustomize" build "$dir" >"$work/$name"
  rendered+=("$name")
  say "rendered $dir"
done
[ ${#rendered[@]} -gt 0 ] || { say "FAIL: no kustomization under $manifests"; exit 1; }

for version in "${KUBERNETES_VERSIONS[@]}"; do
  say "Kubernetes $version"
  (cd "$work" && "$python" "$OLDPWD/scripts/ci/validate_kubernetes_manifests.py" "$version" "$OLDPWD/$schemas" "${rendered[@]}")
done

"""Validates rendered Kubernetes manifests against the Kubernetes OpenAPI schemas, offline.

    python3 scripts/ci/validate_kubernetes_manifests.py K8S_VERSION CRD_SCHEMA_DIR FILE...

Each FILE is the output of `kustomize build` (YAML documents). Built-in kinds are checked against
the schemas that the kubernetes-validate package ships for K8S_VERSION, strictly (an unknown field
is an error); custom resources against `CRD_SCHEMA_DIR/<group>/<kind>_<version>.json`. A resource
with no schema to check it against is a failure, never a skip. Exit 1 when anything failed.
"""

import json
import os
import sys

import jsonschema
import yaml
from kubernetes_validate import utils as builtin

BUILTIN_GROUPS = {"", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io"}


def group_and_version(api_version):
    group, _, version = api_version.rpartition("/")
    return group, version


def check_custom(resource, schema_dir):
    group, version = group_and_version(resource["apiVersion"])
    path = os.path.join(schema_dir, group, f"{resource['kind'].lower()}_{version}.json")
    if not os.path.exists(path):
        return f"no schema for {resource['apiVersion']} {resource['kind']} (looked for {path})"
    with open(path) as file:
        schema = json.load(file)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(resource), key=lambda e: list(e.path))
    return "; ".join(f"{'.'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors) or None


def check_builtin(resource, k8s_version):
    try:
        builtin.validate(resource, k8s_version, strict=True)
    except builtin.ValidationError as error:
        return f"{'.'.join(map(str, error.path)) or '(root)'}: {error.message}"
    except builtin.SchemaNotFoundError as error:
        return error.message
    return None


def check(resource, k8s_version, schema_dir):
    if not isinstance(resource, dict) or "apiVersion" not in resource or "kind" not in resource:
        return "not a Kubernetes resource (no apiVersion or kind)"
    group, _ = group_and_version(resource["apiVersion"])
    if group in BUILTIN_GROUPS:
        return check_builtin(resource, k8s_version)
    return check_custom(resource, schema_dir)


def main(k8s_version, schema_dir, files):
    failed = checked = 0
    for name in files:
        with open(name) as file:
            resources = [doc for doc in yaml.safe_load_all(file) if doc is not None]
        if not resources:
            print(f"FAIL {name}: no resources")
            failed += 1
        kinds = {}
        for resource in resources:
            checked += 1
            kind, metadata = resource.get("kind", "?"), resource.get("metadata") or {}
            problem = check(resource, k8s_version, schema_dir)
            if problem:
                failed += 1
                print(f"FAIL {name}: {kind} {metadata.get('name', '?')}: {problem}")
            kinds[kind] = kinds.get(kind, 0) + 1
        print(f"{name}: {', '.join(f'{count} {kind}' for kind, count in sorted(kinds.items()))}")
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

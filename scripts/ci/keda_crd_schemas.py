"""JSON schemas for the KEDA kinds the manifests use, made from KEDA's own CRDs.

    python3 scripts/ci/keda_crd_schemas.py KEDA_MODULE_DIR OUT_DIR

KEDA_MODULE_DIR is the KEDA Go module (`go mod download -json github.com/kedacore/keda/v2@vX`
gives its Dir); OUT_DIR receives `<group>/<kind>_<version>.json` (lower-case kind). Strict as the
API server is with fields it knows: an object that lists its properties accepts no others, unless
the CRD keeps unknown fields there (x-kubernetes-preserve-unknown-fields).
"""

import json
import os
import sys

import yaml

CRDS = ["keda.sh_scaledobjects.yaml", "keda.sh_triggerauthentications.yaml"]


def strict(node):
    """The OpenAPI v3 schema of a CRD as JSON Schema, closed where the CRD lists the fields."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items() if not key.startswith("x-kubernetes-")}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    if node.get("nullable"):
        out.pop("nullable")
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
    keeps_unknown = node.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def resource_schema(crd, version):
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    schema = strict(version["schema"]["openAPIV3Schema"])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["properties"]["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
    schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
    schema["properties"]["metadata"] = {"type": "object"}
    schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind", "metadata", "spec"})
    return group, kind.lower(), schema


def main(module_dir, out_dir):
    for name in CRDS:
        with open(os.path.join(module_dir, "config", "crd", "bases", name)) as file:
            crd = yaml.safe_load(file)
        for version in crd["spec"]["versions"]:
            group, kind, schema = resource_schema(crd, version)
            os.makedirs(os.path.join(out_dir, group), exist_ok=True)
            path = os.path.join(out_dir, group, f"{kind}_{version['name']}.json")
            with open(path, "w") as file:
                json.dump(schema, file, indent=2, sort_keys=True)
                file.write("\n")
            print(path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

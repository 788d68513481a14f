#!/usr/bin/env python3
"""Parses every YAML file under deploy/ and checks what docs/scaling.md promises
of them: Docker and Kubernetes cannot run in CI, but a manifest that does not
parse, or lost its readiness probe or its drain, fails here.

    check_deploy_manifests.py DEPLOY_DIR
"""
import pathlib
import sys

import yaml


def fail(message):
    print(f"deploy manifests: {message}", file=sys.stderr)
    sys.exit(1)


def load_all(path):
    try:
        return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    except yaml.YAMLError as error:
        fail(f"{path}: {error}")


def main():
    deploy = pathlib.Path(sys.argv[1])
    files = sorted(deploy.rglob("*.yaml"))
    if not files:
        fail(f"no YAML under {deploy}")
    documents = {path.relative_to(deploy).as_posix(): load_all(path) for path in files}

    compose = documents.get("compose.yaml") or fail("compose.yaml missing")
    services = compose[0].get("services", {})
    servers = [name for name, spec in services.items() if "--directory" in spec.get("command", [])]
    if "redis" not in services or len(servers) != 3:
        fail(f"compose.yaml: want redis and three servers with --directory, got {sorted(services)}")

    kinds = {}
    for name, docs in documents.items():
        if name == "compose.yaml":
            continue
        for doc in docs:
            if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
                fail(f"{name}: a document without apiVersion and kind")
            kinds[(doc["kind"], doc["metadata"]["name"])] = doc

    server = kinds.get(("Deployment", "tickwire-server")) or fail("no Deployment tickwire-server")
    pod = server["spec"]["template"]["spec"]
    container = pod["containers"][0]
    if container.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
        fail("the server Deployment's readiness probe is not GET /healthz")
    if "preStop" not in container.get("lifecycle", {}):
        fail("the server Deployment has no preStop drain")
    if pod.get("terminationGracePeriodSeconds", 30) <= 60:
        fail("terminationGracePeriodSeconds must exceed the 60 s drain timeout")
    for needed in [("Deployment", "tickwire-redis"), ("Service", "tickwire-redis"), ("Fleet", "tickwire")]:
        if needed not in kinds:
            fail(f"no {needed[0]} {needed[1]}")
    fleet_args = kinds[("Fleet", "tickwire")]["spec"]["template"]["spec"]["template"]["spec"]["containers"][0]["args"]
    if "--agones" not in fleet_args:
        fail("the Agones Fleet's server does not pass --agones")
    print(f"deploy manifests: {len(files)} files, {sum(len(d) for d in documents.values())} documents parse")


if __name__ == "__main__":
    main()

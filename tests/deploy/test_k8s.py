"""The Kubernetes files: valid against the Kubernetes schemas (offline), consistent with each other, with the
image and with the code, and the knowledge ConfigMaps they generate hold a knowledge base that loads."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.core.loader import load, topic_files
from tests.conftest import PRODUCTION, ROOT
from tests.deploy.test_container import CONFIG_NAMES

K8S = ROOT / "deploy" / "k8s"
VERSION = "1.30.0"  # the oldest Kubernetes release still commonly run; the schemas ship with the package
CONFIGMAP_BYTES = 1024 * 1024


def kustomization() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    return data


def generated_configmaps() -> list[dict[str, Any]]:
    """What kustomize's configMapGenerator makes of the kustomization (file name → content)."""
    out = []
    for gen in kustomization()["configMapGenerator"]:
        data = {}
        for entry in gen["files"]:
            key, _, path = entry.rpartition("=") if "=" in entry else ("", "", entry)
            data[key or Path(path).name] = (K8S / path).read_text("utf-8")
        out.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data})
    return out


def resources() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name in [*kustomization()["resources"], "secret.example.yaml"]:
        doc = yaml.safe_load((K8S / name).read_text("utf-8"))
        found[doc["kind"]] = found.get(doc["kind"]) or doc
        if doc["kind"] == "ConfigMap":
            found["SettingsConfigMap"] = doc
    return found


@pytest.mark.parametrize("name", sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_every_file_is_valid_kubernetes(name: str) -> None:
    for doc in yaml.safe_load_all((K8S / name).read_text("utf-8")):
        kubernetes_validate.validate(doc, VERSION, strict=True)


def test_generated_knowledge_configmaps_are_valid_and_fit() -> None:
    for cm in generated_configmaps():
        kubernetes_validate.validate(cm, VERSION, strict=True)
        assert sum(len(v.encode()) for v in cm["data"].values()) < CONFIGMAP_BYTES, cm["metadata"]["name"]


def test_validation_can_fail() -> None:
    broken = yaml.safe_load((K8S / "deployment.yaml").read_text("utf-8"))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_configmaps_carry_every_knowledge_file_and_what_they_carry_loads(tmp_path: Path) -> None:
    maps = {cm["metadata"]["name"]: cm["data"] for cm in generated_configmaps()}
    wanted_topics = {p.name for p in topic_files(PRODUCTION)}
    wanted_sources = {p.name for p in (PRODUCTION / "sources").iterdir()}
    assert set(maps["factdesk-knowledge"]) == wanted_topics, "regenerate the configMapGenerator file lists"
    assert set(maps["factdesk-knowledge-sources"]) == wanted_sources, "regenerate the configMapGenerator file lists"
    # Lay the files out as the Deployment mounts them (/knowledge, /knowledge/sources) and load them.
    deployment = resources()["Deployment"]
    mounts = {
        m["name"]: m["mountPath"] for m in deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    }
    volumes = {
        v["name"]: v["configMap"]["name"] for v in deployment["spec"]["template"]["spec"]["volumes"] if "configMap" in v
    }
    for volume, configmap in volumes.items():
        folder = tmp_path / mounts[volume].lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in maps[configmap].items():
            (folder / name).write_text(text, "utf-8")
    result = load(tmp_path / "knowledge")
    assert result.ok and result.knowledge is not None
    assert result.knowledge.version == load(PRODUCTION).knowledge.version  # type: ignore[union-attr]
    shutil.rmtree(tmp_path / "knowledge")


def test_the_pieces_fit_together() -> None:
    r = resources()
    deployment, service, ingress = r["Deployment"], r["Service"], r["Ingress"]
    pod = deployment["spec"]["template"]
    labels = pod["metadata"]["labels"]
    assert deployment["spec"]["replicas"] >= 2
    for selector in (deployment["spec"]["selector"]["matchLabels"], service["spec"]["selector"],
                     r["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]):  # fmt: skip
        assert selector.items() <= labels.items()
    assert r["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert r["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]
    assert backend["backend"]["service"]["name"] == service["metadata"]["name"] and backend["path"] == "/slack"

    container = pod["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert set(env) <= CONFIG_NAMES
    port = int(env["FACTDESK_PORT"]["value"])
    assert container["ports"][0]["containerPort"] == port
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert pod["spec"]["terminationGracePeriodSeconds"] > 10 + 5  # uvicorn's 10 s drain after the 5 s preStop
    secret = r["Secret"]
    for e in env.values():
        ref = e.get("valueFrom", {}).get("secretKeyRef")
        if ref:
            assert ref["name"] == secret["metadata"]["name"] and ref["key"] in secret["stringData"]
    assert "SLACK_BOT_TOKEN" in env and "value" not in env["SLACK_BOT_TOKEN"]  # tokens only by reference
    for e in env.values():
        ref = e.get("valueFrom", {}).get("configMapKeyRef")
        if ref:
            assert ref["key"] in r["SettingsConfigMap"]["data"]
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert f"--uid {pod['spec']['securityContext']['runAsUser']} " in dockerfile
    assert re.search(r"^ENTRYPOINT \[\"factdesk\"\]", dockerfile, re.M) and container["args"] == ["serve"]

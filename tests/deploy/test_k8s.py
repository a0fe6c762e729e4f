"""The Kubernetes files: valid against the Kubernetes schemas (offline), consistent with each other, with the
image and with the code; knowledge from git-sync (its link swap followed live), and the pilot's generated
knowledge ConfigMaps hold a knowledge base that loads."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot.cli import parser
from bot.core.loader import load, topic_files
from deploy.k8s.pilot import generate as pilot
from tests.support import slack_client as sc
from tests.support import slack_stand_in
from tests.support.config import CONFIG_NAMES
from tests.support.paths import FIXTURES, PRODUCTION, ROOT
from tests.support.server import serve

K8S = ROOT / "deploy" / "k8s"
PILOT = K8S / "pilot"
VERSION = "1.30.0"  # the oldest Kubernetes release still commonly run; the schemas ship with the package
CONFIGMAP_BYTES = 1024 * 1024


def kustomization(folder: Path = K8S) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "kustomization.yaml").read_text("utf-8"))
    return data


def pilot_kustomization(knowledge: Path) -> dict[str, Any]:
    """The pilot overlay as its generator writes it for `knowledge` (never committed: nothing listed by hand)."""
    data: dict[str, Any] = yaml.safe_load(pilot.render(knowledge))
    return data


def generated_configmaps(knowledge: Path) -> list[dict[str, Any]]:
    """What kustomize's configMapGenerator makes of the pilot overlay (file name → content)."""
    out = []
    for gen in pilot_kustomization(knowledge)["configMapGenerator"]:
        data = {}
        for entry in gen["files"]:
            key, _, path = entry.rpartition("=") if "=" in entry else ("", "", entry)
            data[key or Path(path).name] = (PILOT / path).read_text("utf-8")
        out.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data})
    return out


def resources() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name in [*kustomization()["resources"], "secret.example.yaml"]:
        for doc in yaml.safe_load_all((K8S / name).read_text("utf-8")):
            key = doc["kind"] if doc["kind"] != "ConfigMap" else doc["metadata"]["name"]
            found[key] = found.get(key) or doc
    return found


def json_patch(doc: Any, ops: list[dict[str, Any]]) -> Any:
    """RFC 6902 add/remove/replace/test, as kustomize applies the pilot's patch (enough of it for these ops)."""
    doc = copy.deepcopy(doc)
    for op in ops:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        node = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        key: Any = (len(node) if last == "-" else int(last)) if isinstance(node, list) else last
        if op["op"] == "test":
            assert node[key] == op["value"], f"patch test failed at {op['path']}"
        elif op["op"] == "remove":
            del node[key]
        elif op["op"] == "replace":
            node[key] = op["value"]
        elif op["op"] == "add" and isinstance(node, list):
            node.insert(key, op["value"])
        elif op["op"] == "add":
            node[key] = op["value"]
        else:
            raise AssertionError(f"unsupported op {op['op']}")
    return doc


def pilot_deployment(knowledge: Path) -> dict[str, Any]:
    (patch,) = pilot_kustomization(knowledge)["patches"]
    ops = yaml.safe_load((PILOT / patch["path"]).read_text("utf-8"))
    patched: dict[str, Any] = json_patch(resources()["Deployment"], ops)
    return patched


@pytest.mark.parametrize("name", sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml"))
def test_every_file_is_valid_kubernetes(name: str) -> None:
    for doc in yaml.safe_load_all((K8S / name).read_text("utf-8")):
        kubernetes_validate.validate(doc, VERSION, strict=True)


def test_validation_can_fail() -> None:
    broken = yaml.safe_load((K8S / "deployment.yaml").read_text("utf-8"))
    broken["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_knowledge_comes_from_git_sync_at_any_size() -> None:
    """An init container checks the repository out before factdesk starts, a sidecar keeps it current, in a
    volume both mount; factdesk reads the folder inside git-sync's link. No knowledge file is named anywhere."""
    r = resources()
    pod = r["Deployment"]["spec"]["template"]["spec"]
    git = r["factdesk-knowledge-git"]["data"]
    first = next(c for c in pod["initContainers"] if c["name"] == "git-sync-first")
    sidecar = next(c for c in pod["containers"] if c["name"] == "git-sync")
    factdesk = next(c for c in pod["containers"] if c["name"] == "factdesk")
    for c in (first, sidecar):
        assert re.fullmatch(r"registry\.k8s\.io/git-sync/git-sync:v4\.\d+\.\d+", c["image"])
        assert {"configMapRef": {"name": "factdesk-knowledge-git"}} in c["envFrom"]
        mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
        assert mounts["knowledge"] == git["GITSYNC_ROOT"] and c["securityContext"]["readOnlyRootFilesystem"]
    assert {"name": "GITSYNC_ONE_TIME", "value": "true"} in first["env"] and "env" not in sidecar
    env = {e["name"]: e.get("value") for e in factdesk["env"]}
    mount = next(m for m in factdesk["volumeMounts"] if m["name"] == "knowledge")
    assert mount == {"name": "knowledge", "mountPath": git["GITSYNC_ROOT"], "readOnly": True}
    assert env["FACTDESK_KNOWLEDGE"].startswith(f"{git['GITSYNC_ROOT']}/{git['GITSYNC_LINK']}/")
    volume = next(v for v in pod["volumes"] if v["name"] == "knowledge")
    assert "emptyDir" in volume and pod["securityContext"]["fsGroup"] == factdesk["securityContext"].get(
        "runAsGroup", pod["securityContext"]["runAsGroup"]
    )
    named = {p.name for p in PRODUCTION.rglob("*") if p.is_file()}
    for f in K8S.glob("*.yaml"):
        assert not any(name in f.read_text("utf-8") for name in named), f"{f.name} lists a knowledge file"
    assert "configMapGenerator" not in kustomization()


def test_an_init_step_compiles_the_snapshot_factdesk_starts_from() -> None:
    """After the first checkout, the image's own `factdesk snapshot` writes into the cache folder the factdesk
    container reads, from the knowledge folder named as factdesk names it (a snapshot is for one folder)."""
    pod = resources()["Deployment"]["spec"]["template"]["spec"]
    names = [c["name"] for c in pod["initContainers"]]
    assert names.index("snapshot") > names.index("git-sync-first")
    step = next(c for c in pod["initContainers"] if c["name"] == "snapshot")
    factdesk = next(c for c in pod["containers"] if c["name"] == "factdesk")
    assert step["image"] == factdesk["image"] and step["args"][0] == "snapshot"
    sub = next(a for a in parser()._actions if a.dest == "cmd")
    assert "snapshot" in sub.choices  # type: ignore[operator]
    env = {e["name"]: e.get("value") for e in step["env"]}
    theirs = {e["name"]: e.get("value") for e in factdesk["env"]}
    assert (
        env["FACTDESK_KNOWLEDGE"] == theirs["FACTDESK_KNOWLEDGE"] and env["FACTDESK_CACHE"] == theirs["FACTDESK_CACHE"]
    )
    cache = Path(env["FACTDESK_CACHE"])

    def volume_of(container: dict[str, Any], path: Path) -> str:
        return str(next(m["name"] for m in container["volumeMounts"] if path.is_relative_to(m["mountPath"])))

    assert volume_of(step, cache) == volume_of(factdesk, cache)
    assert volume_of(step, Path(env["FACTDESK_KNOWLEDGE"])) == "knowledge"


def test_pilot_configmaps_are_generated_valid_and_fit(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    for cm in generated_configmaps(folder):
        kubernetes_validate.validate(cm, VERSION, strict=True)
        assert sum(len(v.encode()) for v in cm["data"].values()) < CONFIGMAP_BYTES, cm["metadata"]["name"]
    kubernetes_validate.validate(pilot_deployment(folder), VERSION, strict=True)
    assert not (PILOT / "kustomization.yaml").exists() or "GENERATED" in (PILOT / "kustomization.yaml").read_text()


def test_pilot_generator_refuses_what_a_configmap_cannot_hold(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(FIXTURES / "mini", folder)
    (folder / "sources" / "huge.txt").write_text("x" * CONFIGMAP_BYTES, "utf-8")
    with pytest.raises(pilot.TooBig, match="git-sync"):
        pilot.render(folder)


def test_pilot_configmaps_carry_every_knowledge_file_and_what_they_carry_loads(tmp_path: Path) -> None:
    knowledge = tmp_path / "src"
    shutil.copytree(FIXTURES / "mini", knowledge)
    shutil.copy(knowledge / "mini.yaml", knowledge / "second.yaml")  # a file added later is carried too
    second = (knowledge / "second.yaml").read_text("utf-8").replace("command: /mini", "command: /second")
    (knowledge / "second.yaml").write_text(second, "utf-8")
    maps = {cm["metadata"]["name"]: cm["data"] for cm in generated_configmaps(knowledge)}
    assert set(maps["factdesk-knowledge"]) == {p.name for p in topic_files(knowledge)} == {"mini.yaml", "second.yaml"}
    assert set(maps["factdesk-knowledge-sources"]) == {p.name for p in (knowledge / "sources").iterdir()}
    # Lay the files out as the patched Deployment mounts them and load them from where FACTDESK_KNOWLEDGE says.
    pod = pilot_deployment(knowledge)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "initContainers" not in pod
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v}
    for volume, configmap in volumes.items():
        folder = tmp_path / "pod" / mounts[volume].lstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in maps[configmap].items():
            (folder / name).write_text(text, "utf-8")
    where = next(e["value"] for e in container["env"] if e["name"] == "FACTDESK_KNOWLEDGE")
    result = load(tmp_path / "pod" / where.lstrip("/"))
    assert result.ok and result.knowledge is not None
    assert result.knowledge.version == load(knowledge).knowledge.version  # type: ignore[union-attr]


def test_knowledge_follows_git_syncs_link_swap(slack: slack_stand_in.StandIn, tmp_path: Path) -> None:
    """git-sync checks each new commit out into its own worktree, then replaces the `current` link with one
    rename, and removes the old worktree. The running server must serve the new commit and survive the old
    folder vanishing. Done here with real git, the way git-sync lays it out."""
    repo, root = tmp_path / "repo", tmp_path / "git"
    shutil.copytree(FIXTURES / "mini", repo / "knowledge")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]

    def run(*args: str, cwd: Path = repo) -> str:
        return subprocess.run([*git, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()

    def checkout() -> Path:
        sha = run("rev-parse", "HEAD")
        tree = root / ".worktrees" / sha
        run("worktree", "add", "--detach", str(tree), sha)
        tmp_link = root / "tmp-link"
        tmp_link.symlink_to(Path(".worktrees") / sha)
        os.replace(tmp_link, root / "current")  # the atomic swap
        return tree

    run("init")
    run("add", "-A")
    run("commit", "-m", "first")
    root.mkdir()
    old = checkout()
    env = {"FACTDESK_WATCH_SECONDS": "0.2"}
    with serve(tmp_path, slack.api_url, root / "current" / "knowledge", extra_env=env) as bot:

        def fact() -> str:
            body = sc.command_body("approval", command="/mini")
            return json.dumps(sc.post_signed(bot.port, body).json())

        assert "The council approved the plan." in fact()
        topic = repo / "knowledge" / "mini.yaml"
        topic.write_text(topic.read_text("utf-8").replace("approved the plan.", "approved the plan at last."))
        run("commit", "-am", "second")
        checkout()
        run("worktree", "remove", "--force", str(old))
        deadline = time.monotonic() + 20
        while "approved the plan at last." not in fact():
            assert time.monotonic() < deadline, bot.logs()[-2000:]
            time.sleep(0.1)
        assert sc.request(bot.port, "GET", "/healthz").json()["status"] == "ok"


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
            assert ref["key"] in r[ref["name"]]["data"]
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert f"--uid {pod['spec']['securityContext']['runAsUser']} " in dockerfile
    assert re.search(r"^ENTRYPOINT \[\"factdesk\"\]", dockerfile, re.M) and container["args"] == ["serve"]

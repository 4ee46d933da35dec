"""The lock files agree with pyproject.toml: what `./run install` installs is what it asks for.

`./run lock` writes both files with `uv pip compile`; this test is the check that someone who
changed a range in pyproject.toml also ran it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")
HASH = re.compile(r"^\s+--hash=sha256:[0-9a-f]{64}")


def read_lock(name: str) -> dict[str, list[tuple[Version, str]]]:
    """Package -> its pinned versions with their environment markers (a universal lock may pin
    one package differently per Python version)."""
    pins: dict[str, list[tuple[Version, str]]] = {}
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            package, version, marker = match.groups()
            pins.setdefault(canonicalize_name(package), []).append((Version(version), marker or ""))
    return pins


RUNTIME = read_lock("runtime.txt")
DEV = read_lock("dev.txt")
DEPENDENCIES = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
DEV_TOOLS = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


def unmet(requirements: list[Requirement], lock: dict[str, list[tuple[Version, str]]]) -> list[str]:
    problems = []
    for requirement in requirements:
        pins = lock.get(canonicalize_name(requirement.name))
        if not pins:
            problems.append(f"{requirement.name}: not in the lock")
            continue
        for version, marker in pins:
            if version not in requirement.specifier:
                problems.append(f"{requirement}: locked at {version} {marker}".strip())
    return problems


def test_the_runtime_lock_satisfies_the_dependencies() -> None:
    assert unmet(DEPENDENCIES, RUNTIME) == [], "pyproject.toml changed: run `./run lock`"


def test_the_dev_lock_satisfies_dependencies_dev_tools_and_the_build_backend() -> None:
    assert unmet(DEPENDENCIES + DEV_TOOLS + BUILD, DEV) == [], (
        "pyproject.toml changed: run `./run lock`"
    )


def test_both_locks_pin_the_same_version_of_what_they_share() -> None:
    """What the tests ran against is what a deployment from runtime.txt installs."""
    differing = {
        name: (RUNTIME[name], DEV[name])
        for name in RUNTIME.keys() & DEV.keys()
        if RUNTIME[name] != DEV[name]
    }
    assert differing == {}


def test_the_runtime_lock_holds_no_dev_tool() -> None:
    dev_only = {canonicalize_name(r.name) for r in DEV_TOOLS} - DEV.keys()
    assert dev_only == set(), "dev tools missing from dev.txt"
    assert {canonicalize_name(r.name) for r in DEV_TOOLS} & RUNTIME.keys() == set()


def vias(name: str) -> dict[str, set[str]]:
    """Package -> what asked for it, from uv's `# via` annotations."""
    asked: dict[str, set[str]] = {}
    current = ""
    for line in (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines():
        pin = PIN.match(line)
        if pin:
            current = canonicalize_name(pin.group(1))
            asked[current] = set()
        elif line.strip().startswith("#") and current:
            words = line.strip().lstrip("#").strip().removeprefix("via").strip()
            if words:
                asked[current].add(words)
    return asked


@pytest.mark.parametrize("name", ["runtime.txt", "dev.txt"])
def test_the_lock_holds_nothing_pyproject_no_longer_asks_for(name: str) -> None:
    """A dependency dropped from pyproject.toml leaves the lock at the next `./run lock`."""
    wanted = {canonicalize_name(r.name) for r in DEPENDENCIES}
    if name == "dev.txt":
        wanted |= {canonicalize_name(r.name) for r in DEV_TOOLS + BUILD} | {"editables"}
    asked = vias(name)
    top_level = {
        package
        for package, by in asked.items()
        if any("pyproject.toml" in b or "build-system.in" in b for b in by)
    }
    assert top_level - wanted == set(), "pyproject.toml changed: run `./run lock`"
    orphans = {p for p, by in asked.items() if p not in top_level and not by & asked.keys()}
    assert orphans == set()


@pytest.mark.parametrize("name", ["runtime.txt", "dev.txt"])
def test_every_pin_carries_hashes(name: str) -> None:
    lines = (ROOT / "requirements" / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if PIN.match(line):
            assert HASH.match(lines[number + 1]), f"{name}:{number + 1} {line} has no hash"

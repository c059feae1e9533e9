"""The trees in README.md ("For developers") and CONTRIBUTING.md match the source (issue 12,
point 9): every module and package under ``src/proofroom`` has its line, and no line names
one that is gone, so the map a newcomer reads cannot drift from the code again.

A tree is the fenced block that starts with ``src/proofroom/``; each level is indented two
spaces more than its package, a package ends with ``/``, and the words after the name
say what it is for. Migrations, static assets, templates and ``__init__.py`` are left out
(an ``__init__.py`` may be listed, but then it must exist).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "proofroom"
LEFT_OUT = {"migrations", "static", "templates", "__pycache__"}
ENTRY = re.compile(r"^(?P<indent> *)(?P<name>[\w.]+/?)(?:\s{2,}(?P<what>\S.*))?$")


def tree_in(document: Path) -> tuple[list[str], list[str]]:
    """The paths a document's source tree lists, relative to src/proofroom; and the
    lines that list a module without saying what it is for."""
    lines = document.read_text(encoding="utf-8").splitlines()
    start = lines.index("src/proofroom/")
    listed: list[str] = []
    unexplained: list[str] = []
    parents: list[str] = []  # the package at each level of indentation
    for line in lines[start + 1 :]:
        if not line.startswith("  "):  # back at the top: tests/, bench/... or the fence
            break
        found = ENTRY.match(line)
        assert found, f"{document.name}: not a tree line: {line!r}"
        level = len(found["indent"]) // 2 - 1
        assert len(found["indent"]) % 2 == 0 and level <= len(parents), (
            f"{document.name}: badly indented: {line!r}"
        )
        del parents[level:]
        name = found["name"]
        path = "/".join([*parents, name.rstrip("/")])
        listed.append(path)
        if not found["what"]:
            unexplained.append(path)
        if name.endswith("/"):
            parents.append(name.rstrip("/"))
    return listed, unexplained


def source_tree(*, depth: int | None = None) -> set[str]:
    """Every module and package under src/proofroom (down to ``depth`` levels)."""
    found: set[str] = set()
    for path in SOURCE.rglob("*"):
        relative = path.relative_to(SOURCE)
        if LEFT_OUT & set(relative.parts) or (depth and len(relative.parts) > depth):
            continue
        package = path.is_dir() and (path / "__init__.py").exists()
        module = path.suffix == ".py" and path.name != "__init__.py"
        if package or module:
            found.add(relative.as_posix())
    return found


def _compare(listed: list[str], actual: set[str]) -> None:
    doubled = sorted({p for p in listed if listed.count(p) > 1})
    named = {p for p in listed if not p.endswith("__init__.py")}
    ghosts = sorted(p for p in listed if p.endswith("__init__.py") and not (SOURCE / p).exists())
    assert (sorted(actual - named), sorted(named - actual), doubled, ghosts) == ([], [], [], [])


def test_readme_lists_every_module_once_and_nothing_gone() -> None:
    listed, unexplained = tree_in(ROOT / "README.md")
    _compare(listed, source_tree())
    assert unexplained == []


def test_contributing_layout_lists_the_top_of_the_tree() -> None:
    listed, unexplained = tree_in(ROOT / "CONTRIBUTING.md")
    _compare(listed, source_tree(depth=1))
    assert unexplained == []


@pytest.mark.parametrize("document", ["README.md", "CONTRIBUTING.md"])
def test_a_tree_line_names_a_module_then_says_what_it_is_for(document: str) -> None:
    """The parser itself: a module's line and a package's line, nested by indentation."""
    listed, _ = tree_in(ROOT / document)
    assert "core" in listed and "settings.py" in listed

"""Imports run one way (DESIGN.md, section 2), and no modules import each other in a circle.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``, so a
circle cannot be hidden by moving an import into a function. Only the repository's own
files are read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "projections", "schema", "board")

COMPOSITION_ROOT = ("backend.bootstrap", "backend.cli")
"""May import every layer: it builds the real dependencies and hands them down."""

FORBIDDEN: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("backend.domain", "backend.commands"), ("projections", "schema", "board")),
    (("projections",), ("schema", "board")),
    (("backend.exporting", "backend.importing"), ("schema", "board")),
)
"""(importers, what they must not import): the layers of DESIGN.md."""


def _within(module: str, packages: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def modules_of(root: Path) -> dict[str, Path]:
    """Every module of the project's packages under ``root``, by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Which project modules each module imports, wherever in the module it does."""

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = parts[: len(parts) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [module, *(f"{module}.{alias.name}" for alias in node.names)]
            for target in targets:
                resolved = resolve(target)
                if resolved is not None and resolved != name:
                    graph[name].add(resolved)
    return graph


def forbidden_imports(graph: Mapping[str, set[str]]) -> list[str]:
    """Every import that crosses a layer the wrong way, as "importer -> imported"."""
    found = []
    for module, imported in graph.items():
        if _within(module, COMPOSITION_ROOT):
            continue
        for target in imported:
            outside_api = not _within(module, ("schema", "board"))
            if outside_api and _within(target, ("schema",)):
                found.append(f"{module} -> {target}")
                continue
            for importers, banned in FORBIDDEN:
                if _within(module, importers) and _within(target, banned):
                    found.append(f"{module} -> {target}")
                    break
    return sorted(found)


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or through others
    (strongly connected components of more than one module), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        # Tarjan's algorithm, iteratively: (module, its imports not yet visited).
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, pending = work[-1]
            target = next(pending, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.get(target, ())))))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return sorted(found)


def test_imports_run_one_way() -> None:
    wrong_way = forbidden_imports(import_graph(modules_of(ROOT)))
    assert not wrong_way, "imports against the layers of DESIGN.md:\n" + "\n".join(wrong_way)


def test_no_modules_import_each_other_in_a_circle() -> None:
    found = circles(import_graph(modules_of(ROOT)))
    assert not found, "modules that import each other:\n" + "\n".join(map(", ".join, found))


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_check_sees_a_read_model_that_imports_the_api(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "projections/__init__.py": "",
            "projections/roadmap.py": "def f():\n    from schema.relay import to_global_id\n",
            "schema/__init__.py": "",
            "schema/relay.py": "",
            "backend/__init__.py": "",
            "backend/bootstrap.py": "import schema.relay\n",
            "backend/exporting/__init__.py": "",
            "backend/exporting/read.py": "from schema import relay\n",
        },
    )
    assert forbidden_imports(import_graph(modules_of(root))) == [
        "backend.exporting.read -> schema",
        "backend.exporting.read -> schema.relay",
        "projections.roadmap -> schema.relay",
    ]


def test_the_check_sees_a_circle_hidden_in_a_function(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "schema/__init__.py": "",
            "schema/a.py": "from schema.b import B\n",
            "schema/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from schema.c import C\n",
            "schema/c.py": "def f():\n    from .a import A\n",
            "schema/d.py": "from schema import a\n",
        },
    )
    assert circles(import_graph(modules_of(root))) == [["schema.a", "schema.b", "schema.c"]]

"""The import graph of fleet, provisioning and labels: no circles, and the layers' direction
(DESIGN: provisioning → fleet → labels).

The graph is read from the source with ``ast`` — every ``import``, at module level or inside a
function (a lazy import is still a dependency). ``from fleet.x import y`` is an edge to
``fleet.x.y`` when that is a module, else to ``fleet.x``; an import of ``fleet.http.errors`` is an
edge to that module only, not also to the packages above it. That is the one exclusion: a package's
``__init__`` that re-exports its modules' names (``fleet.http``, ``fleet.models``) runs when any
of its modules is imported, which would make every module that a re-exported module imports look
circular with the package; what matters is that the modules themselves form no circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fleet", "provisioning", "labels")

# fleet may import provisioning only where the whole app is put together.
FLEET_MAY_IMPORT_PROVISIONING = ("fleet.app", "fleet.demo", "fleet.evidence.members")  # the pack: every part


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _reexported(modules: dict[str, Path]) -> dict[str, str]:
    """``package.name`` → the package's module that defines it, for the names a package's
    ``__init__`` imports from its own modules (``fleet.http.endpoint`` → ``fleet.http.endpoints``)."""
    found = {}
    for package, path in modules.items():
        if path.name != "__init__.py":
            continue
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, ast.ImportFrom) and not node.level and _in(node.module or "", package):
                for alias in node.names:
                    if node.module in modules and node.module != package:
                        found[f"{package}.{alias.asname or alias.name}"] = node.module
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    reexported = _reexported(modules)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[: len(base) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    full = f"{source}.{alias.name}"
                    targets.append(full if full in modules else reexported.get(full, source))
            for target in targets:
                while target and target not in modules:  # ``import a.b.c`` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name and not (is_package and _in(target, name)):
                    edges.add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components bigger than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_graph_is_read():
    graph = _graph()
    assert "fleet.http.endpoints" in graph["fleet.api.devices"]
    assert "fleet.http.errors" in graph["fleet.access.csrf"]


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_one():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_labels_imports_neither_fleet_nor_provisioning():
    wrong = {(m, t) for m, targets in _graph().items() if _in(m, "labels")
             for t in targets if _in(t, "fleet") or _in(t, "provisioning")}
    assert wrong == set()


def test_fleet_imports_provisioning_only_where_the_app_is_put_together():
    wrong = {(m, t) for m, targets in _graph().items() if _in(m, "fleet")
             and not any(_in(m, allowed) for allowed in FLEET_MAY_IMPORT_PROVISIONING)
             for t in targets if _in(t, "provisioning")}
    assert wrong == set()

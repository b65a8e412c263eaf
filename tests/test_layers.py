"""The shape of app/: no import circle, few imports hidden inside functions (each saying why),
a root folder that reads as a map. The layers themselves are import-linter's contracts
(`.importlinter`, run by `make test`)."""

import ast
from pathlib import Path

import grimp

APP = Path(__file__).resolve().parents[1] / "app"
MAX_FUNCTION_IMPORTS = 10


def _function_level_imports() -> list[tuple[str, int, str]]:
    """(file, line, source line) of every `import app...` / `from app... import` inside a function."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        lines = path.read_text().splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                names = []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name == "app" or name.startswith("app.") for name in names):
                    found.append((str(path.relative_to(APP.parent)), node.lineno, lines[node.lineno - 1]))
    return sorted(set(found))


def test_imports_inside_functions_are_few_and_say_why():
    found = _function_level_imports()
    assert len(found) <= MAX_FUNCTION_IMPORTS, found
    for path, line, source in found:
        lines = (APP.parent / path).read_text().splitlines()
        comment = "#" in source or lines[line - 2].strip().startswith("#")
        assert comment, f"{path}:{line} imports inside a function without a comment saying why"


def test_no_import_is_a_workaround_any_more():
    offenders = [str(p) for p in APP.rglob("*.py") if "imported late" in p.read_text()]
    assert offenders == []


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, components, counter = {}, {}, [], set(), [], [0]

    def visit(module):
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return components


def test_no_import_circle_between_modules():
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    graph = grimp.build_graph("app", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


def test_a_circle_would_be_found():
    """The check above can fail: two modules importing each other are one component."""
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def test_the_root_folder_is_a_map():
    """At most 8 Python files at the root of app/: the wiring; everything else in its layer."""
    root_files = sorted(p.name for p in APP.glob("*.py"))
    assert len(root_files) <= 8, root_files

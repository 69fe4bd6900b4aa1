"""Documentation for users: dbt docs with every model, column and indicator; described assets."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dagster_dbt import DbtCliResource

from dagster_project.definitions import build_definitions
from dagster_project.reference_data import read_seed
from dagster_project.transform.indicator_catalogue import CATALOGUE, render_catalogue
from dagster_project.transform.project import dbt_project
from tests.conftest import Refreshed, settings_in

GROUPS = {"ingestion", "warehouse", "quality", "publication", "reporting"}


def test_the_indicator_catalogue_in_the_dbt_docs_matches_the_seed() -> None:
    assert CATALOGUE.read_text(encoding="utf-8") == render_catalogue(), (
        "seeds/indicators.csv changed: run python -m dagster_project.transform.indicator_catalogue"
    )


def test_every_model_and_every_column_it_builds_has_a_description(refreshed: Refreshed) -> None:
    manifest = json.loads(Path(dbt_project.manifest_path).read_text())
    undocumented = []
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:
        for node in manifest["nodes"].values():
            if node["resource_type"] not in ("model", "seed"):
                continue
            if not node["description"].strip():
                undocumented.append(node["name"])
            built = conn.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
                [node["schema"], node["alias"]],
            ).fetchall()
            assert built, f"{node['name']} was not built"
            documented = node["columns"]
            undocumented += [
                f"{node['name']}.{column}"
                for (column,) in built
                if not documented.get(column, {}).get("description", "").strip()
            ]
    assert undocumented == []


@pytest.mark.slow
def test_make_docs_builds_one_offline_page_with_every_indicator_definition(
    refreshed: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(refreshed.settings.warehouse_dir))
    dbt = DbtCliResource(project_dir=dbt_project)
    invocation = dbt.cli(
        ["docs", "generate", "--static", "--vars", json.dumps(refreshed.settings.dbt_vars())],
        target_path=tmp_path,
        raise_on_error=False,
    )
    assert invocation.wait().is_successful()
    page = (tmp_path / "static_index.html").read_text(encoding="utf-8")
    assert 'src="http' not in page  # scripts and styles inlined: opens offline
    for indicator in read_seed("indicators"):
        assert indicator["indicator_name_en"] in page, indicator["indicator_code"]
        assert f"`{indicator['indicator_code']}`" in page
    # The catalogue block, once in the docs index and once in dim_indicator's description.
    assert page.count("**Direction:**") == 2 * len(read_seed("indicators"))


def test_every_dagster_asset_has_a_description_an_owner_and_a_group(refreshed: Refreshed) -> None:
    graph = build_definitions(refreshed.settings).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert (node.description or "").strip(), key
        assert node.owners == ["team:sundhedsdata"], key
        assert node.group_name in GROUPS, key


def test_no_file_sends_the_reader_outside_the_repository() -> None:
    """A clone holds everything a user or maintainer needs: docs/, not a brief beside it."""
    import subprocess

    from dagster_project.settings import REPO_ROOT

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = "../" + "shared"  # spelt in two parts so this file does not name it
    pointing = [
        name
        for name in tracked
        if (REPO_ROOT / name).is_file()
        and outside in (REPO_ROOT / name).read_text(encoding="utf-8", errors="ignore")
    ]
    assert pointing == []
    for page in ("architecture.md", "domain.md", "landing.md", "disclosure.md", "stack.md"):
        assert (REPO_ROOT / "docs" / page).is_file()


def test_tests_mirror_the_stage_packages_and_never_import_the_benchmarks() -> None:
    from dagster_project.settings import REPO_ROOT

    package = REPO_ROOT / "dagster_project"
    stages = sorted(p.name for p in package.iterdir() if (p / "__init__.py").is_file())
    assert stages == [
        "disclosure",
        "operations",
        "publication",
        "quality",
        "report",
        "sources",
        "transform",
    ]
    for stage in [*stages, "synthetic", "benchmarks"]:
        assert list((REPO_ROOT / "tests" / stage).glob("test_*.py")), stage
    importing = [
        str(path.relative_to(REPO_ROOT))
        for path in (REPO_ROOT / "tests").rglob("*.py")
        if any(
            line.startswith(("import benchmarks", "from benchmarks"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert importing == []


def test_the_readme_opens_with_the_two_commands_and_stays_short() -> None:
    from dagster_project.settings import REPO_ROOT

    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    commands = [line.split("#")[0].strip() for line in lines[:8] if line.startswith("make ")]
    assert commands == ["make run", "make test"]


def test_every_relative_link_in_the_readme_and_docs_resolves() -> None:
    """A page moved or renamed must not leave links to where it was."""
    import re

    from dagster_project.settings import REPO_ROOT

    pages = [
        REPO_ROOT / "README.md",
        REPO_ROOT / "CHANGELOG.md",
        REPO_ROOT / "benchmarks" / "README.md",
        *sorted((REPO_ROOT / "docs").rglob("*.md")),
    ]
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = target.split("#")[0]
            if not (page.parent / path).exists():
                broken.append(f"{page.relative_to(REPO_ROOT)}: {target}")
    assert broken == []


def _code_blocks(page: Path, language: str) -> list[str]:
    """The fenced blocks of one language in a Markdown page, indented ones included."""
    import re

    text = page.read_text(encoding="utf-8")
    pattern = rf"^( *)```{language}\n(.*?)^\1```"
    return [
        "\n".join(line[len(indent) :] for line in body.splitlines())
        for indent, body in re.findall(pattern, text, flags=re.M | re.S)
    ]


def _guide_pages() -> list[Path]:
    from dagster_project.settings import REPO_ROOT

    return [
        REPO_ROOT / "README.md",
        *sorted((REPO_ROOT / "docs" / "guides").glob("*.md")),
        REPO_ROOT / "docs" / "bi.md",
        REPO_ROOT / "docs" / "real-data.md",
        REPO_ROOT / "docs" / "operating.md",
    ]


def test_the_bi_guides_python_reads_the_published_release(
    refreshed: Refreshed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each Python block of docs/bi.md, run as written from a folder holding a published
    warehouse, reads rows of the table it names."""
    from dagster_project.settings import REPO_ROOT

    blocks = _code_blocks(REPO_ROOT / "docs" / "bi.md", "python")
    assert len(blocks) == 2
    assert refreshed.settings.warehouse_dir == refreshed.root / "warehouse"
    monkeypatch.chdir(refreshed.root)
    smoking: dict = {}
    exec(blocks[0], smoking)
    query = "select count(*) from mart_indicator_cluster_year where indicator_code = ?"
    (rows,) = smoking["con"].execute(query, ["daily_smoking"]).fetchone()
    # Four clusters × six survey years the sample delivers daily smoking for (2010 as the
    # publisher's estimates, 2013, 2017, 2021, 2023 and 2025 as respondents).
    assert rows == 4 * 6
    smoking["con"].close()
    parquet: dict = {}
    exec(blocks[1], parquet)
    assert parquet["release"].parent.name == "releases"
    assert len(parquet["marts"]) > 0
    assert set(parquet["marts"]["indicator_code"]) >= {"daily_smoking", "pupils_thriving"}


def test_every_command_the_guides_give_exists(tmp_path: Path) -> None:
    """A guide's make targets, python -m modules, asset selections and launchpad config are
    the project's: renaming one without the guide fails here."""
    import importlib.util
    import re
    import shlex

    import yaml
    from dagster import AssetKey

    from dagster_project.settings import REPO_ROOT

    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    defs = build_definitions(settings_in(tmp_path))
    commands = [
        line.split("  #")[0].strip()
        for page in _guide_pages()
        for block in _code_blocks(page, "sh")
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    checked = 0
    for command in commands:
        words = shlex.split(command.split("&&")[-1].replace("<", "").replace(">", ""))
        words = [w for w in words if w != "sudo" and not re.match(r"[A-Z_]+=", w)]
        program = words[0].rsplit("/", 1)[-1]
        if program == "make":
            named = [w for w in words[1:] if "=" not in w]
            assert named and set(named) <= targets, command
            checked += 1
        if program.startswith("python") and "-m" in words:
            module = words[words.index("-m") + 1]
            assert importlib.util.find_spec(module) is not None, command
            checked += 1
        if "--select" in words:
            key = AssetKey(words[words.index("--select") + 1])
            assert defs.resolve_assets_def(key) is not None, command
            checked += 1
    assert checked >= 5  # the guides give nine: finding few means the parsing broke
    # The re-issue guide's launchpad config is the status report's own.
    [config] = _code_blocks(REPO_ROOT / "docs" / "guides" / "reissue-a-report.md", "yaml")
    report = defs.resolve_assets_def(AssetKey("status_report"))
    fields = report.op.config_schema.config_type.fields
    assert set(yaml.safe_load(config)["ops"]["status_report"]["config"]) <= set(fields)

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
from tests.conftest import Refreshed

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
    assert stages == ["operations", "publication", "quality", "report", "sources", "transform"]
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

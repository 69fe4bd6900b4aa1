"""The dbt project as Dagster assets (dagster-dbt): seeds, models and their tests as checks."""

import json
import os

from dagster import AssetExecutionContext, Config
from dagster_dbt import DbtCliResource, dbt_assets

from dagster_project.fingerprint import inputs_fingerprint, published_fingerprint
from dagster_project.project import dbt_project
from dagster_project.resources import RefreshLock, WarehouseSettings
from dagster_project.settings import Settings


def dbt_build_args(settings: Settings) -> list[str]:
    """`dbt build` with the configured disclosure thresholds as vars.

    A pure function so the exact command is unit-tested; dagster-dbt adds the selection of the
    assets being materialised.
    """
    return ["build", "--vars", json.dumps(settings.dbt_vars(), sort_keys=True)]


class DbtBuildConfig(Config):
    """force: rebuild although nothing changed since the last publication (after a code change)."""

    force: bool = False


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def sundhedsdata_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseSettings,
    refresh_lock: RefreshLock,
    config: DbtBuildConfig,
):
    settings = warehouse.settings
    published, published_run = published_fingerprint(settings.published_db)
    if not config.force and published is not None and published == inputs_fingerprint(settings):
        # Nothing is yielded: the models, their checks and everything downstream (gate,
        # publication, report) are skipped, and the publication stays as it is.
        context.log.info(
            "no landing file, model, seed, suite or threshold changed since the publication of "
            f"run {published_run}: nothing to build (config force: true rebuilds anyway)"
        )
        return
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # dbt/profiles.yml reads the build database's folder from this variable; set it from the
    # resource so a launchpad override reaches the dbt subprocess too.
    os.environ["SUNDHEDSDATA_WAREHOUSE_DIR"] = str(settings.warehouse_dir)
    # A fixed target folder beside the warehouse: dbt's partial parsing is reused between runs
    # and per-run folders do not pile up in the repository.
    target = settings.warehouse_dir / "dbt_target"
    yield from dbt.cli(dbt_build_args(settings), context=context, target_path=target).stream()

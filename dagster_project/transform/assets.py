"""The dbt project as Dagster assets (dagster-dbt): seeds, models and their tests as checks."""

import json
from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, Config, Output
from dagster_dbt import DbtCliResource, dbt_assets, get_asset_key_for_model

from dagster_project.publication.currency import confirmation
from dagster_project.resources import WAREHOUSE_POOL, RefreshLock
from dagster_project.settings import Settings
from dagster_project.transform.plan import dbt_manifest, night_plan, record_built_files
from dagster_project.transform.project import dbt_project
from dagster_project.transform.spark import (
    read_back_tables,
    tables_outside_staging,
)


def dbt_build_args(settings: Settings) -> list[str]:
    """`dbt build` on the configured engine with the configured disclosure thresholds as vars.

    A pure function so the exact command is unit-tested; the build plan adds what tonight
    leaves out (plan.NightPlan.dbt_args) and dagster-dbt the selection of the assets being
    materialised.
    """
    return [
        "build",
        "--target",
        settings.dbt_target,
        "--vars",
        json.dumps({**settings.dbt_vars(), **settings.dbt_profile_vars()}, sort_keys=True),
    ]


class DbtBuildConfig(Config):
    """force: a full refresh although nothing changed since the last publication (for example
    after the build database was edited by hand)."""

    force: bool = False


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WAREHOUSE_POOL)
def sundhedsdata_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    settings: Settings,
    refresh_lock: RefreshLock,
    config: DbtBuildConfig,
):
    plan = night_plan(settings, config.force)
    if not plan.to_build:
        # Nothing is yielded: the models, their checks and everything downstream (gate,
        # publication, report) are skipped, and the publication stays as it is.
        nothing = (
            "no ingested file, model, seed, suite, threshold or code changed since the last "
            "publication: nothing to build"
        )
        context.log.info(f"{nothing} (config force: true rebuilds anyway)")
        if plan.current:
            context.log_event(confirmation("refresh", nothing))
        return
    context.log.info(plan.reason)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    on_spark = settings.dbt_target == "spark"
    # A fixed target folder beside the warehouse: dbt's partial parsing is reused between runs
    # and per-run folders do not pile up in the repository.
    target = settings.warehouse_dir / "dbt_target"
    args = dbt_build_args(settings) + plan.dbt_args()
    events = dbt.cli(args, context=context, target_path=target).stream()
    unchanged = list(plan.unaffected_models)
    yield from with_unchanged_models(context, events, unchanged, plan.reason)
    if on_spark:
        # Before the step ends, so the gate, the audit and publication (later steps) read
        # what Spark built, from the build database as after a DuckDB build.
        count = read_back_tables(settings, tables_outside_staging(dbt_manifest(), unchanged))
        context.log.info(f"read back {count} tables Spark built into {settings.build_db}")
    if not context.is_subset:
        # Only a build of the whole project may say "built from these files": after a partial
        # materialisation from the UI, the next night must still build what it left out.
        record_built_files(settings)


def with_unchanged_models(
    context: AssetExecutionContext, events: Iterator, models: list[str], reason: str
) -> Iterator:
    """dbt's events plus an Output for each model an incremental night left out.

    Those models are current - none of their sources changed - and saying so lets their gates,
    the publication and the report run as on any other night. A multi-asset must yield its
    outputs in topological order, so each is yielded once everything upstream of it has been.
    """
    assets_def = context.assets_def
    selected = set(context.selected_asset_keys)
    pending = {get_asset_key_for_model([assets_def], name) for name in models} & selected
    done: set[AssetKey] = set()

    def ready() -> Iterator[Output]:
        while True:
            free = [k for k in pending if not (assets_def.asset_deps[k] & selected) - done]
            if not free:
                return
            for key in sorted(free, key=lambda k: k.to_user_string()):
                pending.discard(key)
                done.add(key)
                yield Output(
                    None,
                    output_name=assets_def.get_output_name_for_asset_key(key),
                    metadata={"rebuilt": False, "why": reason},
                )

    for event in events:
        yield from ready()
        if isinstance(event, Output):
            done.add(assets_def.keys_by_output_name[event.output_name])
        yield event
    yield from ready()
    # dbt succeeded, so every selected model and seed has a result: one Dagster did not see
    # is an event lost on the way (a line of dbt's JSON log broken by other output), and
    # without this its downstream steps would be skipped while the run reports success.
    lost = selected - done
    if lost:
        names = sorted(key.to_user_string() for key in lost)
        raise DbtEventsLostError(
            f"dbt finished, but Dagster saw no result for {len(names)} of the selected models "
            f"and seeds ({', '.join(names[:5])}{', ...' if len(names) > 5 else ''}); nothing "
            "was published. See the dbt log in the warehouse's dbt_target folder."
        )


class DbtEventsLostError(RuntimeError):
    """dbt's build succeeded but some of its results never reached Dagster."""

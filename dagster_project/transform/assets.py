"""The dbt project as Dagster assets (dagster-dbt): seeds, models and their tests as checks.

The project is two multi-assets, either side of the disclosure engine: what the engine reads
(everything but what depends on the source raw.disclosure_complements) and what reads its
complements (that source and everything downstream). As one multi-asset on both sides of the
engine, Dagster had to break the cycle and split it by each model's distance from the job's
roots, into three steps, each a dbt process of its own; two definitions are two steps with no
split. A test downstream of the source is selected with the second, so each runs once every
model it reads is built.
"""

import json
from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, Config, Output
from dagster_dbt import DbtCliResource, dbt_assets, get_asset_key_for_model

from dagster_project.disclosure.assets import declare_complements
from dagster_project.publication.currency import confirmation
from dagster_project.resources import FORCE_TAG, WAREHOUSE_POOL, RefreshLock
from dagster_project.settings import Settings
from dagster_project.transform.plan import dbt_manifest, night_plan, record_built_files
from dagster_project.transform.project import dbt_project
from dagster_project.transform.spark import (
    read_back_tables,
    tables_outside_staging,
)

DECISIONS_KEY = AssetKey(["intermediate", "int_disclosure__decisions"])


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
    after the build database was edited by hand). It reaches one op; the dbt project runs as two
    (sundhedsdata_dbt_models, sundhedsdata_dbt_decisions), which the run tag FORCE_TAG forces
    at once."""

    force: bool = False


# A run with this tag set to "true" rebuilds every model, whatever the plan says.


def is_forced(context: AssetExecutionContext, config: DbtBuildConfig) -> bool:
    return config.force or context.run.tags.get(FORCE_TAG, "").lower() == "true"


# What reads the engine's complements, as dbt selects it.
DECISIONS_SELECTION = "source:raw.disclosure_complements+"


def build_step(
    context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings, config: DbtBuildConfig
) -> Iterator:
    """Tonight's dbt build of this step's models (the plan says which need building)."""
    plan = night_plan(settings, is_forced(context, config))
    if not plan.to_build:
        # Nothing is yielded: the models, their checks and everything downstream (gate,
        # publication, report) are skipped, and the publication stays as it is.
        nothing = (
            "no ingested file, model, seed, suite, threshold or code changed since the last "
            "publication: nothing to build"
        )
        context.log.info(f"{nothing} (the run tag {FORCE_TAG}=true rebuilds anyway)")
        if plan.current:
            context.log_event(confirmation("refresh", nothing))
        return
    context.log.info(plan.reason)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    on_spark = settings.dbt_target == "spark"
    # A fixed target folder beside the warehouse: dbt's partial parsing is reused between runs
    # and per-run folders do not pile up in the repository.
    target = settings.warehouse_dir / "dbt_target"
    with settings.connect() as conn:
        # The engine's source exists before its first night (empty), for Spark's views.
        declare_complements(conn, settings.raw_dir)
    own = {key.path[-1] for key in context.assets_def.keys}
    unchanged = [name for name in plan.unaffected_models if name in own]
    args = dbt_build_args(settings) + plan.dbt_args() + test_selection_args(context, unchanged)
    events = dbt.cli(args, context=context, target_path=target).stream()
    yield from with_unchanged_models(context, events, unchanged, plan.reason)
    if on_spark:
        # Before the step ends, so the engine, the gate, the audit and publication (later
        # steps) read what Spark built, from the build database as after a DuckDB build.
        built = {key.path[-1] for key in context.selected_asset_keys}
        left_out = [
            node["name"] for node in dbt_manifest()["nodes"].values() if node["name"] not in built
        ]
        tables = tables_outside_staging(dbt_manifest(), list(plan.unaffected_models) + left_out)
        count = read_back_tables(settings, tables)
        context.log.info(f"read back {count} tables Spark built into {settings.build_db}")
    if whole_build_done(context):
        # Only a build of the whole project may say "built from these files": after a partial
        # materialisation from the UI, the next night must still build what it left out.
        record_built_files(settings)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    pool=WAREHOUSE_POOL,
    exclude=DECISIONS_SELECTION,
)
def sundhedsdata_dbt_models(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    settings: Settings,
    refresh_lock: RefreshLock,
    config: DbtBuildConfig,
):
    """Everything the disclosure engine reads, and everything that does not read the engine."""
    yield from build_step(context, dbt, settings, config)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    pool=WAREHOUSE_POOL,
    select=DECISIONS_SELECTION,
)
def sundhedsdata_dbt_decisions(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    settings: Settings,
    refresh_lock: RefreshLock,
    config: DbtBuildConfig,
):
    """int_disclosure__decisions and everything that reads it: the published tables."""
    yield from build_step(context, dbt, settings, config)


DBT_ASSETS = [sundhedsdata_dbt_models, sundhedsdata_dbt_decisions]


def test_selection_args(context: AssetExecutionContext, left_out: list[str]) -> list[str]:
    """In a step that builds part of the project, the tests of exactly the checks Dagster gave
    this step, and no test by indirect selection: "eager" would also run, in the first step, a
    test of a second-step model against last night's table, and "buildable" would run no test
    that reads a model of another step (a relationship to a dimension). Tests of the models
    tonight leaves out are left out with them."""
    if not context.is_subset:
        return []
    names = sorted(
        key.name
        for key in context.selected_asset_check_keys
        if key.asset_key.path[-1] not in set(left_out)
    )
    return ["--indirect-selection", "empty", *(["--select", " ".join(names)] if names else [])]


def whole_build_done(context: AssetExecutionContext) -> bool:
    """True in the step that ends a run materialising every dbt asset: the step that builds
    what reads the engine's complements, whole, in a run whose selection (if it has one) holds
    every dbt asset."""
    if context.is_subset or DECISIONS_KEY not in set(context.selected_asset_keys):
        return False
    run_selection = context.run.asset_selection
    every = {key for assets_def in DBT_ASSETS for key in assets_def.keys}
    return not run_selection or every <= set(run_selection)


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

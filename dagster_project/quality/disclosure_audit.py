"""The linear disclosure audit: can any suppressed figure be computed from what is published?

Suppression rules (dbt/macros/published_signature.sql, int_suppression__complementary,
int_suppression__observation) are designed to protect every suppressed value; this audit does
not trust them. It reads the marts about to be published exactly as a data user would see them
and, for each indicator × year, sets up the attacker's linear system:

* the unknowns are the suppressed cells of fct_indicator_observation (municipality × sex × age
  band × school stage); a cell marked "no data" is known to be zero, a published cell is known;
* every published total - a municipality, a cluster (today's members, Vejen in two), a region,
  Denmark - is one equation: the sum of its suppressed cells equals its published value minus
  its published cells.

A suppressed quantity (a cell, or a municipality, cluster, region or Denmark total) is
*determined* when its vector over the unknowns lies in the row space of those equations: some
linear combination of published figures then equals it exactly, whatever the suppressed values
are. Every determined quantity is reported with the published totals that give it away. All
measures of a row (numerator, denominator, persons) are suppressed together and add up the same
way, so one structural audit covers them all.

The check is numerical (an SVD of a 0/1 matrix of at most a few hundred rows), which is exact
enough here: a 0/1 incidence matrix of this size has no singular values near the tolerance.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import numpy as np
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from dagster_project.settings import Settings

# The value note of an estimate or cell without any persons: known to be zero, so not secret.
NO_DATA_NOTE = "no data"
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Total:
    """A published or suppressed total: its level, code and the municipalities it adds up."""

    level: str  # municipality, cluster, region or country
    code: str
    members: frozenset[str]
    is_published: bool
    is_known_zero: bool

    def describe(self) -> str:
        return f"{self.level} {self.code}"


@dataclass(frozen=True)
class Finding:
    """A suppressed quantity that published figures determine, and which figures do it."""

    indicator_code: str
    year: int
    quantity: str
    determined_by: tuple[str, ...]

    def describe(self) -> str:
        by = ", ".join(self.determined_by[:8])
        more = len(self.determined_by) - 8
        by += f" and {more} more" if more > 0 else ""
        return f"{self.indicator_code} {self.year}: {self.quantity} is determined by {by}"


@dataclass
class AuditResult:
    indicator_years: int = 0
    suppressed_quantities: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings


@dataclass
class _IndicatorYear:
    cells: list[tuple[str, str]] = field(default_factory=list)  # (kommune_kode, cell label)
    hidden: list[bool] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)


def _is_known_zero(note: str | None) -> bool:
    return note is not None and NO_DATA_NOTE in note.split("; ")


def geography_members(conn: duckdb.DuckDBPyConnection, schema: str) -> dict:
    """{(level, code): [kommune_kode, ...]} for every published geography, in code order:
    municipalities, today's clusters (Vejen in two), regions and Denmark."""
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kommune, region in conn.execute(
        f"select kommune_kode, region_code from {schema}.dim_municipality order by 1"
    ).fetchall():
        members[("region", region)].append(kommune)
        members[("country", "000")].append(kommune)
        members[("municipality", kommune)].append(kommune)
    for cluster, kommune in conn.execute(
        f"select cluster_code, kommune_kode from {schema}.dim_cluster_membership "
        "where is_current order by 1, 2"
    ).fetchall():
        members[("cluster", cluster)].append(kommune)
    return members


def read_published_structure(conn: duckdb.DuckDBPyConnection, schema: str) -> dict:
    """{(indicator, year): _IndicatorYear} from the marts exactly as they will be published."""
    members = geography_members(conn, schema)

    structure: dict[tuple[str, int], _IndicatorYear] = defaultdict(_IndicatorYear)
    cells = conn.execute(
        f"select indicator_code, year, kommune_kode, sex_code, age_band_code, school_stage_code, "
        f"is_suppressed, value_note from {schema}.fct_indicator_observation "
        "order by indicator_code, year, kommune_kode, sex_code, age_band_code, school_stage_code"
    ).fetchall()
    for indicator, year, kommune, sex, age, stage, suppressed, note in cells:
        entry = structure[(indicator, year)]
        entry.cells.append((kommune, f"sex {sex}, age {age}, {stage}"))
        entry.hidden.append(bool(suppressed) and not _is_known_zero(note))

    totals_sql = f"""
        select 'municipality', kommune_kode, indicator_code, year, is_suppressed, value_note
        from {schema}.mart_indicator_municipality_year
        union all
        select 'cluster', cluster_code, indicator_code, year, is_suppressed, value_note
        from {schema}.mart_indicator_cluster_year
        union all
        select geography_level, geography_code, indicator_code, year, is_suppressed, value_note
        from {schema}.mart_indicator_region_year
    """
    for level, code, indicator, year, suppressed, note in conn.execute(totals_sql).fetchall():
        if (indicator, year) not in structure:
            structure[(indicator, year)] = _IndicatorYear()
        structure[(indicator, year)].totals.append(
            Total(
                level=level,
                code=code,
                members=frozenset(members.get((level, code), set())),
                is_published=not suppressed,
                is_known_zero=bool(suppressed) and _is_known_zero(note),
            )
        )
    return structure


def _row_space_basis(equations: np.ndarray) -> np.ndarray:
    """An orthonormal basis (rows) of the row space of the equations."""
    if equations.size == 0:
        return np.zeros((0, equations.shape[1]))
    _, singular, vt = np.linalg.svd(equations, full_matrices=False)
    rank = int((singular > _TOLERANCE * max(equations.shape) * singular.max()).sum())
    return vt[:rank]


def _rows_lie_in(basis: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each row of targets, whether it is in the space spanned by the orthonormal rows of
    basis (its projection leaves no residual)."""
    residual = targets - (targets @ basis.T) @ basis
    scale = np.maximum(np.linalg.norm(targets, axis=1), 1.0)
    return np.linalg.norm(residual, axis=1) <= 1e-7 * scale


def _lies_in(basis: np.ndarray, target: np.ndarray) -> bool:
    """Whether target is in the space spanned by the orthonormal rows of basis."""
    return bool(_rows_lie_in(basis, target[None, :])[0])


def _in_span(equations: np.ndarray, target: np.ndarray) -> bool:
    if not len(equations):
        return not target.any()
    return _lies_in(_row_space_basis(equations), target)


def _explain(equations: np.ndarray, names: list[str], target: np.ndarray) -> tuple[str, ...]:
    """A small set of published totals whose combination gives the quantity away.

    The least-squares combination spreads weight over every total; dropping each one that the
    rest can do without leaves the few an attacker needs (for Vejen: the four clusters and
    the region).
    """
    coefficients, *_ = np.linalg.lstsq(equations.T, target, rcond=None)
    used = [i for i, c in enumerate(coefficients) if abs(c) > 1e-6]
    for index in list(used):
        trial = [i for i in used if i != index]
        if _in_span(equations[trial], target):
            used = trial
    return tuple(names[i] for i in used) or ("its published cells alone",)


def audit_indicator_year(indicator: str, year: int, entry: _IndicatorYear) -> list[Finding]:
    """Every suppressed quantity of one indicator × year that the published figures determine."""
    hidden_cells = [i for i, hidden in enumerate(entry.hidden) if hidden]
    column_of = {cell: column for column, cell in enumerate(hidden_cells)}
    width = len(hidden_cells)

    def vector(total: Total) -> np.ndarray:
        row = np.zeros(width)
        for index in hidden_cells:
            if entry.cells[index][0] in total.members:
                row[column_of[index]] = 1.0
        return row

    published = [t for t in entry.totals if t.is_published or t.is_known_zero]
    rows = [vector(t) for t in published]
    keep = [i for i, row in enumerate(rows) if row.any()]
    equations = np.array([rows[i] for i in keep]).reshape(len(keep), width)
    names = [published[i].describe() for i in keep]
    basis = _row_space_basis(equations)

    def determined(target: np.ndarray) -> bool:
        return _lies_in(basis, target)

    findings = []
    for index in hidden_cells:
        target = np.zeros(width)
        target[column_of[index]] = 1.0
        if determined(target):
            kommune, label = entry.cells[index]
            findings.append(
                Finding(
                    indicator,
                    year,
                    f"the cell of municipality {kommune} ({label})",
                    _explain(equations, names, target),
                )
            )
    for total in entry.totals:
        if total.is_published or total.is_known_zero:
            continue
        target = vector(total)
        if not target.any() or determined(target):
            findings.append(
                Finding(
                    indicator,
                    year,
                    f"the {total.describe()} total",
                    _explain(equations, names, target) if target.any() else ("its cells",),
                )
            )
    return findings


def _group_vector(
    column: dict[tuple[str, str], int], kommuner: list[str], group: str
) -> np.ndarray:
    """A geography's cell of one group over the municipality × group unknowns."""
    row = np.zeros(len(column))
    for kommune in kommuner:
        row[column[(kommune, group)]] = 1.0
    return row


def audit_education(conn: duckdb.DuckDBPyConnection, schema: str, result: AuditResult) -> None:
    """The values by education (mart_indicator_education_year), with the attacker's system:

    * the unknowns are every municipality × education group, none of which is published;
    * every municipality's total over the groups is taken as known (the published age-band
      cells give it away), and every published or known-zero geography × group cell is an
      equation over its municipalities (today's cluster members, Vejen in two);
    * a suppressed geography × group cell, and any single municipality × group, must not lie
      in the row space of those equations.
    """
    published = conn.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = 'mart_indicator_education_year'",
        [schema],
    ).fetchone()[0]
    if not published:  # a publication without values by education has none to give away
        return
    members = geography_members(conn, schema)
    municipalities = members[("country", "000")]
    rows = conn.execute(
        f"select indicator_code, year, geography_level, geography_code, education_group, "
        f"is_suppressed, value_note from {schema}.mart_indicator_education_year "
        "order by 1, 2, 3, 4, 5"
    ).fetchall()
    by_year: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for indicator, year, *rest in rows:
        by_year[(indicator, year)].append(tuple(rest))
    for (indicator, year), cells in sorted(by_year.items()):
        groups = sorted({cell[2] for cell in cells})
        column = {
            (k, g): i for i, (k, g) in enumerate((k, g) for k in municipalities for g in groups)
        }

        known: list[np.ndarray] = []
        names: list[str] = []
        for kommune in municipalities:  # each municipality's total over the groups
            row = np.zeros(len(column))
            for g in groups:
                row[column[(kommune, g)]] = 1.0
            known.append(row)
            names.append(f"municipality {kommune} (all groups)")
        secrets = []
        for level, code, group, suppressed, note in cells:
            if not suppressed or _is_known_zero(note):
                known.append(_group_vector(column, members[(level, code)], group))
                names.append(f"{level} {code} {group}")
            else:
                secrets.append(
                    (
                        f"the {level} {code} cell of {group}",
                        _group_vector(column, members[(level, code)], group),
                    )
                )
        for kommune in municipalities:
            for g in groups:
                target = np.zeros(len(column))
                target[column[(kommune, g)]] = 1.0
                secrets.append((f"municipality {kommune}'s value for {g}", target))
        equations = np.array(known)
        basis = _row_space_basis(equations)
        result.indicator_years += 1
        result.suppressed_quantities += len(secrets)
        targets = np.array([target for _, target in secrets])
        for (label, target), determined in zip(secrets, _rows_lie_in(basis, targets), strict=True):
            if determined:
                result.findings.append(
                    Finding(
                        f"{indicator} by education",
                        year,
                        label,
                        _explain(equations, names, target),
                    )
                )


def audit_connection(conn: duckdb.DuckDBPyConnection, schema: str = "marts") -> AuditResult:
    structure = read_published_structure(conn, schema)
    result = AuditResult(indicator_years=len(structure))
    for (indicator, year), entry in sorted(structure.items()):
        result.suppressed_quantities += sum(entry.hidden) + sum(
            1 for t in entry.totals if not (t.is_published or t.is_known_zero)
        )
        result.findings.extend(audit_indicator_year(indicator, year, entry))
    audit_education(conn, schema, result)
    return result


AUDITED_ASSET = AssetKey(["marts", "fct_indicator_observation"])
AUDIT_READS = [
    AssetKey(["marts", name])
    for name in (
        "mart_indicator_municipality_year",
        "mart_indicator_cluster_year",
        "mart_indicator_region_year",
        "mart_indicator_education_year",
        "dim_municipality",
        "dim_cluster_membership",
    )
]
DISCLOSURE_AUDIT_KEY = AssetCheckKey(AUDITED_ASSET, "disclosure_audit")


@asset_check(
    asset=AUDITED_ASSET,
    name=DISCLOSURE_AUDIT_KEY.name,
    additional_deps=AUDIT_READS,
    blocking=True,
    description=(
        "Linear disclosure audit of the marts about to be published: fails, naming it, if any "
        "suppressed cell or total is a linear combination of published figures. Blocks "
        "publication."
    ),
)
def disclosure_audit_check(
    context: AssetCheckExecutionContext, settings: Settings
) -> AssetCheckResult:
    with settings.connect(read_only=True) as conn:
        result = audit_connection(conn)
    description = (
        f"no suppressed quantity is determined by the published figures "
        f"({result.suppressed_quantities:,} suppressed in {result.indicator_years} "
        "indicator-years)"
        if result.passed
        else f"{len(result.findings)} suppressed quantities can be computed from published "
        f"figures; first: {result.findings[0].describe()}"
    )
    if not result.passed:
        context.log.error(description)
    return AssetCheckResult(
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "indicator_years": result.indicator_years,
            "suppressed_quantities": result.suppressed_quantities,
            "findings": MetadataValue.json([f.describe() for f in result.findings[:50]]),
        },
    )

"""The indicator catalogue as a dbt docs block, so `make docs` shows every indicator's contract.

dbt docs show descriptions, not seed rows; the definition, source, direction and caveats of each
indicator live in seeds/indicators.csv. This module renders them into
dbt/models/marts/_indicator_catalogue.md (a ``{% docs %}`` block that dim_indicator's
description includes). The file is committed; a test fails when it is out of date with the seed.

    # rewrite the file after editing the seed:
    python -m dagster_project.transform.indicator_catalogue
"""

from pathlib import Path

from dagster_project.reference_data import read_seed
from dagster_project.settings import DBT_PROJECT_DIR

CATALOGUE = DBT_PROJECT_DIR / "models" / "marts" / "_indicator_catalogue.md"
DIRECTION = {"up": "up (higher is better)", "down": "down (lower is better)"}


def render_catalogue() -> str:
    objectives = {row["objective_code"]: row for row in read_seed("objectives")}
    lines = [
        "{% docs indicator_catalogue %}",
        "<!-- Generated from seeds/indicators.csv by"
        " python -m dagster_project.transform.indicator_catalogue; do not edit by hand. -->",
        "",
        "The agreement's indicators, as defined in `seeds/indicators.csv` (docs/domain.md).",
    ]
    for row in sorted(read_seed("indicators"), key=lambda r: int(r["sort_order"])):
        objective = objectives[row["objective_code"]]
        lines += [
            "",
            f"### `{row['indicator_code']}`: {row['indicator_name_da']}",
            "",
            f"*{row['indicator_name_en']}.* Objective {row['objective_code']} "
            f"({objective['objective_name_en']}).",
            "",
            f"- **Definition:** {row['definition_en']}",
            f"- **Numerator:** {row['numerator_en']}",
            f"- **Denominator:** {row['denominator_en']}",
            f"- **Ages:** {row['age_min']}-{row['age_max']}; unit {row['unit']}; "
            f"statistic `{row['statistic']}`",
            f"- **Source:** `{row['source_code']}`: {row['source_note']}",
            f"- **Direction:** {DIRECTION[row['direction']]}",
            f"- **Caveats:** {row['caveats_en'] or 'none recorded'}",
        ]
    lines += ["", "{% enddocs %}", ""]
    return "\n".join(lines)


def write_catalogue(path: Path = CATALOGUE) -> Path:
    path.write_text(render_catalogue(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_catalogue()}")

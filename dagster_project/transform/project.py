"""The dbt project as dagster-dbt sees it.

prepare_if_dev() only acts under `dagster dev`; `make run`, `make test` and CI prepare the
manifest with `dagster-dbt project prepare-and-package --file dagster_project/transform/project.py`.
"""

from dagster_dbt import DbtProject

from dagster_project.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()

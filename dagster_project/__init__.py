"""sundhedsdata: the Dagster code location that monitors Sundhedsaftalen 2024-2027."""

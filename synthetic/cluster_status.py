"""Synthetic annual status surveys: one Excel workbook per cluster and year.

The real survey asks each cluster once a year for the status of its activities under the
objectives followed up by status (O1.2, O2.1, O4.1, O4.2). Titles are drawn from a list of
plausible activities; statuses move forward over the years.
"""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
from openpyxl import Workbook

SHEET = "aktiviteter"
HEADER = ["klynge", "aar", "maalsaetning", "titel", "status", "beskrivelse"]
CLUSTERS = ["fyn", "lillebaelt", "sydvestjylland", "soenderjylland"]
ACTIVITIES = {
    "O1.2": [
        "Fællesskaber for unge i foreningslivet",
        "Mental sundhed i skolen",
        "Tidlig indsats for sårbare familier",
        "ABC for mental sundhed",
    ],
    "O2.1": [
        "Fælles udskrivelsesforløb for ældre",
        "Opfølgende hjemmebesøg",
        "Koordinerede forløb i psykiatrien",
        "Sikker medicinoverdragelse",
    ],
    "O4.1": [
        "Job og sundhed i kommunale forløb",
        "IPS-beskæftigelsesindsats",
        "Fastholdelse ved sygemelding",
    ],
    "O4.2": [
        "Brobygning til ungdomsuddannelse",
        "Mentorordning for unge i psykiatrien",
        "Uddannelsesvejledning i behandlingen",
    ],
}
STATUSES = ["planned", "in progress", "implemented", "stopped"]
FIXED_TIME = datetime(2026, 1, 1)


def write_status_workbook(path: Path, cluster: str, year: int, seed: int) -> None:
    rng = np.random.default_rng([seed, year, CLUSTERS.index(cluster), 7401])
    progress = min(max(year - 2024, 0), 2)
    weights = np.array([[0.4, 0.45, 0.1, 0.05], [0.2, 0.45, 0.3, 0.05], [0.1, 0.35, 0.5, 0.05]])[
        progress
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for objective, titles in ACTIVITIES.items():
        chosen = rng.choice(len(titles), size=int(rng.integers(2, len(titles) + 1)), replace=False)
        for t in sorted(chosen.tolist()):
            status = STATUSES[int(rng.choice(len(STATUSES), p=weights))]
            sheet.append(
                [
                    cluster,
                    year,
                    objective,
                    titles[t],
                    status,
                    f"Syntetisk statusbeskrivelse ({status}).",
                ]
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.properties.creator = "sundhedsdata synthetic generator"
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    workbook.save(path)
    _pin_zip_timestamps(path)


def _pin_zip_timestamps(path: Path) -> None:
    """Rewrite the workbook with constant dates (zip entries and the 'modified' property that
    openpyxl stamps on save), so the same seed gives the same bytes."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            pinned = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(pinned, data)

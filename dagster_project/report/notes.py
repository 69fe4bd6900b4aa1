"""The marts' value notes in Danish, for reports the committee reads.

A mart's ``value_note`` is English (BI users and engineers read it), a '; '-joined list of notes
some of which carry a number or code ("suppressed: fewer than 20 respondents"), and one of which
itself holds a '; '. The published ``dim_value_note`` (seeds/value_notes.csv) gives each note's
Danish text, with ``{name}`` where the number or code goes. The translator matches the notes one by
one from the start of the text, longest first, so a note containing '; ' is never split; a note it
does not know raises, so English never reaches a Danish report unnoticed.
"""

import re
from dataclasses import dataclass

import duckdb

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SEPARATOR = "; "


class UntranslatedNote(ValueError):
    """A value note with no Danish text in dim_value_note (seeds/value_notes.csv)."""


@dataclass(frozen=True)
class _Pattern:
    note_en: str  # as in the seed, placeholders included
    english: re.Pattern
    danish: str


def _pattern(note_en: str) -> re.Pattern:
    parts, position = [], 0
    for match in PLACEHOLDER.finditer(note_en):
        parts.append(re.escape(note_en[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^ ;()]+)")
        position = match.end()
    parts.append(re.escape(note_en[position:]))
    return re.compile("".join(parts))


class NoteTranslator:
    def __init__(self, notes: dict[str, str]) -> None:
        # Longest first: "person-level data used; the aggregated ..." before any shorter note.
        self._patterns = [
            _Pattern(en, _pattern(en), da)
            for en, da in sorted(notes.items(), key=lambda item: -len(item[0]))
        ]

    @classmethod
    def from_publication(cls, conn: duckdb.DuckDBPyConnection) -> "NoteTranslator":
        return cls(dict(conn.execute("select note_en, note_da from dim_value_note").fetchall()))

    def split(self, value_note: str) -> list[tuple[str, str]]:
        """The notes in ``value_note`` as (the seed's English note, Danish text), in order."""
        found, position = [], 0
        while position < len(value_note):
            for pattern in self._patterns:
                match = pattern.english.match(value_note, position)
                end = match.end() if match else -1
                if match and (end == len(value_note) or value_note.startswith(SEPARATOR, end)):
                    found.append((pattern.note_en, pattern.danish.format(**match.groupdict())))
                    position = end + len(SEPARATOR) if end < len(value_note) else end
                    break
            else:
                raise UntranslatedNote(
                    f"value note {value_note!r}: no Danish text for {value_note[position:]!r} "
                    "in seeds/value_notes.csv"
                )
        return found

    def danish(self, value_note: str | None, leave_out: tuple[str, ...] = ()) -> str | None:
        """The Danish text of ``value_note``; notes in ``leave_out`` (English, as in the seed) are
        dropped, e.g. "synthetic data", which the reports say in their own banner."""
        if not value_note:
            return None
        texts = [da for en, da in self.split(value_note) if en not in leave_out]
        return SEPARATOR.join(texts) or None

"""The marts' English value notes become Danish for the reports, note by note.

The English notes are written out here as the models write them (dbt/macros/disclosure.sql,
the estimate models); the Danish text is the translator's table, given literally.
"""

import pytest

from dagster_project.report.notes import NoteTranslator, UntranslatedNote

TABLE = {
    "synthetic data": "syntetiske data",
    "suppressed: fewer than {n} respondents": "diskretioneret: færre end {n} svarpersoner",
    "suppressed: a count under {n} persons": "diskretioneret: et antal under {n} personer",
    "person-level data used; the aggregated count table for the year is not": (
        "persondata anvendt; årets aggregerede tælletabel er ikke anvendt"
    ),
    "no value: published estimates for {n} of its {m} municipalities": (
        "ingen værdi: offentliggjorte tal for kun {n} af områdets {m} kommuner"
    ),
    "weighted by the FOLK1A population of {quarter} (the first quarter of the year was not "
    "delivered)": (
        "vægtet med FOLK1A-befolkningen for {quarter} (årets første kvartal er ikke leveret)"
    ),
}


@pytest.fixture(scope="module")
def notes() -> NoteTranslator:
    return NoteTranslator(TABLE)


def test_each_note_is_translated_with_its_numbers(notes: NoteTranslator) -> None:
    assert notes.danish("synthetic data; suppressed: fewer than 20 respondents") == (
        "syntetiske data; diskretioneret: færre end 20 svarpersoner"
    )
    assert notes.danish("no value: published estimates for 3 of its 4 municipalities") == (
        "ingen værdi: offentliggjorte tal for kun 3 af områdets 4 kommuner"
    )
    assert (
        notes.danish(
            "weighted by the FOLK1A population of 2020K4 (the first quarter of the year was not "
            "delivered)"
        )
        == "vægtet med FOLK1A-befolkningen for 2020K4 (årets første kvartal er ikke leveret)"
    )


def test_a_note_holding_a_semicolon_is_not_split(notes: NoteTranslator) -> None:
    value_note = (
        "synthetic data; suppressed: a count under 5 persons; person-level data used; "
        "the aggregated count table for the year is not"
    )
    assert notes.danish(value_note, leave_out=("synthetic data",)) == (
        "diskretioneret: et antal under 5 personer; "
        "persondata anvendt; årets aggregerede tælletabel er ikke anvendt"
    )


def test_no_note_and_a_left_out_note_give_nothing(notes: NoteTranslator) -> None:
    assert notes.danish(None) is None
    assert notes.danish("") is None
    assert notes.danish("synthetic data", leave_out=("synthetic data",)) is None


def test_an_unknown_note_stops_the_report_naming_it(notes: NoteTranslator) -> None:
    with pytest.raises(UntranslatedNote, match="'suppressed: a brand new reason'"):
        notes.danish("synthetic data; suppressed: a brand new reason")
    # A known note with something after it is not taken for the known one.
    with pytest.raises(UntranslatedNote):
        notes.danish("synthetic data and more")

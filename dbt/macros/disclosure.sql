{#-
    Primary disclosure control (docs/domain.md): no published cell may rest on fewer than
    var('min_cell_count') persons in the numerator, the denominator or their difference, and a
    survey estimate needs at least var('min_survey_respondents') respondents.

    suppression_reason() returns null for a publishable cell and otherwise the reason as a code
    (docs/disclosure.md): publisher_blanked, no_data, primary_respondents, primary_persons or
    primary_count. The counts passed in are unweighted person counts. is_blanked is true where
    a count the publisher blanked is part of the cell: its value is unknown here, so it is
    withheld whatever the known counts are. The build keeps the reason; what is published is
    published_suppression_code() and the note suppression_note() renders from it.
-#}
{% macro suppression_reason(n_persons, n_positive, statistic, is_blanked='false') -%}
    case
        when {{ is_blanked }}
            then 'publisher_blanked'
        when {{ n_persons }} is null or {{ n_persons }} = 0
            then 'no_data'
        when {{ statistic }} = 'survey_share'
            and {{ n_persons }} < {{ var('min_survey_respondents') }}
            then 'primary_respondents'
        when {{ n_persons }} < {{ var('min_cell_count') }}
            then 'primary_persons'
        when {{ n_positive }} < {{ var('min_cell_count') }}
            or {{ n_persons }} - {{ n_positive }} < {{ var('min_cell_count') }}
            then 'primary_count'
    end
{%- endmacro %}

{#-
    What a reader is told of a withheld value: its published code, from the build's reason.
    Every reason of disclosure control - which count was small, or which cell a complement
    protects - is published as one code, disclosure_control, as OHID Fingertips publishes one
    note: a note that said which rule withheld a cell would tell an attacker a bound on its
    counts (docs/disclosure.md). A value that holds nobody (no_data), a count the publisher
    blanked (publisher_blanked) and a published estimate that is missing (not_available) are
    said as they are: each is known, or unknown to the warehouse too.
-#}
{% macro published_suppression_code(reason) -%}
    case
        when {{ reason }} is null then null
        when {{ reason }} in ('no_data', 'publisher_blanked', 'not_available') then {{ reason }}
        else 'disclosure_control'
    end
{%- endmacro %}
{#- The value note of a withheld value, rendered from its reason in this one place. -#}
{% macro suppression_note(reason) -%}
    case {{ published_suppression_code(reason) }}
        when 'no_data' then 'no data'
        when 'publisher_blanked' then 'suppressed: a count blanked by the publisher'
        when 'disclosure_control' then 'suppressed: disclosure control'
    end
{%- endmacro %}

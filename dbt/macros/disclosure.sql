{#-
    Primary disclosure control (docs/domain.md): no published cell may rest on fewer than
    var('min_cell_count') persons in the numerator, the denominator or their difference, and a
    survey estimate needs at least var('min_survey_respondents') respondents.

    suppression_reason() returns null for a publishable cell and otherwise the reason, which the
    marts publish as the value note. The counts passed in are unweighted person counts.
    is_blanked is true where a count the publisher blanked is part of the cell: its value is
    unknown here, so it is withheld whatever the known counts are.
-#}
{% macro suppression_reason(n_persons, n_positive, statistic, is_blanked='false') -%}
    case
        when {{ is_blanked }}
            then 'suppressed: a count blanked by the publisher'
        when {{ n_persons }} is null or {{ n_persons }} = 0
            then 'no data'
        when {{ statistic }} = 'survey_share'
            and {{ n_persons }} < {{ var('min_survey_respondents') }}
            then 'suppressed: fewer than {{ var("min_survey_respondents") }} respondents'
        when {{ n_persons }} < {{ var('min_cell_count') }}
            then 'suppressed: fewer than {{ var("min_cell_count") }} persons'
        when {{ n_positive }} < {{ var('min_cell_count') }}
            or {{ n_persons }} - {{ n_positive }} < {{ var('min_cell_count') }}
            then 'suppressed: a count under {{ var("min_cell_count") }} persons'
    end
{%- endmacro %}

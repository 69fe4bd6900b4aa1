{#-
    The cells of every municipality total with their primary reason and the room their
    withheld cells leave each other, as the common table expressions `cell_parts` (one row per
    cell) and `part_shortfalls` (one row per municipality × indicator × year × part), shared by
    int_suppression__observation (which withholds the published cells that give the room) and
    int_suppression__stranded_totals (which withholds the total where no cell can).

    A part is the whole total, or - for an indicator-year with values by education, whose groups
    add up to the cells of persons aged var('education_min_age') and over - the adult cells and
    the younger cells apart, since each of the two sums is published in effect. The var
    suppression_education_parts (true) switches the parts off, for the tests that show the
    audit catches what they protect.

    The room a withheld cell with persons gives the others: persons down to one, numerator and
    persons outside it down to zero. A part is short of a kind of count by how much less than
    var('protection_level') the other withheld cells give its smallest sensitive count; the
    room the published cells of the part could add is carried beside it.
-#}
{% macro cell_part_shortfalls() -%}

cells as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code,
        numerator,
        denominator,
        sum_squared_weights,
        sum_squared_weights_positive,
        stratum_respondents,
        n_persons,
        n_positive,
        is_synthetic,
        is_blanked
    from {{ ref('int_indicators__cells') }}

),

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

education_years as (

    select distinct
        indicator_code,
        year
    from {{ ref('int_labour__education_cells') }}
    union
    select distinct
        indicator_code,
        year
    from {{ ref('int_sundhedsprofilen__education_cells') }}

),

age_bands as (

    select
        age_band_code,
        age_min
    from {{ ref('age_bands') }}

),

cell_parts as {{ materialized_cte() }}(

    select
        cells.*,
        {{ suppression_reason(
            'cells.n_persons', 'cells.n_positive', 'indicators.statistic', 'cells.is_blanked'
        ) }} as primary_reason,
        indicators.statistic = 'register_share' as counts_positive,
        {% if var('suppression_education_parts') -%}
            case
                when education_years.indicator_code is null then 'all'
                when age_bands.age_min >= {{ var('education_min_age') }} then 'adult'
                else 'younger'
            end
        {%- else -%}
            'all'
        {%- endif %} as part
    from cells
    inner join indicators
        on cells.indicator_code = indicators.indicator_code
    left join education_years
        on
            cells.indicator_code = education_years.indicator_code
            and cells.year = education_years.year
    left join age_bands
        on cells.age_band_code = age_bands.age_band_code

),

part_rooms as {{ materialized_cte() }}(

    select
        kommune_kode,
        indicator_code,
        year,
        part,
        primary_reason is not null as is_withheld,
        n_persons - 1 as room_persons,
        n_positive as room_positive,
        n_persons - n_positive as room_negative,
        n_persons < {{ var('min_cell_count') }} as is_small_persons,
        counts_positive and n_positive < {{ var('min_cell_count') }} as is_small_positive,
        counts_positive and n_persons - n_positive < {{ var('min_cell_count') }}
            as is_small_negative
    from cell_parts
    where coalesce(n_persons, 0) > 0 and not is_blanked

),

part_shortfalls as {{ materialized_cte() }}(

    select
        kommune_kode,
        indicator_code,
        year,
        part,
        sum(case when is_withheld then 1 else 0 end) as n_withheld,
        sum(case when is_withheld then 0 else 1 end) as n_published,
        {{ var('protection_level') }} - (
            sum(case when is_withheld then room_persons else 0 end)
            - max(case when is_withheld and is_small_persons then room_persons end)
        ) as short_persons,
        {{ var('protection_level') }} - (
            sum(case when is_withheld then room_positive else 0 end)
            - max(case when is_withheld and is_small_positive then room_positive end)
        ) as short_positive,
        {{ var('protection_level') }} - (
            sum(case when is_withheld then room_negative else 0 end)
            - max(case when is_withheld and is_small_negative then room_negative end)
        ) as short_negative,
        sum(case when is_withheld then 0 else room_persons end) as published_room_persons,
        sum(case when is_withheld then 0 else room_positive end) as published_room_positive,
        sum(case when is_withheld then 0 else room_negative end) as published_room_negative
    from part_rooms
    group by kommune_kode, indicator_code, year, part
    having sum(case when is_withheld then 1 else 0 end) > 0

)

{%- endmacro %}

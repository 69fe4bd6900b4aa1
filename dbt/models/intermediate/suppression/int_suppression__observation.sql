{#-
    Disclosure control of the published cells (fct_indicator_observation), which add up to a
    municipality's published total:
    * a cell under the thresholds is withheld (primary; its reason code from
      suppression_reason());
    * all cells of a withheld municipality total are withheld, or adding them up would give the
      total back (complement_of_withheld_total);
    * in a published total, the withheld cells must leave an attacker room: for every small
      count of a withheld cell (persons, and for counts of persons also the numerator and the
      persons outside it), the other withheld cells of the total must together be able to give
      up var('protection_level') of that count (a withheld cell keeps at least one person), or
      the total's feasibility interval for it does not reach a + p. Where they cannot - a lone
      withheld cell, or withheld cells whose numerators add up to the small one alone - the
      published cells with the fewest persons are withheld too (complement), as few as give
      the room, since each holds at least the threshold of every count (docs/disclosure.md).
      Within a part of the total (macro cell_part_shortfalls): where the adult cells' sum is
      published by the values by education, the adult and the younger cells each need it.
    A part whose own published cells cannot give the room (int_suppression__stranded_parts)
    takes the smallest published cell of the municipality's other part, unless the part's sum
    is published in effect: then its municipality total is withheld instead
    (int_suppression__complementary), which withholds every cell here.
    One row per cell with its measures and its suppression reason code (null when published).
-#}
with

{{ cell_part_shortfalls() }},

totals as (

    select
        geography_code as kommune_kode,
        indicator_code,
        year,
        is_suppressed
    from {{ ref('int_indicators__estimates_benchmarked') }}
    where geography_level = 'municipality'

),

primary_reasons as {{ materialized_cte() }}(

    select
        cell_parts.*,
        totals.is_suppressed as is_total_suppressed
    from cell_parts
    inner join totals
        on
            cell_parts.kommune_kode = totals.kommune_kode
            and cell_parts.indicator_code = totals.indicator_code
            and cell_parts.year = totals.year

),

-- The published cells of a short total, smallest first, with the room the smaller ones
-- already give.
{%- set smallest_cell_first -%}
    order by
        primary_reasons.n_persons,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code
{%- endset %}
{%- set in_municipality -%}
    partition by
        primary_reasons.kommune_kode, primary_reasons.indicator_code, primary_reasons.year
{%- endset %}
{%- set smallest_first = in_municipality ~ ', primary_reasons.part ' ~ smallest_cell_first %}
{%- set smaller_ones = smallest_first ~ ' rows between unbounded preceding and 1 preceding' %}
ranked as {{ materialized_cte() }}(

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        primary_reasons.part,
        shortfalls.n_withheld,
        shortfalls.short_persons,
        shortfalls.short_positive,
        shortfalls.short_negative,
        row_number() over ({{ smallest_first }}) as rank_in_total,
        coalesce(sum(primary_reasons.n_persons - 1) over ({{ smaller_ones }}), 0)
            as room_persons_before,
        coalesce(sum(primary_reasons.n_positive) over ({{ smaller_ones }}), 0)
            as room_positive_before,
        coalesce(
            sum(primary_reasons.n_persons - primary_reasons.n_positive) over ({{ smaller_ones }}), 0
        ) as room_negative_before
    from primary_reasons
    inner join part_shortfalls as shortfalls
        on
            primary_reasons.kommune_kode = shortfalls.kommune_kode
            and primary_reasons.indicator_code = shortfalls.indicator_code
            and primary_reasons.year = shortfalls.year
            and primary_reasons.part = shortfalls.part
    where primary_reasons.primary_reason is null and not primary_reasons.is_total_suppressed

),

-- A lone withheld cell always gets a complement (its estimate would otherwise be given back);
-- otherwise a published cell is taken while the smaller ones leave some count short.
complements as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from ranked
    where
        (n_withheld = 1 and rank_in_total = 1)
        or room_persons_before < coalesce(short_persons, 0)
        or room_positive_before < coalesce(short_positive, 0)
        or room_negative_before < coalesce(short_negative, 0)

),

-- A stranded part whose sum can still move against the other part's (the adult cells' sum
-- not published in effect) takes the smallest published cell of its municipality.
fallback_complements as (

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        row_number() over ({{ in_municipality }} {{ smallest_cell_first }}) as rank_in_municipality
    from primary_reasons
    inner join {{ ref('int_suppression__stranded_parts') }} as stranded
        on
            primary_reasons.kommune_kode = stranded.kommune_kode
            and primary_reasons.indicator_code = stranded.indicator_code
            and primary_reasons.year = stranded.year
            and primary_reasons.part <> stranded.part
    where
        not stranded.is_sum_published
        and primary_reasons.primary_reason is null
        and not primary_reasons.is_total_suppressed

),

all_complements as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from complements
    union
    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from fallback_complements
    where rank_in_municipality = 1

),

final as (

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        primary_reasons.numerator,
        primary_reasons.denominator,
        primary_reasons.sum_squared_weights,
        primary_reasons.sum_squared_weights_positive,
        primary_reasons.stratum_respondents,
        primary_reasons.n_persons,
        primary_reasons.is_synthetic,
        case
            when primary_reasons.primary_reason is not null then primary_reasons.primary_reason
            when primary_reasons.is_total_suppressed
                then 'complement_of_withheld_total'
            when complements.kommune_kode is not null
                then 'complement'
        end as suppression_reason
    from primary_reasons
    left join all_complements as complements
        on
            primary_reasons.kommune_kode = complements.kommune_kode
            and primary_reasons.indicator_code = complements.indicator_code
            and primary_reasons.year = complements.year
            and primary_reasons.sex_code = complements.sex_code
            and primary_reasons.age_band_code = complements.age_band_code
            and primary_reasons.school_stage_code = complements.school_stage_code

)

select * from final

{#-
    One row per indicator × municipality × year × sex × age band × school stage: the additive
    measures behind every published share. Cells below the disclosure thresholds and cells
    withheld to protect another (the disclosure engine's, int_disclosure__decisions) keep their keys but lose their measures, so no published cell rests on fewer persons than
    allowed or can be recovered from a total; use the marts, not sums of this table, for totals.
    A survey cell carries what its design-based variance needs (Σw², Σw²·y and the size of its
    municipality's stratum), so a share over published cells gets the marts' interval method.
-#}
with

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
        is_synthetic
    from {{ ref('int_indicators__cells') }}

),

decisions as (

    select
        indicator_code,
        year,
        geography_code as kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code,
        suppression_reason
    from {{ ref('int_disclosure__decisions') }}
    where value_kind = 'cell'

),

decided as (

    select
        cells.*,
        decisions.suppression_reason
    from cells
    inner join decisions
        on
            cells.indicator_code = decisions.indicator_code
            and cells.year = decisions.year
            and cells.kommune_kode = decisions.kommune_kode
            and cells.sex_code = decisions.sex_code
            and cells.age_band_code = decisions.age_band_code
            and cells.school_stage_code = decisions.school_stage_code

),

final as (

    select
        indicator_code,
        kommune_kode,
        year,
        sex_code,
        age_band_code,
        school_stage_code,
        case when suppression_reason is null then numerator end as numerator,
        case when suppression_reason is null then denominator end as denominator,
        case when suppression_reason is null then n_persons end as n_unweighted,
        case when suppression_reason is null then sum_squared_weights end
            as sum_squared_weights,
        case when suppression_reason is null then sum_squared_weights_positive end
            as sum_squared_weights_positive,
        -- The survey's sample in the municipality that round (its stratum), whatever the
        -- cell: a size of the sample, not of the cell; given where the cell is shown (a
        -- withheld cell's stratum may hold very few respondents).
        case when suppression_reason is null then stratum_respondents end as stratum_sample_size,
        suppression_reason is not null as is_suppressed,
        {{ published_suppression_code('suppression_reason') }} as suppression_code,
        {{ suppression_note('suppression_reason') }} as value_note,
        is_synthetic
    from decided

)

select * from final

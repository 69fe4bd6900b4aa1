{#-
    What disclosure control decided for every published count of int_disclosure__values: the
    reason code the primary rule gave it, or 'complement' where the disclosure engine withheld
    it to protect another (the source raw.disclosure_complements, which the engine writes
    between the two halves of the build), or null where it is published. Counts that are never
    published (a municipality's persons in one education group) are not here.
    fct_indicator_observation, int_indicators__estimates_benchmarked and
    mart_indicator_education_year read their suppression from this one model.
-#}
with

values_ as (

    select
        indicator_code,
        year,
        value_kind,
        value_key,
        geography_level,
        geography_code,
        sex_code,
        age_band_code,
        school_stage_code,
        education_group_code,
        primary_reason
    from {{ ref('int_disclosure__values') }}
    where is_publishable

),

complements as (

    select distinct
        indicator_code,
        year,
        value_key
    from {{ source('raw', 'disclosure_complements') }}

),

final as (

    select
        values_.indicator_code,
        values_.year,
        values_.value_kind,
        values_.value_key,
        values_.geography_level,
        values_.geography_code,
        values_.sex_code,
        values_.age_band_code,
        values_.school_stage_code,
        values_.education_group_code,
        values_.primary_reason,
        complements.value_key is not null and values_.primary_reason is null as is_complement,
        coalesce(
            values_.primary_reason,
            case when complements.value_key is not null then 'complement' end
        ) as suppression_reason
    from values_
    left join complements
        on
            values_.indicator_code = complements.indicator_code
            and values_.year = complements.year
            and values_.value_key = complements.value_key

)

select * from final

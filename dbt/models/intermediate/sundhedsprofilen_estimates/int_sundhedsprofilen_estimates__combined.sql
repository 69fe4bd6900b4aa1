{#-
    Published municipal survey estimates (danskernessundhed.dk) for every geography a mart
    shows, computed rather than averaged:
    * a municipality: the delivered share and interval as they are (its standard error read
      from the interval);
    * a cluster (Vejen in two): Σ N_k·p_k / Σ N_k over its members, N_k the municipality's
      FOLK1A population in the indicator's ages (and sex) - a survey calibrated to municipal
      populations estimates a cluster exactly so - with the 95% interval from the members'
      standard errors, SE_k = (upper - lower) / (2z), SE = √Σ (N_k/ΣN)²·SE_k², where every
      member has an interval;
    * the region and Denmark: the publisher's own row when delivered, else the same combination
      over all their municipalities when every one is delivered.
    Otherwise there is no value, and the note says why. One row per geography × indicator ×
    year × sex (TOT both sexes) delivered.
-#}
{%- set z = var('ci_z') %}

with

shares as (

    select
        indicator_code,
        year,
        area_code,
        sex_code,
        proportion,
        proportion_ci_lower,
        proportion_ci_upper,
        (proportion_ci_upper - proportion_ci_lower) / (2 * {{ z }}) as standard_error,
        respondent_count,
        is_synthetic
    from {{ ref('stg_sundhedsprofilen_estimates__shares') }}

),

weights as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        quarter_code,
        population_count
    from {{ ref('int_folk1a__indicator_population') }}

),

-- Which municipalities each cluster, region and Denmark combines, as every model adds up.
members as (

    select
        parent_level as geography_level,
        parent_code as geography_code,
        kommune_kode
    from {{ ref('int_geography__memberships') }}

),

delivered as (

    select distinct
        indicator_code,
        year,
        sex_code
    from shares

),

member_values as (

    select
        members.geography_level,
        members.geography_code,
        delivered.indicator_code,
        delivered.year,
        delivered.sex_code,
        shares.proportion,
        shares.standard_error,
        shares.respondent_count,
        shares.is_synthetic,
        weights.population_count as weight,
        weights.quarter_code
    from members
    cross join delivered
    left join shares
        on
            members.kommune_kode = shares.area_code
            and delivered.indicator_code = shares.indicator_code
            and delivered.year = shares.year
            and delivered.sex_code = shares.sex_code
    left join weights
        on
            members.kommune_kode = weights.kommune_kode
            and delivered.indicator_code = weights.indicator_code
            and delivered.year = weights.year
            and delivered.sex_code = weights.sex_code

),

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        sex_code,
        count(*) as n_members,
        count(proportion) as n_delivered,
        count(case when proportion is not null and weight > 0 then 1 end) as n_weighted,
        count(case when proportion is not null and standard_error is not null then 1 end)
            as n_with_interval,
        count(case when proportion is not null and respondent_count is not null then 1 end)
            as n_with_respondents,
        {{ exact_sum('weight * proportion') }} as weighted_sum,
        {{ exact_sum('case when proportion is not null then weight end') }} as total_weight,
        {{ exact_sum('weight * weight * standard_error * standard_error') }}
            as weighted_variance_sum,
        sum(case when proportion is not null then respondent_count end) as respondent_count,
        max(case when is_synthetic then 1 else 0 end) as synthetic_flag,
        -- One quarter per indicator × year (int_folk1a__indicator_population): name it if it
        -- is not the year's first.
        max(
            case
                when quarter_code <> {{ dbt.concat([dbt.cast("year", dbt.type_string()), "'K1'"]) }}
                    then quarter_code
            end
        ) as other_quarter_code
    from member_values
    group by geography_level, geography_code, indicator_code, year, sex_code

),

combined as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        sex_code,
        n_delivered = n_members and n_weighted = n_members as is_complete,
        n_with_interval = n_members as has_interval,
        weighted_sum / nullif(total_weight, 0) as proportion,
        sqrt(weighted_variance_sum) / nullif(total_weight, 0) as standard_error,
        case when n_with_respondents = n_members then respondent_count end as respondent_count,
        synthetic_flag = 1 as is_synthetic,
        other_quarter_code,
        case
            when n_delivered < n_members
                then {{ dbt.concat([
                    "'no value: published estimates for '",
                    dbt.cast("n_delivered", dbt.type_string()),
                    "' of its '",
                    dbt.cast("n_members", dbt.type_string()),
                    "' municipalities'",
                ]) }}
            when n_weighted < n_members
                then 'no value: no FOLK1A population to weight its municipalities by'
        end as missing_reason
    from sums

),

computed as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        sex_code,
        case when is_complete then proportion end as proportion,
        case when is_complete and has_interval then greatest(
            0.0, proportion - {{ z }} * standard_error
        ) end as proportion_ci_lower,
        case when is_complete and has_interval then least(
            1.0, proportion + {{ z }} * standard_error
        ) end as proportion_ci_upper,
        case when is_complete and has_interval then standard_error end as standard_error,
        case when is_complete then respondent_count end as respondent_count,
        is_synthetic,
        missing_reason,
        case
            when is_complete and not has_interval
                then 'no interval: not every member municipality has one'
        end as interval_note,
        case
            when is_complete and other_quarter_code is not null
                then {{ dbt.concat([
                    "'weighted by the FOLK1A population of '",
                    "other_quarter_code",
                    "' (the first quarter of the year was not delivered)'",
                ]) }}
        end as weight_note,
        'combined' as derivation
    from combined

),

geographies as (

    select
        geography_level,
        geography_code
    from {{ ref('int_geography__areas') }}

),

area_levels as (

    select
        geography_level,
        geography_code
    from geographies
    where geography_level in ('municipality', 'region', 'country')

),

as_delivered as (

    select
        area_levels.geography_level,
        area_levels.geography_code,
        shares.indicator_code,
        shares.year,
        shares.sex_code,
        shares.proportion,
        shares.proportion_ci_lower,
        shares.proportion_ci_upper,
        shares.standard_error,
        shares.respondent_count,
        shares.is_synthetic,
        cast(null as {{ dbt.type_string() }}) as missing_reason,
        case
            when shares.standard_error is null then 'no interval: none was published'
        end as interval_note,
        cast(null as {{ dbt.type_string() }}) as weight_note,
        'delivered' as derivation
    from shares
    inner join area_levels
        on shares.area_code = area_levels.geography_code

),

candidates as (

    select * from as_delivered
    union all
    select * from computed

),

ranked as (

    select
        candidates.*,
        row_number() over (
            partition by
                candidates.geography_level,
                candidates.geography_code,
                candidates.indicator_code,
                candidates.year,
                candidates.sex_code
            order by case when candidates.derivation = 'delivered' then 0 else 1 end
        ) as preference
    from candidates

),

final as (

    select
        geographies.geography_level,
        geographies.geography_code,
        delivered.indicator_code,
        delivered.year,
        delivered.sex_code,
        ranked.proportion,
        ranked.proportion_ci_lower,
        ranked.proportion_ci_upper,
        ranked.standard_error,
        ranked.respondent_count,
        coalesce(ranked.is_synthetic, false) as is_synthetic,
        ranked.derivation,
        case
            when ranked.geography_level is null then 'no value: no published estimate'
            else ranked.missing_reason
        end as missing_reason,
        nullif({{ dbt.concat([
            "coalesce(ranked.interval_note, '')",
            "case when ranked.interval_note is not null and ranked.weight_note is not null"
            ~ " then '; ' else '' end",
            "coalesce(ranked.weight_note, '')",
        ]) }}, '') as estimate_note
    from geographies
    cross join delivered
    left join ranked
        on
            geographies.geography_level = ranked.geography_level
            and geographies.geography_code = ranked.geography_code
            and delivered.indicator_code = ranked.indicator_code
            and delivered.year = ranked.year
            and delivered.sex_code = ranked.sex_code
            and ranked.preference = 1

)

select * from final

{#-
    Social and geographic inequality per indicator with values by education (the survey's and the
    labour register's) × geography × year (docs/inequality.md).

    Social, from the four ranked education groups (least to most advantaged) of respondents and
    persons aged var('education_min_age') and over:
    * abs_gap = least minus most advantaged group (procentpoint), ratio = least / most, each with
      a 95% interval by the delta method (the ratio's on the log scale);
    * sii, the slope index of inequality as WHO HEAT and PHEindicatormethods define it: the slope
      of the weighted least-squares line of the group values on the groups' ridit midpoints, each
      group weighted by its population share (its share of Σw among valid answers). It is the
      predicted value of the most advantaged end minus the least advantaged end (negative where
      shorter education means more of the outcome). Its 95% interval by the delta method, the
      shares taken as fixed: var(sii) = Σ (w_g (x_g - x̄) / Σ w (x - x̄)²)² · se_g²;
    * rii = sii / the overall value (the groups' weighted mean), its interval the sii's divided by
      the same value (overall_value is withheld with the sii, as it too would reveal a group);
    * sii_change_status against the baseline (the last year with an sii up to the agreement
      period's first year): narrowing or widening when |sii| changed significantly (two-sided z on
      the two sii's own errors), no significant change, or not comparable across a series break.
    A measure resting on a suppressed group is withheld: the gap needs both extreme groups, the
    sii all four (with the shares and three values published, the fourth would follow).

    Geographic, on the region's row, from the municipal values BI already sees: the highest and
    lowest published municipal value, their difference and ratio, how many municipalities have a
    value and how many differ significantly from the region.

    Every sum of non-whole numbers is exact_sum, so a rebuild gives the same bits.
-#}
{%- set area_year = 'partition by geography_level, geography_code, indicator_code, year' %}
{%- set ridit_spread = 'population_share * ridit_deviation * ridit_deviation' %}
with

groups as (

    select
        estimates.geography_level,
        estimates.geography_code,
        estimates.indicator_code,
        estimates.year,
        education_groups.ridit_order,
        estimates.denominator,
        100 * estimates.proportion as value,
        100 * estimates.standard_error as standard_error,
        estimates.is_suppressed,
        estimates.is_synthetic,
        estimates.series_number,
        estimates.is_series_break
    from {{ ref('int_inequality__education_protected') }} as estimates
    inner join {{ ref('education_groups') }} as education_groups
        on estimates.education_group_code = education_groups.education_group_code
    where education_groups.is_ranked

),

shares as (

    select
        *,
        denominator / nullif({{ exact_sum('denominator', over=area_year) }}, 0) as population_share,
        {{ exact_sum(
            'denominator',
            over=area_year ~ ' order by ridit_order rows between unbounded preceding and 1 preceding'
        ) }} / nullif({{ exact_sum('denominator', over=area_year) }}, 0) as share_before
    from groups

),

ridits as (

    select
        *,
        coalesce(share_before, 0) + population_share / 2 as ridit,
        {{ exact_sum('population_share * value', over=area_year) }} as overall_value
    from shares

),

-- x̄ = Σ w·x is 1/2 for ridit midpoints whose weights are the shares, but it is computed, not
-- assumed, so the formula holds for any weights.
centred as (

    select
        *,
        ridit - {{ exact_sum('population_share * ridit', over=area_year) }} as ridit_deviation
    from ridits

),

regression as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        max(overall_value) as overall_value,
        {{ exact_sum('population_share * ridit_deviation * (value - overall_value)') }}
        / nullif({{ exact_sum(ridit_spread) }}, 0) as sii,
        {{ exact_sum(
            'population_share * population_share * ridit_deviation * ridit_deviation'
            ~ ' * standard_error * standard_error'
        ) }}
        / nullif({{ exact_sum(ridit_spread) }} * {{ exact_sum(ridit_spread) }}, 0) as sii_variance,
        max(case when ridit_order = 1 then value end) as least_value,
        max(case when ridit_order = 4 then value end) as most_value,
        max(case when ridit_order = 1 then standard_error end) as least_se,
        max(case when ridit_order = 4 then standard_error end) as most_se,
        sum(case when is_suppressed then 1 else 0 end) as n_suppressed,
        sum(case when ridit_order in (1, 4) and is_suppressed then 1 else 0 end)
            as n_extremes_suppressed,
        max(case when is_synthetic then 1 else 0 end) = 1 as is_synthetic,
        max(series_number) as series_number,
        max(case when is_series_break then 1 else 0 end) = 1 as is_series_break
    from centred
    group by
        geography_level,
        geography_code,
        indicator_code,
        year

),

measured as (

    select
        regression.*,
        case when regression.n_suppressed = 0 then regression.sii end as shown_sii,
        case when regression.n_suppressed = 0 then sqrt(regression.sii_variance) end as sii_se,
        case
            when regression.n_extremes_suppressed = 0
                then regression.least_value - regression.most_value
        end as shown_gap,
        case
            when regression.n_extremes_suppressed = 0
                then sqrt(
                    regression.least_se * regression.least_se
                    + regression.most_se * regression.most_se
                )
        end as gap_se,
        case
            when
                regression.n_extremes_suppressed = 0 and regression.most_value > 0
                and regression.least_value > 0
                then regression.least_value / regression.most_value
        end as shown_ratio,
        case
            when
                regression.n_extremes_suppressed = 0 and regression.most_value > 0
                and regression.least_value > 0
                then sqrt(
                    regression.least_se * regression.least_se
                    / (regression.least_value * regression.least_value)
                    + regression.most_se * regression.most_se
                    / (regression.most_value * regression.most_value)
                )
        end as log_ratio_se
    from regression

),

period as (

    select extract(year from starts_on) as first_year
    from {{ ref('agreement_periods') }}
    where period_code = '{{ var("agreement_period") }}'

),

baselines as (

    select
        measured.geography_level,
        measured.geography_code,
        measured.indicator_code,
        max(measured.year) as baseline_year
    from measured
    cross join period
    where
        measured.shown_sii is not null
        and measured.year <= period.first_year
    group by
        measured.geography_level,
        measured.geography_code,
        measured.indicator_code

),

compared as (

    select
        measured.*,
        baselines.baseline_year,
        baseline.shown_sii as baseline_sii,
        baseline.sii_se as baseline_sii_se,
        baseline.series_number as baseline_series_number
    from measured
    left join baselines
        on
            measured.geography_level = baselines.geography_level
            and measured.geography_code = baselines.geography_code
            and measured.indicator_code = baselines.indicator_code
    left join measured as baseline
        on
            baselines.geography_level = baseline.geography_level
            and baselines.geography_code = baseline.geography_code
            and baselines.indicator_code = baseline.indicator_code
            and baselines.baseline_year = baseline.year

),

municipal as (

    select
        benchmarked.indicator_code,
        benchmarked.year,
        min(benchmarked.value) as municipality_min,
        max(benchmarked.value) as municipality_max,
        cast(count(benchmarked.value) as {{ dbt.type_int() }}) as municipalities_with_value,
        cast(sum(
            case when benchmarked.compared_to_region in ('better', 'worse') then 1 else 0 end
        ) as {{ dbt.type_int() }}) as municipalities_differing
    from {{ ref('int_indicators__estimates_benchmarked') }} as benchmarked
    inner join {{ ref('municipalities') }} as municipalities
        on benchmarked.geography_code = municipalities.kommune_kode
    where
        benchmarked.geography_level = 'municipality'
        and municipalities.region_code = '{{ var("region_code") }}'
        and not benchmarked.is_suppressed
    group by
        benchmarked.indicator_code,
        benchmarked.year

),

final as (

    select
        compared.indicator_code,
        compared.geography_level,
        compared.geography_code,
        compared.year,
        -- With the other groups' counts published, the overall value would give a suppressed
        -- group's value away: shown only when every ranked group is.
        case when compared.n_suppressed = 0 then {{ round_to('compared.overall_value', 1) }} end
            as overall_value,
        {{ round_to('compared.shown_gap', 1) }} as abs_gap,
        {{ round_to('compared.shown_gap - ' ~ var('ci_z') ~ ' * compared.gap_se', 1) }}
            as abs_gap_ci_lower,
        {{ round_to('compared.shown_gap + ' ~ var('ci_z') ~ ' * compared.gap_se', 1) }}
            as abs_gap_ci_upper,
        {{ round_to('compared.shown_ratio', 2) }} as ratio,
        {{ round_to(
            'compared.shown_ratio * exp(-' ~ var('ci_z') ~ ' * compared.log_ratio_se)', 2
        ) }} as ratio_ci_lower,
        {{ round_to(
            'compared.shown_ratio * exp(' ~ var('ci_z') ~ ' * compared.log_ratio_se)', 2
        ) }} as ratio_ci_upper,
        {{ round_to('compared.shown_sii', 1) }} as sii,
        {{ round_to('compared.shown_sii - ' ~ var('ci_z') ~ ' * compared.sii_se', 1) }}
            as sii_ci_lower,
        {{ round_to('compared.shown_sii + ' ~ var('ci_z') ~ ' * compared.sii_se', 1) }}
            as sii_ci_upper,
        {{ round_to('compared.shown_sii / nullif(compared.overall_value, 0)', 3) }} as rii,
        {{ round_to(
            '(compared.shown_sii - ' ~ var('ci_z') ~ ' * compared.sii_se)'
            ~ ' / nullif(compared.overall_value, 0)', 3
        ) }} as rii_ci_lower,
        {{ round_to(
            '(compared.shown_sii + ' ~ var('ci_z') ~ ' * compared.sii_se)'
            ~ ' / nullif(compared.overall_value, 0)', 3
        ) }} as rii_ci_upper,
        compared.shown_sii is not null
        and abs(compared.shown_sii) > {{ var('ci_z') }} * compared.sii_se as is_gap_significant,
        compared.baseline_year,
        case
            when
                compared.shown_sii is null
                or compared.baseline_year is null
                or compared.year <= compared.baseline_year
                then null
            when compared.series_number <> compared.baseline_series_number then 'not comparable'
            when
                abs(compared.shown_sii - compared.baseline_sii)
                <= {{ var('ci_z') }} * sqrt(
                    compared.sii_se * compared.sii_se
                    + compared.baseline_sii_se * compared.baseline_sii_se
                )
                then 'no significant change'
            when abs(compared.shown_sii) < abs(compared.baseline_sii) then 'narrowing'
            else 'widening'
        end as sii_change_status,
        case
            when compared.n_suppressed > 0
                then 'suppressed: rests on a suppressed education group'
        end as inequality_note,
        case when compared.geography_level = 'region' then municipal.municipality_min end
            as municipality_min,
        case when compared.geography_level = 'region' then municipal.municipality_max end
            as municipality_max,
        case
            when compared.geography_level = 'region'
                then municipal.municipality_max - municipal.municipality_min
        end
            as municipality_range,
        case
            when compared.geography_level = 'region' and municipal.municipality_min > 0
                then {{ round_to('municipal.municipality_max / municipal.municipality_min', 2) }}
        end as municipality_ratio,
        case when compared.geography_level = 'region' then municipal.municipalities_with_value end
            as municipalities_with_value,
        case when compared.geography_level = 'region' then municipal.municipalities_differing end
            as municipalities_differing,
        compared.series_number,
        compared.is_series_break,
        compared.is_synthetic
    from compared
    left join municipal
        on
            compared.indicator_code = municipal.indicator_code
            and compared.year = municipal.year

)

select * from final

{#-
    The weights that combine published municipal estimates (int_sundhedsprofilen_estimates__
    combined): each municipality's FOLK1A population in the indicator's age range, by sex and
    for both sexes, for every indicator × year a published estimate exists for. The population
    is that of the year's first quarter (1 January); where that quarter was not delivered, the
    nearest quarter that was (the earlier of two equally near), and quarter_code says which.
-#}
with

estimate_years as (

    select distinct
        indicator_code,
        year
    from {{ ref('stg_sundhedsprofilen_estimates__shares') }}

),

indicators as (

    select
        indicator_code,
        age_min,
        coalesce(age_max, 150) as age_max
    from {{ ref('indicators') }}

),

municipalities as (

    select kommune_kode
    from {{ ref('municipalities') }}

),

population as (

    select
        population.area_code as kommune_kode,
        population.sex_code,
        population.age_years,
        population.year,
        population.quarter,
        population.quarter_code,
        population.population_count
    from {{ ref('stg_folk1a__population') }} as population
    inner join municipalities
        on population.area_code = municipalities.kommune_kode
    where
        not population.is_all_ages
        and not population.is_both_sexes

),

quarters as (

    select distinct
        year,
        quarter,
        quarter_code
    from population

),

ranked_quarters as (

    select
        estimate_years.indicator_code,
        estimate_years.year,
        quarters.quarter_code,
        row_number() over (
            partition by estimate_years.indicator_code, estimate_years.year
            order by
                abs(4 * quarters.year + quarters.quarter - (4 * estimate_years.year + 1)),
                4 * quarters.year + quarters.quarter
        ) as nearness
    from estimate_years
    cross join quarters

),

chosen_quarters as (

    select
        indicator_code,
        year,
        quarter_code
    from ranked_quarters
    where nearness = 1

),

by_sex as (

    select
        chosen_quarters.indicator_code,
        chosen_quarters.year,
        chosen_quarters.quarter_code,
        population.kommune_kode,
        population.sex_code,
        sum(population.population_count) as population_count
    from chosen_quarters
    inner join indicators
        on chosen_quarters.indicator_code = indicators.indicator_code
    inner join population
        on
            chosen_quarters.quarter_code = population.quarter_code
            and population.age_years between indicators.age_min and indicators.age_max
    group by
        chosen_quarters.indicator_code,
        chosen_quarters.year,
        chosen_quarters.quarter_code,
        population.kommune_kode,
        population.sex_code

),

final as (

    select
        indicator_code,
        year,
        quarter_code,
        kommune_kode,
        sex_code,
        population_count
    from by_sex
    union all
    select
        indicator_code,
        year,
        quarter_code,
        kommune_kode,
        'TOT' as sex_code,
        sum(population_count) as population_count
    from by_sex
    group by indicator_code, year, quarter_code, kommune_kode

)

select * from final

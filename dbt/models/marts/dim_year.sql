with

years as (

    select year
    from {{ ref('calendar_years') }}

),

periods as (

    select
        period_code,
        starts_on,
        ends_on
    from {{ ref('agreement_periods') }}

),

survey_rounds as (

    select distinct year
    from {{ ref('int_sundhedsprofilen__indicator_cells') }}

),

final as (

    select
        years.year,
        periods.period_code as agreement_period_code,
        survey_rounds.year is not null as is_sundhedsprofilen_round
    from years
    left join periods
        on
            years.year >= extract(year from periods.starts_on)
            and years.year <= extract(year from periods.ends_on)
    left join survey_rounds
        on years.year = survey_rounds.year

)

select * from final

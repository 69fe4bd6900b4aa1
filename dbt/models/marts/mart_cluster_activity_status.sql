{#-
    Status of the objectives followed up by the annual survey (O1.2, O2.1, O4.1, O4.2): per
    cluster × objective × survey year, activities counted by status and listed. A cluster that
    reported nothing for an objective in a survey year has a row with zero activities and a note.
-#}
with

activities as (

    select
        cluster_code,
        year,
        objective_code,
        activity_title,
        status_code,
        is_synthetic
    from {{ ref('fct_cluster_activity') }}

),

statuses as (

    select
        status_code,
        status_name_da
    from {{ ref('dim_activity_status') }}

),

objectives as (

    select
        objective_code,
        vision_code,
        objective_name_da
    from {{ ref('dim_objective') }}
    where follow_up in ('status_survey', 'indicators_and_status_survey')

),

clusters as (

    select
        cluster_code,
        cluster_name_da
    from {{ ref('dim_cluster') }}

),

survey_years as (

    select distinct year
    from activities

),

spine as (

    select
        clusters.cluster_code,
        clusters.cluster_name_da,
        objectives.objective_code,
        objectives.vision_code,
        objectives.objective_name_da,
        survey_years.year
    from clusters
    cross join objectives
    cross join survey_years

),

counted as (

    select
        activities.cluster_code,
        activities.objective_code,
        activities.year,
        count(*) as n_activities,
        sum(case when activities.status_code = 'planned' then 1 else 0 end) as n_planned,
        sum(case when activities.status_code = 'in_progress' then 1 else 0 end) as n_in_progress,
        sum(case when activities.status_code = 'implemented' then 1 else 0 end) as n_implemented,
        sum(case when activities.status_code = 'stopped' then 1 else 0 end) as n_stopped,
        {{ sorted_listagg(
            dbt.concat(["activities.activity_title", "' ('", "statuses.status_name_da", "')'"]),
            "'; '"
        ) }} as activities,
        max(case when activities.is_synthetic then 1 else 0 end) = 1 as is_synthetic
    from activities
    inner join statuses
        on activities.status_code = statuses.status_code
    group by activities.cluster_code, activities.objective_code, activities.year

),

final as (

    select
        spine.cluster_code,
        spine.objective_code,
        spine.year,
        spine.cluster_name_da,
        spine.vision_code,
        spine.objective_name_da,
        cast(coalesce(counted.n_activities, 0) as {{ dbt.type_bigint() }}) as n_activities,
        cast(coalesce(counted.n_planned, 0) as {{ dbt.type_bigint() }}) as n_planned,
        cast(coalesce(counted.n_in_progress, 0) as {{ dbt.type_bigint() }}) as n_in_progress,
        cast(coalesce(counted.n_implemented, 0) as {{ dbt.type_bigint() }}) as n_implemented,
        cast(coalesce(counted.n_stopped, 0) as {{ dbt.type_bigint() }}) as n_stopped,
        counted.activities,
        case
            when counted.n_activities is null then 'no status reported'
        end as value_note,
        coalesce(counted.is_synthetic, false) as is_synthetic
    from spine
    left join counted
        on
            spine.cluster_code = counted.cluster_code
            and spine.objective_code = counted.objective_code
            and spine.year = counted.year

)

select * from final

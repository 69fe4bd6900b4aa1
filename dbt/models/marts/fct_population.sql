{#-
    Residents on 1 January by municipality × year × sex × age band (FOLK1A). Public statistics
    from Statistics Denmark (CC BY 4.0); denominators and standardisation weights.
-#}
with

population as (

    select
        kommune_kode,
        year,
        sex_code,
        age_band_code,
        population_count,
        is_synthetic
    from {{ ref('int_folk1a__population_by_municipality_band') }}

),

final as (

    select * from population

)

select * from final

{#-
    Aggregated register count tables, one row per indicator × municipality × year × sex × age
    band as delivered. A blanked cell keeps an empty count and its flag: suppressed, never zero.
-#}
with

source as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        numerator,
        denominator,
        is_numerator_blanked,
        is_denominator_blanked,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'register_counts_cells') }}

),

renamed as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        numerator as numerator_count,
        denominator as denominator_count,
        is_numerator_blanked or is_denominator_blanked as is_blanked,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed

{#- What BI reads per municipality: all 98, so national comparisons work. -#}
{{ indicator_mart(
    geography_levels=['municipality'],
    geography_model='dim_municipality',
    geography_columns=['kommune_kode', 'kommune_name_da', 'region_code'],
    key_columns=['estimates.geography_code as kommune_kode'],
    name_columns=['geographies.kommune_name_da', 'geographies.region_code'],
    geography_on='estimates.geography_code = geographies.kommune_kode',
    funnel=true,
) }}

{#- What BI and the status report read for the four Syddanmark health clusters. -#}
{{ indicator_mart(
    geography_levels=['cluster'],
    geography_model='dim_cluster',
    geography_columns=['cluster_code', 'cluster_name_da'],
    key_columns=['estimates.geography_code as cluster_code'],
    name_columns=['geographies.cluster_name_da'],
    geography_on='estimates.geography_code = geographies.cluster_code',
) }}

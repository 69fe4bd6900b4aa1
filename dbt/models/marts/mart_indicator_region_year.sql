{#-
    The benchmarks: every Danish region and Denmark as a whole, per indicator and year, with
    their own confidence intervals. The status report draws them beside the clusters; BI uses
    them for the region-versus-country comparison the cluster mart only carries as a point value.
    A region's own value is its row, so there is no region_value or compared_to_region column.
-#}
{{ indicator_mart(
    geography_levels=['region', 'country'],
    geography_model='dim_region',
    geography_columns=['region_code', 'region_name_da'],
    key_columns=[
        'estimates.geography_level',
        'estimates.geography_code',
        "coalesce(geographies.region_name_da, 'Hele landet') as geography_name_da",
    ],
    name_columns=[],
    geography_join='left',
    geography_on="estimates.geography_level = 'region' and estimates.geography_code = geographies.region_code",
    region_comparison=false,
) }}

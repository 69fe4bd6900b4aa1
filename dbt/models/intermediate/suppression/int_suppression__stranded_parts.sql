{#-
    The parts of municipality totals that none of their own published cells can protect
    (docs/disclosure.md). A part (macro cell_part_shortfalls) is stranded when its withheld
    cells cannot give one another's small counts room of var('protection_level') and its
    published cells cannot either, or when it holds one withheld cell and no published one (its
    estimate would be the part's sum).

    What protects a stranded part depends on whether its sum is published in effect. The sum
    of a municipality's adult cells is, whatever its own cells show, when the values by
    education of a geography holding it are published and every other municipality of that
    geography shows its adults' sum (all its adult cells, or all its younger cells, published
    beside its total): the education groups then add up to it. Then, and for a part that is
    the whole total, no cell of the municipality can protect the part, and its total is
    withheld (int_suppression__complementary protects it among the published totals above).
    Otherwise the smallest published cell of the municipality's other part is withheld
    (int_suppression__observation), which lets the two parts' sums move against each other.
    One row per municipality × indicator × year × stranded part.
-#}
with

{{ cell_part_shortfalls() }},

stranded as (

    select
        kommune_kode,
        indicator_code,
        year,
        part
    from part_shortfalls
    where
        (n_withheld = 1 and n_published = 0)
        or coalesce(short_persons, 0) > published_room_persons
        or coalesce(short_positive, 0) > published_room_positive
        or coalesce(short_negative, 0) > published_room_negative

),

-- Geographies whose values by education are published (int_inequality__education_estimates).
education_geographies as (

    select
        parent_level,
        parent_code,
        kommune_kode
    from {{ ref('int_geography__memberships') }}
    where
        parent_level in ('cluster', 'country')
        or (parent_level = 'region' and parent_code = '{{ var("region_code") }}')

),

-- Whether a municipality's own cells give its adults' sum away: all of one part published (a
-- cell with nobody in it is known to be zero).
cells_shown as (

    select
        kommune_kode,
        indicator_code,
        year,
        part,
        coalesce(primary_reason, 'no_data') <> 'no_data' as is_hidden
    from cell_parts

),

municipality_sums as (

    select
        kommune_kode,
        indicator_code,
        year,
        max(case when part = 'adult' and is_hidden then 1 else 0 end) = 0
        or max(case when part = 'younger' and is_hidden then 1 else 0 end) = 0
            as is_adult_sum_shown
    from cells_shown
    where part <> 'all'
    group by kommune_kode, indicator_code, year

),

hidden_in_geography as (

    select
        geographies.parent_level,
        geographies.parent_code,
        sums.indicator_code,
        sums.year,
        sum(case when sums.is_adult_sum_shown then 0 else 1 end) as n_hidden
    from municipality_sums as sums
    inner join education_geographies as geographies
        on sums.kommune_kode = geographies.kommune_kode
    group by geographies.parent_level, geographies.parent_code, sums.indicator_code, sums.year

),

-- The adults' sum is published in effect through a geography whose other members all show theirs.
adult_sum_published as (

    select distinct
        sums.kommune_kode,
        sums.indicator_code,
        sums.year
    from municipality_sums as sums
    inner join education_geographies as geographies
        on sums.kommune_kode = geographies.kommune_kode
    inner join hidden_in_geography as hidden
        on
            geographies.parent_level = hidden.parent_level
            and geographies.parent_code = hidden.parent_code
            and sums.indicator_code = hidden.indicator_code
            and sums.year = hidden.year
    where hidden.n_hidden - case when sums.is_adult_sum_shown then 0 else 1 end = 0

),

final as (

    select
        stranded.kommune_kode,
        stranded.indicator_code,
        stranded.year,
        stranded.part,
        stranded.part = 'all' or published.kommune_kode is not null as is_sum_published
    from stranded
    left join adult_sum_published as published
        on
            stranded.kommune_kode = published.kommune_kode
            and stranded.indicator_code = published.indicator_code
            and stranded.year = published.year

)

select * from final

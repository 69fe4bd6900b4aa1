{#-
    The funnel limits against PHEindicatormethods' own test data
    (tests/testthat/testdata_funnel_prop_outputs.csv: a comparator of 80.642448 %, limits
    in percent to six decimals at denominators 1 to 4, 289 and 18,688). A row is a limit
    more than 0.00001 percentage points from the package's.
-#}
{%- set n = 'cast(n as ' ~ type_double() ~ ')' %}

with

expected as (

    {%- set rows = [
        (1, 3.204264, 100, 0, 100),
        (2, 25.885383, 100, 0, 100),
        (3, 35.933491, 100, 10.150815, 100),
        (4, 41.923356, 100, 19.594903, 100),
        (289, 76.087261, 85.197635, 73.460384, 87.824512),
        (18688, 80.075982, 81.208914, 79.749314, 81.535582),
    ] %}
    {%- for n, low95, high95, low998, high998 in rows %}
    select
        {{ n }} as n,
        {{ low95 }} as lower_95,
        {{ high95 }} as upper_95,
        {{ low998 }} as lower_998,
        {{ high998 }} as upper_998
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

computed as (

    select
        n,
        lower_95,
        upper_95,
        lower_998,
        upper_998,
        100 * {{ funnel_limit('0.80642448', n, var('ci_z'), 'low') }}
            as our_lower_95,
        100 * {{ funnel_limit('0.80642448', n, var('ci_z'), 'high') }}
            as our_upper_95,
        100 * {{ funnel_limit('0.80642448', n, var('ci_z_998'), 'low') }}
            as our_lower_998,
        100 * {{ funnel_limit('0.80642448', n, var('ci_z_998'), 'high') }}
            as our_upper_998
    from expected

)

select * from computed
where
    abs(our_lower_95 - lower_95) > 0.00001
    or abs(our_upper_95 - upper_95) > 0.00001
    or abs(our_lower_998 - lower_998) > 0.00001
    or abs(our_upper_998 - upper_998) > 0.00001

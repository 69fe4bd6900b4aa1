{#-
    Complementary (secondary) suppression of municipality, cluster, region and Denmark
    estimates, so no suppressed municipality can be recovered by any linear combination of the
    published totals - overlapping clusters included.

    The rule (docs/disclosure.md): every suppressed municipality with persons needs twins,
    suppressed municipalities with the same published signature (the set of published totals
    that add it up; macro published_signature) holding room for its small counts. Twins protect
    each other: moving persons between them changes no published total. A group is short when a
    member is alone, or when the others cannot give up var('protection_level') of one of its
    small counts (persons down to one, numerator and persons outside it down to zero). Each pass
    * in a short signature group, suppresses the published member with the fewest persons
      (never one without persons, which would protect nothing);
    * where the lone member has no one to pair with (Vejen is alone in being in both Lillebælt
      and Sydvestjylland, so the four cluster totals minus the region equal Vejen), suppresses
      the smallest published total in its signature, preferring a cluster to the region or
      Denmark, which moves it into another group where the next pass finds it a twin.
    A municipality total that none of its cells can protect (int_suppression__stranded_parts)
    starts out withheld, and is protected like any other.
    The rule is applied var('suppression_passes') times; the singular test
    assert_no_published_total_reveals_a_suppressed_part fails if a lone member is left, and the
    disclosure audit checks the feasibility intervals of the release before it is published.
    One row per estimate suppressed only to protect another.
-#}
{#- dbt parses the project without the settings' --vars: a parse renders no passes, so the
    model names what the passes read. -#}
-- depends_on: {{ ref('int_geography__memberships') }}
{{ config(pre_hook="{{ prefer_hash_joins() }}") }}
{%- set passes = var('suppression_passes') | int if execute else 0 %}
{#- The steps as a chain whose checkpoints, each pass's municipalities and totals, every engine
    computes once (macros/cte_chain.sql). -#}
{%- set chain = [] %}

{%- call cte(chain, 'estimates') %}

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        n_persons,
        coalesce(n_positive, 0) as n_positive,
        -- A suppressed estimate without persons is known to be zero: it protects nothing.
        is_suppressed and n_persons > 0 as is_hidden
    from {{ ref('int_indicators__cell_estimates') }}

{%- endcall %}

{%- call cte(chain, 'withheld_totals') %}

    select distinct
        kommune_kode,
        indicator_code,
        year
    from {{ ref('int_suppression__stranded_parts') }}
    where is_sum_published

{%- endcall %}

{%- call cte(chain, 'pass_0_municipalities', checkpoint=true) %}

    select
        estimates.geography_code as kommune_kode,
        estimates.indicator_code,
        estimates.year,
        estimates.n_persons,
        estimates.n_positive,
        indicators.statistic = 'register_share' as counts_positive,
        -- A total no cell can protect is withheld from the start (int_suppression__stranded_parts).
        estimates.is_hidden or (stranded.kommune_kode is not null and estimates.n_persons > 0)
            as is_hidden,
        not estimates.is_hidden and stranded.kommune_kode is not null and estimates.n_persons > 0
            as is_secondary
    from estimates
    inner join {{ ref('indicators') }} as indicators
        on estimates.indicator_code = indicators.indicator_code
    left join withheld_totals as stranded
        on
            estimates.geography_code = stranded.kommune_kode
            and estimates.indicator_code = stranded.indicator_code
            and estimates.year = stranded.year
    where estimates.geography_level = 'municipality'

{%- endcall %}

{%- call cte(chain, 'pass_0_totals', checkpoint=true) %}

    select
        geography_level as parent_level,
        geography_code as parent_code,
        indicator_code,
        year,
        n_persons,
        not is_hidden as is_published,
        false as is_secondary
    from estimates
    where geography_level in ('cluster', 'region', 'country')

{%- endcall %}

{% for i in range(1, passes + 1) %}
{%- call cte(chain, 'pass_' ~ i ~ '_signatures') %}

{{ published_signature('pass_' ~ (i - 1) ~ '_municipalities', 'pass_' ~ (i - 1) ~ '_totals') }}

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_rooms') %}

    select
        previous.kommune_kode,
        previous.indicator_code,
        previous.year,
        previous.n_persons,
        previous.n_positive,
        previous.counts_positive,
        previous.is_hidden,
        signatures.signature,
        sum(case when previous.is_hidden then 1 else 0 end) over (
            partition by previous.indicator_code, previous.year, signatures.signature
        ) as hidden_in_group,
        -- The room the hidden members of a group give each other (docs/disclosure.md).
        sum(case when previous.is_hidden then previous.n_persons - 1 else 0 end) over (
            partition by previous.indicator_code, previous.year, signatures.signature
        ) as room_persons,
        sum(case when previous.is_hidden then previous.n_positive else 0 end) over (
            partition by previous.indicator_code, previous.year, signatures.signature
        ) as room_positive,
        sum(
            case when previous.is_hidden then previous.n_persons - previous.n_positive else 0 end
        ) over (
            partition by previous.indicator_code, previous.year, signatures.signature
        ) as room_negative
    from pass_{{ i - 1 }}_municipalities as previous
    inner join pass_{{ i }}_signatures as signatures
        on
            previous.kommune_kode = signatures.kommune_kode
            and previous.indicator_code = signatures.indicator_code
            and previous.year = signatures.year

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_members') %}

    select
        *,
        -- Short: a hidden member alone, or one whose small count the others cannot move by
        -- the protection level (its numerator 4 and theirs 0, say).
        max(
            case
                when
                    is_hidden and (
                        hidden_in_group = 1
                        or (
                            n_persons < {{ var('min_cell_count') }}
                            and room_persons - (n_persons - 1) < {{ var('protection_level') }}
                        )
                        or (
                            counts_positive
                            and n_positive < {{ var('min_cell_count') }}
                            and room_positive - n_positive < {{ var('protection_level') }}
                        )
                        or (
                            counts_positive
                            and n_persons - n_positive < {{ var('min_cell_count') }}
                            and room_negative - (n_persons - n_positive)
                            < {{ var('protection_level') }}
                        )
                    )
                    then 1
                else 0
            end
        ) over (partition by indicator_code, year, signature) as is_short_group
    from pass_{{ i }}_rooms

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_twins') %}

    select
        kommune_kode,
        indicator_code,
        year,
        signature,
        row_number() over (
            partition by indicator_code, year, signature
            order by n_persons, kommune_kode
        ) as rank_in_group
    from pass_{{ i }}_members
    where is_short_group = 1 and signature <> '' and not is_hidden and n_persons > 0

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_picked_municipalities') %}

    select
        kommune_kode,
        indicator_code,
        year,
        signature
    from pass_{{ i }}_twins
    where rank_in_group = 1

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_unpaired') %}

    select
        lone.kommune_kode,
        lone.indicator_code,
        lone.year
    from pass_{{ i }}_members as lone
    left join pass_{{ i }}_picked_municipalities as picked
        on
            lone.indicator_code = picked.indicator_code
            and lone.year = picked.year
            and lone.signature = picked.signature
    where
        lone.is_hidden
        and lone.is_short_group = 1
        and lone.signature <> ''
        and picked.kommune_kode is null

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_total_candidates') %}

    select
        totals.parent_level,
        totals.parent_code,
        totals.indicator_code,
        totals.year,
        row_number() over (
            partition by unpaired.kommune_kode, unpaired.indicator_code, unpaired.year
            order by
                case totals.parent_level when 'cluster' then 1 when 'region' then 2 else 3 end,
                totals.n_persons,
                totals.parent_code
        ) as rank_for_member
    from pass_{{ i }}_unpaired as unpaired
    inner join {{ ref('int_geography__memberships') }} as memberships
        on unpaired.kommune_kode = memberships.kommune_kode
    inner join pass_{{ i - 1 }}_totals as totals
        on
            memberships.parent_level = totals.parent_level
            and memberships.parent_code = totals.parent_code
            and unpaired.indicator_code = totals.indicator_code
            and unpaired.year = totals.year
    where totals.is_published

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_picked_totals') %}

    select distinct
        parent_level,
        parent_code,
        indicator_code,
        year
    from pass_{{ i }}_total_candidates
    where rank_for_member = 1

{%- endcall %}

-- A suppressed total needs a suppressed member with a twin outside it, or subtracting the
-- other published totals gives it back (Denmark minus four regions is the fifth region).
{%- call cte(chain, 'pass_' ~ i ~ '_hidden_total_members') %}

    select
        totals.parent_level,
        totals.parent_code,
        totals.indicator_code,
        totals.year,
        members.signature
    from pass_{{ i - 1 }}_totals as totals
    inner join {{ ref('int_geography__memberships') }} as memberships
        on
            totals.parent_level = memberships.parent_level
            and totals.parent_code = memberships.parent_code
    inner join pass_{{ i }}_members as members
        on
            memberships.kommune_kode = members.kommune_kode
            and totals.indicator_code = members.indicator_code
            and totals.year = members.year
    where not totals.is_published and totals.n_persons > 0 and members.is_hidden

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_outside_members') %}

    select
        inside.parent_level,
        inside.parent_code,
        inside.indicator_code,
        inside.year,
        outside.kommune_kode,
        outside.n_persons,
        outside.is_hidden
    from pass_{{ i }}_hidden_total_members as inside
    inner join pass_{{ i }}_members as outside
        on
            inside.indicator_code = outside.indicator_code
            and inside.year = outside.year
            and inside.signature = outside.signature
    left join {{ ref('int_geography__memberships') }} as same_total
        on
            inside.parent_level = same_total.parent_level
            and inside.parent_code = same_total.parent_code
            and outside.kommune_kode = same_total.kommune_kode
    where same_total.kommune_kode is null and outside.n_persons > 0

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_exposed_totals') %}

    select
        inside.parent_level,
        inside.parent_code,
        inside.indicator_code,
        inside.year
    from pass_{{ i }}_hidden_total_members as inside
    left join pass_{{ i }}_outside_members as outside
        on
            inside.parent_level = outside.parent_level
            and inside.parent_code = outside.parent_code
            and inside.indicator_code = outside.indicator_code
            and inside.year = outside.year
    group by inside.parent_level, inside.parent_code, inside.indicator_code, inside.year
    having sum(case when outside.is_hidden then 1 else 0 end) = 0

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_outside_twins') %}

    select
        outside.parent_level,
        outside.parent_code,
        outside.indicator_code,
        outside.year,
        outside.kommune_kode,
        row_number() over (
            partition by
                outside.parent_level, outside.parent_code, outside.indicator_code, outside.year
            order by outside.n_persons, outside.kommune_kode
        ) as rank_for_total
    from pass_{{ i }}_outside_members as outside
    inner join pass_{{ i }}_exposed_totals as exposed
        on
            outside.parent_level = exposed.parent_level
            and outside.parent_code = exposed.parent_code
            and outside.indicator_code = exposed.indicator_code
            and outside.year = exposed.year

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_sibling_candidates') %}

    select
        siblings.parent_level,
        siblings.parent_code,
        siblings.indicator_code,
        siblings.year,
        row_number() over (
            partition by
                exposed.parent_level, exposed.parent_code, exposed.indicator_code, exposed.year
            order by siblings.n_persons, siblings.parent_code
        ) as rank_for_total
    from pass_{{ i }}_exposed_totals as exposed
    inner join pass_{{ i - 1 }}_totals as siblings
        on
            exposed.parent_level = siblings.parent_level
            and exposed.indicator_code = siblings.indicator_code
            and exposed.year = siblings.year
            and exposed.parent_code <> siblings.parent_code
    left join pass_{{ i }}_outside_twins as twins
        on
            exposed.parent_level = twins.parent_level
            and exposed.parent_code = twins.parent_code
            and exposed.indicator_code = twins.indicator_code
            and exposed.year = twins.year
    where siblings.is_published and siblings.n_persons > 0 and twins.kommune_kode is null

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_picked') %}

    select
        kommune_kode,
        indicator_code,
        year
    from pass_{{ i }}_picked_municipalities
    union
    select
        kommune_kode,
        indicator_code,
        year
    from pass_{{ i }}_outside_twins
    where rank_for_total = 1

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_picked_all_totals') %}

    select
        parent_level,
        parent_code,
        indicator_code,
        year
    from pass_{{ i }}_picked_totals
    union
    select
        parent_level,
        parent_code,
        indicator_code,
        year
    from pass_{{ i }}_sibling_candidates
    where rank_for_total = 1

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_municipalities', checkpoint=true) %}

    select
        previous.kommune_kode,
        previous.indicator_code,
        previous.year,
        previous.n_persons,
        previous.n_positive,
        previous.counts_positive,
        previous.is_hidden or picked.kommune_kode is not null as is_hidden,
        previous.is_secondary or picked.kommune_kode is not null as is_secondary
    from pass_{{ i - 1 }}_municipalities as previous
    left join pass_{{ i }}_picked as picked
        on
            previous.kommune_kode = picked.kommune_kode
            and previous.indicator_code = picked.indicator_code
            and previous.year = picked.year

{%- endcall %}

{%- call cte(chain, 'pass_' ~ i ~ '_totals', checkpoint=true) %}

    select
        previous.parent_level,
        previous.parent_code,
        previous.indicator_code,
        previous.year,
        previous.n_persons,
        previous.is_published and picked.parent_code is null as is_published,
        previous.is_secondary or picked.parent_code is not null as is_secondary
    from pass_{{ i - 1 }}_totals as previous
    left join pass_{{ i }}_picked_all_totals as picked
        on
            previous.parent_level = picked.parent_level
            and previous.parent_code = picked.parent_code
            and previous.indicator_code = picked.indicator_code
            and previous.year = picked.year

{%- endcall %}

{% endfor %}
with

{{ cte_chain(chain) }}

final as (

    select
        'municipality' as geography_level,
        kommune_kode as geography_code,
        indicator_code,
        year
    from pass_{{ passes }}_municipalities
    where is_secondary
    union all
    select
        parent_level as geography_level,
        parent_code as geography_code,
        indicator_code,
        year
    from pass_{{ passes }}_totals
    where is_secondary

)

select * from final

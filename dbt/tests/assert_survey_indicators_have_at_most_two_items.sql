{#-
    int_sundhedsprofilen__outcomes reads at most two outcome items per survey indicator
    (seeds/indicator_items.csv): a third would be ignored, so it fails the build instead.
-#}
select
    indicator_code,
    count(*) as outcome_items
from {{ ref('indicator_items') }}
where source_code = 'sundhedsprofilen' and role = 'outcome'
group by indicator_code
having count(*) > 2

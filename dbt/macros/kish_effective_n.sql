{#-
    Kish's effective sample size n_eff = (Σw)² / Σw² for a weighted survey estimate.

    Unequal calibration weights make a survey sample worth fewer simple-random observations; the
    Wilson interval and the two-proportion z-test use n_eff, not the respondent count. Both sums
    are additive over disjoint groups of respondents, which is why the fact table carries them.
-#}
{% macro kish_effective_n(sum_weights, sum_squared_weights) -%}
    case
        when {{ sum_squared_weights }} is null or {{ sum_squared_weights }} <= 0 then null
        else ({{ sum_weights }} * {{ sum_weights }}) / {{ sum_squared_weights }}
    end
{%- endmacro %}

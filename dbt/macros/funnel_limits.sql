{#-
    Funnel-plot control limits for a proportion, as PHEindicatormethods computes them
    (calculate_funnel_limits, statistic = "proportion"; its sigma_adjustment): the proportions
    at which an area of size n would just be significantly different from the comparator
    p0 - the ends of Wilson's score interval inverted around p0. z = qnorm(0.975) gives the
    95% limits, qnorm(0.999) the 99.8% ones. A proportion between 0 and 1, clipped to it;
    null when n or p0 is missing or n is not positive.

        first = p0 (n/z² + 1)
        adj   = √((−8 p0 (n/z² + 1))² − 64 (1/z² + 1/n) p0 (n (p0 (n/z² + 2) − 1) + z² (p0 − 1)))
        limit = (first ∓ adj/8) / (1/z² + 1/n) / n
-#}
{% macro funnel_limit(p0, n, z, side) -%}
    {%- set first -%}
        ({{ p0 }} * ({{ n }} / ({{ z }} * {{ z }}) + 1.0))
    {%- endset -%}
    {%- set adjustment -%}
        sqrt(
            (-8.0 * {{ first }}) * (-8.0 * {{ first }})
            - 64.0 * (1.0 / ({{ z }} * {{ z }}) + 1.0 / {{ n }}) * {{ p0 }}
            * (
                {{ n }} * ({{ p0 }} * ({{ n }} / ({{ z }} * {{ z }}) + 2.0) - 1.0)
                + {{ z }} * {{ z }} * ({{ p0 }} - 1.0)
            )
        )
    {%- endset -%}
    case
        when {{ n }} is null or {{ n }} <= 0 or {{ p0 }} is null then null
        else {{ 'greatest(0.0' if side == 'low' else 'least(1.0' }}, (
            ({{ first }} {{ '-' if side == 'low' else '+' }} {{ adjustment }} / 8.0)
            / (1.0 / ({{ z }} * {{ z }}) + 1.0 / {{ n }})
        ) / {{ n }})
    end
{%- endmacro %}

{#-
    Where a value lies in its funnel, as PHEindicatormethods' assign_funnel_significance says
    it: beyond the 99.8% limits, beyond the 95% ones, or within them (strictly beyond).
-#}
{% macro funnel_position(value, lower_95, upper_95, lower_998, upper_998) -%}
    case
        when {{ value }} is null or {{ lower_95 }} is null or {{ upper_95 }} is null then null
        when {{ value }} < {{ lower_998 }} then 'below_998'
        when {{ value }} < {{ lower_95 }} then 'below_95'
        when {{ value }} > {{ upper_998 }} then 'above_998'
        when {{ value }} > {{ upper_95 }} then 'above_95'
        else 'within'
    end
{%- endmacro %}

{#-
    Two-proportion z statistic for a change from p1 (on n1) to p2 (on n2) with the pooled
    proportion: z = (p2 - p1) / sqrt(p̄(1 - p̄)(1/n1 + 1/n2)), p̄ = (p1·n1 + p2·n2) / (n1 + n2).
    n is Kish's effective sample size for survey shares, the denominator for register shares.
    Null when it cannot be computed (a missing side, or p̄ of 0 or 1).
-#}
{% macro two_proportion_z(p1, n1, p2, n2) -%}
    case
        when {{ p1 }} is null or {{ p2 }} is null or {{ n1 }} is null or {{ n2 }} is null
            or {{ n1 }} <= 0 or {{ n2 }} <= 0
            then null
        else ({{ p2 }} - {{ p1 }}) / nullif(sqrt(
            (({{ p1 }} * {{ n1 }} + {{ p2 }} * {{ n2 }}) / ({{ n1 }} + {{ n2 }}))
            * (1.0 - ({{ p1 }} * {{ n1 }} + {{ p2 }} * {{ n2 }}) / ({{ n1 }} + {{ n2 }}))
            * (1.0 / {{ n1 }} + 1.0 / {{ n2 }})
        ), 0)
    end
{%- endmacro %}

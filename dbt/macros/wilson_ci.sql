{#-
    Wilson score interval for a proportion p observed on n (effective) observations.

    Used for survey shares with n = Kish's effective sample size and for register shares with
    n = the raw denominator, as OHID Fingertips / PHEindicatormethods do. Unlike the Wald
    interval it stays inside [0, 1] and behaves at p near 0 or 1. Returns a proportion; the
    marts multiply by 100. Null when n is null or not positive.

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z / (1 + z²/n) · sqrt(p(1-p)/n + z²/4n²)
-#}
{% macro wilson_ci_lower(p, n, z=var('ci_z')) -%}
    {{ _wilson_bound(p, n, z, '-') }}
{%- endmacro %}

{% macro wilson_ci_upper(p, n, z=var('ci_z')) -%}
    {{ _wilson_bound(p, n, z, '+') }}
{%- endmacro %}

{% macro _wilson_bound(p, n, z, sign) -%}
    case
        when {{ n }} is null or {{ n }} <= 0 or {{ p }} is null then null
        else (
            ({{ p }} + {{ z }} * {{ z }} / (2.0 * {{ n }}))
            {{ sign }} {{ z }} * sqrt(
                {{ p }} * (1.0 - {{ p }}) / {{ n }}
                + {{ z }} * {{ z }} / (4.0 * {{ n }} * {{ n }})
            )
        ) / (1.0 + {{ z }} * {{ z }} / {{ n }})
    end
{%- endmacro %}

{#-
    The design-based variance of a weighted survey share, by Taylor linearisation of the ratio
    estimator p = Σw·y / Σw, with every municipality a stratum and every respondent a primary
    sampling unit drawn with replacement: what R's survey package computes with
    svydesign(ids = ~1, strata = ~kommune, weights = ~weight) and svymean (docs/domain.md).

    Linearised values u_i = w_i (y_i − p) / W, W = Σw over the whole estimate. Within stratum h
    with n_h respondents (all respondents of the municipality that year; those outside the
    estimate's domain, or without a valid answer, count with u = 0, as svymean(na.rm = TRUE) and
    subset() treat them)

        Var(p) = 1/W² · Σ_h k_h [ Σu_i² − (Σu_i)² / n_h ],   k_h = n_h / (n_h − 1).

    With y in {0, 1} and A = Σw·y, B = Σw, C = Σw²·y, D = Σw² over the domain's respondents in
    the stratum, the bracket is a quadratic in p:

        k_h (C − A²/n_h) − 2p · k_h (C − A·B/n_h) + p² · k_h (D − B²/n_h)

    so three terms per stratum, summed over the strata an estimate covers (a municipality is one
    stratum; a cluster, the region and Denmark add their municipalities' terms), give the
    variance of any estimate made of whole municipalities. The terms need the domain's sums
    within one municipality: they are formed where cells are summed to a municipality, never
    from cells summed over strata.

    A stratum with one respondent has no variance estimate of its own (R's survey stops there
    by default): its terms are null, and so is every variance it enters. With the var
    survey_finite_population_correction, k_h is multiplied by (1 − n_h / N_h), N_h the
    municipality's population of the surveyed ages (FOLK1A); off by default, as the publisher's
    own intervals are.
-#}
{% macro survey_variance_terms(
    numerator, denominator, sum_squared_weights_positive, sum_squared_weights,
    stratum_respondents, stratum_population='null'
) -%}
    {%- set k -%}
        (
            cast({{ stratum_respondents }} as {{ type_double() }})
            / nullif({{ stratum_respondents }} - 1, 0)
            {%- if var('survey_finite_population_correction', false) %}
            * (1.0 - cast({{ stratum_respondents }} as {{ type_double() }})
                / nullif({{ stratum_population }}, 0))
            {%- endif %}
        )
    {%- endset -%}
    {{ k }} * (
        {{ sum_squared_weights_positive }}
        - {{ numerator }} * {{ numerator }} / {{ stratum_respondents }}
    ) as variance_term_0,
    {{ k }} * (
        {{ sum_squared_weights_positive }}
        - {{ numerator }} * {{ denominator }} / {{ stratum_respondents }}
    ) as variance_term_1,
    {{ k }} * (
        {{ sum_squared_weights }}
        - {{ denominator }} * {{ denominator }} / {{ stratum_respondents }}
    ) as variance_term_2
{%- endmacro %}

{#- Var(p) from the summed terms; null where a term is unknown, never negative. -#}
{% macro survey_design_variance(p, denominator, term_0, term_1, term_2) -%}
    case
        when {{ denominator }} is null or {{ denominator }} <= 0 or {{ p }} is null then null
        else greatest(
            0.0,
            ({{ term_0 }} - 2.0 * {{ p }} * {{ term_1 }} + {{ p }} * {{ p }} * {{ term_2 }})
            / ({{ denominator }} * {{ denominator }})
        )
    end
{%- endmacro %}

{#-
    The design's effective sample size p(1 − p) / Var(p), on which Wilson's interval and the
    z-tests run, so that an interval stays inside 0-100 % while its width is the design's. Where
    the design gives no variance (a share of exactly 0 or 1, or a stratum of one respondent),
    Kish's (Σw)² / Σw² stands in.
-#}
{% macro survey_effective_n(p, variance, denominator, sum_squared_weights) -%}
    case
        when {{ variance }} > 0 and {{ p }} > 0 and {{ p }} < 1
            then {{ p }} * (1.0 - {{ p }}) / {{ variance }}
        else {{ kish_effective_n(denominator, sum_squared_weights) }}
    end
{%- endmacro %}

{#-
    The three variance terms summed over the municipalities of a geography (inside a grouped
    select): unknown when one municipality's are, since sum() would leave that stratum out.
-#}
{% macro summed_variance_terms(alias=none) -%}
    {%- set column = (alias ~ '.' if alias else '') ~ 'variance_term_' %}
    {%- for i in range(3) %}
    case
        when count({{ column }}{{ i }}) = count(*)
            then {{ exact_sum(column ~ i) }}
    end as variance_term_{{ i }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The terms of a geography filled in for every indicator-year: zero where nobody answered. -#}
{% macro filled_variance_terms(alias) -%}
    {%- for i in range(3) %}
    case
        when {{ alias }}.geography_code is null then 0 else {{ alias }}.variance_term_{{ i }}
    end as variance_term_{{ i }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

with

notes as (

    select
        note_en,
        note_da
    from {{ ref('value_notes') }}

),

final as (

    select * from notes

)

select * from final

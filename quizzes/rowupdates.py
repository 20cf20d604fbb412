"""Writing a few columns of many rows in one statement, without Django's CASE expressions.

`QuerySet.bulk_update` builds a `CASE WHEN pk = … THEN …` expression per field and row and
resolves each in Python: for the twelve answers of a submit that is most of the submit's
CPU time (docs/benchmarks.md), spent while the attempt's lock is held. The same rows are
written here with one parameterised UPDATE run for each row (`executemany`), the values
prepared by each field, as the ORM would prepare them for this database.
"""

from django.db import connections, router


def update_rows(objects: list, fields: list[str]) -> None:
    """Save `fields` of each model instance in `objects` (all of one model, all saved)."""
    if not objects:
        return
    model = type(objects[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    # Only quoted names from the model's own metadata go into the text; values are parameters.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)

"""Fast inserts for benchmark data: a million rows in seconds rather than minutes.

bulk_create prepares every value through the ORM's SQL compiler, which is most of the
time at this scale. Here values pass only through the adaptation the database driver
cannot do itself (datetimes as SQLite stores them, JSON), and go in with executemany.
Primary keys are allocated from MAX(id): the benchmark database has no other writer
while the data is made, and PostgreSQL's sequences are moved past the new keys after.
"""

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

CHUNK = 5000


def insert_objects(objs: list[models.Model]) -> None:
    """Give unsaved instances of one model primary keys, then INSERT them all."""
    if not objs:
        return
    model = type(objs[0])
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    for pk, obj in enumerate(objs, start):
        obj.pk = pk
    fields = list(model._meta.concrete_fields)
    insert_rows(model, [f.name for f in fields], [[_value(obj, f) for f in fields] for obj in objs])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def insert_rows(model, names: list[str], rows: list[list]) -> None:
    """INSERT rows of plain values (one per named field) with executemany."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from _meta
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    adapters = [(i, _adapter(field)) for i, field in enumerate(fields) if _adapter(field)]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            batch = [list(row) for row in rows[start : start + CHUNK]]
            for row in batch:
                for i, adapt in adapters:
                    row[i] = adapt(row[i])
            cursor.executemany(sql, batch)


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _value(obj, field):
    """The column value; a foreign key set before its target had a key is read from it."""
    if field.many_to_one:
        value = getattr(obj, field.attname)
        if value is None and field.is_cached(obj):
            related = field.get_cached_value(obj)
            value = related.pk if related is not None else None
        return value
    return field.pre_save(obj, add=True)

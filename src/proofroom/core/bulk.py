"""Many new rows of one model in one ``executemany``, for pages of downloaded changes.

``QuerySet.bulk_create`` builds one multi-row INSERT and prepares each value through the SQL
compiler; for thousands of rows that assembly, not the database, is most of the time. Here
the statement is built once per model and each row's values are taken as ``save()`` takes
them (``pre_save`` for ``auto_now_add``, ``get_db_prep_save`` for the backend's form), then
sent with ``executemany``. The rows' primary keys are not read back: use it for rows nothing
else points at in the same step (an invoice's lines, its payments, tasks).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.constants import OnConflict


def rows_insert(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """Insert new, unsaved ``objs`` (all of one model) in one statement run for each row.

    ``ignore_conflicts`` skips a row that meets a unique constraint, as ``bulk_create`` does.
    """
    if not objs:
        return
    model = type(objs[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [f for f in opts.local_concrete_fields if not f.generated and f is not opts.pk]
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    quote = connection.ops.quote_name
    sql = "{} {} ({}) VALUES ({}) {}".format(
        connection.ops.insert_statement(on_conflict=on_conflict),
        quote(opts.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    ).rstrip()
    rows = []
    for obj in objs:
        if type(obj) is not model:
            raise TypeError(f"rows_insert takes objects of one model, not {type(obj).__name__}")
        # A parent saved since it was assigned (a client inserted just before) gives its id.
        obj._prepare_related_fields_for_save(operation_name="rows_insert", fields=fields)  # type: ignore[attr-defined]
        rows.append([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)

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
from typing import Any

from django.db import connections, router
from django.db.models import Field, ForeignKey, Model
from django.db.models.constants import OnConflict

# Fields whose get_db_prep_save gives back a str, int, bool or None unchanged.
_PLAIN = frozenset(
    {
        "CharField",
        "TextField",
        "EmailField",
        "SlugField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "SmallIntegerField",
        "BigIntegerField",
        "BooleanField",
        "ForeignKey",
    }
)
_PLAIN_TYPES = (str, int, bool, type(None))


def _auto_now(field: Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


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
    # The plain fields' values need no conversion when they already have their Python type
    # (what get_db_prep_save would return); the others (dates, uuids, auto_now) go through it.
    plain = [f.get_internal_type() in _PLAIN and not _auto_now(f) for f in fields]
    parents = [f for f in fields if isinstance(f, ForeignKey)]
    rows = []
    for obj in objs:
        if type(obj) is not model:
            raise TypeError(f"rows_insert takes objects of one model, not {type(obj).__name__}")
        for fk in parents:
            # A parent saved since it was assigned (a client inserted just before) gives its id.
            if fk.is_cached(obj) and (parent := fk.get_cached_value(obj)) is not None:
                if parent.pk is None:
                    raise ValueError(f"rows_insert: unsaved {fk.name} of {model.__name__}")
                setattr(obj, fk.attname, parent.pk)
        row = []
        for field, is_plain in zip(fields, plain, strict=True):
            value = getattr(obj, field.attname)
            if not (is_plain and type(value) in _PLAIN_TYPES):
                value = field.get_db_prep_save(field.pre_save(obj, True), connection)
            row.append(value)
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def values_insert(model: type[Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows of ``model`` given as ``{attname: value}``, every column named (no
    default filled in, no ``auto_now``), without a model instance per row."""
    if not rows:
        return
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [f for f in opts.local_concrete_fields if not f.generated and f is not opts.pk]
    if any(_auto_now(f) for f in fields):
        raise TypeError(f"values_insert: {model.__name__} has auto_now fields; use rows_insert")
    names = {f.attname for f in fields}
    quote = connection.ops.quote_name
    sql = "{} {} ({}) VALUES ({})".format(
        connection.ops.insert_statement(on_conflict=None),
        quote(opts.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    plain = [f.get_internal_type() in _PLAIN for f in fields]
    prepared = []
    for row in rows:
        if row.keys() != names:
            raise TypeError(f"values_insert: {model.__name__} takes exactly {sorted(names)}")
        values = []
        for field, is_plain in zip(fields, plain, strict=True):
            value = row[field.attname]
            if not (is_plain and type(value) in _PLAIN_TYPES):
                value = field.get_db_prep_save(value, connection)
            values.append(value)
        prepared.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)

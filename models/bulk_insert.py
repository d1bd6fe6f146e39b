# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rows written like a prototype: what the fast paths of lead, contact and
subscription creation share (models/*_bulk_create.py).

The ORM creates one record per *kind* of row (the prototype); the other rows
of that kind are inserted with one statement that copies every stored column
of the prototype except the row's own values and the fields computed from
them, which the caller computes with Odoo's own rules."""

import io
import itertools

import psycopg2.extensions

from odoo import tools
from odoo.tools import SQL, split_every

# The rows inserted per statement.
PAGE_SIZE = 1000
# The values looked up per query (emails of a chunk): with a few thousand,
# PostgreSQL's default costs make it read the whole table, not its index.
LOOKUP_PAGE = 1000
# Below this many rows, the ORM is fast enough.
MIN_ROWS = 20
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}


def fast_path_enabled(env, name):
    """The setting ``crm_bulk_import.<name>``: "0" turns that fast path off."""
    return tools.str2bool(env["ir.config_parameter"].sudo().get_param(f"crm_bulk_import.{name}", "1"))


def automated(env, model_name):
    """An automation rule watches ``model_name``: its actions would not run
    on inserted rows."""
    return bool(env["base.automation"].sudo().search_count([("model_name", "=", model_name)], limit=1))


def new_ids(model, count):
    """``count`` new ids from the table's sequence, in order."""
    model.env.cr.execute(
        SQL("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", model._table, count)
    )
    return [row[0] for row in model.env.cr.fetchall()]


def values_list(rows, casts=None):
    """``VALUES`` rows as SQL: each row's values in parentheses, each cast to
    the type ``casts`` gives at its place (a column type). One template for
    all rows: a thousand rows stay one string and one list of parameters."""
    cells = [f"%s::{cast}" if cast else "%s" for cast in casts] if casts else ["%s"] * len(rows[0])
    row = "(" + ", ".join(cells) + ")"
    return SQL(", ".join([row] * len(rows)), *itertools.chain.from_iterable(rows))


def _copy_text(value):
    """A value as COPY's text format writes it: NULL, or its text with the
    format's escapes."""
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(cr, table, columns, rows, common=()):
    """Write ``rows`` (tuples of column values, None for NULL) into
    ``table`` with COPY, each row preceded by the values of ``common``:
    parsing an INSERT of thousands of rows costs PostgreSQL more than
    inserting them, and COPY has nothing to parse. Triggers and
    constraints apply as for an INSERT.

    :param columns: the column names, those of ``common`` first"""
    prefix = "".join(_copy_text(value) + "\t" for value in common)
    data = io.StringIO("\n".join(prefix + "\t".join(map(_copy_text, row)) for row in rows))
    statement = SQL(
        "COPY %s (%s) FROM STDIN", SQL.identifier(table), SQL(", ").join(SQL.identifier(name) for name in columns)
    )
    # As Odoo's own COPY (models.py, the external ids of an export): an
    # asynchronous wait callback, gevent's, cannot run COPY.
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(statement.code, data)
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def insert_like(model, prototype_id, own, rows, raw=()):
    """INSERT one record of ``model`` per row of ``rows``: the prototype's
    stored columns, except the names of ``own``, whose values the row gives.

    :param own: the field names each row gives, in order
    :param rows: tuples (new id, value of each field of ``own``), values as
        the ORM takes them (False for empty, ids for many2one)
    :param raw: the names of ``own`` whose values are column values already
        (False is NULL)"""
    model.env.flush_all()
    fields = model._fields
    own = list(own)
    copied = [
        name for name, field in fields.items() if field.store and field.column_type and name not in own and name != "id"
    ]
    converted = {}  # (field, value): column value; some conversions are slow
    values = []
    for new_id, *cells in rows:
        row = [new_id]
        for name, value in zip(own, cells, strict=True):
            if name in raw:
                row.append(None if value is False else value)
                continue
            try:
                key = (name, value)
                if key not in converted:
                    converted[key] = fields[name].convert_to_column_insert(value, model)
                row.append(converted[key])
            except TypeError:  # an unhashable value
                row.append(fields[name].convert_to_column_insert(value, model))
        values.append(tuple(row))
    casts = [None, *(fields[name].column_type[1] for name in own)]
    table = SQL.identifier(model._table)
    columns = SQL(", ").join(SQL.identifier(name) for name in own)
    for page in split_every(PAGE_SIZE, values, list):
        model.env.cr.execute(
            SQL(
                """INSERT INTO %(table)s (id, %(copied)s, %(columns)s)
                   SELECT v.id, %(from_prototype)s, %(from_row)s
                     FROM (VALUES %(rows)s) AS v(id, %(columns)s)
                     JOIN %(table)s p ON p.id = %(prototype)s""",
                table=table,
                copied=SQL(", ").join(SQL.identifier(name) for name in copied),
                columns=columns,
                from_prototype=SQL(", ").join(SQL.identifier("p", name) for name in copied),
                from_row=SQL(", ").join(SQL.identifier("v", name) for name in own),
                rows=values_list(page, casts),
                prototype=prototype_id,
            )
        )
    _cache_company_dependent(model.browse(prototype_id), [row[0] for row in values], copied)


def _cache_company_dependent(prototype, new_ids, copied):
    """Put the prototype's values of its company-dependent fields among
    ``copied`` in the cache of the records of ``new_ids``, which hold the
    same columns. Reading one of them fetches them all, each many2one with a
    subquery checking that its record exists: 30 ms per thousand contacts
    (a subscription's pricelist and fiscal position read two of them)."""
    records = prototype.browse(new_ids)
    for name in copied:
        field = prototype._fields[name]
        if field.company_dependent:
            # fetched if not cached; sudo: whatever field the user may not read
            prototype.sudo()[name]  # noqa: B018
            prototype.env.cache.update(records, field, itertools.repeat(prototype.env.cache.get(prototype, field)))


def update_rows(model, rows, columns, common=None):
    """UPDATE the records of ``model`` that ``rows`` name ((id, value of each
    of ``columns``), values as the ORM takes them, False for empty), each
    with its own values, all with ``common`` ({column: value}), write_uid and
    write_date: one statement per page. What is pending is flushed first;
    the records' cache then forgets what the statement wrote and every field
    not stored (what the ORM computes again from it)."""
    model.env.flush_all()
    casts = [None, *(model._fields[name].column_type[1] for name in columns)]
    common = {**(common or {}), "write_uid": model.env.uid, "write_date": model.env.cr.now()}
    table = SQL.identifier(model._table)
    for page in split_every(PAGE_SIZE, rows, list):
        model.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET %(own)s, %(common)s"
                " FROM (VALUES %(rows)s) AS new(id, %(columns)s)"
                " WHERE %(table)s.id = new.id AND %(table)s.id = ANY(%(ids)s)",
                table=table,
                own=SQL(", ").join(SQL("%s = new.%s", SQL.identifier(name), SQL.identifier(name)) for name in columns),
                common=SQL(", ").join(SQL("%s = %s", SQL.identifier(name), value) for name, value in common.items()),
                rows=values_list([tuple(None if value is False else value for value in row) for row in page], casts),
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                ids=[row[0] for row in page],
            )
        )
    written = {*columns, *common} | {name for name, field in model._fields.items() if not field.store}
    model.browse([row[0] for row in rows]).invalidate_recordset(written)


def overridden_elsewhere(model, names, known_modules):
    """A class of ``model`` from a module not in ``known_modules`` defines
    one of ``names`` (the registry's own class left out)."""
    return any(cls.__module__ not in known_modules and set(names) & set(vars(cls)) for cls in type(model).mro()[1:])


def is_quiet(record):
    """The prototype has no followers, messages, activities or links in a
    many2many field: its copies would not have them."""
    env = record.env
    domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
    if env["mail.followers"].sudo().search_count(domain, limit=1):
        return False
    if env["mail.activity"].sudo().search_count(domain, limit=1):
        return False
    if env["mail.message"].sudo().search_count([("model", "=", record._name), ("res_id", "=", record.id)], limit=1):
        return False
    return not any(record[name] for name, field in record._fields.items() if field.type == "many2many" and field.store)


def skipped(stats):
    """No row of the list is written like a prototype."""
    if stats is not None:
        stats.update(inserted=0, kinds=0)


def written(model, ids, *, inserted, kinds, stats, validate, logger, holding=()):
    """The records of ``ids``, in order, once the fast path wrote them: its
    figures logged and given to ``stats``, the constraints of the fields
    ``validate`` checked (inserted rows skip the ORM's), but for the
    constraint methods named in ``holding``, which the caller shows to hold."""
    logger.info(
        "%s bulk create: %s of %s records written like one of %s prototypes", model._name, inserted, len(ids), kinds
    )
    if stats is not None:
        stats.update(inserted=inserted, kinds=kinds)
    records = model.browse(ids)
    if not holding:
        records._validate_fields(validate)
        return records
    # _validate_fields(), but for those methods
    for check in records._constraint_methods:
        if check.__name__ not in holding and not set(validate).isdisjoint(check._constrains):
            check(records)
    return records


def copy_many2many(record, new_ids):
    """Give each record of ``new_ids`` (of ``record``'s model) the links
    ``record`` has in each of its stored many2many fields."""
    for field in record._fields.values():
        if field.type != "many2many" or not field.store or not record[field.name]:
            continue
        record.env.cr.execute(
            SQL(
                "INSERT INTO %(relation)s (%(column1)s, %(column2)s) "
                "SELECT new.id, link.%(column2)s FROM unnest(%(ids)s) AS new(id) "
                "JOIN %(relation)s link ON link.%(column1)s = %(record)s",
                relation=SQL.identifier(field.relation),
                column1=SQL.identifier(field.column1),
                column2=SQL.identifier(field.column2),
                ids=list(new_ids),
                record=record.id,
            )
        )

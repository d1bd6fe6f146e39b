# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many running subscriptions at once, as the ORM makes and starts them.

Creating a subscription with subscription_oca takes a sequence number, prices
each line through the pricelist, maps its taxes through the fiscal position,
computes the totals, then starting it writes the stage and the dates again:
a few milliseconds per subscription. The subscriptions of one import differ
in their customer, member and dates. ``_bulk_import_start`` lets the ORM make
the first two subscriptions of each *kind* (the same template, plans,
pricelist, company, and a customer of the same language and fiscal
position: what the lines' description, price and taxes depend on), and
inserts the others like the second one (models/bulk_insert.py) with their
lines and taxes, the reference drawn from the same sequence and the fields
computed from the dates computed here as subscription_oca computes them.
Where that cannot be shown to give what the ORM gives, every subscription
goes through the ORM: an automation rule on subscriptions or their lines, a
value varying that is not one of FAST_FIELDS, or a prototype that differs
from the first subscription of its kind or from what is computed here.

``tests/test_member_bulk_create.py`` compares, column by column, the
subscriptions and lines written here with those the ORM writes."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import api, models

from . import bulk_insert

_logger = logging.getLogger(__name__)

# The values that may differ from row to row on the fast path.
FAST_FIELDS = {"partner_id", "member_id", "date_start", "recurring_next_date"}
# Values that may differ too, each a kind of its own (and the plans).
KIND_FIELDS = {"template_id", "pricelist_id"}
# Computed here for each row.
DERIVED = {"code", "name", "date", "recurring_rule_boundary"}
# Line fields compared between the first two subscriptions of a kind.
LINE_FIELDS = (
    "product_id",
    "name",
    "product_uom_qty",
    "price_unit",
    "discount",
    "tax_ids",
    "price_subtotal",
    "price_total",
    "amount_tax_line_amount",
    "currency_id",
    "company_id",
    "analytic_distribution",
)


class SaleSubscription(models.Model):
    _inherit = "sale.subscription"

    @api.model
    def _bulk_import_start(self, vals_list, stage, stats=None):
        """Create the subscriptions of ``vals_list`` (in that order), start
        them in ``stage`` and set their next invoice date back to the one
        given (starting resets it to today), as the ORM would with tracking
        off; see the module docstring.

        :param stats: a dict to receive ``inserted`` and ``kinds``."""
        varying = self._bulk_varying_fields(vals_list)
        if varying is None:
            bulk_insert.skipped(stats)
            return self._bulk_orm_start(vals_list, stage)
        payers = self.env["res.partner"].browse({vals["partner_id"] for vals in vals_list})
        fiscal = self._bulk_fiscal_positions(payers)
        kinds = {}
        for index, vals in enumerate(vals_list):
            payer = payers.browse(vals["partner_id"])
            key = (
                frozenset(vals),
                vals["template_id"],
                vals.get("pricelist_id"),
                vals.get("company_id"),
                tuple(command[2]["product_id"] for command in vals["sale_subscription_line_ids"]),
                payer.lang,
                fiscal[payer.id],
            )
            kinds.setdefault(key, []).append(index)
        heads = sorted(index for members in kinds.values() for index in members[:2])
        ids = [None] * len(vals_list)
        for index, subscription in zip(
            heads, self._bulk_orm_start([vals_list[index] for index in heads], stage), strict=True
        ):
            ids[index] = subscription.id
        self.env.flush_all()
        inserted = 0
        for members in kinds.values():
            rest = members[2:]
            if not rest:
                continue
            first, prototype = self.browse(ids[members[0]]), self.browse(ids[members[1]])
            if not self._bulk_prototype_ok(first, prototype, vals_list[members[1]]):
                for index, subscription in zip(
                    rest, self._bulk_orm_start([vals_list[index] for index in rest], stage), strict=True
                ):
                    ids[index] = subscription.id
                continue
            new_ids = self._bulk_insert_like(prototype, [vals_list[index] for index in rest])
            inserted += len(rest)
            for index, new_id in zip(rest, new_ids, strict=True):
                ids[index] = new_id
        return bulk_insert.written(
            self, ids, inserted=inserted, kinds=len(kinds), stats=stats, validate=varying, logger=_logger
        )

    @api.model
    def _bulk_orm_start(self, vals_list, stage):
        """What the ORM does: create, start (which makes subscription_oca
        set the next invoice date to today), then the next invoice dates
        again, one write per date."""
        subscriptions = self.with_context(**bulk_insert.QUIET).create(vals_list)
        subscriptions.write({"stage_id": stage.id})
        by_date = {}
        for subscription, vals in zip(subscriptions, vals_list, strict=True):
            by_date.setdefault(vals["recurring_next_date"], []).append(subscription.id)
        for first_bill, ids in by_date.items():
            subscriptions.browse(ids).write({"recurring_next_date": first_bill})
        return subscriptions

    @api.model
    def _bulk_varying_fields(self, vals_list):
        """The fields whose values differ between rows, or None when the
        subscriptions must go through the ORM."""
        if (
            len(vals_list) < bulk_insert.MIN_ROWS
            or not bulk_insert.fast_path_enabled(self.env, "subscription_fast_path")
            or bulk_insert.automated(self.env, self._name)
            or bulk_insert.automated(self.env, "sale.subscription.line")
        ):
            return None
        for vals in vals_list:
            lines = vals.get("sale_subscription_line_ids") or []
            if (
                not lines
                or any(command[0] != 0 or set(command[2]) != {"product_id"} for command in lines)
                or not (vals.get("partner_id") and vals.get("date_start") and vals.get("recurring_next_date"))
            ):
                return None
        keys = set().union(*vals_list) - {"sale_subscription_line_ids"}
        varying = {key for key in keys if len({repr(vals.get(key)) for vals in vals_list}) > 1}
        if not varying <= FAST_FIELDS | KIND_FIELDS:
            _logger.info("sale.subscription bulk create: %s vary, using the ORM", varying - FAST_FIELDS - KIND_FIELDS)
            return None
        return varying

    @api.model
    def _bulk_fiscal_positions(self, payers):
        """{payer id: the fiscal position of their subscriptions' lines}, as
        the lines compute it (for a subscription without one), once per
        set of the values account's _get_fiscal_position reads."""
        Position = self.env["account.fiscal.position"]
        found, cache = {}, {}
        for payer in payers:
            key = (
                payer.property_account_position_id.id,
                payer.country_id.id,
                payer.state_id.id,
                payer.zip,
                payer.vat,
            )
            if key not in cache:
                cache[key] = Position._get_fiscal_position(payer).id
            found[payer.id] = cache[key]
        return found

    @api.model
    def _bulk_codes(self, count):
        """``count`` references drawn from the subscription sequence, as the
        default of ``code`` draws them one by one."""
        Sequence = self.env["ir.sequence"]
        sequence = Sequence.sudo().search(
            [("code", "=", "sale.subscription"), ("company_id", "in", [self.env.company.id, False])],
            order="company_id",
            limit=1,
        )
        if sequence and sequence.implementation == "standard" and not sequence.use_date_range:
            self.env.cr.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)", [f"ir_sequence_{sequence.id:03d}", count]
            )
            # get_next_char, its prefix and suffix interpolated once
            prefix, suffix = sequence._get_prefix_suffix()
            return [prefix + "%%0%sd" % sequence.padding % number + suffix for (number,) in self.env.cr.fetchall()]
        return [Sequence.next_by_code("sale.subscription") for _index in range(count)]

    @api.model
    def _bulk_derived(self, template, vals, code):
        """The stored fields subscription_oca computes from a row's dates
        and reference."""
        date_start, next_date = vals["date_start"], vals["recurring_next_date"]
        date_start = min(date_start, next_date)  # as create() does
        template_code = template.code or ""
        values = {
            "partner_id": vals["partner_id"],
            "member_id": vals.get("member_id") or vals["partner_id"],
            "date_start": date_start,
            "recurring_next_date": next_date,
            "code": code,
            "name": f"{template_code}{'/' if template_code and code else ''}{code or ''}",
        }
        if template.recurring_rule_boundary == "unlimited":
            values.update(date=False, recurring_rule_boundary=True)
        else:
            values.update(
                date=date_start + relativedelta(months=+template.recurring_rule_count),
                recurring_rule_boundary=False,
            )
        return values

    def _bulk_prototype_ok(self, first, prototype, vals):
        """The first two subscriptions of a kind have the same lines (price,
        taxes, totals), the prototype holds what is computed here, and
        nothing a copy of its columns would lack."""
        if (first.recurring_total, first.amount_tax, first.amount_total) != (
            prototype.recurring_total,
            prototype.amount_tax,
            prototype.amount_total,
        ):
            return False
        lines = [
            [tuple(line[name].ids) if line._fields[name].type == "many2many" else line[name] for name in LINE_FIELDS]
            for line in first.sale_subscription_line_ids.sorted("id")
        ]
        prototype_lines = [
            [tuple(line[name].ids) if line._fields[name].type == "many2many" else line[name] for name in LINE_FIELDS]
            for line in prototype.sale_subscription_line_ids.sorted("id")
        ]
        if lines != prototype_lines:
            _logger.warning("sale.subscription bulk create: %s and %s have different lines", first.id, prototype.id)
            return False
        expected = self._bulk_derived(prototype.template_id, vals, prototype.code)
        actual = {
            name: prototype[name].id if prototype._fields[name].type == "many2one" else prototype[name]
            for name in expected
        }
        if actual != expected:
            _logger.warning(
                "sale.subscription bulk create: prototype %s differs %s != %s", prototype.id, actual, expected
            )
            return False
        return bulk_insert.is_quiet(prototype)

    @api.model
    def _bulk_insert_like(self, prototype, vals_list):
        """INSERT a subscription per row like ``prototype``, with its lines
        and their taxes; the new ids, in order."""
        template = prototype.template_id
        new_ids = bulk_insert.new_ids(self, len(vals_list))
        codes = self._bulk_codes(len(vals_list))
        own = sorted(FAST_FIELDS | DERIVED)
        rows = []
        for new_id, vals, code in zip(new_ids, vals_list, codes, strict=True):
            derived = self._bulk_derived(template, vals, code)
            rows.append((new_id, *(derived[name] for name in own)))
        bulk_insert.insert_like(self, prototype.id, own, rows)
        Line = self.env["sale.subscription.line"]
        for line in prototype.sale_subscription_line_ids.sorted("id"):
            line_ids = bulk_insert.new_ids(Line, len(new_ids))
            bulk_insert.insert_like(
                Line,
                line.id,
                ["sale_subscription_id"],
                list(zip(line_ids, new_ids, strict=True)),
            )
            bulk_insert.copy_many2many(line, line_ids)
        return new_ids

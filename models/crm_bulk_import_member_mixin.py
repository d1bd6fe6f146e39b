# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..engine.billing import day_in_month, next_bill_date, prorated_amount
from ..engine.numbers import column_decimal
from . import bulk_insert
from .crm_bulk_import_type import Result, RowError


class CustomColumns(dict):
    """{file column: property name}, with the decimal separator each column
    shows in the chunk's values (``decimals``)."""

    decimals = None


# Custom fields one import may add to the company. Every column mapped to no
# field becomes one, shown on every member form: a file with more is most
# likely mapped wrong (or built to flood the company with fields).
MAX_NEW_CUSTOM_FIELDS = 50
# Custom fields a company may have in all, whichever imports added them, so
# that many imports of acceptable files cannot flood it either.
MAX_CUSTOM_FIELDS = 200
# Columns a refusal names: enough to recognise the file's mistake.
CUSTOM_COLUMNS_SHOWN = 10


class CrmBulkImportMemberMixin(models.AbstractModel):
    """What the member import types share: teams, plans,
    room permission groups, billing dates, subscriptions and custom fields."""

    _name = "crm.bulk.import.member.mixin"
    _description = "Bulk Import: Members"

    # ------------------------------------------------------------
    # Lookups, one query each
    # ------------------------------------------------------------

    @api.model
    def _find_plans(self, job, names):
        """{lower name: plan product} among subscribable products."""
        products = self.env["product.product"].search(
            [
                ("product_tmpl_id.subscribable", "=", True),
                ("company_id", "in", [job.company_id.id, False]),
            ]
        )
        wanted = {name.lower() for name in names}
        return {product.name.lower(): product for product in products if product.name.lower() in wanted}

    @api.model
    def _find_room_groups(self, job, names):
        groups = (
            self.env["room.permission.group"].search(
                [
                    ("company_id", "=", job.company_id.id),
                    ("name", "in", list(names)),
                ]
            )
            if names
            else self.env["room.permission.group"]
        )
        return {group.name.lower(): group for group in groups}

    @api.model
    def _find_teams(self, job, names):
        """{name: company partner} for the teams that exist (exact name)."""
        teams = self.env["res.partner"].search(
            [
                ("is_company", "=", True),
                ("name", "in", list(names)),
                ("company_id", "in", [job.company_id.id, False]),
            ],
            order="id",
        )
        found = {}
        for team in teams:
            found.setdefault(team.name, team)
        return found

    @api.model
    def _contacts_by_email(self, job, emails):
        """The contacts (people) of the company whose first email is one of
        ``emails``, in any case, oldest first, and the ids of those that are
        members: a search per thousand emails, one query."""
        if not emails:
            return self.env["res.partner"], set()
        Partner = self.env["res.partner"]
        ids = set()
        for page in split_every(bulk_insert.LOOKUP_PAGE, sorted({email.lower() for email in emails}), list):
            domain = [("email_normalized", "in", page), ("is_company", "=", False)]
            ids.update(Partner.search(domain + [("company_id", "in", [job.company_id.id, False])], order="id").ids)
        contacts = Partner.browse(sorted(ids))
        return contacts, contacts._member_ids()

    @api.model
    def _existing_by_email(self, contacts, member_ids):
        """{email: the contact that exists with it}: a member before a
        contact who is not one, then the oldest."""
        found = {}
        for contact in sorted(contacts, key=lambda contact: contact.id not in member_ids):
            found.setdefault(contact.email_normalized, contact)
        return found

    @api.model
    def _existing_member_result(self, job, row, member, plans):
        """What becomes of a row whose email is an existing member's, by the
        job's choice: a skipped or error Result, or None to update the member
        (None also when they have none of the row's plans running)."""
        running = member.member_subscription_ids.filtered("in_progress").sale_subscription_line_ids.product_id
        duplicate = [plan for plan in plans if plan in running]
        if job._option("existing_members") == "update" and not duplicate:
            return None
        if job._option("existing_members") == "update":
            return Result(
                "skipped",
                self.env._(
                    "Row %(row)s: %(member)s (a member already, found by email %(email)s) has the plan %(plan)s "
                    "running already: nothing added.",
                    row=row.row_number,
                    member=member.display_name,
                    email=row.values["email"],
                    plan=", ".join(plan.name for plan in duplicate),
                ),
                "res.partner",
                member.id,
            )
        if job._option("existing_members") == "error":
            return Result(
                "error",
                self._cell_error(
                    job,
                    row,
                    "email",
                    row.values["email"],
                    self.env._(
                        '%(member)s is a member already. Choose "Update them and add the plan" or "Skip them" for '
                        "Existing members, or remove the row.",
                        member=member.display_name,
                    ),
                ),
            )
        return Result(
            "skipped",
            self.env._(
                "Warning, row %(row)s: %(member)s is a member already (found by email %(email)s): row skipped. To "
                'add the plan to them, choose "Update them and add the plan" for Existing members.',
                row=row.row_number,
                member=member.display_name,
                email=row.values["email"],
            ),
            "res.partner",
            member.id,
        )

    @api.model
    def _check_names(self, job, row, key, found, problem):
        """One error per name of the cell that ``found`` does not know."""
        return [
            self._cell_error(job, row, key, ", ".join(row.values[key]), problem % {"name": name})
            for name in row.values[key]
            if name.lower() not in found
        ]

    # ------------------------------------------------------------
    # Teams, billing, subscriptions
    # ------------------------------------------------------------

    @api.model
    def _create_teams(self, job, names):
        """One company per name, in one batch."""
        return self.env["res.partner"]._bulk_import_create(
            [{"name": name, "is_company": True, "company_id": job.company_id.id} for name in names]
        )

    @api.model
    def _first_bill_date(self, job, start, bill_day, new_team):
        """The first recurring bill date from ``start`` (the upload or the
        Billing Start Date): the next occurrence of the row's Monthly Bill Date;
        without one, the company's Default Billing Day, and for a new team that
        day of next month."""
        if bill_day:
            return next_bill_date(start, bill_day)
        default = job.company_id.default_billing_day or 1
        if new_team:
            following = start + relativedelta(months=1)
            return day_in_month(following.year, following.month, default)
        return next_bill_date(start, default)

    @api.model
    def _subscribe_many(self, job, entries, undo=None):
        """One running subscription per member and recurrence (plans sharing
        a subscription template share a subscription), billed to the payer
        (the member by default) from the first bill date; with a Billing Start
        Date, a prorated invoice for the days until the first bill. For many
        members at once: a prototype per kind, the others written like it.

        :param entries: dicts with member, plans, first_bill and optionally
            payer, date_start, billing_start, line_id (for ``undo``, an
            UndoLog that is told of the subscriptions and invoices)."""
        today = fields.Date.context_today(self)
        in_progress = self.env["sale.subscription.stage"].search([("type", "=", "in_progress")], limit=1)
        vals_list, firsts, prorate, line_ids = [], [], [], []
        default_pricelist = None
        for entry in entries:
            member, first_bill = entry["member"], entry["first_bill"]
            payer = entry.get("payer") or member
            start = entry.get("date_start") or entry.get("billing_start") or today
            by_template = {}
            for plan in entry["plans"]:
                by_template.setdefault(plan.subscription_template_id, []).append(plan)
            pricelist = payer.property_product_pricelist
            if not pricelist:
                default_pricelist = default_pricelist or self._default_pricelist(job)
                pricelist = default_pricelist
            for template, template_plans in by_template.items():
                vals_list.append(
                    {
                        "member_id": member.id,
                        "partner_id": payer.id,
                        "company_id": job.company_id.id,
                        "template_id": template.id,
                        "pricelist_id": pricelist.id,
                        "date_start": min(start, first_bill),
                        "recurring_next_date": first_bill,
                        "sale_subscription_line_ids": [
                            Command.create({"product_id": plan.id}) for plan in template_plans
                        ],
                    }
                )
                firsts.append(first_bill)
                line_ids.append(entry.get("line_id"))
                billing_start = entry.get("billing_start")
                prorate.append(billing_start if billing_start and billing_start < first_bill else False)
        # Created, started and given their first bill dates (models/
        # sale_subscription_bulk_create.py), tracking off: they are new.
        subscriptions = self.env["sale.subscription"]._bulk_import_start(vals_list, in_progress)
        for subscription, billing_start, first_bill, line_id in zip(
            subscriptions, prorate, firsts, line_ids, strict=True
        ):
            invoice = self._prorated_invoice(subscription, billing_start, first_bill) if billing_start else None
            if undo is not None:
                undo.created(line_id, subscription)
                undo.created(line_id, invoice or [])
        return subscriptions

    @api.model
    def _default_pricelist(self, job):
        """The pricelist of a subscription whose customer has none. A
        subscription needs one; with the Pricelists feature off, Odoo keeps the
        company's default pricelist archived (and archives any active one when
        the settings are saved). So: an active pricelist of the company, else
        its archived default one, else that default created archived, as Odoo
        would create it when the feature is turned on. Never an active one:
        the settings would then warn that saving archives it."""
        company = job.company_id
        Pricelist = self.env["product.pricelist"].sudo()
        domain = [("company_id", "in", [company.id, False]), ("currency_id", "=", company.currency_id.id)]
        pricelist = Pricelist.search(domain, order="company_id, sequence, id", limit=1)
        if not pricelist:
            archived = Pricelist.with_context(active_test=False).search(
                domain + [("active", "=", False)], order="company_id, sequence, id", limit=1
            )
            pricelist = archived or Pricelist.create({**company._get_default_pricelist_vals(), "active": False})
        return pricelist

    @api.model
    def _prorated_invoice(self, subscription, start, first_bill):
        """A draft invoice dated ``start`` for the days until ``first_bill``:
        plan price × days / days of that billing period."""
        template = subscription.template_id
        months = template.recurring_interval if template.recurring_rule_type == "months" else 1
        lines = []
        for line in subscription.sale_subscription_line_ids:
            amount = prorated_amount(line.price_unit, start, first_bill, months=months)
            lines.append(
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": self.env._(
                            "%(plan)s, prorated from %(start)s to %(end)s",
                            plan=line.product_id.name,
                            start=start,
                            end=first_bill,
                        ),
                        "quantity": line.product_uom_qty,
                        "price_unit": round(amount, 2),
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                    }
                )
            )
        # sudo, as subscription_oca itself invoices subscriptions: the importer
        # need not be an accountant; the invoice stays a draft to review.
        return (
            self.env["account.move"]
            .sudo()
            .with_context(default_move_type="out_invoice")
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": subscription.partner_id.id,
                    "invoice_date": start,
                    "invoice_origin": subscription.name,
                    "subscription_id": subscription.id,
                    "company_id": subscription.company_id.id,
                    "invoice_line_ids": lines,
                }
            )
        )

    # ------------------------------------------------------------
    # Custom fields
    # ------------------------------------------------------------

    @api.model
    def _check_mapping(self, job, mapping, headers):
        """Refuse the file before anything is written when its unmapped
        columns would make too many custom fields."""
        definitions = job.company_id.sudo().member_properties_definition or []
        known = {definition["string"] for definition in definitions}
        new = [header for header in self._custom_headers(mapping, headers) if header not in known]
        self._check_custom_field_limits(new, len(definitions))

    @api.model
    def _custom_headers(self, mapping, headers=None):
        """The columns that are custom fields: mapped to no field and not
        ignored by the type; in the file's order when ``headers`` is given (a
        stored mapping does not keep it)."""
        schema = self._schema()
        custom = [
            header for header, key in (mapping or {}).items() if not key and header and not schema.is_ignored(header)
        ]
        if headers:
            position = {header: index for index, header in enumerate(headers)}
            custom.sort(key=lambda header: position.get(header, len(position)))
        return custom

    @api.model
    def _check_custom_field_limits(self, new_headers, existing_count):
        """UserError when creating custom fields for ``new_headers`` would
        pass MAX_NEW_CUSTOM_FIELDS, or MAX_CUSTOM_FIELDS with the company's
        ``existing_count``."""
        if not new_headers:
            return
        count = len(new_headers)
        columns = ", ".join(f'"{header}"' for header in new_headers[:CUSTOM_COLUMNS_SHOWN])
        if count > CUSTOM_COLUMNS_SHOWN:
            columns += self.env._(" and %(count)s more", count=count - CUSTOM_COLUMNS_SHOWN)
        if count > MAX_NEW_CUSTOM_FIELDS:
            raise UserError(
                self.env._(
                    "%(count)s columns of the file are mapped to no field and would become new custom fields of "
                    "the members: an import may create at most %(limit)s. Map these columns to a field, or remove "
                    "them from the file, and import it again. Columns: %(columns)s.",
                    count=count,
                    limit=MAX_NEW_CUSTOM_FIELDS,
                    columns=columns,
                )
            )
        if count + existing_count > MAX_CUSTOM_FIELDS:
            raise UserError(
                self.env._(
                    "%(count)s columns of the file are mapped to no field and would become new custom fields of "
                    "the members, but the company already has %(existing)s and may have at most %(limit)s. Map "
                    "these columns to a field, or remove them from the file, or delete custom fields the company "
                    "no longer uses, and import it again. Columns: %(columns)s.",
                    count=count,
                    existing=existing_count,
                    limit=MAX_CUSTOM_FIELDS,
                    columns=columns,
                )
            )

    @api.model
    def _custom_columns(self, job, rows):
        """{file column: property name} for the columns mapped to no field
        that have values; their property definitions are created on the
        company as needed, text
        unless every value of the column is a number. The limits of
        _check_mapping hold here too, whatever the path that got here."""
        headers = self._custom_headers(job.mapping, job.file_headers)
        if not headers:
            return {}
        company = job.company_id.sudo()
        definitions = list(company.member_properties_definition or [])
        by_string = {definition["string"]: definition["name"] for definition in definitions}
        # A column empty in these rows makes no field (an empty column of the
        # export, left unmapped, is not worth a field of the company); a later
        # chunk with values creates it then.
        headers = [header for header in headers if header in by_string or any(row.raw.get(header) for row in rows)]
        new = [header for header in headers if header not in by_string]
        self._check_custom_field_limits(new, len(definitions))
        decimals = {
            header: column_decimal(str(row.raw.get(header) or "") for row in rows if row.raw.get(header))
            for header in headers
        }
        for header in new:
            values = [str(row.raw.get(header) or "") for row in rows if row.raw.get(header)]
            # A number column when every value reads as one number; a value
            # that reads two ways ("1.500") keeps the column text, as written.
            numeric = values and all(self._custom_number(job, value, decimals[header]) is not None for value in values)
            name = self._property_name(header, set(by_string.values()))
            definitions.append({"name": name, "string": header, "type": "float" if numeric else "char"})
            by_string[header] = name
        if new:
            company.member_properties_definition = definitions
        custom = CustomColumns({header: by_string[header] for header in headers})
        custom.decimals = decimals
        return custom

    @api.model
    def _custom_number(self, job, text, decimal):
        """The number ``text`` means, or None (not a number, or one that
        reads two ways: "1.500")."""
        try:
            return self.env["crm.bulk.import.type"]._parse_number(text, decimal, job)
        except RowError:
            return None

    @api.model
    def _property_name(self, header, taken):
        base = re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_") or "field"
        name, index = base, 2
        while name in taken:
            name, index = f"{base}_{index}", index + 1
        return name

    @api.model
    def _set_custom_fields(self, job, member, row, custom):
        member.write(self._custom_values(job, row, custom, member))

    @api.model
    def _custom_values(self, job, row, custom, member=None):
        """The values of a member's custom fields (properties) from the
        row's unmapped columns, for a create or a write of ``member``."""
        company = member.member_company_id if member and member.member_company_id else job.company_id
        definitions = {
            definition["name"]: definition["type"] for definition in company.sudo().member_properties_definition or []
        }
        values = dict(member.member_properties or {}) if member else {}
        for header, name in custom.items():
            text = str(row.raw.get(header) or "").strip()
            if not text:
                continue
            if definitions.get(name) != "float":
                values[name] = text
                continue
            number = self._custom_number(job, text, (getattr(custom, "decimals", None) or {}).get(header))
            if number is None:
                raise UserError(
                    self.env._(
                        'Row %(row)s, column "%(column)s", value "%(value)s": this custom field holds numbers, '
                        "and this value reads as none or as two (write 1500 or 1.5, not 1.500).",
                        row=row.row_number,
                        column=header,
                        value=text,
                    )
                )
            values[name] = number
        return {"member_company_id": company.id, "member_properties": values}

    # ------------------------------------------------------------
    # Emails and dropdowns
    # ------------------------------------------------------------

    @api.model
    def _send_onboarding(self, members):
        template = self.env.ref("crm_bulk_import.mail_template_member_onboarding")
        for member in members:
            template.send_mail(member.id, force_send=False)

    @api.model
    def _choices_plans(self, company):
        products = self.env["product.product"].search(
            [
                ("product_tmpl_id.subscribable", "=", True),
                ("company_id", "in", [company.id, False]),
            ]
        )
        return sorted(set(products.mapped("name")))

    @api.model
    def _choices_room_groups(self, company):
        return sorted(self.env["room.permission.group"].search([("company_id", "=", company.id)]).mapped("name"))

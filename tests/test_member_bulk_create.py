# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import logging
from datetime import date, timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase

from ..models.res_partner_bulk_create import FAST_FIELDS as CONTACT_FAST_FIELDS
from ..models.sale_subscription_bulk_create import FAST_FIELDS as SUBSCRIPTION_FAST_FIELDS
from .common import BulkImportCase, csv_bytes

# Columns that hold when a record was written, not what it holds.
TIMESTAMPS = {"id", "create_date", "write_date", "calendar_last_notif_ack"}


def stored_rows(records, key):
    """{key of the row: {column: value}} of ``records`` as the database
    holds them."""
    model = records.browse()
    columns = [name for name, field in model._fields.items() if field.store and field.column_type]
    records.env.flush_all()
    records.env.cr.execute(
        "SELECT {} FROM {} WHERE id = ANY(%s) ORDER BY id".format(
            ", ".join(f'"{column}"' for column in columns), model._table
        ),
        [records.ids],
    )
    rows = [dict(zip(columns, row, strict=True)) for row in records.env.cr.fetchall()]
    return {key(row): row for row in rows}


class TestContactBulkCreate(TransactionCase):
    """The contacts the fast path writes are, column by column, those
    res.partner.create() writes from the same list: the address a contact
    takes from its company (or gives to it), its commercial entity, full
    name, normalized email and sanitized phone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.fr")
        cls.salesperson = cls.env["res.users"].create({"name": "Sales Rep", "login": "bulk-sales-rep"})
        cls.industry = cls.env["res.partner.industry"].create({"name": "Coworking"})

    def teams(self):
        """The same companies, made afresh for each side of a comparison."""
        Partner = self.env["res.partner"]
        teams = {
            # an address: its contacts take it, whatever their row says
            "addressed": Partner.create(
                {
                    "name": "Addressed Inc",
                    "is_company": True,
                    "street": "1 Quai",
                    "city": "Lyon",
                    "zip": "69001",
                    "country_id": self.env.ref("base.fr").id,
                }
            ),
            # commercial fields and a salesperson its contacts take
            "commercial": Partner.create(
                {
                    "name": "Commercial SA",
                    "is_company": True,
                    "vat": "BE0477472701",
                    "company_registry": "0477472701",
                    "industry_id": self.industry.id,
                    "user_id": self.salesperson.id,
                }
            ),
            # no address, several contacts in the list: each keeps its own
            "many": Partner.create({"name": "Many Ltd", "is_company": True}),
            # no address, one contact with one in the list: the company takes it
            "single": Partner.create({"name": "Single GmbH", "is_company": True}),
            # no address, one contact without one in the list
            "single_empty": Partner.create({"name": "Empty BV", "is_company": True}),
            # no address, a contact already: nothing moves
            "staffed": Partner.create({"name": "Staffed SRL", "is_company": True}),
        }
        Partner.create({"name": "Already There", "parent_id": teams["staffed"].id})
        return teams

    def vals_list(self, teams, count=90):
        phones = ("06 12 34 56 78", "+32 470 12 34 56", "12", False)
        emails = ("Member.{index}@Example.com", '"Member {index}" <M{index}@example.org>', "not an email", False)
        countries = (self.env.ref("base.fr").id, self.env.ref("base.be").id, False)
        parents = ("addressed", "commercial", "many", None, "many", "staffed", None)
        vals_list = []
        for index in range(count):
            vals = {
                "name": f"Member {index}",
                "company_id": self.env.company.id,
                "street": f"{index} Rue Neuve",
                "street2": f"Floor {index % 4}",
                "city": ("Paris", "Gent", "Köln")[index % 3],
                "zip": f"{75000 + index}",
            }
            if emails[index % len(emails)]:
                vals["email"] = emails[index % len(emails)].format(index=index)
            if phones[index % len(phones)]:
                vals["phone"] = phones[index % len(phones)]
            if countries[index % len(countries)]:
                vals["country_id"] = countries[index % len(countries)]
            parent = parents[index % len(parents)]
            if parent:
                vals["parent_id"] = teams[parent].id
            vals_list.append(vals)
        vals_list[10]["parent_id"] = teams["single"].id
        vals_list[11]["parent_id"] = teams["single_empty"].id
        for name in ("street", "street2", "city", "zip", "country_id"):
            vals_list[11].pop(name, None)
        return vals_list

    def test_same_columns_as_create(self):
        Partner = self.env["res.partner"]
        fast_teams = self.teams()
        vals_list = self.vals_list(fast_teams)
        varying = Partner._bulk_varying_fields(vals_list)
        self.assertTrue(varying, "these rows must take the fast path")
        self.assertEqual(
            varying,
            (set(CONTACT_FAST_FIELDS) - {"team_admin_id"}) | {"country_id"},
            "every field of the fast path varies here, and is compared",
        )
        stats = {}
        fast = Partner._bulk_import_create([dict(vals) for vals in vals_list], stats=stats)
        self.assertGreater(stats["kinds"], 5)
        self.assertGreater(stats["inserted"], 40, stats)

        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.contact_fast_path", "0")
        slow_teams = self.teams()
        slow_vals = self.vals_list(slow_teams)
        self.assertIsNone(Partner._bulk_varying_fields(slow_vals))
        slow = Partner._bulk_import_create(slow_vals)

        self.assertEqual(fast.mapped("name"), [vals["name"] for vals in vals_list], "contacts in the order given")
        names = {
            **{team.id: key for key, team in fast_teams.items()},
            **{team.id: key for key, team in slow_teams.items()},
        }

        def key(row):
            return row["name"]

        fast_rows, slow_rows = stored_rows(fast, key), stored_rows(slow, key)
        self.assertEqual(len(fast_rows), 90)
        for name, fast_row in fast_rows.items():
            slow_row = slow_rows[name]
            for row in (fast_row, slow_row):
                row["parent_id"] = names.get(row["parent_id"])
                row["commercial_partner_id"] = names.get(row["commercial_partner_id"], "itself")
            differing = {
                column: (value, slow_row[column])
                for column, value in fast_row.items()
                if column not in TIMESTAMPS and value != slow_row[column]
            }
            self.assertEqual(differing, {}, f"{name}: columns differ (fast, create)")
        # The companies end the same too: the one whose only contact had an
        # address took it, the others kept theirs or none.
        for team_key, fast_team in fast_teams.items():
            slow_team = slow_teams[team_key]
            for field in ("street", "city", "zip", "country_id", "vat"):
                self.assertEqual(fast_team[field], slow_team[field], f"{team_key}.{field}")
        self.assertEqual(fast_teams["single"].city, "Gent")
        self.assertFalse(fast_teams["many"].city)
        self.assertFalse(fast_teams["staffed"].city)

        # What the comparison covers is really computed.
        by_name = {partner.name: partner for partner in fast}
        self.assertEqual(by_name["Member 0"].city, "Lyon", "the company's address")
        self.assertEqual(by_name["Member 0"].complete_name, "Addressed Inc, Member 0")
        self.assertEqual(by_name["Member 0"].email_normalized, "member.0@example.com")
        self.assertEqual(by_name["Member 0"].phone_sanitized, "+33612345678")
        self.assertEqual(by_name["Member 1"].vat, "BE0477472701")
        self.assertEqual(by_name["Member 1"].user_id, self.salesperson)
        self.assertEqual(by_name["Member 1"].commercial_partner_id, fast_teams["commercial"])
        self.assertEqual(by_name["Member 1"].email_normalized, "m1@example.org")
        self.assertEqual(by_name["Member 2"].phone_sanitized, False, "an invalid number")
        self.assertEqual(by_name["Member 2"].city, "Köln", "its own address: the company has none")
        self.assertEqual(by_name["Member 3"].commercial_partner_id, by_name["Member 3"])
        self.assertEqual(by_name["Member 3"].complete_name, "Member 3")

    def test_other_fields_go_through_create(self):
        """A varying value the fast path does not compute, an automation
        rule on contacts, or few rows: create() for every contact."""
        Partner = self.env["res.partner"]
        vals_list = self.vals_list(self.teams())
        self.assertIsNone(Partner._bulk_varying_fields(vals_list[:10]))
        with_function = [dict(vals, function=f"Job {index}") for index, vals in enumerate(vals_list)]
        self.assertIsNone(Partner._bulk_varying_fields(with_function))
        with_website = [dict(vals, website="example.com") for vals in vals_list]
        self.assertIsNone(Partner._bulk_varying_fields(with_website))
        self.env["base.automation"].create(
            {
                "name": "Watch contacts",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "trigger": "on_create",
            }
        )
        self.assertIsNone(Partner._bulk_varying_fields(vals_list))
        stats = {}
        created = Partner._bulk_import_create(vals_list, stats=stats)
        self.assertEqual(stats["inserted"], 0)
        self.assertEqual(len(created), 90)

    def test_inserted_contacts_skip_only_the_cycle_check(self):
        """Odoo's check that no contact is its own company's company reads
        every contact that has a company when given a thousand. The inserted
        contacts, new and nobody's company, cannot be in a cycle: they skip
        it; the contacts create() makes are checked as create() checks them."""
        Partner = self.env["res.partner"]
        teams = self.teams()
        checked = []
        original = type(Partner)._has_cycle

        def has_cycle(records, field_name=None):
            checked.extend(records.ids)
            return original(records, field_name)

        stats = {}
        with patch.object(type(Partner), "_has_cycle", has_cycle):
            contacts = Partner._bulk_import_create(self.vals_list(teams), stats=stats)
        self.assertGreater(stats["inserted"], 40, stats)
        self.assertEqual(
            len(set(checked) & set(contacts.ids)), len(contacts) - stats["inserted"], "only the contacts of create()"
        )
        self.assertTrue(contacts.filtered("parent_id"))
        # and a cycle is still refused where one can be made
        with self.assertRaises(ValidationError):
            teams["many"].parent_id = contacts.filtered(lambda partner: partner.parent_id == teams["many"])[-1]

    def test_company_dependent_fields_read_as_stored(self):
        """The inserted contacts' company-dependent fields (a fiscal position
        and a pricelist given in every row, the accounts Odoo defaults) are
        known without a query, and are what the database holds."""
        Partner = self.env["res.partner"]
        position = self.env["account.fiscal.position"].create({"name": "Intra-EU"})
        pricelist = self.env["product.pricelist"].create({"name": "Members"})
        vals_list = [
            dict(vals, property_account_position_id=position.id, specific_property_product_pricelist=pricelist.id)
            for vals in self.vals_list(self.teams())
        ]
        stats = {}
        contacts = Partner._bulk_import_create(vals_list, stats=stats)
        self.assertGreater(stats["inserted"], 40, stats)
        names = [name for name, field in Partner._fields.items() if field.company_dependent]
        self.assertIn("property_account_receivable_id", names)
        with self.assertQueryCount(0):
            known = {partner.id: {name: partner[name] for name in names} for partner in contacts}
        self.env.invalidate_all()
        for partner in contacts:
            self.assertEqual(known[partner.id], {name: partner[name] for name in names}, partner.name)
        # a contact of a company takes the company's fiscal position
        alone = contacts.filtered(lambda partner: not partner.parent_id)[-1]
        self.assertEqual(alone.property_account_position_id, position)
        self.assertEqual(alone.property_product_pricelist, pricelist)
        self.assertTrue(alone.property_account_receivable_id, "the company's default account")


class TestSubscriptionBulkCreate(TransactionCase):
    """The running subscriptions the fast path writes are, column by column
    with their lines and taxes, those the ORM writes: price through the
    pricelist, taxes through the customer's fiscal position, totals, dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.stage = env["sale.subscription.stage"].search([("type", "=", "in_progress")], limit=1)
        cls.monthly = env["sale.subscription.template"].create(
            {"name": "Bulk Monthly", "code": "BM", "recurring_interval": 1, "recurring_rule_type": "months"}
        )
        cls.yearly = env["sale.subscription.template"].create(
            {
                "name": "Bulk Yearly",
                "recurring_interval": 1,
                "recurring_rule_type": "years",
                "recurring_rule_boundary": "limited",
                "recurring_rule_count": 12,
            }
        )
        cls.tax = env["account.tax"].create({"name": "Bulk VAT 20", "amount": 20, "type_tax_use": "sale"})
        cls.tax_be = env["account.tax"].create({"name": "Bulk VAT 6", "amount": 6, "type_tax_use": "sale"})
        cls.position = env["account.fiscal.position"].create(
            {
                "name": "Bulk Belgium",
                "auto_apply": True,
                "country_id": env.ref("base.be").id,
                "tax_ids": [Command.create({"tax_src_id": cls.tax.id, "tax_dest_id": cls.tax_be.id})],
            }
        )
        Product = env["product.product"]
        cls.desk = Product.create(
            {
                "name": "Bulk Desk",
                "list_price": 300,
                "subscribable": True,
                "subscription_template_id": cls.monthly.id,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.locker = Product.create(
            {"name": "Bulk Locker", "list_price": 20, "subscribable": True, "subscription_template_id": cls.monthly.id}
        )
        cls.office = Product.create(
            {
                "name": "Bulk Office",
                "list_price": 9000,
                "subscribable": True,
                "subscription_template_id": cls.yearly.id,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.pricelist = env["product.pricelist"].create(
            {
                "name": "Bulk Members",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.desk.id,
                            "compute_price": "fixed",
                            "fixed_price": 350,
                        }
                    )
                ],
            }
        )
        countries = (env.ref("base.fr"), env.ref("base.be"), env["res.country"])
        cls.members = env["res.partner"].create(
            [{"name": f"Subscriber {index}", "country_id": countries[index // 3 % 3].id} for index in range(80)]
        )

    def vals_list(self):
        today = date.today()
        plans = ([self.desk], [self.desk, self.locker], [self.office])
        vals_list = []
        for index, member in enumerate(self.members):
            plan_list = plans[index % len(plans)]
            payer = self.members[(index + 1) % 80] if index % 4 == 0 else member
            first_bill = today + timedelta(days=index % 28 + 1)
            vals_list.append(
                {
                    "member_id": member.id,
                    "partner_id": payer.id,
                    "company_id": self.env.company.id,
                    "template_id": plan_list[0].subscription_template_id.id,
                    "pricelist_id": self.pricelist.id,
                    "date_start": min(date(2026, 1, 1) + timedelta(days=index), first_bill),
                    "recurring_next_date": first_bill,
                    "sale_subscription_line_ids": [Command.create({"product_id": plan.id}) for plan in plan_list],
                }
            )
        return vals_list

    def rows(self, subscriptions):
        def key(row):
            return (row["member_id"], row["template_id"])

        rows = stored_rows(subscriptions, key)
        lines = subscriptions.sale_subscription_line_ids
        line_rows = stored_rows(lines, lambda row: (row["sale_subscription_id"], row["product_id"]))
        self.env.cr.execute(
            "SELECT subscription_line_id, array_agg(tax_id ORDER BY tax_id) FROM subscription_line_tax"
            " WHERE subscription_line_id = ANY(%s) GROUP BY subscription_line_id",
            [lines.ids],
        )
        taxes = dict(self.env.cr.fetchall())
        by_subscription = {}
        for (subscription_id, product_id), line in line_rows.items():
            line["taxes"] = taxes.get(line.pop("id"))
            del line["sale_subscription_id"]
            by_subscription.setdefault(subscription_id, {})[product_id] = line
        for row in rows.values():
            row["lines"] = by_subscription.get(row["id"])
        return rows

    def test_same_columns_as_the_orm(self):
        Subscription = self.env["sale.subscription"]
        vals_list = self.vals_list()
        self.assertEqual(Subscription._bulk_varying_fields(vals_list), SUBSCRIPTION_FAST_FIELDS | {"template_id"})
        stats = {}
        fast = Subscription._bulk_import_start(self.vals_list(), self.stage, stats=stats)
        # Kinds: the plans, and the customer's fiscal position (Belgium).
        self.assertGreaterEqual(stats["kinds"], 6)
        self.assertEqual(stats["inserted"], 80 - 2 * stats["kinds"], stats)
        fast_rows = self.rows(fast)
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.subscription_fast_path", "0")
        slow = Subscription._bulk_import_start(self.vals_list(), self.stage)
        slow_rows = self.rows(slow)
        self.assertEqual(fast.member_id, self.members, "subscriptions in the order given")
        self.assertEqual(len(fast_rows), 80)
        for key, fast_row in fast_rows.items():
            slow_row = slow_rows[key]
            differing = {
                column: (value, slow_row[column])
                for column, value in fast_row.items()
                if column not in TIMESTAMPS | {"code", "name"} and value != slow_row[column]
            }
            for product, line in fast_row["lines"].items():
                differing.pop("lines", None)
                slow_line = slow_row["lines"][product]
                for column, value in line.items():
                    if column not in TIMESTAMPS and value != slow_line[column]:
                        differing[f"line {product} {column}"] = (value, slow_line[column])
            if set(fast_row["lines"]) != set(slow_row["lines"]):
                differing["lines"] = (fast_row["lines"], slow_row["lines"])
            self.assertEqual(differing, {}, f"{key}: columns differ (fast, ORM)")
            # The reference is drawn from the same sequence, in the same form.
            self.assertRegex(fast_row["name"], r"^(BM/)?SUB\d+$" if fast_row["template_id"] else "")
            self.assertEqual(fast_row["name"].split("/")[-1], fast_row["code"])
        self.assertEqual(len(set(fast.mapped("code")) | set(slow.mapped("code"))), 160, "each its own reference")

        # What the comparison covers is really computed.
        belgian = fast.filtered(lambda sub: sub.partner_id.country_id.code == "BE" and sub.template_id == self.monthly)
        french = fast.filtered(lambda sub: sub.partner_id.country_id.code == "FR" and sub.template_id == self.monthly)
        self.assertTrue(belgian and french)
        desk_line = belgian[-1].sale_subscription_line_ids.filtered(lambda line: line.product_id == self.desk)
        self.assertEqual(desk_line.tax_ids, self.tax_be, "taxes through the fiscal position")
        self.assertEqual(desk_line.price_unit, 350, "the pricelist's price")
        self.assertEqual(
            french[-1].sale_subscription_line_ids.filtered(lambda line: line.product_id == self.desk).tax_ids,
            self.tax,
        )
        self.assertTrue(all(sub.in_progress and sub.stage_id == self.stage for sub in fast))
        last = fast[-1]
        self.assertEqual(last.recurring_next_date, vals_list[-1]["recurring_next_date"])
        self.assertEqual(last.member_id, self.members[-1])
        yearly = fast.filtered(lambda sub: sub.template_id == self.yearly)
        self.assertEqual(yearly[-1].date, yearly[-1].date_start + relativedelta(months=12))
        self.assertFalse(yearly[-1].recurring_rule_boundary)
        in_france = yearly.filtered(lambda sub: sub.partner_id.country_id.code == "FR")
        in_belgium = yearly.filtered(lambda sub: sub.partner_id.country_id.code == "BE")
        self.assertEqual(set(in_france.mapped("amount_total")), {10800}, "9,000 and 20% VAT")
        self.assertEqual(set(in_belgium.mapped("amount_total")), {9540}, "9,000 and 6% VAT")


class RolledBack(Exception):
    """Undoes an import once its records are read."""


class TestImportsWriteWhatTheOrmWrites(BulkImportCase):
    """A member import and a promotion through their wizards write, record
    by record, what they write with the fast paths off: the members, their
    teams, subscriptions and lines, the promoted leads, and each row's result."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.make_plan(cls, "Bulk Desk", 310)
        cls.office = cls.make_plan(cls, "Bulk Office", 900)
        cls.env.company.country_id = cls.env.ref("base.be")

    def snapshot(self, job):
        """{what the user reads: values}, ids replaced by names."""
        self.env.invalidate_all()
        partners = self.env["res.partner"].with_context(active_test=False).search([("bulk_import_job_id", "=", job.id)])
        members = partners | partners.child_ids | self.env["res.partner"].browse(job.line_ids.mapped("res_id"))
        members |= members.parent_id
        subscriptions = self.env["sale.subscription"].search([("member_id", "in", members.ids)])
        names = {
            "res.partner": {partner.id: partner.name for partner in members},
            "sale.subscription": {sub.id: f"subscription of {sub.member_id.name}" for sub in subscriptions},
            # an archived default pricelist, made again by each import
            "product.pricelist": {pricelist.id: pricelist.name for pricelist in subscriptions.pricelist_id},
        }

        def readable(rows, model):
            fields = self.env[model]._fields
            for row in rows.values():
                for column, value in row.items():
                    comodel = fields[column].comodel_name if fields[column].type == "many2one" else None
                    if comodel in names:
                        row[column] = names[comodel].get(value, value)
                row.pop("bulk_import_job_id", None)
                for column in TIMESTAMPS | {"code"}:
                    row.pop(column, None)
            return rows

        snapshot = {
            "contacts": readable(stored_rows(members, lambda row: row["name"]), "res.partner"),
            "subscriptions": readable(
                stored_rows(subscriptions, lambda row: names["res.partner"][row["member_id"]]), "sale.subscription"
            ),
            "lines": readable(
                stored_rows(
                    subscriptions.sale_subscription_line_ids,
                    lambda row: (names["sale.subscription"][row["sale_subscription_id"]], row["product_id"]),
                ),
                "sale.subscription.line",
            ),
            "leads": readable(
                stored_rows(
                    self.env["crm.lead"].with_context(active_test=False).search([("partner_id", "in", members.ids)]),
                    lambda row: row["name"],
                ),
                "crm.lead",
            ),
            "results": [
                (line.row_number, line.status, line.message, names["res.partner"].get(line.res_id, line.res_id))
                for line in job.line_ids.sorted("row_number")
            ],
        }
        for row in snapshot["subscriptions"].values():
            row.pop("name", None)
        for row in snapshot["leads"].values():
            # when the lead was closed
            row.pop("date_closed")
            row.pop("date_last_stage_update")
        return snapshot

    def import_and_read(self, import_type, content, **choices):
        """Import through the wizard, read what it wrote, undo it."""
        with contextlib.suppress(RolledBack), self.env.cr.savepoint():
            job = self.import_through_wizard(import_type, content, f"{import_type}.csv", self.manager, **choices)
            self.assertEqual(job.state, "done")
            snapshot = self.snapshot(job)
            raise RolledBack
        self.env.invalidate_all()
        return snapshot

    def assert_same(self, import_type, content, logger, **choices):
        # logging.INFO: Odoo names another level "INFO"
        with self.assertLogs(f"odoo.addons.crm_bulk_import.models.{logger}", logging.INFO) as logs:
            fast = self.import_and_read(import_type, content, **choices)
        inserted = [int(line.split(": ")[-1].split(" of ")[0]) for line in logs.output if "written like" in line]
        self.assertGreater(sum(inserted), 0, logs.output)
        parameters = self.env["ir.config_parameter"].sudo()
        parameters.set_param("crm_bulk_import.contact_fast_path", "0")
        parameters.set_param("crm_bulk_import.subscription_fast_path", "0")
        parameters.set_param("crm_bulk_import.lead_close_fast_path", "0")
        slow = self.import_and_read(import_type, content, **choices)
        self.assertTrue(fast["contacts"] and fast["subscriptions"] and fast["lines"])
        for part in ("contacts", "subscriptions", "lines", "leads"):
            self.assertEqual(set(fast[part]), set(slow[part]), part)
            for key, row in fast[part].items():
                differing = {
                    column: (value, slow[part][key][column])
                    for column, value in row.items()
                    if value != slow[part][key][column]
                }
                self.assertEqual(differing, {}, f"{part} {key}: columns differ (fast, ORM)")
        self.assertEqual(fast["results"], slow["results"])
        return fast

    def test_member_import(self):
        next_invoice = (date.today() + timedelta(days=20)).isoformat()
        rows = [
            [
                "Name",
                "Plan Name",
                "Start Date",
                "Next Invoice Date",
                "Email",
                "Company",
                "Paid By",
                "Phone",
                "City",
                "Country",
            ]
        ]
        for index in range(120):
            rows.append(
                [
                    f"Member {index}",
                    ("Bulk Desk", "Bulk Office")[index % 2],
                    (date(2026, 1, 1) + timedelta(days=index)).isoformat(),
                    next_invoice,
                    f"member.{index}@example.com" if index % 5 else "",
                    f"Team {index // 7}" if index % 3 else "",
                    "Member 3" if index % 11 == 4 else "",
                    f"0470 12 {index:02d} 00" if index % 4 else "",
                    ("Gent", "Liège", "Namur")[index % 3],
                    ("Belgium", "France", "")[index % 3],
                ]
            )
        fast = self.assert_same("member", csv_bytes(rows), "res_partner_bulk_create")
        self.assertEqual(fast["subscriptions"]["Member 4"]["partner_id"], "Member 3", "paid by another member")
        self.assertEqual(len(fast["subscriptions"]), 120)

    def test_promotion(self):
        leads = self.env["crm.lead"].create(
            [
                {
                    "name": f"Lead {index}",
                    "contact_name": f"Prospect {index}",
                    "email_from": f"prospect.{index}@example.com",
                    "phone": f"+32 470 00 {index:02d} 00",
                    "city": "Gent",
                }
                for index in range(100)
            ]
        )
        self.assertEqual(len(leads), 100)
        rows = [["Email", "First Name", "Last Name", "Team Name", "Plans", "Monthly Bill Date"]]
        for index in range(100):
            rows.append(
                [
                    f"prospect.{index}@example.com",
                    "Prospect",
                    str(index),
                    f"Promoted Team {index // 6}",
                    ("Bulk Desk", "Bulk Office")[index % 2],
                    str(index % 28 + 1),
                ]
            )
        fast = self.assert_same("promote", csv_bytes(rows), "sale_subscription_bulk_create")
        self.assertEqual(len(fast["subscriptions"]), 100)
        self.assertEqual(len(fast["leads"]), 100)
        self.assertTrue(all(not lead["active"] and lead["probability"] == 100 for lead in fast["leads"].values()))

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase

from ..models.crm_lead_bulk_create import FAST_FIELDS


class TestLeadBulkCreate(TransactionCase):
    """The leads the fast path writes are, column by column, the leads
    crm.lead.create() writes from the same values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].search([], limit=1)
        cls.partner, cls.partner_2 = cls.env["res.partner"].create(
            [{"name": "Reseller", "is_company": True}, {"name": "Reseller 2", "is_company": True}]
        )
        cls.agents = cls.env["res.partner"].create(
            [{"name": f"Agent {index}", "parent_id": cls.partner.id} for index in range(3)]
        )

    def vals_list(self, count=120):
        phones = ("+33 6 12 34 56 78", "0612345678", "12", "+1 202-555-0143", False)
        descriptions = ("Met at the fair", "<b>Hot</b> & ready", False)
        emails = (
            "Contact.{index}@Example{domain}.com",
            "contact.{index}@gmail.com",  # a mail provider: the whole address is the domain criterion
            '"Contact {index}" <C{index}@Example.org>',  # not a bare address: Odoo's own parsing
            "Contact.{index}@Example{domain}.com",
        )
        vals_list = []
        for index in range(count):
            vals = {
                "name": f"Lead {index}",
                "contact_name": f"Contact {index}",
                "email_from": emails[index % len(emails)].format(index=index, domain=index % 4),
                "partner_name": f"Company {index % 7}",
                "type": "lead",
                "team_id": self.team.id,
                "user_id": False,
                "company_id": self.env.company.id,
                "registration_state": "pending",
                "registered_partner_id": (self.partner if index % 3 else self.partner_2).id,
                "registered_agent_id": self.agents[index % 3].id,
                # create() cleans a website (http:// added): the fast path too.
                "website": ("site{index}.example", "https://www.site{index}.example/")[index % 2].format(index=index),
                "street": f"{index} Main Street",
                "street2": f"Floor {index % 5}",
                "city": ("Lyon", "Köln", "Zürich")[index % 3],
                "zip": f"{69000 + index}",
                "function": ("CEO", "Buyer")[index % 2],
            }
            if phones[index % len(phones)]:
                vals["phone"] = phones[index % len(phones)]
            if descriptions[index % len(descriptions)]:
                vals["description"] = descriptions[index % len(descriptions)]
            if index % 5:
                vals["expected_revenue"] = index * 100.5
            vals_list.append(vals)
        return vals_list

    def stored_rows(self, leads):
        Lead = self.env["crm.lead"]
        columns = [name for name, field in Lead._fields.items() if field.store and field.column_type and name != "id"]
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT {} FROM crm_lead WHERE id = ANY(%s) ORDER BY id".format(", ".join(f'"{c}"' for c in columns)),
            [leads.ids],
        )
        return {row[columns.index("name")]: dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()}

    def test_same_columns_as_create(self):
        self.env.company.country_id = False  # phones are read as international numbers
        fast = self.assert_same_columns_as_create()
        self.assertEqual(fast[1].phone_sanitized, False)  # a national number, and no country at all

    def test_same_columns_as_create_company_in_france(self):
        self.env.company.country_id = self.env.ref("base.fr")  # phone_sanitized reads numbers as French
        fast = self.assert_same_columns_as_create()
        self.assertEqual(fast[1].phone_sanitized, "+33612345678")

    def assert_same_columns_as_create(self):
        Lead = self.env["crm.lead"]
        vals_list = self.vals_list()
        varying = Lead._bulk_varying_fields(vals_list)
        self.assertTrue(varying, "these rows must take the fast path")
        self.assertEqual(varying, FAST_FIELDS, "every field of the fast path varies here, and is compared")
        stats = {}
        fast = Lead._bulk_import_create([dict(vals) for vals in vals_list], stats=stats)
        # Two rows of each kind (same fields given, same email and phone
        # states) go through create(), the others are written like them.
        self.assertGreater(stats["kinds"], 5)
        self.assertEqual(stats["inserted"], 120 - 2 * stats["kinds"], stats)
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.lead_fast_path", "0")
        self.assertIsNone(Lead._bulk_varying_fields(vals_list))
        slow = Lead._bulk_import_create([dict(vals) for vals in vals_list])
        self.assertEqual(len(fast), 120)
        self.assertEqual(fast.mapped("name"), [vals["name"] for vals in vals_list], "leads in the order given")
        fast_rows, slow_rows = self.stored_rows(fast), self.stored_rows(slow)
        self.assertEqual(len(fast_rows), 120)
        scoring = {"probability", "automated_probability", "prorated_revenue"}
        unscored = {"fast": 0, "create": 0}
        for name, fast_row in fast_rows.items():
            slow_row = slow_rows[name]
            differing = {
                column: (value, slow_row[column]) for column, value in fast_row.items() if value != slow_row[column]
            }
            # Within one create() call crm may leave the first lead unscored (it
            # scores from the database before that lead is flushed): the only
            # difference allowed, once per side.
            for side, row in (("fast", fast_row), ("create", slow_row)):
                if row["probability"] is None:
                    unscored[side] += 1
                    differing = {column: pair for column, pair in differing.items() if column not in scoring}
            self.assertEqual(differing, {}, f"{name}: columns differ (fast, create)")
        self.assertLessEqual(max(unscored.values()), 1, unscored)
        self.assertEqual(fast[60].probability, slow[60].probability)
        self.assertTrue(fast[60].probability)
        # The computed values are the interesting ones: they are really set.
        invalid = fast.filtered(lambda lead: lead.phone == "12")
        self.assertEqual(set(invalid.mapped("phone_state")), {"incorrect"})
        self.assertEqual(fast[0].email_normalized, "contact.0@example0.com")
        self.assertEqual(fast[0].phone_sanitized, "+33612345678")
        self.assertEqual(fast[1].phone_state, "incorrect")  # a national number, and no country
        self.assertEqual(fast[1].description, "<span><b>Hot</b> &amp; ready</span>")  # sanitized as create() does
        self.assertEqual(Lead.search_count([("email_normalized", "=", "contact.7@example3.com")]), 2)
        self.assertEqual(fast[5].email_domain_criterion, "contact.5@gmail.com")
        self.assertEqual(fast[6].email_normalized, "c6@example.org")
        self.assertEqual(fast[60].website, "http://site60.example")
        self.assertEqual(fast[61].website, "https://www.site61.example/")
        return fast

    def test_any_other_field_of_the_registration_form_goes_through_create(self):
        """The registration form may offer any stored text or number field of
        a lead: a field the fast path does not list sends the rows through
        create(), whatever create() does with its values."""
        Lead = self.env["crm.lead"]
        offered = self.env["ir.model.fields"].search(self.env["crm.bulk.import.lead.field"]._fields["field_id"].domain)
        others = [field.name for field in offered if field.name not in FAST_FIELDS]
        self.assertIn("email_cc", others)
        self.assertIn("mobile", others)
        for name in others:
            with self.subTest(field=name):
                vals_list = self.vals_list(60)
                for index, vals in enumerate(vals_list):
                    vals[name] = index + 1 if Lead._fields[name].type in ("float", "monetary") else f"value {index}"
                self.assertIsNone(Lead._bulk_varying_fields(vals_list))

    def test_automation_rules_still_run(self):
        """An automation rule on leads would not see an INSERT: every lead
        then goes through create()."""
        tag = self.env["crm.tag"].create({"name": "Seen by the rule"})
        self.env["base.automation"].create(
            {
                "name": "Tag new leads",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "trigger": "on_create",
                "action_server_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Tag",
                            "model_id": self.env["ir.model"]._get_id("crm.lead"),
                            "state": "code",
                            "code": f"record.write({{'tag_ids': [(4, {tag.id})]}})",
                        },
                    )
                ],
            }
        )
        leads = self.env["crm.lead"]._bulk_import_create(self.vals_list(60))
        self.assertEqual(leads.tag_ids, tag)
        self.assertEqual(len(leads.filtered("tag_ids")), 60)

    def test_rows_driving_other_computes_use_create(self):
        """A country per row drives the phone state Odoo computes per
        country: not something the fast path computes, so create() does."""
        vals_list = self.vals_list(60)
        countries = self.env.ref("base.fr") | self.env.ref("base.us")
        for index, vals in enumerate(vals_list):
            vals["country_id"] = countries[index % 2].id
        self.assertIsNone(self.env["crm.lead"]._bulk_varying_fields(vals_list))
        leads = self.env["crm.lead"]._bulk_import_create(vals_list)
        self.assertEqual(leads[6].phone_state, "correct")  # 0612345678 in France
        self.assertEqual(leads[6].phone_sanitized, "+33612345678")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase
from odoo.tools import mute_logger


class TestMembersModel(TransactionCase):
    """The shared model of members: room permission groups, the Default
    Billing Day, custom fields and what makes a contact a member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.monthly = cls.env["sale.subscription.template"].create(
            {
                "name": "Monthly",
                "recurring_interval": 1,
                "recurring_rule_type": "months",
            }
        )
        cls.plan = cls.env["product.product"].create(
            {
                "name": "Coworking Plan",
                "list_price": 300.0,
                "subscribable": True,
                "subscription_template_id": cls.monthly.id,
            }
        )

    def test_room_groups_unique_per_company(self):
        Group = self.env["room.permission.group"]
        Group.create({"name": "Group Blue"})
        Group.create({"name": "Group Blue", "company_id": self.company_b.id})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Group.create({"name": "Group Blue"})

    def test_room_groups_on_members(self):
        blue, group_a = self.env["room.permission.group"].create([{"name": "Group Blue"}, {"name": "Group A"}])
        member = self.env["res.partner"].create(
            {
                "name": "Ada",
                "room_permission_group_ids": [Command.set((blue | group_a).ids)],
            }
        )
        self.assertEqual(blue.member_ids, member)
        self.assertEqual(member.room_permission_group_ids, blue | group_a)

    def test_default_billing_day_setting(self):
        settings = Form(self.env["res.config.settings"])
        settings.crm_bulk_import_default_billing_day = 15
        settings.save().execute()
        self.assertEqual(self.env.company.default_billing_day, 15)
        for day in (0, 32):
            with self.assertRaises(ValidationError):
                self.env.company.default_billing_day = day

    def test_custom_fields_are_properties_of_the_company(self):
        self.env.company.member_properties_definition = [
            {"name": "key_fob", "string": "Key Fob", "type": "char"},
        ]
        member = self.env["res.partner"].create({"name": "Ada", "member_company_id": self.env.company.id})
        member.member_properties = {"key_fob": "KF-0042"}
        self.assertEqual(member.member_properties, {"key_fob": "KF-0042"})
        [definition] = member.read(["member_properties"])[0]["member_properties"]
        self.assertEqual((definition["string"], definition["value"]), ("Key Fob", "KF-0042"))

    def test_a_member_has_a_running_subscription(self):
        ada, bob = self.env["res.partner"].create([{"name": "Ada"}, {"name": "Bob"}])
        subscription = self.env["sale.subscription"].create(
            {
                "partner_id": ada.id,
                "template_id": self.monthly.id,
                "pricelist_id": self.env["product.pricelist"].search([], limit=1).id
                or self.env["product.pricelist"].create({"name": "Default"}).id,
                "sale_subscription_line_ids": [Command.create({"product_id": self.plan.id})],
            }
        )
        self.assertFalse(ada.is_member)
        subscription.action_start_subscription()
        ada.invalidate_recordset(["is_member"])
        self.assertTrue(ada.is_member)
        self.assertFalse(bob.is_member)
        members = self.env["res.partner"].search([("is_member", "=", True), ("id", "in", (ada | bob).ids)])
        self.assertEqual(members, ada)
        others = self.env["res.partner"].search([("is_member", "=", False), ("id", "in", (ada | bob).ids)])
        self.assertEqual(others, bob)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Saved mappings: the mapping a user confirms is remembered per import type
and file layout (the same headers, in any order) and proposed next time; a
Bulk Import Manager can share one with the company."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user

from .common import BulkImportCase, csv_bytes

HEADERS = ["Customer", "Owner", "Plan to run"]
BY_HAND = {"Customer": "external_id", "Owner": "account_manager_emails", "Plan to run": "workflow_name"}


class TestSavedMappings(BulkImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env, "bi_colleague", groups="base.group_user,crm_bulk_import.group_crm_bulk_import_user"
        )
        cls.fields_by_key = {
            field.key: field for field in cls.env["crm.bulk.import.field"].search([("import_type", "=", "assignment")])
        }

    def open_wizard(self, rows, user=None, file_name="customers.csv", **vals):
        wizard = (
            self.env["crm.bulk.import.wizard"]
            .with_user(user or self.importer)
            .with_context(default_import_type="assignment", default_file_name=file_name)
        )
        form = Form(wizard)
        form.file = base64.b64encode(csv_bytes(rows))
        record = form.save()
        record.write(vals)
        record.action_read_file()
        return record

    def mapping_of(self, wizard):
        return {line.column_name: line.field_id.key or False for line in wizard.mapping_ids}

    def map_by_hand(self, wizard):
        with Form(wizard) as form:
            for index, line in enumerate(wizard.mapping_ids.sorted("sequence")):
                with form.mapping_ids.edit(index) as edited:
                    edited.field_id = self.fields_by_key[BY_HAND[line.column_name]]

    def import_by_hand(self, user=None, **vals):
        vals.setdefault("remember_mapping", True)  # as the user ticks it
        wizard = self.open_wizard([HEADERS, ["CUST-001", "bob@example.com", ""]], user=user, **vals)
        self.assertEqual(set(self.mapping_of(wizard).values()), {False}, "nothing matches these headers")
        self.map_by_hand(wizard)
        return self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])

    def test_the_confirmed_mapping_is_proposed_for_the_same_headers_in_another_order(self):
        first = self.import_by_hand()
        self.assertEqual(first.state, "done")
        wizard = self.open_wizard(
            [["Plan to run", "customer", "Owner"], ["Onboarding", "CUST-003", "alice@example.com"]],
            file_name="next-month.csv",
        )
        self.assertEqual(
            self.mapping_of(wizard),
            {"Plan to run": "workflow_name", "customer": "external_id", "Owner": "account_manager_emails"},
        )
        self.assertEqual(wizard.saved_mapping_id.name, "customers.csv")
        job = self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])
        self.assertEqual((job.state, job.count_updated), ("done", 1))
        self.assertEqual(self.customer("CUST-003").user_id, self.alice)
        self.assertEqual(len(self.env["crm.bulk.import.saved.mapping"].search([])), 1, "not duplicated")
        self.assertEqual(wizard.saved_mapping_id.name, "customers.csv", "not changed unless Remember is ticked")

    def test_another_layout_gets_the_automatic_proposal(self):
        self.import_by_hand()
        wizard = self.open_wizard([["Customer", "Owner"], ["CUST-002", "bob@example.com"]])
        self.assertFalse(wizard.saved_mapping_id)
        self.assertEqual(self.mapping_of(wizard), {"Customer": False, "Owner": False})

    def test_private_to_the_uploader_unless_a_manager_shares_it(self):
        self.import_by_hand()
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]], user=self.colleague)
        self.assertFalse(wizard.saved_mapping_id, "another user's mapping is theirs")

        shared_job = self.import_by_hand(user=self.manager, share_mapping=True, allow_same_file=True)
        self.assertEqual(shared_job.state, "done")
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]], user=self.colleague)
        self.assertTrue(wizard.saved_mapping_id.shared)
        self.assertEqual(self.mapping_of(wizard), BY_HAND)
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]])
        self.assertEqual(wizard.saved_mapping_id.user_id, self.importer, "one's own mapping comes first")
        self.assertFalse(wizard.saved_mapping_id.shared)

        # Another company's users do not get it.
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]], user=self.importer_b)
        self.assertFalse(wizard.saved_mapping_id)

    def test_only_a_manager_shares(self):
        wizard = self.open_wizard([HEADERS, ["CUST-001", "bob@example.com", ""]], share_mapping=True)
        self.map_by_hand(wizard)
        with self.assertRaises(AccessError):
            wizard.action_import()
        Saved = self.env["crm.bulk.import.saved.mapping"]
        with self.assertRaises(AccessError):
            Saved.with_user(self.importer).create(
                {"name": "x", "import_type": "assignment", "layout_key": "x", "shared": True}
            )
        shared = Saved.with_user(self.manager).create(
            {"name": "Team mapping", "import_type": "assignment", "layout_key": "x", "shared": True}
        )
        self.assertEqual(shared.with_user(self.importer).name, "Team mapping", "readable")
        with self.assertRaises(AccessError):
            shared.with_user(self.importer).write({"name": "Mine now"})
        with self.assertRaises(AccessError):
            shared.with_user(self.importer).unlink()

    def test_unticked_remember_saves_nothing(self):
        self.import_by_hand(remember_mapping=False)
        self.assertFalse(self.env["crm.bulk.import.saved.mapping"].search([]))

    def test_a_field_that_no_longer_exists_is_ignored(self):
        Saved = self.env["crm.bulk.import.saved.mapping"].with_user(self.importer)
        Saved._remember("assignment", HEADERS, dict(BY_HAND, Owner="a_removed_field"), "old.csv")
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]])
        self.assertEqual(wizard.saved_mapping_id.name, "old.csv")
        self.assertEqual(
            self.mapping_of(wizard), {"Customer": "external_id", "Owner": False, "Plan to run": "workflow_name"}
        )

    def test_remembered_only_when_ticked_said_and_forgotten(self):
        """Not remembered unless ticked (a one-off change must not apply to
        the next file); when it is, the import says so; a proposed mapping
        can be forgotten from the wizard."""
        wizard = self.open_wizard([HEADERS, ["CUST-001", "bob@example.com", ""]])
        self.assertFalse(wizard.remember_mapping)
        self.map_by_hand(wizard)
        wizard.action_import()
        self.assertFalse(self.env["crm.bulk.import.saved.mapping"].search([]))

        job = self.import_by_hand(allow_same_file=True)
        self.assertIn("remembered for the next files with these headers", "\n".join(job.message_ids.mapped("body")))
        wizard = self.open_wizard([HEADERS, ["CUST-002", "bob@example.com", ""]], file_name="again.csv")
        self.assertEqual(self.mapping_of(wizard), BY_HAND)
        self.assertFalse(wizard.remember_mapping, "a proposed mapping stays as it is unless ticked")
        wizard.action_forget_mapping()
        self.assertFalse(self.env["crm.bulk.import.saved.mapping"].search([]))
        self.assertFalse(wizard.saved_mapping_id)
        self.assertEqual(set(self.mapping_of(wizard).values()), {False}, "the automatic proposal again")

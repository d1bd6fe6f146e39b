# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .common import BulkImportCase, attachment_content, csv_bytes, read_csv


class TestWizard(BulkImportCase):
    def open_wizard(self, content, file_name="file.csv"):
        # The browser's file widget sets the file name with the file.
        wizard = (
            self.env["crm.bulk.import.wizard"]
            .with_user(self.importer)
            .with_context(
                default_import_type="assignment",
                default_file_name=file_name,
            )
        )
        form = Form(wizard)
        form.file = base64.b64encode(content)
        record = form.save()
        record.action_read_file()
        return record

    def test_proposes_a_mapping_from_aliases_in_other_languages(self):
        wizard = self.open_wizard(
            csv_bytes(
                [
                    ["Identifiant externe", "E-Mail des Kundenbetreuers", "Notes", "Nom du workflow"],
                    ["CUST-001", "alice@example.com", "ignored", "Onboarding"],
                ]
            )
        )
        self.assertEqual(wizard.step, "map")
        self.assertEqual(wizard.row_count, 1)
        mapping = {line.column_name: line.field_id.key for line in wizard.mapping_ids}
        self.assertEqual(
            mapping,
            {
                "Identifiant externe": "external_id",
                "E-Mail des Kundenbetreuers": "account_manager_emails",
                "Notes": False,
                "Nom du workflow": "workflow_name",
            },
        )
        self.assertIn("CUST-001", wizard.preview_html)
        action = wizard.action_import()
        job = self.env["crm.bulk.import.job"].browse(action["res_id"])
        self.assertEqual((job.state, job.count_updated), ("done", 1))
        self.assertEqual(self.customer("CUST-001").user_id, self.alice)
        self.assertEqual(job.user_id, self.importer)

    def test_the_user_changes_the_mapping(self):
        wizard = self.open_wizard(
            csv_bytes(
                [
                    ["Customer", "Owner", "Plan to run"],
                    ["CUST-002", "bob@example.com", "Onboarding"],
                ]
            )
        )
        mapping = {line.column_name: line.field_id.key for line in wizard.mapping_ids}
        self.assertEqual(set(mapping.values()), {False})
        self.assertEqual(wizard.mapping_ids.mapped("discard"), [True] * 3, "a column mapped to nothing: Don't import")
        fields_ = {
            field.key: field for field in self.env["crm.bulk.import.field"].search([("import_type", "=", "assignment")])
        }
        with Form(wizard) as form:
            for index, key in enumerate(["external_id", "account_manager_emails", "workflow_name"]):
                with form.mapping_ids.edit(index) as line:
                    line.field_id = fields_[key]
        # The dry run stays in the wizard: its outcome, and the rows on its job.
        action = wizard.action_dry_run()
        self.assertEqual((action["res_model"], action["res_id"]), (wizard._name, wizard.id))
        self.assertIn("Dry run of 1 rows: 0 would be created, 1 updated, 0 with errors.", wizard.dry_run_html)
        job = wizard.dry_run_job_id
        self.assertEqual(job.line_ids.status, "would_update")
        self.assertEqual(wizard.action_open_dry_run_job()["res_id"], job.id)
        self.assertFalse(self.customer("CUST-002").user_id)
        self.assertEqual(wizard.mapping_ids.mapped("discard"), [False] * 3, "mapped, the column is imported")
        # Nothing changed since: the import takes over the dry run's job.
        action = wizard.action_import()
        self.assertEqual(action["res_id"], job.id)
        self.assertEqual(job.state, "done")
        self.assertEqual(self.customer("CUST-002").user_id, self.bob)
        self.assertEqual(len(self.customer("CUST-002").activity_ids), 1)

    def test_the_mapping_is_tested_again_in_the_wizard_before_importing(self):
        """A required field left unmapped is said at the mapping step; a dry
        run with errors is shown in the wizard; the mapping changes, the dry
        run runs again (the first one's draft goes), then the import."""
        wizard = self.open_wizard(csv_bytes([["Customer", "Email of the manager"], ["CUST-004", "alice@example.com"]]))
        self.assertEqual(wizard.missing_required, "External Id, Account manager email")
        fields_ = {
            field.key: field for field in self.env["crm.bulk.import.field"].search([("import_type", "=", "assignment")])
        }
        with Form(wizard) as form:
            with form.mapping_ids.edit(0) as line:
                line.field_id = fields_["account_manager_emails"]
            with form.mapping_ids.edit(1) as line:
                line.field_id = fields_["external_id"]
        self.assertFalse(wizard.missing_required)
        wizard.action_dry_run()
        first = wizard.dry_run_job_id
        self.assertIn("1 with errors", wizard.dry_run_html)
        self.assertIn("value &#34;CUST-004&#34;: this is not a valid email address", wizard.dry_run_html)
        with Form(wizard) as form:
            with form.mapping_ids.edit(0) as line:
                line.field_id = fields_["external_id"]
            with form.mapping_ids.edit(1) as line:
                line.field_id = fields_["account_manager_emails"]
        wizard.action_dry_run()
        self.assertFalse(first.exists(), "the stale dry run's draft is gone")
        self.assertIn("0 with errors", wizard.dry_run_html)
        job = self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])
        self.assertEqual((job.state, job.count_updated), ("done", 1))
        self.assertEqual(self.customer("CUST-004").user_id, self.alice)

    def test_same_field_mapped_twice_is_refused(self):
        wizard = self.open_wizard(
            csv_bytes(
                [
                    ["External Id", "Account manager email", "Customer"],
                    ["CUST-001", "alice@example.com", "x"],
                ]
            )
        )
        external = wizard.mapping_ids.filtered(lambda line: line.column_name == "External Id").field_id
        wizard.mapping_ids.filtered(lambda line: line.column_name == "Customer").field_id = external
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn('"External Id" and "Customer" are both mapped to "External Id"', str(caught.exception))

    def test_unmapped_required_field_is_refused(self):
        wizard = self.open_wizard(
            csv_bytes(
                [
                    ["External Id", "Account manager email"],
                    ["CUST-001", "alice@example.com"],
                ]
            )
        )
        wizard.mapping_ids.filtered(lambda line: line.column_name == "External Id").field_id = False
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn('required field(s) "External Id"', str(caught.exception))
        self.assertFalse(self.customer("CUST-001").user_id)

    def test_templates_before_a_file_and_no_file_is_said(self):
        form = Form(
            self.env["crm.bulk.import.wizard"].with_user(self.importer).with_context(default_import_type="assignment")
        )
        wizard = form.save()
        action = wizard.action_download_template_csv()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/web/content/")[1].split("?")[0]))
        self.assertEqual(attachment.raw.decode("utf-8-sig").splitlines()[0].split(",")[0], "External Id*")
        self.assertTrue(wizard.action_download_template_xlsx()["url"].startswith("/web/content/"))
        with self.assertRaises(UserError) as caught:
            wizard.action_read_file()
        self.assertEqual(str(caught.exception), "Upload a file first.")

    def test_a_template_imported_as_downloaded_imports_nothing(self):
        """Each template has an example row under its header; a file that
        still holds it imports it as nothing, and says so on the row."""
        user = self.env.ref("base.user_admin")  # every type's rights
        for import_type in ("assignment", "lead", "promote", "member", "prospect"):
            with self.subTest(import_type=import_type):
                wizard = self.env[f"crm.bulk.import.wizard.{import_type}"].with_user(user).create({})
                content = attachment_content(self.env, wizard.action_download_template_csv())
                rows = read_csv(content)
                self.assertEqual(len(rows), 2, "the header and the example row")
                self.assertTrue(all(rows[1][:1]), "the example row fills the first column")
                job = self.import_through_wizard(import_type, content, f"{import_type}.csv", user)
                self.assertEqual(
                    (job.state, job.count_skipped, job.count_error, job.count_created, job.count_updated),
                    ("done", 1, 0, 0, 0),
                )
                self.assertIn("the template's example row", job.line_ids.message)

    def test_date_format_only_where_the_file_decides_dates(self):
        Wizard = self.env["crm.bulk.import.wizard"].with_user(self.importer)
        shown = {
            import_type: Wizard.new({"import_type": import_type}).has_dates
            for import_type in ("assignment", "lead", "promote", "member", "prospect")
        }
        # Promotion's only date (Billing Start Date) is always MM/DD/YYYY.
        self.assertEqual(
            shown, {"assignment": False, "lead": False, "promote": False, "member": True, "prospect": False}
        )

    def test_the_column_help_has_no_empty_explanation(self):
        wizard = self.env["crm.bulk.import.wizard"].with_user(self.importer).new({"import_type": "lead"})
        self.assertIn("<li><b>Lead name</b> (required)</li>", wizard.help_html)
        self.assertNotIn(":</li>", wizard.help_html)
        self.assertNotIn(": </li>", wizard.help_html)

    def test_the_wizard_keeps_its_title_and_lines_their_row(self):
        wizard = self.open_wizard(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]]))
        self.assertEqual(wizard._reopen()["name"], "Customer assignment")
        job = self.env["crm.bulk.import.job"].browse(wizard.action_import()["res_id"])
        self.assertEqual(job.line_ids.display_name, f"{job.name}, row 2")

    def test_the_same_file_again_is_refused_without_an_error_in_the_log(self):
        content = csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]])
        self.make_job(content).action_import()
        again = self.make_job(content)
        with self.assertNoLogs("odoo.sql_db", level="ERROR"), self.assertRaises(UserError) as caught:
            again.action_import()
        self.assertIn("The same file was already imported by", str(caught.exception))

    def test_bulk_import_button_of_the_leads_and_contacts_lists(self):
        """Beside Odoo's Import, in the lists: it offers the imports of what
        the list shows and opens that type's wizard."""
        for model, list_view, offered in (
            ("crm.lead", "crm.crm_case_tree_view_leads", ["lead", "promote"]),
            ("crm.lead", "crm.crm_case_tree_view_oppor", ["lead", "promote"]),
            ("res.partner", "base.view_partner_tree", ["member", "prospect", "assignment", "promote"]),
        ):
            with self.subTest(list_view=list_view):
                views = self.env[model].with_user(self.importer).get_views([(self.env.ref(list_view).id, "list")])
                arch = etree.fromstring(views["views"]["list"]["arch"])
                [button] = arch.xpath("//header/button[@string='Bulk import']")
                self.assertEqual(button.get("display"), "always", "shown with no record selected")
                action = self.env["ir.actions.act_window"].browse(int(button.get("name")))
                start = Form(
                    self.env[action.res_model].with_user(self.importer).with_context(**safe_eval(action.context))
                )
                choices = [key for key, _label in start._view["fields"]["import_type"]["selection"]]
                self.assertEqual(choices, offered)
                start.import_type = offered[-1]
                wizard_action = start.save().action_start()
                self.assertEqual(wizard_action["res_model"], f"crm.bulk.import.wizard.{offered[-1]}")
                self.assertEqual(safe_eval(wizard_action["context"])["default_import_type"], offered[-1])
        # Not for users without the Bulk Import groups.
        views = self.env["res.partner"].with_user(self.alice).get_views([(False, "list")])
        self.assertNotIn("Bulk import", views["views"]["list"]["arch"])

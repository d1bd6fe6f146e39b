# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A sixth import type, as another module adds one: tests/addons/
crm_bulk_import_tag_type holds it in one Python file (its schema, option,
applier and what a revert may undo) and one file of views. Installed beside
the module in a database of its own, it is listed, imported through its
wizard, kept on the job with its option, and reverted, with no change to
the job, the wizard or the revert."""

import json
from pathlib import Path

from odoo.tools import config

from .common import BulkImportCase, csv_bytes, load_migration
from .own_database import OwnDatabaseCase

TEST_ADDONS = Path(__file__).resolve().parent / "addons"

USE = """
import base64
import json
from odoo.exceptions import ValidationError

admin = env.ref("base.user_admin")
env = env(user=admin)
Job = env["crm.bulk.import.job"]
out = {"types": Job._selection_import_type()}
# The Import button of the contacts list: the type offered, its wizard opened
Start = env["crm.bulk.import.start"].with_context(crm_bulk_import_list_model="res.partner")
start = Start.create({"import_type": "tag"})
out["start"] = [[key for key, _label in Start._selection_import_type()], start.action_start()["res_model"]]
Leads = Start.with_context(crm_bulk_import_list_model="crm.lead")
out["start_leads"] = [key for key, _label in Leads._selection_import_type()]
ann = env["res.partner"].create({"name": "Ann Tag", "email": "ann@example.com"})
content = b"Email,Tag\\r\\nann@example.com,Early bird\\r\\nnobody@example.com,Early bird\\r\\n"

# As the web client saves the wizard: its fields, the type's defaults
Wizard = env["crm.bulk.import.wizard.tag"].with_context(default_file_name="tags.csv")
wizard = Wizard.create({"file": base64.b64encode(content), "create_tags": True})
wizard.action_read_file()
out["mapping"] = {line.column_name: line.field_id.key for line in wizard.mapping_ids}
out["help"] = str(wizard.help_html)
job = Job.browse(wizard.action_import()["res_id"])
out["job"] = [job.import_type, job.state, job.count_updated, job.count_error, job.options, str(job.options_html)]
out["error"] = job.line_ids.filtered(lambda line: line.status == "error").message
out["tags_after_import"] = ann.category_id.mapped("name")
try:
    with env.cr.savepoint():
        Job.create({"import_type": "tag", "file": base64.b64encode(content), "file_name": "x.csv",
                    "options": {"send_invitations": True}})
    out["foreign_option"] = "accepted"
except ValidationError as error:
    out["foreign_option"] = str(error)
job.action_revert()
ann.invalidate_recordset()
out["revert"] = [job.state, job.count_reverted]
out["tags_after_revert"] = ann.category_id.mapped("name")
out["tag_left"] = env["res.partner.category"].search_count([("name", "=", "Early bird")])
env.cr.commit()
print("RESULT " + json.dumps(out))
"""


class TestSixthImportType(OwnDatabaseCase):
    def odoo(self, command, *args, stdin=None):
        addons = f"--addons-path={config['addons_path']},{TEST_ADDONS}"
        return super().odoo(command, addons, *args, "--log-level=warn", "--no-http", stdin=stdin, errors_allowed=False)

    def test_a_type_of_another_module_imports_and_reverts(self):
        self.odoo("server", "-i", "crm_bulk_import_tag_type", "--without-demo=all", "--stop-after-init")
        output = self.odoo("shell", stdin=USE)
        result = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])

        self.assertEqual(result["types"][-1], ["tag", "Tag contacts"])
        self.assertEqual(
            [key for key, _label in result["types"][:5]], ["promote", "lead", "member", "prospect", "assignment"]
        )
        self.assertEqual(
            result["start"], [["member", "prospect", "assignment", "promote", "tag"], "crm.bulk.import.wizard.tag"]
        )
        self.assertEqual(result["start_leads"], ["lead", "promote"])
        self.assertEqual(result["mapping"], {"Email": "email", "Tag": "tag"})
        self.assertIn("The name of a contact tag.", result["help"])
        import_type, state, updated, errors, options, options_html = result["job"]
        self.assertEqual((import_type, state, updated, errors), ("tag", "error", 1, 1))
        self.assertEqual(options, {"create_tags": True})
        self.assertIn("Create missing tags: Yes", options_html)
        self.assertEqual(result["error"], 'Row 3, column "Email", value "nobody@example.com": No contact has it.')
        self.assertEqual(result["tags_after_import"], ["Early bird"])
        self.assertIn("send_invitations is not an option of this import type", result["foreign_option"])
        self.assertEqual(result["revert"], ["reverted", 1])
        self.assertEqual(result["tags_after_revert"], [])
        self.assertEqual(result["tag_left"], 0, "the tag the import created, deleted")


class TestOptionsMigration(BulkImportCase):
    def test_the_options_of_earlier_imports_are_kept(self):
        """Before, each option was a column of the job: an update moves the
        values of a job's type into its options."""
        prospects = self.make_job(csv_bytes([["Name"], ["Ann"]]), user=self.manager, import_type="prospect")
        members = self.make_job(csv_bytes([["Name"], ["Ann"]]), user=self.manager, import_type="member")
        self.env.flush_all()
        self.env.cr.execute(
            """ALTER TABLE crm_bulk_import_job ADD COLUMN send_invitations boolean,
                                              ADD COLUMN prorate_at_start boolean,
                                              ADD COLUMN send_portal_invitations boolean,
                                              ADD COLUMN existing_members varchar"""
        )
        self.env.cr.execute(
            """UPDATE crm_bulk_import_job SET options = NULL, send_invitations = false, prorate_at_start = true,
                                              send_portal_invitations = false, existing_members = 'update'
                WHERE id = ANY(%s)""",
            [[prospects.id, members.id]],
        )
        load_migration("18.0.1.0.3", "post-migration.py").migrate(self.env.cr, "18.0.1.0.2")
        self.env.invalidate_all()
        self.assertEqual(prospects.options, {"send_invitations": False})
        self.assertFalse(prospects._option("send_invitations"))
        self.assertEqual(
            members.options,
            {"prorate_at_start": True, "send_portal_invitations": False, "existing_members": "update"},
        )
        self.assertEqual(members._option("existing_members"), "update")

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Install, use, uninstall, reinstall, on a database of its own with the
demo data, as an admin would: Odoo's own processes, its own logs."""

from pathlib import Path

from ..hooks import OWN_INDEXES
from .own_database import OwnDatabaseCase

DEMO_FILES = Path(__file__).resolve().parents[1] / "demo" / "files"

# Imports of each type from the demo files, and a member paid by another with
# a prorated invoice: records that use the module's demo data (plans,
# customers, users) and outlive it.
USE = """
import base64
from pathlib import Path
files = Path({files!r})
admin = env.ref("base.user_admin")
Job = env["crm.bulk.import.job"].with_user(admin)
for import_type, name, options in (
    ("assignment", "customer_assignment.csv", {{}}),
    ("lead", "lead_registration.xlsx", {{}}),
    ("promote", "promote_members.csv", {{"send_onboarding_email": True}}),
    ("member", "membres.csv", {{"prorate_at_start": True}}),
    ("prospect", "interessenten.csv", {{}}),
):
    job = Job.create({{
        "import_type": import_type,
        "file": base64.b64encode((files / name).read_bytes()),
        "file_name": name,
        "options": options,
    }})
    job.action_import()
    assert job.state == "done", (import_type, job.state, job.line_ids.mapped("message"))
env["crm.bulk.import.job"].search([("import_type", "=", "lead")]).sudo().action_approve()
env.cr.commit()
print("USED")
"""

UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", "crm_bulk_import")])
module.button_immediate_uninstall()
env.cr.commit()
print("UNINSTALLED")
"""


class TestUninstall(OwnDatabaseCase):
    def odoo(self, command, *args, stdin=None):
        return super().odoo(command, *args, "--log-level=warn", "--no-http", stdin=stdin, errors_allowed=False)

    def test_install_use_uninstall_reinstall(self):
        self.odoo("server", "-i", "crm_bulk_import", "--stop-after-init")
        self.assertIn("USED", self.odoo("shell", stdin=USE.format(files=str(DEMO_FILES))))
        # The columns the module adds to other modules' tables.
        added = self.query(
            """SELECT replace(f.model, '.', '_'), f.name FROM ir_model_fields f
                 JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
                WHERE d.module = 'crm_bulk_import' AND f.store AND f.ttype NOT IN ('one2many', 'many2many')
                  AND f.model NOT LIKE 'crm.bulk.import%%'
                  AND NOT EXISTS (SELECT 1 FROM ir_model_data other
                                   WHERE other.model = 'ir.model.fields' AND other.res_id = f.id
                                     AND other.module != 'crm_bulk_import')"""
        )
        self.assertIn(("sale_subscription", "member_id"), added)
        self.assertIn(("crm_lead", "registration_state"), added)
        self.assertNotIn(("sale_subscription_line", "sale_subscription_id"), added, "subscription_oca's own")
        indexes = self.query("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(OWN_INDEXES)])
        self.assertEqual(len(indexes), len(OWN_INDEXES))
        subscriptions = self.query("SELECT count(*) FROM sale_subscription")[0][0]
        self.assertGreater(subscriptions, 0)

        self.assertIn("UNINSTALLED", self.odoo("shell", stdin=UNINSTALL))
        state = self.query("SELECT state FROM ir_module_module WHERE name = 'crm_bulk_import'")
        self.assertEqual(state, [("uninstalled",)])
        self.assertEqual(
            self.query("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(OWN_INDEXES)]), []
        )
        left = self.query(
            "SELECT table_name, column_name FROM information_schema.columns WHERE (table_name, column_name) IN %s",
            [tuple(added)],
        )
        self.assertEqual(left, [], "columns of the module left behind")
        self.assertEqual(self.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'crm_bulk_import%%'"), [])
        # What users did with the module stays whole: the subscriptions, and
        # the demo plans they use.
        self.assertEqual(self.query("SELECT count(*) FROM sale_subscription")[0][0], subscriptions)
        self.assertEqual(self.query("SELECT count(*) FROM sale_subscription_line WHERE product_id IS NULL"), [(0,)])
        self.assertEqual(self.query("SELECT count(*) FROM sale_subscription WHERE template_id IS NULL"), [(0,)])

        self.odoo("server", "-i", "crm_bulk_import", "--stop-after-init")
        state = self.query("SELECT state FROM ir_module_module WHERE name = 'crm_bulk_import'")
        self.assertEqual(state, [("installed",)])
        indexes = self.query("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(OWN_INDEXES)])
        self.assertEqual(len(indexes), len(OWN_INDEXES), "the module's indexes, back")

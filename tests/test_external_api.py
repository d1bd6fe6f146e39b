# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The README's "Import from another system": its scripts, run as they are
against the test server (only the URL, the database and the user change),
as an integrator would run them."""

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

from odoo.tests import HttpCase, tagged

from .common import BulkImportCase, csv_bytes, read_csv

README = Path(__file__).parents[1] / "README.md"
CONNECTION = re.compile(r"^URL, DB, LOGIN, PASSWORD = .*$", re.M)


def readme_scripts():
    """The Python blocks of the section, in order."""
    text = README.read_text()
    section = text.split("## Import from another system\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


@tagged("post_install", "-at_install")
class TestExternalApi(BulkImportCase, HttpCase):
    def run_scripts(self, folder):
        """Run the section's scripts one after the other in one namespace,
        in ``folder``; their output."""
        scripts = readme_scripts()
        self.assertEqual(len(scripts), 2, "the XML-RPC script and the JSON-RPC call")
        first, json_rpc = scripts
        self.assertEqual(len(CONNECTION.findall(first)), 1)
        # new_test_user's password: the login, padded to 8 characters
        connection = f'URL, DB, LOGIN, PASSWORD = "{self.base_url()}", "{self.env.cr.dbname}", "bi_user", "bi_userx"'
        first = CONNECTION.sub(connection, first)
        namespace = {"__name__": "readme"}
        output = io.StringIO()
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(output):
                exec(compile(first, "README.md", "exec"), namespace)  # noqa: S102 - the README's own script
                exec(compile(json_rpc, "README.md", "exec"), namespace)  # noqa: S102
        finally:
            os.chdir(cwd)
        self.env.invalidate_all()  # the requests changed the records
        return output.getvalue(), namespace

    def test_the_readme_script_imports_and_reports_the_rows_in_error(self):
        with tempfile.TemporaryDirectory() as folder:
            rows = [
                self.HEADER,
                ["CUST-001", "alice@example.com", "Onboarding"],
                ["CUST-002", "not-an-email", ""],
                ["CUST-003", "bob@example.com", ""],
            ]
            Path(folder, "customers.csv").write_bytes(csv_bytes(rows))
            output, namespace = self.run_scripts(folder)
            errors_file = Path(folder, "customers-errors.csv")
            self.assertTrue(errors_file.is_file(), output)
            error_rows = read_csv(errors_file.read_bytes())

        job = self.env["crm.bulk.import.job"].browse(namespace["job_id"])
        # What the script printed: the dry run, the import, the row in error
        self.assertIn(
            "dry run: {'id': %d, 'state': 'draft', 'count_total': 3, 'count_created': 0, 'count_updated': 2, "
            "'count_error': 1}" % job.id,
            output,
        )
        self.assertIn(
            "import: {'id': %d, 'state': 'error', 'count_total': 3, 'count_created': 0, 'count_updated': 2, "
            "'count_error': 1}" % job.id,
            output,
        )
        self.assertIn(f"row 3 {job.line_ids.filtered(lambda line: line.row_number == 3).message}", output)
        self.assertIn("not a valid email", output)
        self.assertIn("over JSON-RPC: {'id': %d, 'state': 'error'" % job.id, output)
        # The records, as a user checks them afterwards
        self.assertEqual(job.user_id, self.importer)
        self.assertEqual(self.customer("CUST-001").user_id, self.alice)
        self.assertEqual(self.customer("CUST-003").user_id, self.bob)
        self.assertFalse(self.customer("CUST-002").user_id)
        activities = self.env["mail.activity"].search([("res_model", "=", "res.partner")])
        self.assertEqual(activities.res_id, self.customer("CUST-001").id)
        # The error file the script wrote: the failing row and why
        self.assertEqual(error_rows[0], [*self.HEADER, "Error"])
        self.assertEqual([row[0] for row in error_rows[1:]], ["CUST-002"])

    def test_the_script_has_the_user_s_rights_only(self):
        """The same script as a user without the import rights: refused at
        the first call, nothing created."""
        import xmlrpc.client  # noqa: PLC0415

        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "customers.csv").write_bytes(csv_bytes([self.HEADER, ["CUST-001", "alice@example.com", ""]]))
            scripts = readme_scripts()
            connection = (
                f'URL, DB, LOGIN, PASSWORD = "{self.base_url()}", "{self.env.cr.dbname}", "plain_internal", '
                '"plain_internal"'
            )
            script = CONNECTION.sub(connection, scripts[0])
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                with self.assertRaises(xmlrpc.client.Fault) as caught, contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(script, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
            finally:
                os.chdir(cwd)
        self.assertIn("You are not allowed to create 'Bulk Import Job'", caught.exception.faultString)
        self.assertFalse(self.env["crm.bulk.import.job"].search([("user_id", "=", self.plain.id)]))

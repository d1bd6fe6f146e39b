# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Downloads leave nothing behind, and API clients get the same files as
bytes: the error file, the revert report, the templates."""

import base64

from odoo.exceptions import AccessError

from .common import BulkImportCase, attachment_content, csv_bytes, downloaded


class TestDownloads(BulkImportCase):
    def failed_job(self):
        job = self.make_job(
            csv_bytes(
                [
                    self.HEADER,
                    ["CUST-001", "alice@example.com", "Onboarding"],
                    ["CUST-002", "not-an-email", "Onboarding"],
                ]
            )
        )
        job.action_import()
        self.assertEqual(job.count_error, 1)
        return job

    def attachments_of(self, record):
        return self.env["ir.attachment"].search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def test_clicks_on_download_leave_no_attachment_on_the_import(self):
        job = self.failed_job()
        before = self.attachments_of(job)
        first = job.action_download_errors()
        second = job.action_download_errors()
        self.assertEqual(self.attachments_of(job), before, "only the uploaded file stays on the import")
        self.assertEqual(attachment_content(self.env, first), attachment_content(self.env, second))
        self.assertIn(b"not-an-email", attachment_content(self.env, first))

    def test_a_download_is_its_user_s_only_and_the_autovacuum_deletes_it(self):
        job = self.failed_job()
        action = job.action_download_errors()
        attachment_id = downloaded(self.env, action).id
        Attachment = self.env["ir.attachment"]
        mine = Attachment.with_user(self.importer).browse(attachment_id)
        self.assertIn(b"not-an-email", mine.raw)
        with self.assertRaises(AccessError):
            Attachment.with_user(self.manager).browse(attachment_id).raw  # noqa: B018

        # An hour later, Odoo's autovacuum (the daily "Base: Auto-vacuum
        # internal data" cron, which runs every method so marked) deletes
        # it; a newer download stays.
        vacuum = type(Attachment)._gc_crm_bulk_import_downloads
        self.assertTrue(getattr(vacuum, "_autovacuum", False))
        newer = job.action_download_errors()
        newer_id = downloaded(self.env, newer).id
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_attachment SET create_date = create_date - interval '2 hours' WHERE id = %s", [attachment_id]
        )
        self.env["ir.attachment"]._gc_crm_bulk_import_downloads()
        self.assertFalse(Attachment.browse(attachment_id).exists())
        self.assertTrue(Attachment.browse(newer_id).exists())

    def test_the_vacuum_leaves_other_attachments_alone(self):
        job = self.failed_job()
        note = self.env["ir.attachment"].create({"name": "notes.txt", "raw": b"mine", "description": "mine"})
        self.env.flush_all()
        self.env.cr.execute("UPDATE ir_attachment SET create_date = create_date - interval '2 days'")
        self.env["ir.attachment"]._gc_crm_bulk_import_downloads()
        self.assertTrue(note.exists())
        job.invalidate_recordset()
        self.assertTrue(job.file, "the uploaded file stays")

    def test_api_clients_get_the_same_bytes(self):
        job = self.failed_job()
        file = job.with_user(self.importer).errors_file()
        self.assertEqual(file["name"], "assignment-errors.csv")
        self.assertEqual(file["mimetype"], "text/csv")
        self.assertEqual(base64.b64decode(file["content"]), attachment_content(self.env, job.action_download_errors()))

        job.with_user(self.manager).action_revert()
        report = job.with_user(self.importer).revert_report_file()
        self.assertEqual(
            base64.b64decode(report["content"]), attachment_content(self.env, job.action_download_revert_report())
        )
        self.assertIn(b"Customer 1", base64.b64decode(report["content"]))

        Job = self.env["crm.bulk.import.job"].with_user(self.importer)
        template = Job.template_file("assignment", "xlsx")
        self.assertEqual(template["name"], "assignment_template.xlsx")
        self.assertTrue(base64.b64decode(template["content"]).startswith(b"PK"))
        self.assertIn(b"External Id", base64.b64decode(Job.template_file("assignment")["content"]))

    def test_api_files_follow_the_record_rules(self):
        job = self.failed_job()
        # A user of another company, and an internal user who does not import
        with self.assertRaises(AccessError):
            job.with_user(self.importer_b).errors_file()
        with self.assertRaises(AccessError):
            job.with_user(self.plain).errors_file()
        with self.assertRaises(AccessError):
            self.env["crm.bulk.import.job"].with_user(self.plain).template_file("assignment")

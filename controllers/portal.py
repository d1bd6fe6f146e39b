# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.crm_bulk_import_job import MIMETYPES
from ..readers import MB

LEADS_PER_PAGE = 40
# Room for the form around the file in a multipart upload (CSRF token,
# boundaries, headers).
FORM_OVERHEAD = 64 * 1024


def upload_max_content_length(controller):
    """The largest request body the upload route reads: the portal's file
    limit and the form around it. Werkzeug refuses a bigger one from its
    Content-Length before reading it (see ir.http's _handle_error)."""
    limit = request.env["crm.bulk.import.job"].sudo()._limits(portal=True)["max_bytes"]
    return limit + FORM_OVERHEAD if limit else None


class CrmBulkImportPortal(CustomerPortal):
    """Lead registration for portal partners and their agents.

    Thin: it finds the uploader's partner, builds a job and calls the job's
    public methods; reads go through the user's own access rules.

    Odoo merges every CustomerPortal subclass of the installed modules into
    one controller: a method of the same name as another module's replaces
    it, routes included, and a URL served twice answers with one page only.
    Hence routes under /my/registered-leads (Odoo's Resellers module,
    website_crm_partner_assign, serves /my/leads), and methods, templates and
    the portal home counter named after this module."""

    def _crm_bulk_import_partner(self):
        """The portal user's partner if it may register leads: the registered
        partner itself, or one of its agents. Otherwise 404."""
        partner = request.env.user.partner_id
        commercial = partner.commercial_partner_id
        if not request.env.user.share or not commercial.sudo().is_registered_partner:
            raise NotFound()
        if partner != commercial and not partner.sudo().agent_code:
            raise NotFound()
        return partner

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "crm_bulk_import_lead_count" in counters:
            partner = request.env.user.partner_id
            registered = request.env.user.share and partner.commercial_partner_id.sudo().is_registered_partner
            values["crm_bulk_import_lead_count"] = (
                request.env["crm.lead"]
                .with_context(active_test=False)
                .search_count([("registration_state", "!=", False)])
                if registered
                else 0
            )
        return values

    @http.route(
        ["/my/registered-leads", "/my/registered-leads/page/<int:page>"], type="http", auth="user", website=True
    )
    def crm_bulk_import_portal_my_leads(self, page=1, **kw):
        self._crm_bulk_import_partner()
        # Record rules restrict this to the partner's leads (an agent's own);
        # rejected leads are archived, and the partner sees them rejected.
        Lead = request.env["crm.lead"].with_context(active_test=False)
        domain = [("registration_state", "!=", False)]
        count = Lead.search_count(domain)
        pager = portal_pager(url="/my/registered-leads", total=count, page=page, step=LEADS_PER_PAGE)
        leads = Lead.search(domain, order="create_date desc, id desc", limit=LEADS_PER_PAGE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(leads=leads, pager=pager, page_name="registered_leads", default_url="/my/registered-leads")
        return request.render("crm_bulk_import.portal_my_registered_leads", values)

    @http.route(
        "/my/registered-leads/import",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        max_content_length=upload_max_content_length,
    )
    def crm_bulk_import_portal_import(self, too_large=None, **post):
        partner = self._crm_bulk_import_partner()
        values = self._prepare_portal_layout_values()
        limits = request.env["crm.bulk.import.job"].sudo()._limits(portal=True)
        max_bytes = limits["max_bytes"]
        values.update(
            page_name="registered_leads_import",
            form_fields=self._crm_bulk_import_form_columns(),
            max_upload_mb=max_bytes // MB if max_bytes else 0,
            max_upload_rows=limits["max_rows"] or 0,
        )
        if too_large and max_bytes:
            values["file_error"] = request.env._(
                "The file is larger than the %(max)s MB a portal upload may have: split it into smaller files and "
                "upload them one after the other.",
                max=max_bytes // MB,
            )
        if request.httprequest.method == "POST":
            values.update(self._crm_bulk_import_upload(partner, request.httprequest.files.get("file")))
        return request.render("crm_bulk_import.portal_registered_leads_import", values)

    @http.route("/my/registered-leads/import/<int:job_id>/errors", type="http", auth="user")
    def crm_bulk_import_portal_import_errors(self, job_id, **kw):
        """The partner's file back, with an Error column, to fix in a
        spreadsheet. Record rules give a partner their own imports only."""
        self._crm_bulk_import_partner()
        job = request.env["crm.bulk.import.job"].browse(job_id).exists()
        if not job or not job.has_access("read"):
            raise NotFound()
        try:
            name, content = job.sudo()._errors_file()  # sudo: lines read once the job's access is checked
        except UserError:
            raise NotFound() from None
        return request.make_response(
            content,
            headers=[
                ("Content-Type", MIMETYPES.get(job.sudo().file_format, MIMETYPES["csv"])),
                ("Content-Disposition", content_disposition(name)),
            ],
        )

    @http.route("/my/registered-leads/template.<string:file_format>", type="http", auth="user")
    def crm_bulk_import_portal_template(self, file_format="csv", **kw):
        self._crm_bulk_import_partner()
        if file_format not in MIMETYPES:
            raise NotFound()
        # sudo: the form configuration is not readable by portal users; only
        # its column names and the partner's own agents reach the file.
        applier = request.env["crm.bulk.import.type.lead"].sudo().with_context(crm_bulk_import_portal=True)
        content = applier._template_csv() if file_format == "csv" else applier._template_xlsx(request.env.company)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", MIMETYPES[file_format]),
                ("Content-Disposition", content_disposition(f"lead_registration_template.{file_format}")),
            ],
        )

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _crm_bulk_import_form_columns(self):
        applier = request.env["crm.bulk.import.type.lead"].sudo().with_context(crm_bulk_import_portal=True)
        return applier._template_columns()

    def _crm_bulk_import_upload(self, partner, upload):
        """Import the uploaded file as a job of the portal user's partner.

        :return: values for the page: ``errors`` (row, message) or a
            ``success`` message, and the job.
        """
        if not upload or not upload.filename:
            return {"file_error": request.env._("Choose a CSV or XLSX file to upload.")}
        # A file over the limit is refused before it is read (werkzeug keeps
        # the upload in a temporary file).
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        try:
            request.env["crm.bulk.import.job"].sudo()._check_file_size(size, upload.filename, portal=True)
        except UserError as error:
            return {"file_error": str(error)}
        content = upload.read()
        # sudo: portal users cannot create jobs through the ORM; the job is
        # bound to their own partner, which limits what the file can name.
        # The uploader does not follow it: its chatter is the team's (they
        # get the summary by email).
        job = (
            request.env["crm.bulk.import.job"]
            .sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(
                {
                    "import_type": "lead",
                    "file": base64.b64encode(content),
                    "file_name": upload.filename,
                    "user_id": request.env.user.id,
                    "partner_id": partner.id,
                    "company_id": (partner.company_id or request.env.company).id,
                }
            )
        )
        try:
            with request.env.cr.savepoint():
                job.action_import()
        except UserError as error:
            job.write({"state": "failed", "failure_message": str(error)})
            return {"file_error": str(error), "job": job}
        if job.state == "failed":
            errors = job.line_ids.filtered(lambda line: line.status == "error").sorted("row_number")
            return {"errors": [(line.row_number, line.message) for line in errors], "job": job}
        warnings = [line.message for line in job.line_ids.sorted("row_number") if line.message]
        return {
            "success": request.env._(
                "%(count)s leads registered. They are pending until our team approves them.",
                count=job.count_created,
            ),
            "warnings": warnings,
            "job": job,
        }

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import models
from odoo.http import request

PORTAL_UPLOAD_PATH = "/my/registered-leads/import"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """A portal upload over the limit is refused from its Content-Length,
        unread (the route's max_content_length): back to the upload page,
        which says so, rather than a bare error page."""
        if isinstance(exception, RequestEntityTooLarge) and request.httprequest.path == PORTAL_UPLOAD_PATH:
            return request.redirect(f"{PORTAL_UPLOAD_PATH}?too_large=1", code=303)
        return super()._handle_error(exception)

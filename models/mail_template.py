# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def send_mail(self, res_id, force_send=False, *args, **kwargs):
        """Emails an import sends on the way (portal invitations of a member
        import) are queued, never sent one by one inside the import: a file of
        thousands of members must not wait for thousands of SMTP exchanges."""
        if self.env.context.get("crm_bulk_import_queue_mail"):
            force_send = False
        return super().send_mail(res_id, force_send, *args, **kwargs)

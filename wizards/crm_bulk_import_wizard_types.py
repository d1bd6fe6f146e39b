# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each import type's own wizard: the shared wizard, its type, and the
options of that type, declared once here (the job keeps every one of them,
see _option_fields)."""

from odoo import fields, models


def existing_members_field():
    """The choice of the member types for rows whose email is an existing
    member's."""
    return fields.Selection(
        [
            ("skip", "Skip them, with a warning"),
            ("update", "Update them and add the plan"),
            ("error", "Report an error"),
        ],
        string="Existing members",
        default="skip",
        required=True,
        help="What to do with a row whose email is the email of a member already in Odoo. A contact who is not "
        "a member yet is made the member, never created twice.",
    )


class CrmBulkImportWizardAssignment(models.TransientModel):
    _name = "crm.bulk.import.wizard.assignment"
    _inherit = "crm.bulk.import.wizard"
    _description = "Customer Assignment Wizard"

    import_type = fields.Selection(default="assignment")


class CrmBulkImportWizardLead(models.TransientModel):
    _name = "crm.bulk.import.wizard.lead"
    _inherit = "crm.bulk.import.wizard"
    _description = "Lead Registration Wizard"

    import_type = fields.Selection(default="lead")


class CrmBulkImportWizardPromote(models.TransientModel):
    _name = "crm.bulk.import.wizard.promote"
    _inherit = "crm.bulk.import.wizard"
    _description = "Promotion Wizard"

    import_type = fields.Selection(default="promote")
    promote_create_unknown = fields.Boolean(
        "Create members for unknown emails",
        help="An email that matches no lead or contact creates a new member instead of an error.",
    )
    send_onboarding_email = fields.Boolean(
        "Send onboarding emails", help="Send the member onboarding email to each new member."
    )
    existing_members = existing_members_field()


class CrmBulkImportWizardMember(models.TransientModel):
    _name = "crm.bulk.import.wizard.member"
    _inherit = "crm.bulk.import.wizard"
    _description = "Member Import Wizard"

    import_type = fields.Selection(default="member")
    prorate_at_start = fields.Boolean(
        "Prorated invoice at the start date", help="Invoice the days from the Start Date to the Next Invoice Date."
    )
    send_portal_invitations = fields.Boolean(
        "Send portal invitations", help="Without it, the import sends no email at all."
    )
    existing_members = existing_members_field()


class CrmBulkImportWizardProspect(models.TransientModel):
    _name = "crm.bulk.import.wizard.prospect"
    _inherit = "crm.bulk.import.wizard"
    _description = "Prospect Import Wizard"

    import_type = fields.Selection(default="prospect")
    send_invitations = fields.Boolean(
        "Send invitations", default=True, help="Invite each new prospect with a sign-up link bound to them."
    )

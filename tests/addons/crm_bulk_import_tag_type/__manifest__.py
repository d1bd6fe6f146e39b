# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Bulk Import: Tag Contacts (test type)",
    "summary": "A sixth import type, as another module adds one: tags contacts by email",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "license": "AGPL-3",
    "author": "crm_bulk_import contributors, Odoo Community Association (OCA)",
    "website": "https://github.com/crm-bulk-import/crm_bulk_import",
    "depends": ["crm_bulk_import"],
    "data": ["security/ir.model.access.csv", "views.xml"],
}

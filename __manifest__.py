# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "CRM Bulk Import",
    "summary": "Bulk imports for CRM: members, partner leads, customer assignment, "
    "prospects, with dry runs, background jobs and error files",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "AGPL-3",
    "author": "crm_bulk_import contributors",
    "website": "https://github.com/crm-bulk-import/crm_bulk_import",
    "depends": ["crm", "contacts", "portal", "mail", "base_automation", "subscription_oca"],
    "external_dependencies": {"python": ["openpyxl", "python-dateutil"]},
    "data": [
        "security/crm_bulk_import_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/crm_bulk_import_lead_field_data.xml",
        "data/base_automation_data.xml",
        "views/crm_bulk_import_job_views.xml",
        "views/room_permission_group_views.xml",
        "views/crm_bulk_import_lead_field_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_bulk_import_promotion_views.xml",
        "views/res_partner_views.xml",
        "views/prospect_views.xml",
        "views/portal_templates.xml",
        "wizards/crm_bulk_import_wizard_views.xml",
        "views/crm_bulk_import_menus.xml",
        "data/crm_bulk_import_field_data.xml",
    ],
    "demo": [
        "demo/crm_bulk_import_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_bulk_import/static/tests/tours/*.js",
        ],
    },
    "development_status": "Alpha",
    "installable": True,
    "application": False,
}

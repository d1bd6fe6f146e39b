# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, api

OLD_TRUSTED_DOMAIN = (
    "[('registration_state', '=', 'pending'), ('registered_partner_id.category_id.name', '=', 'Trusted')]"
)


def migrate(cr, version):
    if not version:
        return
    _member_of_subscriptions(cr)
    _trusted_rule_by_record(cr)
    _no_more_cron(cr)


def _member_of_subscriptions(cr):
    """Subscriptions know their member now. The update gave every existing
    subscription its customer as member; a member paid by another one was
    only named in the description of the payer's subscription. The import
    that created such a subscription logged it on the member's row: make
    that row's contact the subscription's member."""
    cr.execute(
        """
        UPDATE sale_subscription subscription
           SET member_id = line.res_id
          FROM crm_bulk_import_job_line line
          JOIN crm_bulk_import_job job ON job.id = line.job_id
         CROSS JOIN LATERAL jsonb_array_elements(line.undo -> 'created') AS created(item)
         WHERE job.import_type IN ('member', 'promote')
           AND line.res_model = 'res.partner'
           AND line.res_id IS NOT NULL
           AND created.item ->> 0 = 'sale.subscription'
           AND (created.item ->> 1)::int = subscription.id
           AND subscription.member_id IS DISTINCT FROM line.res_id
        """
    )


def _trusted_rule_by_record(cr):
    """The example rule found its tag by name, which never matches in a
    database whose language translates the tag: find it by record, unless
    the rule was changed since."""
    cr.execute(
        """SELECT res_id FROM ir_model_data
            WHERE module = 'crm_bulk_import' AND model = 'res.partner.category'
              AND name = 'res_partner_category_trusted'"""
    )
    tag = cr.fetchone()
    if not tag:
        return
    cr.execute(
        """UPDATE base_automation SET filter_domain = %s
            WHERE filter_domain = %s
              AND id IN (SELECT res_id FROM ir_model_data
                          WHERE module = 'crm_bulk_import' AND model = 'base.automation'
                            AND name = 'base_automation_approve_trusted_partner_leads')""",
        [
            f"[('registration_state', '=', 'pending'), ('registered_partner_id.category_id', 'in', [{tag[0]}])]",
            OLD_TRUSTED_DOMAIN,
        ],
    )


def _no_more_cron(cr):
    """The background imports run on the job queue now: the cron that ran
    them goes. Imports it left queued or running are queued again."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("crm_bulk_import.ir_cron_crm_bulk_import_run", raise_if_not_found=False)
    if cron:
        cron.unlink()
    Job = env["crm.bulk.import.job"]
    for job in Job.search([("state", "in", ("queued", "running"))]):
        job._enqueue("_queue_run_chunk", f"{job.name}: import rows")
    for job in Job.search([("revert_mode", "!=", False)]):
        job._enqueue("_queue_run_revert", f"{job.name}: revert rows")

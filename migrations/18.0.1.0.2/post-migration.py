# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def migrate(cr, version):
    """Subscriptions know their member now. The update gave every existing
    subscription its customer as member; a member paid by another one was
    only named in the description of the payer's subscription. The import
    that created such a subscription logged it on the member's row: make
    that row's contact the subscription's member."""
    if not version:
        return
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

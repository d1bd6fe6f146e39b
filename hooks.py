# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL

# Indexes this module adds to other modules' columns (crm.lead's init, the
# index of sale.subscription.line's subscription): uninstalling drops the
# module's own columns and their indexes, not these.
OWN_INDEXES = (
    "crm_lead_email_normalized_btree_index",
    "crm_lead_lower_partner_name_index",
    "sale_subscription_line__sale_subscription_id_index",
    "mail_activity__request_partner_id_index",
)

# Records of the module's data (its demo plans, customers...) that what users
# did since may use: {model: [(model, field)]} of the uses. A record in use is
# kept as the users' own data when the module goes, instead of leaving
# subscriptions without a plan or failing to delete it.
USES = {
    "product.product": [
        ("sale.subscription.line", "product_id"),
        ("account.move.line", "product_id"),
        ("sale.order.line", "product_id"),
    ],
    "sale.subscription.template": [("sale.subscription", "template_id")],
    "res.partner": [
        ("sale.subscription", "partner_id"),
        ("account.move", "partner_id"),
        ("sale.order", "partner_id"),
        ("crm.lead", "partner_id"),
        ("res.partner", "parent_id"),
        ("res.users", "partner_id"),
    ],
}


def uninstall_hook(env):
    cr = env.cr
    for index in OWN_INDEXES:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(index)))
    # The imports go with the module, and with them their hold on the users
    # who ran them (demo users among them).
    cr.execute("DELETE FROM crm_bulk_import_job")
    _keep_data_in_use(env)


def _keep_data_in_use(env):
    cr = env.cr
    cr.execute(
        "SELECT model, res_id FROM ir_model_data WHERE module = 'crm_bulk_import' AND model = ANY(%s)", [list(USES)]
    )
    owned = {}
    for model, res_id in cr.fetchall():
        owned.setdefault(model, set()).add(res_id)
    kept = {}
    for model, uses in USES.items():
        ids = owned.get(model)
        if not ids:
            continue
        for user_model, column in uses:
            if user_model not in env:
                continue  # its module is not installed
            # A use by a record of the module's data itself goes with it.
            cr.execute(
                SQL(
                    """SELECT DISTINCT t.%(column)s FROM %(table)s t
                        WHERE t.%(column)s = ANY(%(ids)s)
                          AND NOT EXISTS (SELECT 1 FROM ir_model_data d
                                           WHERE d.module = 'crm_bulk_import' AND d.model = %(model)s
                                             AND d.res_id = t.id)""",
                    column=SQL.identifier(column),
                    table=SQL.identifier(env[user_model]._table),
                    ids=list(ids),
                    model=user_model,
                )
            )
            kept.setdefault(model, set()).update(res_id for (res_id,) in cr.fetchall())
    # A plan kept keeps its product template and its subscription template.
    if kept.get("product.product"):
        cr.execute(
            """SELECT t.id, t.subscription_template_id FROM product_product p
                JOIN product_template t ON t.id = p.product_tmpl_id
               WHERE p.id = ANY(%s)""",
            [list(kept["product.product"])],
        )
        for template_id, subscription_template_id in cr.fetchall():
            kept.setdefault("product.template", set()).add(template_id)
            if subscription_template_id:
                kept.setdefault("sale.subscription.template", set()).add(subscription_template_id)
    for model, ids in kept.items():
        if ids:
            cr.execute(
                "DELETE FROM ir_model_data WHERE module = 'crm_bulk_import' AND model = %s AND res_id = ANY(%s)",
                [model, list(ids)],
            )

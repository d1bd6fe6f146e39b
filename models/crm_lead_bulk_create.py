# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many leads at once, at the speed of PostgreSQL.

``crm.lead.create()`` spends about 3 ms per lead in Python (defaults, stored
computes, probability scoring) although the leads of one import differ only
in a few plain values. ``_bulk_import_create`` lets the ORM create one lead
per *kind* of row (the prototype) and writes the other rows of that kind with
one INSERT that copies every stored column of the prototype except the row's
own values (of the fields listed in FAST_FIELDS only) and the few stored
fields computed from them, which are computed here with Odoo's own helpers. Where this cannot be proven to give what
``create()`` gives, every lead goes through ``create()``:

- an automation rule watches crm.lead (its actions would not run);
- a value that varies from row to row drives a stored computed field this
  file does not compute (a country, a salesperson...);
- the prototype has followers, messages, tags or differs from what is
  computed here for its own row.

``tests/test_lead_bulk_create.py`` compares, column by column, the leads
written here with the leads ``create()`` writes from the same rows."""

import logging
import re

from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.tools import email_split

from odoo.addons.iap.tools import iap_tools
from odoo.addons.mail.tools import mail_validation
from odoo.addons.phone_validation.tools import phone_validation

from . import bulk_insert

try:
    import phonenumbers
except ImportError:  # Odoo then neither validates nor formats phones
    phonenumbers = None

_logger = logging.getLogger(__name__)

# mail_validate is email_normalize unless the flanker library is installed.
FLANKER_FREE = not hasattr(mail_validation, "address")
# A bare ASCII address: no name, no quotes, no brackets.
SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")

# Row values -> the stored fields computed from them, which this file computes.
DERIVED = {
    "email_from": {
        "email_normalized",
        "email_domain_criterion",
        "email_state",
        # through email_state, a field of the probability scoring: the rows of
        # one prototype share email_state, hence these
        "automated_probability",
        "probability",
        "prorated_revenue",
        "recurring_revenue_prorated",
        "recurring_revenue_monthly_prorated",
    },
    "phone": {
        "phone_sanitized",
        "phone_state",
        "automated_probability",
        "probability",
        "prorated_revenue",
        "recurring_revenue_prorated",
        "recurring_revenue_monthly_prorated",
    },
    "expected_revenue": {"prorated_revenue"},
}
# Lead fields computed from and written back to the lead's customer: without
# a customer their given value is simply stored.
PARTNER_SYNCED = {"email_from", "phone"}
# The only fields whose values may differ from row to row on the fast path:
# each is proven to be stored as create() stores it, by a comparison in
# tests/test_lead_bulk_create.py. A row that varies any other field (a field
# the registration form may offer, whose value create() could clean or
# compute from) sends every lead through create().
FAST_FIELDS = {
    "name",
    "contact_name",
    "email_from",
    "partner_name",
    "phone",
    "description",
    "expected_revenue",
    "website",
    "street",
    "street2",
    "city",
    "zip",
    "function",
    "registered_partner_id",
    "registered_agent_id",
}
# Below this many leads, create() is fast enough.
MIN_ROWS = 50


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def _bulk_import_create(self, vals_list, stats=None):
        """Create the leads of ``vals_list`` (in that order) as ``create()``
        would with tracking off; see the module docstring.

        :param stats: a dict to receive ``inserted`` (leads written like a
            prototype) and ``kinds`` (prototypes)."""
        Lead = self.with_context(**bulk_insert.QUIET)
        for vals in vals_list:
            # What create() does to a website, before the rows are compared.
            if vals.get("website"):
                vals["website"] = self.env["res.partner"]._clean_website(vals["website"])
        varying = self._bulk_varying_fields(vals_list)
        if varying is None:
            bulk_insert.skipped(stats)
            return Lead.create(vals_list)
        # Rows of one kind: same fields given, same email and phone states
        # (the fields of the probability scoring that vary).
        kinds = {}
        company_country = self.env.company.country_id
        for index, vals in enumerate(vals_list):
            derived = self._bulk_derived(vals, company_country)
            key = (frozenset(vals), derived["email_state"], derived["phone_state"])
            kinds.setdefault(key, []).append((index, vals, derived))
        # The first two rows of each kind go through create(), all in one call
        # and in the file's order; the second of a kind is the prototype of
        # the kind's other rows.
        ids = [None] * len(vals_list)
        heads = sorted(member for members in kinds.values() for member in members[:2])
        for (index, _vals, _derived), lead in zip(heads, Lead.create([vals for _i, vals, _d in heads]), strict=True):
            ids[index] = lead.id
        self.env.flush_all()
        inserted = 0
        for members in kinds.values():
            rest = members[2:]
            if not rest:
                continue
            first, (prototype_index, prototype_vals, prototype_derived) = members[0], members[1]
            prototype = self.browse(ids[prototype_index])
            if self._bulk_prototype_ok(prototype, prototype_vals, prototype_derived):
                inserted += len(rest)
                # crm scores the leads of one batch in a loop that leaves the
                # first lead of a team unscored while the statistics are empty:
                # the score of a lead that is not first is the kind's score.
                scores = self.browse([ids[first[0]], prototype.id])._pls_get_naive_bayes_probabilities()
                new_ids = self._bulk_insert_like(
                    prototype, varying & set(prototype_vals), rest, scores.get(prototype.id, False)
                )
            else:
                new_ids = Lead.create([vals for _index, vals, _derived in rest]).ids
            for (index, _vals, _derived), new_id in zip(rest, new_ids, strict=True):
                ids[index] = new_id
        return bulk_insert.written(
            self, ids, inserted=inserted, kinds=len(kinds), stats=stats, validate=varying, logger=_logger
        )

    @api.model
    def _bulk_varying_fields(self, vals_list):
        """The fields whose values differ between rows, or None when the
        leads must go through create()."""
        enabled = bulk_insert.fast_path_enabled(self.env, "lead_fast_path")
        automated = bulk_insert.automated(self.env, self._name)
        # A lead with a customer takes its contact values from it (computes and
        # inverses this file does not repeat).
        with_partner = any(vals.get("partner_id") for vals in vals_list)
        if len(vals_list) < MIN_ROWS or not enabled or automated or with_partner:
            return None
        keys = set().union(*vals_list)
        varying = {key for key in keys if len({repr(vals.get(key)) for vals in vals_list}) > 1}
        for name in varying:
            field = self._fields.get(name)
            if name not in FAST_FIELDS or not field or not field.store:
                _logger.info("crm.lead bulk create: %s is not a field of the fast path, using create()", name)
                return None
            if field.company_dependent or (field.inverse and name not in PARTNER_SYNCED):
                return None
            stored = {dependent.name for dependent in self.pool.get_dependent_fields(field) if dependent.store}
            if not stored <= DERIVED.get(name, set()):
                _logger.info("crm.lead bulk create: %s drives %s, using create()", name, stored)
                return None
        return varying

    @api.model
    def _bulk_derived(self, vals, company_country):
        """The stored fields computed from a row's email and phone, as crm,
        mail and phone_validation compute them for a lead without a country
        or a customer (phone_sanitized: in ``company_country``)."""
        email = vals.get("email_from") or False
        if email and SIMPLE_EMAIL.match(email):
            # What email_normalize, mail_validate (without flanker) and
            # mail_prepare_for_domain_search give for a bare ASCII address,
            # without parsing it three times.
            normalized = email.lower()
            domain = normalized.rsplit("@", 1)[1]
            criterion = normalized if domain in iap_tools._MAIL_DOMAIN_BLACKLIST else f"@{domain}"
            email_state = "correct" if FLANKER_FREE else None
        else:
            normalized = tools.email_normalize(email, strict=False) if email else False
            criterion = iap_tools.mail_prepare_for_domain_search(normalized) if normalized else False
            email_state = None
        if email and email_state is None:
            email_state = "incorrect"
            if any(mail_validation.mail_validate(part) for part in email_split(email)):
                email_state = "correct"
        phone = vals.get("phone") or False
        phone_state = sanitized = False
        if phone:
            parsed = None
            try:
                parsed = phone_validation.phone_parse(phone, None)
                phone_state = "correct" if parsed else False
            except UserError:
                phone_state = "incorrect"
            if phonenumbers and not company_country.code:
                # the same parse as the state's
                sanitized = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if parsed else False
            else:
                sanitized = self._phone_format_number(phone, company_country)
        return {
            "email_normalized": normalized,
            "email_domain_criterion": criterion,
            "email_state": email_state,
            "phone_state": phone_state,
            "phone_sanitized": sanitized,
        }

    @api.model
    def _bulk_prorated(self, vals, probability):
        """As crm's _compute_prorated_revenue."""
        return round((vals.get("expected_revenue") or 0.0) * (probability or 0) / 100.0, 2)

    def _bulk_prototype_ok(self, prototype, vals, derived):
        """The prototype is what this file would have written for its row."""
        if prototype.country_id:
            return False  # phone states were computed without a country
        expected = dict(derived)
        expected["prorated_revenue"] = self._bulk_prorated(vals, prototype.probability)
        actual = {name: prototype[name] for name in expected}
        if actual != expected:
            _logger.warning("crm.lead bulk create: prototype %s differs %s != %s", prototype.id, actual, expected)
            return False
        return bulk_insert.is_quiet(prototype)

    @api.model
    def _bulk_insert_like(self, prototype, given, rows, probability):
        """INSERT one lead per row: the prototype's columns, the row's values
        and the fields derived from them (``probability``: the kind's lead
        score). Returns the new ids, in order."""
        derived_names = {"prorated_revenue", "probability", "automated_probability"}
        if "email_from" in given:
            derived_names |= {"email_normalized", "email_domain_criterion", "email_state"}
        if "phone" in given:
            derived_names |= {"phone_sanitized", "phone_state"}
        own = sorted(given | derived_names)
        new_ids = bulk_insert.new_ids(self, len(rows))
        values = []
        for new_id, (_index, vals, from_row) in zip(new_ids, rows, strict=True):
            derived = dict(
                from_row,
                probability=probability,
                automated_probability=probability,
                prorated_revenue=self._bulk_prorated(vals, probability),
            )
            row = {**{name: derived[name] for name in derived_names}, **{name: vals[name] for name in given}}
            values.append((new_id, *(row[name] for name in own)))
        bulk_insert.insert_like(self, prototype.id, own, values, raw=derived_names)
        return new_ids

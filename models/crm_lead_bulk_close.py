# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promoted leads leave the pipeline in one statement per thousand leads
instead of one write per lead.

A promotion links each lead to its member, wins it, logs a note and
archives it. Through ``write()`` that costs a few milliseconds per lead:
one write per lead for its own member (each checking the company, marking
what depends on the customer and flushing), crm's computes of the contact,
email, phone (parsed and formatted several times) and address taken from the
customer, then the won and archiving writes, each recomputing the
probability-related amounts and updating crm's scoring counts.

``_bulk_import_promote`` takes one of three ways:

- ``_bulk_close_sql``: what crm computes from the customer, the won stage
  and the closing is computed here with crm's rules, lead by lead in Python
  (each phone number parsed once, what Odoo stored already formatted taken as
  it is), and written with one UPDATE per thousand leads; crm's own methods
  count the scoring frequencies in crm's order, and write()'s company checks
  follow. Only when every stored field these changes recompute is one this
  file knows, and no other module overrides a method whose rules it follows
  (``_bulk_close_sql_safe``);
- ``_bulk_link_customers`` otherwise: the customers go into the cache lead
  by lead and the ORM computes what follows once for the batch; crm's
  batched won and archiving writes follow;
- one write per lead when another module overrides ``crm.lead.write``, an
  automation rule watches leads, the setting
  ``crm_bulk_import.lead_close_fast_path`` is "0", or for a few leads.

``tests/test_lead_bulk_close.py`` compares, column by column, the leads,
customers, scoring frequencies, activities and notes left by each way with
those of one write per lead."""

import logging

from markupsafe import Markup, escape

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

from odoo.addons.iap.tools import iap_tools
from odoo.addons.mail.tools import mail_validation
from odoo.addons.phone_validation.tools import phone_validation

from . import bulk_insert

try:
    import phonenumbers
except ImportError:  # phone_validation then neither formats nor checks numbers
    phonenumbers = None

_logger = logging.getLogger(__name__)

# The modules whose crm.lead.write() this file knows: what they do on a
# change of customer, stage or active is done here too.
KNOWN_WRITE_MODULES = {
    "odoo.models",
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.mail.models.mail_activity_mixin",
    "odoo.addons.crm.models.crm_lead",
    "odoo.addons.crm_bulk_import.models.crm_lead",
}


# What a new customer changes on a lead (crm 18.0's computes that depend on
# it), which _bulk_link_values() computes with crm's own rules: the columns
# written in one statement. The scoring is left to crm (_bulk_link_customers).
LINKED_COLUMNS = (
    "partner_id",
    "contact_name",
    "partner_name",
    "function",
    "title",
    "mobile",
    "website",
    "lang_id",
    "street",
    "street2",
    "city",
    "zip",
    "state_id",
    "country_id",
    "email_from",
    "email_normalized",
    "email_domain_criterion",
    "email_state",
    "phone",
    "phone_sanitized",
    "phone_state",
    "company_id",
)
# What winning and archiving a lead writes or recomputes (crm.lead.write and
# its computes), which _bulk_close_sql() writes.
CLOSING_FIELDS = (
    "stage_id",
    "probability",
    "automated_probability",
    "active",
    "date_closed",
    "date_last_stage_update",
    "day_close",
    "prorated_revenue",
    "recurring_revenue_monthly_prorated",
    "recurring_revenue_prorated",
)
ADDRESS_COLUMNS = ("street", "street2", "city", "zip", "state_id", "country_id")
SYNCED_UNLESS_EMPTY = ("function", "title", "mobile", "website")
# The stored fields a change of customer may recompute besides: the scoring
# and what depends on the probability (the leads are won next), the name
# (only when empty: such leads take the ORM's way) and the customer's list of
# leads (no column).
LINKED_OTHERS = {
    ("crm.lead", "name"),
    ("crm.lead", "automated_probability"),
    ("crm.lead", "probability"),
    ("crm.lead", "prorated_revenue"),
    ("crm.lead", "recurring_revenue_monthly_prorated"),
    ("crm.lead", "recurring_revenue_prorated"),
    ("res.partner", "opportunity_ids"),
}
# The methods whose rules _bulk_link_values() follows, and the modules whose
# versions it knows: another module's override sends the leads the ORM's way.
LINK_METHODS = (
    "_prepare_address_values_from_partner",
    "_prepare_contact_name_from_partner",
    "_prepare_partner_name_from_partner",
    "_get_partner_email_update",
    "_get_partner_phone_update",
    "_phone_format",
    "_phone_format_number",
    "_phone_get_country",
    "_phone_get_country_field",
    "_phone_get_number_fields",
    "_mail_get_partner_fields",
    "_primary_email",
    "_check_company",
    "_handle_won_lost",
    "_pls_increment_frequencies",
    "_pls_get_lead_pls_values",
)
KNOWN_LINK_MODULES = {
    "odoo.models",
    "odoo.addons.crm.models.crm_lead",
    "odoo.addons.mail.models.models",
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.mail.models.mail_thread_blacklist",
    "odoo.addons.phone_validation.models.models",
    "odoo.addons.phone_validation.models.mail_thread_phone",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.model
    def _bulk_import_promote(self, member_of, body_of):
        """Close the leads of ``member_of`` ({lead id: member}): linked to
        their member, won, noted with ``body_of`` ({lead id: text}) and
        archived as won (probability 100)."""
        if not member_of:
            return
        leads = self.with_context(tracking_disable=True).browse(list(member_of))
        bodies = {lead_id: Markup("<p>%s</p>") % body for lead_id, body in body_of.items()}
        fast = len(leads) >= bulk_insert.MIN_ROWS and leads._bulk_close_safe()
        if fast and leads._bulk_close_sql_safe():
            leads._bulk_close_sql({lead_id: member.id for lead_id, member in member_of.items()})
            leads._bulk_import_log(bodies)
            return
        if fast:
            leads._bulk_link_customers({lead_id: member.id for lead_id, member in member_of.items()})
        else:
            for lead in leads:
                lead.write({"partner_id": member_of[lead.id].id})
        # What the leads take from their new customers is computed here, with
        # tracking off as for the writes: a flush by a caller would track it.
        leads.flush_model()
        leads._bulk_import_set_won()
        leads._bulk_import_log(bodies)
        # Archived as won, not lost: Odoo reads an archived lead at 0% as lost.
        leads.write({"active": False, "probability": 100})

    def _bulk_close_safe(self):
        """The passes of this file give what write() gives: no write() of
        another module and no automation rule to run, the setting on."""
        if not bulk_insert.fast_path_enabled(self.env, "lead_close_fast_path"):
            return False
        if bulk_insert.automated(self.env, self._name):
            return False
        # The registry's own class is left out: automation rules (checked
        # above) are what patch its write().
        return not bulk_insert.overridden_elsewhere(self, ("write", "_handle_won_lost"), KNOWN_WRITE_MODULES)

    def _bulk_link_customers(self, partner_of):
        """What ``lead.write({"partner_id": partner_of[lead.id]})`` does for
        each lead of ``self``, with tracking off, in one pass."""
        # A probability of 0 stays 0 through the scoring (it is not
        # automated: the scoring gives at least 0.01), and crm reads it when
        # the lead is won: those leads keep their recomputation.
        scored = self.filtered("probability")
        field = self._fields["partner_id"]
        self.modified(["partner_id"], before=True)
        for lead in self:
            field.write(lead, partner_of[lead.id])
        self._fields["write_uid"].write(self, self.env.uid)
        self._fields["write_date"].write(self, self.env.cr.now())
        self.modified(["partner_id", "write_uid", "write_date"])
        self._validate_fields(["partner_id"])
        self._check_company()
        _logger.info("crm.lead bulk close: %s leads linked to their customers in one pass", len(self))
        # The leads are won next, which sets both probabilities to 100: the
        # scoring the new customers asked for would be replaced unread.
        for name in ("automated_probability", "probability"):
            self.env.remove_to_compute(self._fields[name], scored)

    def _bulk_close_sql_safe(self):
        """The statements of this file know every stored field that a new
        customer, a won stage and the archiving recompute, and every method
        computing them (no other module's); every lead has a name."""
        triggered = set()

        def walk(tree):
            for field in tree.root:
                if field.store:
                    triggered.add((field.model_name, field.name))
            for subtree in tree.values():
                walk(subtree)

        walk(self.env.registry.get_trigger_tree([self._fields[name] for name in ("partner_id", *CLOSING_FIELDS)]))
        known = {("crm.lead", name) for name in (*LINKED_COLUMNS, *CLOSING_FIELDS)} | LINKED_OTHERS
        if not triggered <= known:
            _logger.info("crm.lead bulk close: other fields follow the lead: %s", sorted(triggered - known))
            return False
        methods = set(LINK_METHODS)
        methods.update(
            self._fields[name].compute
            for name in (*LINKED_COLUMNS, *CLOSING_FIELDS, "company_currency")
            if isinstance(self._fields[name].compute, str)
        )
        if any(
            bulk_insert.overridden_elsewhere(model, methods, KNOWN_LINK_MODULES)
            for model in (self, self.env["res.partner"])
        ):
            return False
        return phonenumbers is not None and all(self.mapped("name"))

    def _bulk_close_sql(self, partner_of):
        """What each lead's write of its customer (``partner_of``), then
        crm's won writes (_bulk_import_set_won) and the archiving leave in
        the leads of ``self``, which are open, tracking off, in one statement
        per thousand leads: what crm computes from the customer
        (_bulk_link_values), the stage and the closing, then the company
        checks of write().

        crm's scoring counts each change before its write (_handle_won_lost).
        A lead that is won enters the won counts under every stage, whatever
        its own, and once archived leaves them and enters the lost counts
        under the stages up to its won stage: those are counted once the
        statement wrote the leads. A lead at probability 0 first has its
        scoring computed again with its new customer and, still at 0, leaves
        the lost counts under the stages up to its stage before it is won,
        and a lead without a stage enters the won counts under none: those
        leads are linked to their customers first, and counted then."""
        self.check_access("write")
        self.flush_model()
        values = self._bulk_link_values(partner_of)
        companies = {lead.id: lead.company_id.id for lead in self}
        by_stage = self._bulk_won_stages()
        # Linked first: the leads at probability 0, whose scoring is computed
        # again, and those without a stage, which enter the won counts under
        # no stage.
        early = self.filtered(lambda lead: not lead.probability or not lead.stage_id)
        if early:
            bulk_insert.update_rows(
                early,
                [(lead.id, *(values[lead.id][name] for name in LINKED_COLUMNS)) for lead in early],
                LINKED_COLUMNS,
            )
            for name in ("automated_probability", "probability"):
                self.env.add_to_compute(self._fields[name], early.filtered(lambda lead: not lead.probability))
            early.flush_model()
            # in crm's order: a count taken out of a row it creates adds to it
            early._pls_increment_frequencies(to_state="won")
            early.filtered(lambda lead: lead.probability == 0)._pls_increment_frequencies(from_state="lost")
        closed = fields.Datetime.now()
        Company = self.env["res.company"]
        rows = []
        for stage, leads in by_stage.items():
            for lead in leads:
                # crm.lead._compute_company_currency, with the new company
                currency = Company.browse(values[lead.id]["company_id"]).currency_id or self.env.company.currency_id
                round_ = currency.round if currency else float
                rows.append(
                    (
                        lead.id,
                        *(values[lead.id][name] for name in LINKED_COLUMNS),
                        stage.id,
                        round_(round((lead.expected_revenue or 0.0) * 100 / 100.0, 2)),
                        round_((lead.recurring_revenue_monthly or 0.0) * 100 / 100.0),
                        round_((lead.recurring_revenue or 0.0) * 100 / 100.0),
                        self._bulk_days_to_close(lead.create_date, closed),
                    )
                )
        bulk_insert.update_rows(
            self,
            rows,
            (
                *LINKED_COLUMNS,
                "stage_id",
                "prorated_revenue",
                "recurring_revenue_monthly_prorated",
                "recurring_revenue_prorated",
                "day_close",
            ),
            {
                "probability": 100,
                "automated_probability": 100,
                "date_last_stage_update": self.env.cr.now(),
                "date_closed": closed,
                "active": False,
            },
        )
        self.env["res.partner"].browse(set(partner_of.values())).invalidate_recordset(["opportunity_ids"])
        self.env["res.users"].invalidate_model(["opportunity_ids"])
        (self - early)._pls_increment_frequencies(to_state="won")
        self._pls_increment_frequencies(from_state="won")
        self._pls_increment_frequencies(to_state="lost")
        self.env["mail.activity"].sudo().search([("res_model", "=", self._name), ("res_id", "in", self.ids)]).unlink()
        self._validate_fields(["partner_id", "stage_id", "probability", "automated_probability", "active"])
        self._bulk_check_companies(companies)
        _logger.info(
            "crm.lead bulk close: %s leads linked to their customers, won and archived in one statement", len(self)
        )

    def _bulk_check_companies(self, companies):
        """write()'s company checks: each customer in its lead's company or
        in none (or a parent company); a lead whose company changed is
        checked whole. Leads in doubt go through the ORM's check."""
        parents = {}
        doubtful = self.browse()
        for lead in self:
            company = lead.company_id
            if company not in parents:
                parents[company] = {int(part) for part in (company.parent_path or "").split("/") if part}
            partner_company = lead.partner_id.company_id
            if (partner_company and partner_company.id not in parents[company]) or companies[lead.id] != company.id:
                doubtful |= lead
        doubtful._check_company()

    def _bulk_link_values(self, partner_of):
        """{lead id: {column of LINKED_COLUMNS: value}}: crm's computes of
        each lead with its new customer (crm.lead._compute_contact_name to
        _compute_phone_state, with mail's and phone_validation's), each phone
        number formatted once per country, what Odoo stored already taken
        as it is."""
        partners = self.env["res.partner"].browse(set(partner_of.values()))
        lang_of = {code: self.env["res.lang"]._get_data(code=code).id for code in set(partners.mapped("lang")) if code}
        parsed = {}

        def parse(number, code):
            """phone_validation.phone_parse(), None if it cannot: each number
            parsed once per country, for its format and its state; once for
            all countries when it starts with its own country code."""
            key = (number, None if number.startswith("+") else code or None)
            if key not in parsed:
                try:
                    parsed[key] = phone_validation.phone_parse(number, code or None)
                except UserError:
                    parsed[key] = None
            return parsed[key]

        # A number written with its country code formats alike in every
        # country, and Odoo stored its format already as the phone_sanitized
        # of a lead or contact without mobile (_compute_phone_sanitized).
        stored = {
            record.phone: record.phone_sanitized
            for record in (*self, *partners)
            if record.phone and record.phone.startswith("+") and not record.mobile
        }

        def e164(number, country):
            """record._phone_format(): E164, False if it cannot be."""
            if not number:
                return False
            if number in stored:
                return stored[number] or False
            phone = parse(number, (country or self.env.company.country_id).code)
            return phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.E164) if phone else False

        def phone_state(number, country):
            """crm.lead._compute_phone_state()."""
            if not number:
                return False
            if number.startswith("+"):  # a number that parses formats
                return "correct" if e164(number, country) else "incorrect"
            return "correct" if parse(number, country.code) else "incorrect"

        # Iterated, the customers read their fields (and their teams') for
        # all leads at once, not one record at a time.
        partner_by_id = {partner.id: partner for partner in partners}
        result = {}
        for lead in self:
            partner = partner_by_id[partner_of[lead.id]]
            row = {"partner_id": partner.id}
            source = partner if any(partner[name] for name in ADDRESS_COLUMNS) else lead
            row.update(
                {
                    name: source[name].id if name in ("state_id", "country_id") else source[name]
                    for name in ADDRESS_COLUMNS
                }
            )
            row["contact_name"] = (False if partner.is_company else partner.name) or lead.contact_name
            partner_name = partner.parent_id.name
            if not partner_name and partner.is_company:
                partner_name = partner.name
            elif not partner_name and partner.company_name:
                partner_name = partner.company_name
            row["partner_name"] = partner_name or lead.partner_name
            for name in SYNCED_UNLESS_EMPTY:
                value = partner[name] if not lead[name] or partner[name] else lead[name]
                row[name] = value.id if name == "title" else value
            row["lang_id"] = lang_of.get(partner.lang, False) if partner.lang else False
            # _compute_email_from, then what follows the email
            email = lead.email_from
            if partner.email and email != partner.email:
                if (tools.email_normalize(email) or email or False) != (
                    tools.email_normalize(partner.email) or partner.email or False
                ):
                    email = partner.email
            row["email_from"] = email
            if email == lead.email_from:  # what follows it stays as stored
                row["email_normalized"] = lead.email_normalized
                row["email_domain_criterion"] = lead.email_domain_criterion
                row["email_state"] = lead.email_state
            else:
                row["email_normalized"] = tools.email_normalize(email, strict=False)
                row["email_domain_criterion"] = (
                    iap_tools.mail_prepare_for_domain_search(row["email_normalized"])
                    if row["email_normalized"]
                    else False
                )
                row["email_state"] = self._bulk_email_state(email)
            # _compute_phone: the lead's country is the one it takes, else
            # its customer's (_phone_get_country), else the company's.
            country = self.env["res.country"].browse(row["country_id"]) or partner.country_id
            phone = lead.phone
            if partner.phone and phone != partner.phone:
                if (e164(phone, country) or phone or False) != (
                    e164(partner.phone, partner.country_id) or partner.phone or False
                ):
                    phone = partner.phone
            row["phone"] = phone
            row["phone_sanitized"] = e164(row["mobile"], country) or e164(phone, country)
            row["phone_state"] = phone_state(phone, self.env["res.country"].browse(row["country_id"]))
            row["company_id"] = lead._bulk_company_with(partner)
            result[lead.id] = row
        return result

    @api.model
    def _bulk_email_state(self, email):
        """crm.lead._compute_email_state()."""
        if not email:
            return False
        return (
            "correct" if any(mail_validation.mail_validate(part) for part in tools.email_split(email)) else "incorrect"
        )

    def _bulk_company_with(self, partner):
        """crm.lead._compute_company_id() of this lead with ``partner`` for
        customer: its company id."""
        proposal = self.company_id
        if proposal:
            if self.user_id and proposal not in self.user_id.company_ids:
                proposal = False
            elif self.team_id.company_id and proposal != self.team_id.company_id:
                proposal = False
            elif self.team_id and not self.team_id.company_id and not self.user_id:
                proposal = False
            elif not self.team_id and not self.user_id and partner.company_id != proposal:
                proposal = False
        if proposal:
            return proposal.id
        if self.team_id.company_id:
            return self.team_id.company_id.id
        if self.user_id:
            if self.env.company in self.user_id.company_ids:
                return self.env.company.id
            return (self.user_id.company_id & self.env.companies).id
        return partner.company_id.id

    def _bulk_import_log(self, bodies):
        """``_message_log_batch(bodies=bodies)``: the notes of all but two
        leads are inserted like the second, whose note only differs by its
        lead and text (the batch shares the author, subtype and message id)."""
        if len(self) < bulk_insert.MIN_ROWS or not bulk_insert.fast_path_enabled(self.env, "lead_close_fast_path"):
            self._message_log_batch(bodies=bodies)
            return
        heads, rest = self[:2], self[2:]
        prototype = heads._message_log_batch(bodies={lead.id: bodies[lead.id] for lead in heads})[-1]
        if not bulk_insert.is_quiet(prototype):
            rest._message_log_batch(bodies={lead.id: bodies[lead.id] for lead in rest})
            return
        Message = self.env["mail.message"].sudo()
        ids = bulk_insert.new_ids(Message, len(rest))
        # Escaped as _message_log_batch() does, then sanitized as create().
        bulk_insert.insert_like(
            Message,
            prototype.id,
            ("res_id", "body"),
            [(new_id, lead.id, escape(bodies[lead.id])) for new_id, lead in zip(ids, rest, strict=True)],
        )
        self.invalidate_recordset(["message_ids"])

    def _bulk_won_stages(self):
        """{won stage: its leads of ``self``}: crm's action_set_won, whose
        loop searches the won stages of the whole batch's teams once per
        lead: the same stages, searched once."""
        won_stages = self._stage_find(domain=[("is_won", "=", True)], limit=None)
        stage_of, ids_by_stage = {}, {}
        for lead in self:
            sequence = lead.stage_id.sequence
            if sequence not in stage_of:
                stage = next((stage for stage in won_stages if stage.sequence > sequence), None)
                stage_of[sequence] = stage or next(
                    (stage for stage in reversed(won_stages) if stage.sequence <= sequence), won_stages
                )
            ids_by_stage.setdefault(stage_of[sequence], []).append(lead.id)
        return {stage: self.browse(ids) for stage, ids in ids_by_stage.items()}

    def _bulk_import_set_won(self):
        """crm's action_set_won, one write per won stage."""
        for stage, leads in self._bulk_won_stages().items():
            leads.write({"stage_id": stage.id, "probability": 100})

    @api.model
    def _bulk_days_to_close(self, created, closed):
        """crm.lead._compute_day_close()."""
        if not (created and closed):
            return None
        return abs((fields.Datetime.from_string(closed) - fields.Datetime.from_string(created)).days)

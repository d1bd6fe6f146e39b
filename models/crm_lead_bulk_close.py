# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promoted leads leave the pipeline in a few passes instead of one write
per lead.

A promotion links each lead to its member, wins it, logs a note and
archives it. Through ``write()`` that costs about 2.5 ms per lead: one
write per lead for its own member (each checking the company, marking what
depends on the customer and flushing), then, when the lead is won, crm reads
each lead's probability, which recomputes the predictive scoring of every
lead (their phone and email changed with their customer) only to replace it
by 100 at once.

``_bulk_import_promote`` does the same with the ORM's own pieces:

- the customers go into the cache lead by lead and the ORM is told once what
  changed (``modified``), then checks companies and constraints once, as
  ``write()`` does for one value given to many records; crm then computes
  the lead's contact, email, phone and address from the customer as usual;
- the scoring recomputed for nothing is dropped; a lead whose probability is
  0 is left to it, as crm then moves it out of the lost counts;
- winning and archiving are crm's own batched writes, with their scoring
  frequency updates.

Only when ``crm.lead.write`` has no other override than crm's, mail's and
this module's, no automation rule watches leads, and the setting
``crm_bulk_import.lead_close_fast_path`` is not "0". Otherwise, and for a
few leads, each lead is written as before.

``tests/test_lead_bulk_close.py`` compares, column by column, the leads,
customers, scoring frequencies, activities and notes left by both ways."""

import logging

from markupsafe import Markup, escape

from odoo import api, models

from . import bulk_insert

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
        if len(leads) < bulk_insert.MIN_ROWS or not leads._bulk_close_safe():
            for lead in leads:
                lead.write({"partner_id": member_of[lead.id].id})
        else:
            leads._bulk_link_customers({lead_id: member.id for lead_id, member in member_of.items()})
        # What the leads take from their new customers is computed here, with
        # tracking off as for the writes: a flush by a caller would track it.
        leads.flush_model()
        leads._bulk_import_set_won()
        leads._bulk_import_log({lead_id: Markup("<p>%s</p>") % body for lead_id, body in body_of.items()})
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
        return all(
            cls.__module__ in KNOWN_WRITE_MODULES
            for cls in type(self).mro()[1:]
            if "write" in vars(cls) or "_handle_won_lost" in vars(cls)
        )

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

    def _bulk_import_set_won(self):
        """crm's action_set_won, whose loop searches the won stages of the
        whole batch's teams once per lead: the same stages, searched once."""
        won_stages = self._stage_find(domain=[("is_won", "=", True)], limit=None)
        by_stage = {}
        for lead in self:
            stage = next((stage for stage in won_stages if stage.sequence > lead.stage_id.sequence), None)
            if not stage:
                stage = next(
                    (stage for stage in reversed(won_stages) if stage.sequence <= lead.stage_id.sequence), won_stages
                )
            by_stage.setdefault(stage, []).append(lead.id)
        for stage, ids in by_stage.items():
            self.browse(ids).write({"stage_id": stage.id, "probability": 100})

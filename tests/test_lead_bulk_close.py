# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import logging
from unittest.mock import patch

from odoo import Command
from odoo.tests import TransactionCase

from ..models import bulk_insert
from .test_member_bulk_create import TIMESTAMPS, stored_rows

# Columns that hold when a lead was closed, not what it holds.
CLOSED_AT = {"date_closed", "date_last_stage_update"}


class RolledBack(Exception):
    """Undoes a promotion once its leads are read."""


class TestLeadBulkClose(TransactionCase):
    """Promoted leads closed in one pass are, column by column, the leads
    one write per lead leaves: their contact, email, phone and address taken
    from the member, won, archived, with their activities gone, their note,
    and the same predictive scoring frequencies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        parameters = cls.env["ir.config_parameter"].sudo()
        parameters.set_param("crm.pls_start_date", "2020-01-01")
        parameters.set_param("crm.pls_fields", "phone_state,email_state,country_id,tag_ids")
        cls.env.company.country_id = cls.env.ref("base.be")
        Stage = cls.env["crm.stage"]
        cls.new, cls.qualified = Stage.create(
            [{"name": "Bulk New", "sequence": 1}, {"name": "Bulk Qualified", "sequence": 2}]
        )
        cls.won = Stage.create({"name": "Bulk Won", "sequence": 70, "is_won": True})
        cls.team_a, cls.team_b = cls.env["crm.team"].create([{"name": "Bulk Sales A"}, {"name": "Bulk Sales B"}])
        cls.tag = cls.env["crm.tag"].create({"name": "Bulk Hot"})
        # What the scoring already counts: enough lost leads that a count
        # taken out shows, and couples still at their floor.
        closed = cls.env["crm.lead"].create(
            [
                {
                    "name": f"Closed before {index}",
                    "email_from": f"closed.{index}@example.com",
                    "team_id": (cls.team_a, cls.team_b)[index % 2].id,
                    "stage_id": (cls.new, cls.qualified)[index % 2].id,
                    "phone": "+32 470 12 34 56" if index % 3 else False,
                    "country_id": cls.env.ref("base.be").id if index % 4 else False,
                }
                for index in range(40)
            ]
        )
        closed[:30].action_set_lost()
        closed[30:].write({"stage_id": cls.won.id})

    def make_leads(self):
        """Leads and their members, in every state a promotion meets."""
        Partner = self.env["res.partner"]
        team = Partner.create({"name": "Bulk Promoted Team", "is_company": True})
        leads, members = self.env["crm.lead"], Partner
        for index in range(60):
            lead = self.env["crm.lead"].create(
                {
                    "name": f"Lead {index:02d}",
                    "type": ("lead", "opportunity")[index % 2],
                    "contact_name": f"Prospect {index}",
                    "email_from": f"prospect.{index}@example.com" if index % 7 else f"Old <old.{index}@example.com>",
                    "phone": "+32 12"
                    if index % 13 == 6
                    else ("+32 470 00 00 %02d" % index, False, "0470 99 88 77")[index % 3],
                    "city": "Gent" if index % 4 else False,
                    "country_id": self.env.ref("base.be").id if index % 5 else False,
                    "team_id": (self.team_a, self.team_b, False)[index % 3]
                    and (self.team_a, self.team_b)[index % 2].id,
                    "stage_id": (self.new, self.qualified)[index % 2].id,
                    "tag_ids": [Command.link(self.tag.id)] if index % 6 == 0 else [],
                    "expected_revenue": 1000 * index,
                    "function": "Old job" if index % 3 == 1 else False,
                    "mobile": "+32 470 77 66 %02d" % index if index % 5 == 3 else False,
                    "website": "https://old.example.com" if index % 4 == 2 else False,
                    # no salesperson nor team: the company follows the customer
                    "user_id": False if index % 6 == 2 else self.env.uid,
                }
            )
            if index % 8 == 3:
                lead.probability = 0  # set by hand: not the scoring's
            elif index % 8 == 5:
                lead.probability = 40
            elif index % 8 == 7:
                # automated, at 0: the scoring gives it a probability again
                lead.write({"probability": 0, "automated_probability": 0})
            if index % 10 == 4:
                lead.write({"stage_id": False, "probability": 30})  # imported without a stage
            if index % 5 == 2:
                lead.activity_schedule("mail.mail_activity_data_todo", summary=f"Call {index}")
            company_member = index % 10 == 9
            member = Partner.create(
                {
                    "name": f"Prospect Member {index}",
                    "is_company": company_member,
                    "company_name": "Own Company" if index % 10 == 8 else False,
                    "company_id": self.env.company.id if index % 4 == 0 else False,
                    "function": "Buyer" if index % 4 == 1 else False,
                    "website": f"https://m{index}.example.com" if index % 5 == 1 else False,
                    "mobile": "+32 470 11 22 %02d" % index if index % 6 == 1 else False,
                    # the lead's email, written otherwise
                    "email": f"Prospect {index} <prospect.{index}@example.com>"
                    if index % 11 == 4
                    else f"prospect.{index}@example.com",
                    # the lead's phone, another one, or none
                    "phone": "+99 1234"
                    if index % 13 == 5
                    else ("+32 470 00 00 %02d" % index, "+32 4 555 00 %02d" % index, False)[index % 3],
                    "street": f"{index} Rue Haute" if index % 2 else False,
                    "city": "Liège" if index % 2 else False,
                    "country_id": self.env.ref("base.be").id if index % 2 else False,
                    "parent_id": False if company_member or index % 10 == 8 else team.id,
                    "lang": "fr_FR" if index % 9 == 1 and self.env["res.lang"]._lang_get("fr_FR") else False,
                }
            )
            leads |= lead
            members |= member
        self.env.flush_all()
        return leads, members

    def close_and_read(self, leads, members):
        with contextlib.suppress(RolledBack), self.env.cr.savepoint():
            self.env["crm.lead"]._bulk_import_promote(
                dict(zip(leads.ids, members, strict=True)),
                {lead.id: f"Promoted to member {member.name}." for lead, member in zip(leads, members, strict=True)},
            )
            self.env.flush_all()
            self.env.cr.precommit.run()  # field tracking posts its messages at commit
            self.env.invalidate_all()
            Lead = self.env["crm.lead"].with_context(active_test=False)
            snapshot = {
                "leads": stored_rows(Lead.browse(leads.ids), lambda row: row["name"]),
                "members": stored_rows(members, lambda row: row["name"]),
                "frequencies": sorted(
                    (freq.variable, freq.value, freq.team_id.id, freq.won_count, freq.lost_count)
                    for freq in self.env["crm.lead.scoring.frequency"].search([])
                ),
                "activities": sorted(
                    self.env["mail.activity"]
                    .search([("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)])
                    .mapped("summary")
                ),
                # each lead's note, every column (the batch shares one
                # message id, drawn at random)
                "notes": {
                    res_id: {column: value for column, value in row.items() if column != "message_id"}
                    for res_id, row in stored_rows(
                        self.env["mail.message"].search(
                            [
                                ("model", "=", "crm.lead"),
                                ("res_id", "in", leads.ids),
                                ("body", "like", "Promoted to member"),
                            ]
                        ),
                        lambda row: row["res_id"],
                    ).items()
                },
                # every message of the leads, tracking included
                "messages": sorted(
                    (
                        message.res_id,
                        str(message.body),
                        message.message_type,
                        message.subtype_id.id,
                        len(message.tracking_value_ids),
                    )
                    for message in self.env["mail.message"].search(
                        [("model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
                    )
                ),
            }
            raise RolledBack
        self.env.invalidate_all()
        return snapshot

    def test_same_as_one_write_per_lead(self):
        self.check_same_as_one_write_per_lead(", won and archived in one statement")

    def test_same_through_the_orm_computes(self):
        """Where another module computes a lead's fields from its customer,
        crm's computes run on the whole batch at once."""
        with patch.object(type(self.env["crm.lead"]), "_bulk_close_sql_safe", return_value=False):
            self.check_same_as_one_write_per_lead(" in one pass")

    def check_same_as_one_write_per_lead(self, way):
        leads, members = self.make_leads()
        self.assertTrue(leads._bulk_close_safe())
        activities = self.env["mail.activity"].search_count(
            [("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)]
        )
        self.assertEqual(activities, 12)
        before = self.env.cr.now().replace(microsecond=0)
        # logging.INFO: Odoo names another level "INFO"
        with self.assertLogs("odoo.addons.crm_bulk_import.models.crm_lead_bulk_close", logging.INFO) as logs:
            fast = self.close_and_read(leads, members)
        self.assertIn(f"60 leads linked to their customers{way}", logs.output[0])
        self.env["ir.config_parameter"].sudo().set_param("crm_bulk_import.lead_close_fast_path", "0")
        self.assertFalse(leads._bulk_close_safe())
        with self.assertNoLogs("odoo.addons.crm_bulk_import.models.crm_lead_bulk_close", logging.INFO):
            slow = self.close_and_read(leads, members)

        self.assertEqual(set(fast["leads"]), set(slow["leads"]))
        for key, row in fast["leads"].items():
            for column in CLOSED_AT:
                self.assertGreaterEqual(row[column], before, f"{key}: {column}")
            differing = {
                column: (value, slow["leads"][key][column])
                for column, value in row.items()
                if column not in TIMESTAMPS | CLOSED_AT and value != slow["leads"][key][column]
            }
            self.assertEqual(differing, {}, f"{key}: columns differ (fast, one write per lead)")
        for key, row in fast["members"].items():
            differing = {
                column: (value, slow["members"][key][column])
                for column, value in row.items()
                if column not in TIMESTAMPS and value != slow["members"][key][column]
            }
            self.assertEqual(differing, {}, f"{key}: the member differs")
        self.assertEqual(fast["frequencies"], slow["frequencies"])
        self.assertEqual(fast["activities"], slow["activities"])
        self.assertEqual(fast["activities"], [], "archived leads keep no activity")
        self.assertEqual(set(fast["notes"]), set(leads.ids))
        for res_id, row in fast["notes"].items():
            differing = {
                column: (value, slow["notes"][res_id][column])
                for column, value in row.items()
                if column not in TIMESTAMPS | {"date"} and value != slow["notes"][res_id][column]
            }
            self.assertEqual(differing, {}, f"the note of lead {res_id} differs")
        self.assertEqual(fast["messages"], slow["messages"])
        self.assertFalse([message for message in fast["messages"] if message[4]], "no tracking")
        self.assertEqual(str(fast["notes"][leads[-1].id]["body"]), "<p>Promoted to member Prospect Member 59.</p>")
        self.assertEqual(len({row["id"] for row in fast["notes"].values()}), 60)

        # What the comparison covers really happened.
        rows = fast["leads"]
        self.assertTrue(all(not row["active"] and row["probability"] == 100 for row in rows.values()))
        won_stages = self.env["crm.stage"].browse({row["stage_id"] for row in rows.values()})
        self.assertTrue(won_stages and all(won_stages.mapped("is_won")))
        self.assertEqual(rows["Lead 01"]["phone"], "+32 4 555 00 01", "the member's phone, not the lead's")
        self.assertEqual(rows["Lead 01"]["street"], "1 Rue Haute", "the member's address")
        self.assertEqual(rows["Lead 00"]["contact_name"], "Prospect Member 0")
        self.assertEqual(rows["Lead 07"]["email_from"], "prospect.7@example.com")
        self.assertEqual(rows["Lead 03"]["partner_id"], members[3].id)
        self.assertIsNone(rows["Lead 02"]["company_id"], "no team nor salesperson: the customer's company (none)")
        self.assertEqual(rows["Lead 08"]["company_id"], self.env.company.id)
        self.assertEqual(
            (rows["Lead 09"]["contact_name"], rows["Lead 09"]["partner_name"]), ("Prospect 9", "Prospect Member 9")
        )
        self.assertEqual(rows["Lead 08"]["partner_name"], "Own Company")
        self.assertEqual(rows["Lead 01"]["function"], "Buyer")
        self.assertEqual(rows["Lead 04"]["email_from"], "prospect.4@example.com", "the same address, kept as written")
        self.assertEqual(rows["Lead 07"]["phone_sanitized"], "+32470112207", "the member's mobile first")
        self.assertEqual((rows["Lead 05"]["phone"], rows["Lead 05"]["phone_state"]), ("+99 1234", "incorrect"))
        self.assertEqual((rows["Lead 32"]["phone"], rows["Lead 32"]["phone_state"]), ("+32 12", "incorrect"))
        lost = {(freq[0], freq[1]) for freq in fast["frequencies"] if freq[4] > 1}
        self.assertIn(("stage_id", str(won_stages[0].id)), lost)
        self.assertIn(("tag_id", str(self.tag.id)), lost)

    def test_notes_are_escaped_and_sanitized(self):
        leads, members = self.make_leads()
        hostile = '<img src=x onerror="alert(1)">Tom & Jerry'
        with self.assertLogs("odoo.addons.crm_bulk_import.models.crm_lead_bulk_close", logging.INFO):
            self.env["crm.lead"]._bulk_import_promote(
                dict(zip(leads.ids, members, strict=True)), {lead.id: hostile for lead in leads}
            )
        self.env.invalidate_all()
        bodies = set(
            self.env["mail.message"]
            .search([("model", "=", "crm.lead"), ("res_id", "in", leads.ids), ("body", "like", "Jerry")])
            .mapped(lambda message: str(message.body))
        )
        self.assertEqual(bodies, {'<p>&lt;img src=x onerror="alert(1)"&gt;Tom &amp; Jerry</p>'})

    def test_other_write_overrides_go_through_write(self):
        """A module of this database that overrides crm.lead.write() (or an
        automation rule) may act on a change of customer: one write per
        lead then."""
        leads, _members = self.make_leads()
        self.assertTrue(leads._bulk_close_safe())
        self.env["base.automation"].create(
            {
                "name": "Bulk close watcher",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "trigger": "on_write",
            }
        )
        self.assertFalse(leads._bulk_close_safe())


class TestUpdateRows(TransactionCase):
    """The statement that writes many records, each its own values: read in
    the same transaction, the records show what it stored."""

    def test_records_read_what_the_statement_wrote(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Before {index}", "email": f"before.{index}@example.com"} for index in range(3)]
        )
        partners.mapped("display_name")  # in the cache, with what depends on the names
        partners.mapped("active")
        partners.mapped("email")
        bulk_insert.update_rows(
            partners,
            [(partner.id, f"After {index}") for index, partner in enumerate(partners)],
            ("name",),
            {"active": False},
        )
        self.assertEqual(partners.mapped("name"), ["After 0", "After 1", "After 2"])
        self.assertEqual(partners.mapped("display_name"), ["After 0", "After 1", "After 2"])
        self.assertEqual(partners.mapped("active"), [False] * 3)
        self.assertEqual(partners.mapped("write_uid"), self.env.user)
        self.assertEqual(partners.mapped("email"), [f"before.{index}@example.com" for index in range(3)])
        self.env.invalidate_all()
        self.assertEqual(partners.mapped("name"), ["After 0", "After 1", "After 2"])
        self.assertEqual(partners.mapped("active"), [False] * 3)

# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..engine import Column, Schema
from .crm_bulk_import_type import Result

# Dates a promotion never copies (seed 000: "except Follow-up dates, tour
# dates, promoted dates"): these columns are neither fields nor custom fields.
NEVER_COPIED = ("follow up date", "follow-up date", "next follow up", "tour date", "promoted date", "promoted on")


class CrmBulkImportTypePromote(models.AbstractModel):
    """Promote leads and contacts to members (seed 000, Coworks).

    "Any leads or contacts that have an email address from the CSV that
    matches one in the system already will be promoted and removed from your
    CRM." The member gets a team (company), room permissions, subscriptions to
    the plans named in the file, and custom fields from the unknown columns."""

    _name = "crm.bulk.import.type.promote"
    _inherit = ["crm.bulk.import.type", "crm.bulk.import.member.mixin"]
    _description = "Bulk Import Type: Promote Leads and Contacts"
    # A member row creates a contact, a subscription and more: keep requests
    # short, run bigger files in the background.
    _background_threshold = 250

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column(
                    "email",
                    "Email",
                    required=True,
                    parser="email",
                    aliases=("e-mail", "email address", "courriel", "adresse e-mail", "e-mail-adresse"),
                ),
                Column("first_name", "First Name", aliases=("firstname", "first", "prenom", "vorname")),
                Column("last_name", "Last Name", aliases=("lastname", "last", "nom", "nom de famille", "nachname")),
                Column(
                    "team_name",
                    "Team Name",
                    aliases=("company_name", "company", "team", "equipe", "nom de l'equipe", "firma", "team name"),
                    help="An existing company joins it; another name creates the team once.",
                ),
                Column("phone", "Phone", aliases=("telephone", "tel", "telefon", "mobile")),
                Column("function", "Job Position", aliases=("job title", "title", "poste", "fonction", "position")),
                Column("street", "Street", aliases=("address", "adresse", "rue", "strasse")),
                Column("city", "City", aliases=("ville", "stadt", "ort")),
                Column("zip", "Zip", aliases=("postal code", "postcode", "code postal", "plz", "postleitzahl")),
                Column("country", "Country", aliases=("pays", "land")),
                Column("website", "Website", aliases=("site web", "webseite")),
                Column(
                    "room_permissions",
                    "Room Permissions",
                    parser="names",
                    aliases=("permissions de salle", "raumberechtigungen"),
                    help="Comma-separated names of existing room permission groups.",
                    choices="_choices_room_groups",
                ),
                Column(
                    "plans",
                    "Plans",
                    required=True,
                    parser="names",
                    aliases=("plan", "forfaits", "forfait", "tarife", "tarif"),
                    help="Comma-separated names of existing plans (subscribable products).",
                    choices="_choices_plans",
                ),
                Column(
                    "monthly_bill_date",
                    "Monthly Bill Date",
                    parser="integer",
                    aliases=("bill date", "billing day", "jour de facturation", "rechnungstag"),
                    help="Day of the month (1-31); the company's Default Billing Day otherwise.",
                ),
                Column(
                    "billing_start_date",
                    "Billing Start Date",
                    parser="date",
                    date_format="%m/%d/%Y",
                    aliases=("date de debut de facturation", "abrechnungsbeginn"),
                    help="MM/DD/YYYY, in the future: a prorated invoice until the first bill date.",
                ),
            ),
            unmapped="custom",
            ignored=NEVER_COPIED,
        )

    @api.model
    def _apply_rows(self, job, rows):
        """Find each email's lead or contact, then build teams, members and
        subscriptions; the leads leave the pipeline."""
        today = fields.Date.context_today(self)
        leads, contacts = self._find_promotable(job, {row.values["email"] for row in rows})
        plans = self._find_plans(job, {name for row in rows for name in row.values["plans"]})
        groups = self._find_room_groups(job, {name for row in rows for name in row.values["room_permissions"]})
        countries = self._find_countries({row.values["country"] for row in rows if row.values["country"]})
        teams = self._find_teams(job, {self._team_name(row) for row in rows})
        custom = self._custom_columns(job, rows)

        results = {}
        for row in rows:
            email = row.values["email"]
            lead, contact = leads.get(email), contacts.get(email)
            problems = []
            if not lead and not contact and not job.promote_create_unknown:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "email",
                        email,
                        self.env._(
                            "No open lead and no contact (who is not yet a member) has this email. Keep the "
                            'email of the exported file, or tick "Create members for unknown emails".'
                        ),
                    )
                )
            problems += self._check_names(job, row, "plans", plans, self.env._("Plan not found: %(name)s."))
            problems += self._check_names(
                job, row, "room_permissions", groups, self.env._("Room permission group not found: %(name)s.")
            )
            problems += self._check_country(job, row, countries)
            bill_day = row.values["monthly_bill_date"]
            if bill_day is not False and not 1 <= bill_day <= 31:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "monthly_bill_date",
                        bill_day,
                        self.env._("a day of the month, from 1 to 31, is expected."),
                    )
                )
            start = row.values["billing_start_date"]
            if start and start <= today:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "billing_start_date",
                        self._raw(job, row, "billing_start_date"),
                        self.env._("the Billing Start Date must be in the future."),
                    )
                )
            if problems:
                results[row.line.id] = Result("error", "\n".join(problems))
                continue

            team_name = self._team_name(row)
            team = teams.get(team_name)
            new_team = not team
            member = self._member_for(job, row, lead, contact, countries)
            if new_team:
                # "it will assign the team admin to the FIRST person in the
                # spreadsheet": the row that creates the team.
                team = teams[team_name] = self._create_team(job, team_name, member)
            member.write(
                {
                    "parent_id": team.id,
                    "room_permission_group_ids": [
                        fields.Command.link(groups[name.lower()].id) for name in row.values["room_permissions"]
                    ],
                }
            )
            if custom:
                self._set_custom_fields(job, member, row, custom)
            first_bill = self._first_bill_date(job, start or today, bill_day, new_team)
            plans_of_row = [plans[name.lower()] for name in row.values["plans"]]
            self._subscribe(job, member, plans_of_row, first_bill, billing_start=start)
            if lead:
                self._close_lead(job, lead, member)
            if job.send_onboarding_email:
                self._send_onboarding(member)
            results[row.line.id] = Result(
                "created" if not contact else "updated",
                self.env._(
                    "%(member)s promoted to member of %(team)s%(new)s: %(plans)s, first bill on %(date)s.",
                    member=member.name,
                    team=team.name,
                    new=self.env._(" (new team)") if new_team else "",
                    plans=", ".join(row.values["plans"]),
                    date=first_bill,
                )
                + (self.env._(" Prorated invoice from %(date)s.", date=start) if start else ""),
                "res.partner",
                member.id,
            )
        return results

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _find_promotable(self, job, emails):
        """({email: open lead}, {email: contact who is not a member})."""
        leads = self.env["crm.lead"].search(
            [
                ("email_normalized", "in", list(emails)),
                ("company_id", "in", [job.company_id.id, False]),
                "|",
                ("stage_id", "=", False),
                ("stage_id.is_won", "=", False),
            ],
            order="id",
        )
        contacts = self.env["res.partner"].search(
            [
                ("email_normalized", "in", list(emails)),
                ("is_company", "=", False),
                ("is_member", "=", False),
                ("company_id", "in", [job.company_id.id, False]),
            ],
            order="id",
        )
        by_lead, by_contact = {}, {}
        for lead in leads:
            by_lead.setdefault(lead.email_normalized, lead)
        for contact in contacts:
            by_contact.setdefault(contact.email_normalized, contact)
        # A lead already linked to a contact promotes that contact in place.
        for email, lead in by_lead.items():
            if lead.partner_id and not lead.partner_id.is_company and not lead.partner_id.is_member:
                by_contact.setdefault(email, lead.partner_id)
        return by_lead, by_contact

    @api.model
    def _team_name(self, row):
        """Team Name, else "First Last's team" (seed 000)."""
        if row.values["team_name"]:
            return row.values["team_name"]
        person = " ".join(part for part in (row.values["first_name"], row.values["last_name"]) if part)
        return self.env._("%(name)s's team", name=person or row.values["email"])

    @api.model
    def _member_for(self, job, row, lead, contact, countries):
        """The contact promoted in place, or a new contact from the row."""
        values = {
            key: row.values[key] for key in ("phone", "function", "street", "city", "zip", "website") if row.values[key]
        }
        if row.values["country"]:
            values["country_id"] = countries[row.values["country"].lower()].id
        name = " ".join(part for part in (row.values["first_name"], row.values["last_name"]) if part)
        if contact:
            if name:
                values["name"] = name
            contact.write(values)
            if not contact.company_id:
                contact.company_id = job.company_id
            return contact
        values.update(
            name=name or (lead.contact_name if lead else False) or row.values["email"],
            email=row.values["email"],
            company_id=job.company_id.id,
            type="contact",
        )
        if lead:
            values.setdefault("phone", lead.phone)
            values.setdefault("street", lead.street)
            values.setdefault("city", lead.city)
        return self.env["res.partner"].create(values)

    @api.model
    def _close_lead(self, job, lead, member):
        """Promoted leads leave the pipeline: won, archived, linked."""
        lead.write({"partner_id": member.id})
        lead.action_set_won()
        lead.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Promoted to member %(member)s by import %(job)s.",
                member=member.name,
                job=job.name,
            )
        )
        # Archived as won, not lost: Odoo reads an archived lead at 0% as lost.
        lead.write({"active": False, "probability": 100})

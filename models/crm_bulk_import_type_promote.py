# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import api, fields, models
from odoo.tools import SQL, split_every
from odoo.tools.translate import LazyTranslate

from ..engine import Column, Schema
from . import bulk_insert
from .crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)

# Columns copied as they are onto the member.
PROMOTED_CONTACT_FIELDS = ("phone", "function", "street", "city", "zip", "website")
# Fields of a contact promoted in place that the import sets after its first
# write (team, room permissions, custom fields): kept for a revert.
CONTACT_FIELDS_SET_LATER = ("parent_id", "room_permission_group_ids", "member_company_id", "member_properties")
# Dates a promotion never copies (as Coworks puts it: "except Follow-up dates, tour
# dates, promoted dates"): these columns are neither fields nor custom fields.
NEVER_COPIED = ("follow up date", "follow-up date", "next follow up", "tour date", "promoted date", "promoted on")


class CrmBulkImportTypePromote(models.AbstractModel):
    """Promote leads and contacts to members (as Coworks does it).

    "Any leads or contacts that have an email address from the CSV that
    matches one in the system already will be promoted and removed from your
    CRM." The member gets a team (company), room permissions, subscriptions to
    the plans named in the file, and custom fields from the unknown columns."""

    _name = "crm.bulk.import.type.promote"
    _import_type = "promote"
    _import_type_lists = {"crm.lead": 20, "res.partner": 40}
    _import_type_label = _lt("Promote leads and contacts to members")
    _import_type_sequence = 10
    # The mixin first: its _check_mapping overrides the type's default.
    _inherit = ["crm.bulk.import.member.mixin", "crm.bulk.import.type"]
    _description = "Bulk Import Type: Promote Leads and Contacts"
    # A member row creates a contact, a subscription and more: keep requests
    # short, run bigger files in the background.
    _background_threshold = 250
    # A new team's admin is its first row: one chunk after the other.
    _sequential_chunks = True
    # Members and subscriptions are written like a prototype per kind, and
    # the leads closed in one statement per thousand: a chunk of 5,000 rows
    # takes about five seconds (a fifth of Odoo's CPU limit on the slowest
    # machine measured), and costs less per row than smaller ones.
    _default_chunk_size = 5000
    _revert_creates = ("res.partner", "sale.subscription", "account.move")
    _revert_writes = {
        # A contact promoted in place (_member_values and what follows it)
        "res.partner": (
            *PROMOTED_CONTACT_FIELDS,
            "name",
            "company_id",
            "country_id",
            *CONTACT_FIELDS_SET_LATER,
        ),
        # The leads it wins and archives
        "crm.lead": ("partner_id", "stage_id", "probability", "active"),
    }

    @api.model
    def _emails_sent(self, job):
        return job._option("send_onboarding_email")

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column(
                    "email",
                    _lt("Email"),
                    required=True,
                    parser="email",
                    aliases=("e-mail", "email address", "courriel", "adresse e-mail", "e-mail-adresse"),
                    example="jane@example.com",
                ),
                Column(
                    "first_name", _lt("First Name"), aliases=("firstname", "first", "prenom", "vorname"), example="Jane"
                ),
                Column(
                    "last_name",
                    _lt("Last Name"),
                    aliases=("lastname", "last", "nom", "nom de famille", "nachname"),
                    example="Example",
                ),
                Column(
                    "team_name",
                    _lt("Team Name"),
                    aliases=("company_name", "company", "team", "equipe", "nom de l'equipe", "firma", "team name"),
                    help=_lt("An existing company joins it; another name creates the team once."),
                    example="Example Inc.",
                ),
                Column("phone", _lt("Phone"), aliases=("telephone", "tel", "telefon", "mobile")),
                Column(
                    "function", _lt("Job Position"), aliases=("job title", "title", "poste", "fonction", "position")
                ),
                Column("street", _lt("Street"), aliases=("address", "adresse", "rue", "strasse")),
                Column("city", _lt("City"), aliases=("ville", "stadt", "ort")),
                Column("zip", _lt("Zip"), aliases=("postal code", "postcode", "code postal", "plz", "postleitzahl")),
                Column("country", _lt("Country"), aliases=("pays", "land")),
                Column("website", _lt("Website"), aliases=("site web", "webseite")),
                Column(
                    "room_permissions",
                    _lt("Room Permissions"),
                    parser="names",
                    aliases=("permissions de salle", "raumberechtigungen"),
                    help=_lt("Comma-separated names of existing room permission groups."),
                    choices="_choices_room_groups",
                ),
                Column(
                    "plans",
                    _lt("Plans"),
                    required=True,
                    parser="names",
                    aliases=("plan", "forfaits", "forfait", "tarife", "tarif"),
                    help=_lt("Comma-separated names of existing plans (subscribable products)."),
                    example="Monthly Desk",
                    choices="_choices_plans",
                ),
                Column(
                    "monthly_bill_date",
                    _lt("Monthly Bill Date"),
                    parser="integer",
                    aliases=("bill date", "billing day", "jour de facturation", "rechnungstag"),
                    help=_lt("Day of the month (1-31); the company's Default Billing Day otherwise."),
                    example="1",
                ),
                Column(
                    "billing_start_date",
                    _lt("Billing Start Date"),
                    parser="date",
                    date_format="%m/%d/%Y",
                    aliases=("date de debut de facturation", "abrechnungsbeginn"),
                    help=_lt("MM/DD/YYYY, in the future: a prorated invoice until the first bill date."),
                ),
            ),
            unmapped="custom",
            ignored=NEVER_COPIED,
        ).translated(self.env._)

    @api.model
    def _apply_rows(self, job, rows):
        """Find each email's lead or contact, then build teams, members and
        subscriptions; the leads leave the pipeline."""
        today = fields.Date.context_today(self)
        emails = {row.values["email"] for row in rows}
        found, member_ids = self._contacts_by_email(job, emails)
        existing = self._existing_by_email(found, member_ids)
        leads, contacts = self._find_promotable(job, emails, found, member_ids)
        plans = self._find_plans(job, {name for row in rows for name in row.values["plans"]})
        groups = self._find_room_groups(job, {name for row in rows for name in row.values["room_permissions"]})
        countries = self._find_countries({row.values["country"] for row in rows if row.values["country"]})
        teams = self._find_teams(job, {self._team_name(row) for row in rows})
        custom = self._custom_columns(job, rows)

        results, valid, first_row = {}, [], {}
        for row in rows:
            email = row.values["email"]
            if email in first_row:
                # One person, promoted once: by the first row with the email.
                results[row.line.id] = Result(
                    "skipped",
                    self.env._(
                        'Row %(row)s has the same email as row %(first)s ("%(email)s"): that person is promoted '
                        "once, by row %(first)s.",
                        row=row.row_number,
                        first=first_row[email],
                        email=email,
                    ),
                )
                continue
            first_row[email] = row.row_number
            lead, contact = leads.get(email), contacts.get(email)
            member = existing.get(email)
            if member and member.id in member_ids and not contact:
                # A member already: skipped, refused or given the plans, as
                # the job says.
                result = self._existing_member_result(
                    job, row, member, [plans[name.lower()] for name in row.values["plans"] if name.lower() in plans]
                )
                if result:
                    results[row.line.id] = result
                    continue
                contact = member
            problems = []
            if not lead and not contact and not job._option("promote_create_unknown"):
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
            valid.append((row, lead, contact))

        # Teams first, so that each member is created in its team (as Odoo
        # creates a contact of a company). "It will assign the team admin to
        # the FIRST person in the spreadsheet": the first row of a team that
        # does not exist yet, set once the members exist.
        team_names = [self._team_name(row) for row, _lead, _contact in valid]
        new_teams = dict.fromkeys(name for name in team_names if name not in teams)  # in order, and a set
        created_teams = self._create_teams(job, new_teams)
        for name, team in zip(new_teams, created_teams, strict=True):
            teams[name] = team

        # Members: the contacts promoted in place, the others created at once.
        members = [None] * len(valid)
        to_create, undo = [], UndoLog()
        for index, (row, lead, contact) in enumerate(valid):
            values = self._member_values(job, row, lead, contact, countries)
            values["room_permission_group_ids"] = [
                fields.Command.link(groups[name.lower()].id) for name in row.values["room_permissions"]
            ]
            values["parent_id"] = teams[team_names[index]].id
            if contact:
                undo.watch(row.line.id, contact, [*values, *CONTACT_FIELDS_SET_LATER])
                contact.write(values)
                members[index] = contact
            else:
                to_create.append((index, values))
        created = self.env["res.partner"]._bulk_import_create([values for _index, values in to_create])
        for (index, _values), member in zip(to_create, created, strict=True):
            members[index] = member
            undo.created(valid[index][0].line.id, member)
        admins = {}
        for (row, _lead, _contact), name, member in zip(valid, team_names, members, strict=True):
            if name in new_teams and name not in admins:
                admins[name] = (row, member)
        self._set_team_admins({teams[name]: admin for name, (_row, admin) in admins.items()})
        for name, (row, _admin) in admins.items():
            undo.created(row.line.id, teams[name])
        if custom:
            for (row, _lead, _contact), member in zip(valid, members, strict=True):
                self._set_custom_fields(job, member, row, custom)

        entries = []
        for (row, _lead, _contact), member, name in zip(valid, members, team_names, strict=True):
            start = row.values["billing_start_date"]
            first_bill = self._first_bill_date(job, start or today, row.values["monthly_bill_date"], name in admins)
            entries.append(
                {
                    "member": member,
                    "plans": [plans[plan.lower()] for plan in row.values["plans"]],
                    "first_bill": first_bill,
                    "billing_start": start,
                    "line_id": row.line.id,
                }
            )
        self._subscribe_many(job, entries, undo)
        for row, lead, _contact in valid:
            if lead:
                undo.watch(row.line.id, lead, ("partner_id", "stage_id", "probability", "active"))
        promoted = zip(valid, members, strict=True)
        self._close_leads(job, [(lead, member) for (_row, lead, _contact), member in promoted if lead])
        if job._option("send_onboarding_email"):
            self._send_onboarding(self.env["res.partner"].union(*members))

        for (row, _lead, contact), member, name, entry in zip(valid, members, team_names, entries, strict=True):
            start = row.values["billing_start_date"]
            results[row.line.id] = Result(
                "created" if not contact else "updated",
                self.env._(
                    "%(member)s promoted to member of %(team)s%(new)s: %(plans)s, first bill on %(date)s.",
                    member=member.name,
                    team=teams[name].name,
                    new=self.env._(" (new team)") if name in admins else "",
                    plans=", ".join(row.values["plans"]),
                    date=entry["first_bill"],
                )
                + (self.env._(" Prorated invoice from %(date)s.", date=start) if start else ""),
                "res.partner",
                member.id,
            )
        return undo.attach(results)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _find_promotable(self, job, emails, contacts, member_ids):
        """({email: open lead}, {email: contact who is not a member}), from
        the contacts with these emails and the ids of the members among them
        (_contacts_by_email)."""
        # The emails are joined, not searched with "in": PostgreSQL may answer
        # that through crm's trigram index on the email, about 8 ms per email.
        self.env["crm.lead"].flush_model(["email_normalized"])
        lead_ids = []
        for page in split_every(bulk_insert.LOOKUP_PAGE, sorted(emails), list):
            self.env.cr.execute(
                SQL(
                    """SELECT lead.id FROM crm_lead lead
                         JOIN unnest(%s::varchar[]) AS given(email) ON lead.email_normalized = given.email""",
                    page,
                )
            )
            lead_ids += [row[0] for row in self.env.cr.fetchall()]
        leads = self.env["crm.lead"].search(
            [
                ("id", "in", lead_ids),
                ("company_id", "in", [job.company_id.id, False]),
                "|",
                ("stage_id", "=", False),
                ("stage_id.is_won", "=", False),
            ],
            order="id",
        )
        # Members are left out after the search, not by it: searching
        # is_member is a subquery over every running subscription, which made
        # each chunk slower as members piled up (res.partner._member_ids).
        member_ids = member_ids | (leads.partner_id - contacts)._member_ids()
        by_lead, by_contact = {}, {}
        for lead in leads:
            by_lead.setdefault(lead.email_normalized, lead)
        for contact in contacts:
            if contact.id not in member_ids:
                by_contact.setdefault(contact.email_normalized, contact)
        # A lead already linked to a contact promotes that contact in place.
        for email, lead in by_lead.items():
            partner = lead.partner_id
            if partner and not partner.is_company and partner.id not in member_ids:
                by_contact.setdefault(email, partner)
        return by_lead, by_contact

    @api.model
    def _set_team_admins(self, admin_of):
        """Each new team's admin ({team: member}), in one statement: the
        field is the module's own, nothing is computed from it, and a write
        on a company would sync it to each of its contacts for nothing."""
        if not admin_of:
            return
        bulk_insert.update_rows(
            self.env["res.partner"], [(team.id, admin.id) for team, admin in admin_of.items()], ("team_admin_id",)
        )

    @api.model
    def _team_name(self, row):
        """Team Name, else "First Last's team"."""
        if row.values["team_name"]:
            return row.values["team_name"]
        person = " ".join(part for part in (row.values["first_name"], row.values["last_name"]) if part)
        return self.env._("%(name)s's team", name=person or row.values["email"])

    @api.model
    def _member_values(self, job, row, lead, contact, countries):
        """What to write on the contact promoted in place, or to create the
        new member with."""
        values = {key: row.values[key] for key in PROMOTED_CONTACT_FIELDS if row.values[key]}
        if row.values["country"]:
            values["country_id"] = countries[row.values["country"].lower()].id
        name = " ".join(part for part in (row.values["first_name"], row.values["last_name"]) if part)
        if contact:
            if name:
                values["name"] = name
            if not contact.company_id:
                values["company_id"] = job.company_id.id
            return values
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
        return values

    @api.model
    def _close_leads(self, job, pairs):
        """Promoted leads leave the pipeline: won, archived, linked to their
        member, with a note (crm.lead._bulk_import_promote)."""
        # One note per lead says what happened; Odoo's field tracking (a
        # message per lead and change) would double it at a high cost.
        member_of = {lead.id: member for lead, member in pairs}
        note = self.env._("Promoted to member %(member)s by import %(job)s.")
        self.env["crm.lead"]._bulk_import_promote(
            member_of,
            {lead_id: note % {"member": member.name, "job": job.name} for lead_id, member in member_of.items()},
        )

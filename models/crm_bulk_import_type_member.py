# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import difflib

from odoo import api, fields, models
from odoo.tools.translate import LazyTranslate

from ..engine import Column, Schema
from ..readers import normalize_header
from .crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)
# Where a company warning's row number goes (no cell holds a NUL character).
ROW_MARK = "\x00row\x00"


class CrmBulkImportTypeMember(models.AbstractModel):
    """Member import from a spreadsheet (as Cobot does it, with French headers).

    "Les champs Nom, Nom du forfait, Date de début et Date de la prochaine
    facture doivent être remplis pour chaque membre." A plan must match
    exactly; the same company text is the same company; Paid By names another
    member of the file (in any order) or of Odoo, who is invoiced. No email is
    sent unless portal invitations are asked for."""

    _name = "crm.bulk.import.type.member"
    _import_type = "member"
    _import_type_lists = {"res.partner": 10}
    _import_type_label = _lt("Member import")
    _import_type_sequence = 30
    # The mixin first: its _check_mapping overrides the type's default.
    _inherit = ["crm.bulk.import.member.mixin", "crm.bulk.import.type"]
    _description = "Bulk Import Type: Member Import"
    # A member row creates a contact, a subscription and more: keep requests
    # short, run bigger files in the background.
    _background_threshold = 250
    # Paid By names rows further down, by name: one chunk after the other.
    _sequential_chunks = True
    # Members and subscriptions are written like a prototype per kind: a
    # chunk of 1,000 rows takes about a second.
    _default_chunk_size = 1000
    _revert_creates = ("res.partner", "res.users", "sale.subscription", "account.move")
    # An existing contact made the member (found by email): what the row
    # completes on it (_members, custom fields).
    _revert_writes = {
        "res.partner": (
            "phone",
            "street",
            "city",
            "zip",
            "country_id",
            "parent_id",
            "member_company_id",
            "member_properties",
        )
    }

    @api.model
    def _emails_sent(self, job):
        return job._option("send_portal_invitations")

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column(
                    "name",
                    _lt("Name"),
                    required=True,
                    aliases=("nom", "nom complet", "full name", "member", "membre", "mitglied"),
                    example="Jane Example",
                ),
                Column(
                    "plan_name",
                    _lt("Plan Name"),
                    required=True,
                    aliases=("nom du forfait", "forfait", "plan", "tarif", "tarifname"),
                    help=_lt("The exact name of an existing plan."),
                    example="Monthly Desk",
                    choices="_choices_plans",
                ),
                Column(
                    "start_date",
                    _lt("Start Date"),
                    required=True,
                    parser="date",
                    aliases=("date de debut", "debut", "startdatum", "beginn"),
                    help=_lt("May be in the past (a migration)."),
                    example="2026-01-01",
                ),
                Column(
                    "next_invoice_date",
                    _lt("Next Invoice Date"),
                    required=True,
                    parser="date",
                    aliases=(
                        "date de la prochaine facture",
                        "prochaine facture",
                        "date de la premiere facture",
                        "nachste rechnung",
                        "nachstes rechnungsdatum",
                    ),
                    help=_lt("Today or later: the first recurring invoice."),
                    example="2027-01-01",
                ),
                Column(
                    "email",
                    _lt("Email"),
                    parser="email",
                    aliases=("e-mail", "courriel", "adresse e-mail"),
                    example="jane@example.com",
                ),
                Column(
                    "company",
                    _lt("Company"),
                    aliases=("entreprise", "societe", "firma", "unternehmen", "team"),
                    example="Example Inc.",
                ),
                Column(
                    "paid_by",
                    _lt("Paid By"),
                    aliases=("paye par", "payé par", "bezahlt von", "payer"),
                    help=_lt("Another member, in this file or in Odoo, who receives the invoices."),
                ),
                Column("phone", _lt("Phone"), aliases=("telephone", "tel", "telefon"), example="+1 555 0100"),
                Column("street", _lt("Address"), aliases=("street", "adresse", "rue", "strasse")),
                Column("city", _lt("City"), aliases=("ville", "stadt", "ort"), example="Springfield"),
                Column("zip", _lt("Zip"), aliases=("postal code", "code postal", "plz")),
                Column("country", _lt("Country"), aliases=("pays", "land")),
            ),
            unmapped="custom",
        ).translated(self.env._)

    @api.model
    def _template_notes(self):
        return super()._template_notes() + [
            self.env._("Required columns are yellow: Name, Plan Name, Start Date, Next Invoice Date."),
            self.env._("Plan Name: exactly as the plan is named in Odoo (the dropdown lists them)."),
            self.env._("Company: write each company the same way on every row, or it becomes two companies."),
            self.env._("Paid By: the name of another member, in this file or already in Odoo."),
            self.env._("Any other column becomes a custom field of the member."),
            self.env._("Not imported: past invoices, payment methods and bookings."),
        ]

    @api.model
    def _apply_rows(self, job, rows):
        """Pass 1 checks every row and creates the members; pass 2 resolves
        Paid By among them, the file's other rows and Odoo's members, then
        creates the subscriptions billed to the payer."""
        today = fields.Date.context_today(self)
        plans = self._find_plans(job, {row.values["plan_name"] for row in rows})
        all_plans = self._choices_plans(job.company_id)
        countries = self._find_countries({row.values["country"] for row in rows if row.values["country"]})
        teams = self._find_teams(job, {row.values["company"] for row in rows if row.values["company"]})
        payer_names = {row.values["paid_by"] for row in rows if row.values["paid_by"]}
        file_names = self._file_member_names(job, payer_names)
        job_members = self._job_members(job, {row.values["name"] for row in rows} | payer_names)
        odoo_members = self._existing_members(job, payer_names)
        custom = self._custom_columns(job, rows)
        results, valid, first_row, first_named = {}, [], {}, {}

        for row in rows:
            email = row.values["email"]
            # Two people under one name: the second would complete the first
            # (a name is who Paid By names, and rows of one name give one
            # member several plans).
            name = row.values["name"]
            earlier = first_named.setdefault(name, row)
            if earlier is row and name in job_members:
                other_email = job_members[name].email_normalized
            else:
                other_email = earlier.values["email"]
            if email and other_email and other_email != email:
                results[row.line.id] = Result(
                    "error",
                    self._cell_error(
                        job,
                        row,
                        "email",
                        email,
                        self.env._(
                            '"%(name)s" is already a member of this file with the email %(other)s: two people '
                            "under one name? Give each a distinct name (Paid By names members by name), or the "
                            "same email if it is one person with several plans.",
                            name=name,
                            other=other_email,
                        ),
                    ),
                )
                continue
            first = first_row.setdefault(email, row) if email else row
            if first.values["name"] != row.values["name"]:
                # The same person under two names: one member, from the first
                # row (rows with the same name and email give one member
                # several plans).
                results[row.line.id] = Result(
                    "skipped",
                    self.env._(
                        'Row %(row)s has the same email as row %(first)s ("%(email)s") under another name: one '
                        "member is made, from row %(first)s. To give that member a second plan, write the same "
                        "name on both rows.",
                        row=row.row_number,
                        first=first.row_number,
                        email=email,
                    ),
                )
                continue
            problems, plan_name = [], row.values["plan_name"]
            plan = plans.get(plan_name.lower())
            if not plan or plan.name != plan_name:
                close = difflib.get_close_matches(plan_name, all_plans, n=1, cutoff=0.6)
                hint = self.env._(' Did you mean "%(plan)s"?', plan=close[0]) if close else ""
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "plan_name",
                        plan_name,
                        self.env._("Plan not found: the name must match exactly.") + hint,
                    )
                )
            if row.values["next_invoice_date"] and row.values["next_invoice_date"] < today:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "next_invoice_date",
                        self._raw(job, row, "next_invoice_date"),
                        self.env._("the Next Invoice Date cannot be in the past."),
                    )
                )
            payer_name = row.values["paid_by"]
            if payer_name and payer_name not in file_names and payer_name not in odoo_members:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "paid_by",
                        payer_name,
                        self.env._(
                            "Paid By must name a member of this file or of Odoo, spelled exactly as their name."
                        ),
                    )
                )
            problems += self._check_country(job, row, countries)
            if problems:
                results[row.line.id] = Result("error", "\n".join(problems))
                continue
            valid.append((row, plan))

        # Who exists already, by email: a member is skipped, refused or
        # updated as the job says; a contact who is not a member is made the
        # member. A name this job created already is completed instead.
        contacts, member_ids = self._contacts_by_email(
            job, {row.values["email"] for row, _plan in valid if row.values["email"]}
        )
        existing = self._existing_by_email(contacts, member_ids)
        matched, kept = {}, []
        for row, plan in valid:
            contact = existing.get(row.values["email"]) if row.values["email"] else None
            if contact and row.values["name"] not in job_members:
                result = self._existing_member_result(job, row, contact, [plan]) if contact.id in member_ids else None
                if result:
                    results[row.line.id] = result
                    continue
                matched[row.line.id] = contact
            kept.append((row, plan))
        valid = kept

        undo = UndoLog()
        members = self._members(
            job, [row for row, _plan in valid], teams, countries, job_members, matched=matched, undo=undo
        )
        if custom:
            for (row, _plan), member in zip(valid, members, strict=True):
                if row.line.id in matched:
                    undo.watch(row.line.id, member, ("member_company_id", "member_properties"))
                self._set_custom_fields(job, member, row, custom)

        entries = []
        for (row, plan), member in zip(valid, members, strict=True):
            payer = (
                self._payer(
                    job, row.values["paid_by"], file_names, job_members, odoo_members, undo=undo, line_id=row.line.id
                )
                if row.values["paid_by"]
                else member
            )
            start, first_bill = row.values["start_date"], row.values["next_invoice_date"]
            entries.append(
                {
                    "member": member,
                    "plans": [plan],
                    "first_bill": first_bill,
                    "payer": payer,
                    "date_start": start,
                    "billing_start": start if job._option("prorate_at_start") and start < first_bill else False,
                    "line_id": row.line.id,
                }
            )
        self._subscribe_many(job, entries, undo)
        if job._option("send_portal_invitations"):
            invited = self.env["res.partner"].union(*members)
            users_before = invited.with_context(active_test=False).user_ids
            self._invite(invited)
            line_of = {}
            for (row, _plan), member in zip(valid, members, strict=True):
                line_of.setdefault(member.id, row.line.id)
            for user in invited.with_context(active_test=False).user_ids - users_before:
                undo.created(line_of[user.partner_id.id], user)
        company_warnings = self._company_warning_texts(self._close_companies(teams))
        for (row, plan), entry in zip(valid, entries, strict=True):
            member, payer = entry["member"], entry["payer"]
            warnings = self._company_warnings(row, company_warnings)
            existing = matched.get(row.line.id)
            results[row.line.id] = Result(
                "updated" if existing else "created",
                "\n".join(
                    [
                        self.env._(
                            "%(member)s: %(plan)s from %(start)s, next invoice %(next)s%(payer)s.",
                            member=self.env._(
                                "%(name)s (existing contact, found by email %(email)s)",
                                name=member.display_name,
                                email=row.values["email"],
                            )
                            if existing
                            else member.name,
                            plan=plan.name,
                            start=entry["date_start"],
                            next=entry["first_bill"],
                            payer=self.env._(", paid by %(name)s", name=payer.name) if payer != member else "",
                        )
                    ]
                    + warnings
                ),
                "res.partner",
                member.id,
            )
        return undo.attach(results)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _file_member_names(self, job, names):
        """The names among ``names`` that are the Name of a row of the job's
        file, whatever the chunk: Paid By may name a row further down."""
        if not names:
            return set()
        header = self._header(job, "name")
        self.env.cr.execute(
            """SELECT DISTINCT values->>%s FROM crm_bulk_import_job_line
                WHERE job_id = %s AND values->>%s = ANY(%s)""",
            [header, job.id, header, list(names)],
        )
        return {name for (name,) in self.env.cr.fetchall()}

    @api.model
    def _existing_members(self, job, names):
        """{name: member already in Odoo}, for Paid By, in one search."""
        if not names:
            return {}
        # Not a search on is_member: see res.partner._member_ids.
        partners = self.env["res.partner"].search(
            [("name", "in", list(names)), ("company_id", "in", [job.company_id.id, False])]
        )
        member_ids = partners._member_ids()
        members = partners.filtered(lambda partner: partner.id in member_ids)
        found = {}
        for member in members:
            found.setdefault(member.name, member)
        return found

    @api.model
    def _job_members(self, job, names):
        """{name: partner this job created} (as a member or, earlier, as the
        payer of another row), in one search; kept up to date as the chunk
        creates more."""
        partners = self.env["res.partner"].search([("name", "in", list(names)), ("bulk_import_job_id", "=", job.id)])
        found = {}
        for partner in partners:
            found.setdefault(partner.name, partner)
        return found

    @api.model
    def _members(self, job, rows, teams, countries, job_members, *, matched, undo):
        """The member of each row, in order: the teams (companies) the rows
        name are created first, in one batch, then the members in one batch;
        a name this job created already (as a payer, or on an earlier row) is
        completed instead, and so is the existing contact ``matched`` gives
        ({line id: contact}) for the row."""
        Partner = self.env["res.partner"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        )
        new_teams = list(dict.fromkeys(row.values["company"] for row in rows if row.values["company"]))
        new_teams = [name for name in new_teams if name not in teams]
        created = Partner._bulk_import_create(
            [
                {"name": name, "is_company": True, "company_id": job.company_id.id, "bulk_import_job_id": job.id}
                for name in new_teams
            ]
        )
        first_row = {}
        for row in rows:
            first_row.setdefault(row.values["company"], row)
        for name, team in zip(new_teams, created, strict=True):
            teams[name] = team
            job_members.setdefault(name, team)
            undo.created(first_row[name].line.id, team)

        values_list, to_create, later = [], {}, []
        for index, row in enumerate(rows):
            values = {key: row.values[key] for key in ("email", "phone", "street", "city", "zip") if row.values[key]}
            if row.values["country"]:
                values["country_id"] = countries[row.values["country"].lower()].id
            if row.values["company"]:
                values["parent_id"] = teams[row.values["company"]].id
            values_list.append(values)
            name = row.values["name"]
            if row.line.id in matched:
                later.append(index)
            elif name in job_members or name in to_create:
                later.append(index)
            else:
                to_create[name] = index
        created = Partner._bulk_import_create(
            [
                {
                    **values_list[index],
                    "name": name,
                    "company_id": job.company_id.id,
                    "bulk_import_job_id": job.id,
                }
                for name, index in to_create.items()
            ]
        )
        members = [None] * len(rows)
        for (name, index), member in zip(to_create.items(), created, strict=True):
            members[index] = job_members[name] = member
            undo.created(rows[index].line.id, member)
        for index in later:
            row = rows[index]
            member = matched.get(row.line.id)
            if member:
                values_list[index].pop("email", None)
                # The existing contact keeps its name and email; the row
                # completes the rest.
                undo.watch(row.line.id, member, list(values_list[index]))
                job_members.setdefault(row.values["name"], member)
            else:
                member = job_members[row.values["name"]]
            member.write(values_list[index])
            members[index] = member
        return members

    @api.model
    def _payer(self, job, name, file_names, job_members, odoo_members, *, undo, line_id):
        """Pass 2 of Paid By: the member of this job, else Odoo's member; a
        payer whose own row comes later is created now and completed then."""
        payer = job_members.get(name) or odoo_members.get(name)
        if not payer and name in file_names:
            payer = job_members[name] = self.env["res.partner"].create(
                {
                    "name": name,
                    "company_id": job.company_id.id,
                    "bulk_import_job_id": job.id,
                }
            )
            undo.created(line_id, payer)
        return payer

    @api.model
    def _close_companies(self, teams):
        """{company name: the other names that look like it} among ``teams``:
        the same company written two ways is two companies. Names
        whose lengths differ too much cannot be 90% alike and are not
        compared."""
        close = {}
        by_key = {}
        for name in teams:
            by_key.setdefault(normalize_header(name), []).append(name)
        for same in by_key.values():
            for name in same:
                close[name] = [other for other in same if other != name]
        names = sorted(teams, key=len)
        lowers = [name.lower() for name in names]
        # One matcher per longer name: it indexes that name once for all the
        # shorter ones it is compared with.
        matchers = {}
        for index, name in enumerate(names):
            for later in range(index + 1, len(names)):
                other = names[later]
                if 2 * len(name) < 0.9 * (len(name) + len(other)):
                    break  # sorted by length: the next ones are longer still
                if other in close[name]:
                    continue
                if later not in matchers:
                    matchers[later] = difflib.SequenceMatcher(None, "", lowers[later])
                matcher = matchers[later]
                matcher.set_seq1(lowers[index])
                # the quick ratios are upper bounds of the ratio
                if matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9:
                    close[name].append(other)
                    close[other].append(name)
        return close

    @api.model
    def _company_warnings(self, row, texts):
        """:param texts: each company's warnings, for any row
        (_company_warning_texts)."""
        company = row.values["company"]
        if not company:
            return []
        return [text.replace(ROW_MARK, str(row.row_number)) for text in texts.get(company, ())]

    @api.model
    def _company_warning_texts(self, close_companies):
        """{company name: its warnings, ROW_MARK where the row goes}: the text
        translated and formatted once per company and name it looks like,
        not once per row (a file of similar names has thousands)."""
        template = self.env._(
            'Warning, row %(row)s: the company "%(company)s" looks like "%(other)s": they are two '
            "different companies unless you write them the same way."
        )
        return {
            company: [template % {"row": ROW_MARK, "company": company, "other": other} for other in others]
            for company, others in close_companies.items()
            if others
        }

    @api.model
    def _invite(self, members):
        """Odoo's own portal invitation (portal.wizard), for members with an
        email."""
        members = members.filtered("email")
        if not members:
            return
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .with_context(crm_bulk_import_queue_mail=True)
            .create({"partner_ids": [fields.Command.set(members.ids)]})
        )
        for user in wizard.user_ids.filtered(lambda user: not user.is_portal and not user.is_internal):
            user.action_grant_access()

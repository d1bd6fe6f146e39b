# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from ..engine import Column, Schema
from .crm_bulk_import_lead_field import FIELD_PARSERS
from .crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)

# Headers the lead fields also answer to, French and German included.
LEAD_ALIASES = {
    "name": ("lead", "opportunity", "title", "nom du lead", "piste", "lead-name", "titel"),
    "contact_name": ("contact", "nom du contact", "kontakt", "ansprechpartner", "kontaktname"),
    "email_from": ("email", "e-mail", "courriel", "adresse e-mail", "e-mail-adresse"),
    "partner_name": ("company", "company name", "societe", "entreprise", "firma", "unternehmen"),
    "phone": ("telephone", "tel", "telefon"),
    "description": ("notes", "note", "commentaire", "beschreibung", "notizen"),
    "expected_revenue": ("revenue", "amount", "chiffre d'affaires attendu", "erwarteter umsatz", "umsatz"),
}
# The template's example row, by lead field.
LEAD_EXAMPLES = {
    "name": "Office move",
    "contact_name": "Jane Example",
    "email_from": "jane@example.com",
    "partner_name": "Example Inc.",
    "phone": "+1 555 0100",
    "description": "20 desks from March",
    "expected_revenue": "12000",
}


class CrmBulkImportTypeLead(models.AbstractModel):
    """Partner lead registration.

    "Each lead must include the required fields [...] the Partner ID must
    exist and be a registered partner, the agent must belong to that partner.
    If any error is found, no leads are imported." Imported leads wait in the
    Pending registration state for a manager's approval.

    The columns are the Lead Registration form of the CRM settings, after the
    Partner ID and Agent ID. From the portal the uploader's partner is implied,
    and a code pointing outside it is "not found"."""

    _name = "crm.bulk.import.type.lead"
    _import_type = "lead"
    _import_type_lists = {"crm.lead": 10}
    _import_type_label = _lt("Partner lead registration")
    _import_type_sequence = 20
    _inherit = "crm.bulk.import.type"
    _description = "Bulk Import Type: Partner Lead Registration"
    _default_policy = "all_or_nothing"
    # Leads are written like a prototype per kind: 2,000 rows take about a
    # second, and fewer, bigger chunks spare each chunk's fixed costs.
    _default_chunk_size = 2000
    _dry_run_checks_only = True
    _revert_creates = ("crm.lead",)

    @api.model
    def _schema(self):
        columns = [
            Column(
                "partner_code",
                _lt("Partner ID"),
                required=not self.env.context.get("crm_bulk_import_portal"),
                aliases=("partner", "partner code", "id partenaire", "code partenaire", "partner-id", "partnernummer"),
                help=_lt("The Partner ID of the registered partner (implied on the portal)."),
                example="P-0001",
            ),
            Column(
                "agent_code",
                _lt("Agent ID"),
                aliases=("agent", "agent code", "id agent", "code agent", "agent-id", "agentennummer"),
                help=_lt("Optional: the Agent ID of one of the partner's agents."),
            ),
        ]
        # Every column an admin added to the form: a few records.
        form_fields = self.env["crm.bulk.import.lead.field"].sudo().search([])  # pylint: disable=no-search-all
        for form_field in form_fields:
            columns.append(
                Column(
                    form_field.name,
                    form_field.label,
                    required=form_field.required,
                    # An English file names it in English, whoever imports it
                    source_label=form_field.with_context(lang="en_US").label,
                    parser="email" if form_field.name == "email_from" else FIELD_PARSERS[form_field.field_id.ttype],
                    aliases=(form_field.field_id.field_description, *LEAD_ALIASES.get(form_field.name, ())),
                    example=LEAD_EXAMPLES.get(form_field.name, ""),
                )
            )
        return Schema(columns=tuple(columns)).translated(self.env._)

    @api.model
    def _template_columns(self):
        """On the portal the partner is implied: its template has no Partner ID
        (a file that has one is still checked, see _find_partners)."""
        columns = super()._template_columns()
        if self.env.context.get("crm_bulk_import_portal"):
            columns = [column for column in columns if column.key != "partner_code"]
        return columns

    @api.model
    def _apply_rows(self, job, rows):
        """Check every row's partner and agent, warn about leads that exist
        already, then create all the leads in one batch, Pending."""
        partners = self._find_partners(job, {row.values["partner_code"] for row in rows})
        agents = self._find_agents(job, {row.values["agent_code"] for row in rows if row.values["agent_code"]})
        duplicates = self._find_duplicates(job, rows)
        form_fields = [
            column.key for column in self._schema().columns if column.key not in ("partner_code", "agent_code")
        ]
        team = self.env["crm.team"].search([("company_id", "in", [job.company_id.id, False])], limit=1)
        dry_run = self.env.context.get("crm_bulk_import_dry_run")
        # Read once, not once per row.
        uploader = job.partner_id
        uploader_company = uploader.commercial_partner_id
        # An agent uploading from the portal: the leads are their own.
        uploading_agent = uploader if uploader and uploader != uploader_company else self.env["res.partner"]
        constant = {
            "type": "lead",
            "team_id": team.id,
            "user_id": False,
            "company_id": job.company_id.id,
            "registration_state": "pending",
            "bulk_import_job_id": job.id,
        }

        results, to_create = {}, []
        for row in rows:
            problems = []
            code = row.values["partner_code"]
            # On the portal the uploader's partner is implied; a Partner ID in
            # the file must be that one (_find_partners finds no other).
            partner = partners.get(code) if code else uploader_company
            if not partner:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "partner_code",
                        row.values["partner_code"],
                        self.env._("Partner ID not found: it must be the Partner ID of a registered partner."),
                    )
                )
            agent = self.env["res.partner"]
            if row.values["agent_code"]:
                agent = agents.get(row.values["agent_code"], agent)
                if not agent or agent.commercial_partner_id != partner:
                    agent = self.env["res.partner"]
                    problems.append(
                        self._cell_error(
                            job,
                            row,
                            "agent_code",
                            row.values["agent_code"],
                            self.env._("Agent ID not found among the agents of this partner."),
                        )
                    )
            else:
                agent = uploading_agent
            if problems:
                results[row.line.id] = Result("error", "\n".join(problems))
                continue
            if dry_run:
                to_create.append((row, None))
                continue
            vals = {key: row.values[key] for key in form_fields if row.values[key] not in (False, "")}
            vals.update(constant, registered_partner_id=partner.id, registered_agent_id=agent.id)
            to_create.append((row, vals))

        if dry_run:
            # The checks are done: nothing more can fail, nothing is written.
            leads = [self.env["crm.lead"]] * len(to_create)
        else:
            # sudo: users may not set the registration fields of a lead (see
            # crm.lead's write); the rows' partners and agents are checked above.
            leads = self.env["crm.lead"].sudo()._bulk_import_create([vals for _row, vals in to_create])
            leads = leads.with_env(self.env)
        undo = UndoLog()
        first_row = {}
        for (row, _vals), lead in zip(to_create, leads, strict=True):
            warnings = self._duplicate_warnings(job, row, duplicates)
            email = row.values.get("email_from")
            if email and first_row.setdefault(email, row.row_number) != row.row_number:
                warnings.append(
                    self.env._(
                        'Warning, row %(row)s: row %(first)s of this file has the same email "%(email)s".',
                        row=row.row_number,
                        first=first_row[email],
                        email=email,
                    )
                )
            results[row.line.id] = Result("created", "\n".join(warnings), "crm.lead" if lead else "", lead.id)
            undo.created(row.line.id, lead)
        return undo.attach(results)

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    @api.model
    def _find_partners(self, job, codes):
        """{Partner ID: registered partner}. From the portal only the
        uploader's own partner exists: a file never widens access."""
        domain = [("partner_code", "in", list(codes)), ("is_registered_partner", "=", True)]
        if job.partner_id:
            domain.append(("id", "=", job.partner_id.commercial_partner_id.id))
        return {partner.partner_code: partner for partner in self.env["res.partner"].sudo().search(domain)}

    @api.model
    def _find_agents(self, job, codes):
        domain = [("agent_code", "in", list(codes))]
        if job.partner_id:
            domain.append(("commercial_partner_id", "=", job.partner_id.commercial_partner_id.id))
            if job.partner_id != job.partner_id.commercial_partner_id:
                domain.append(("id", "=", job.partner_id.id))  # an agent names only themselves
        return {agent.agent_code: agent for agent in self.env["res.partner"].sudo().search(domain)}

    @api.model
    def _find_duplicates(self, job, rows):
        """Existing leads of the job's company with a row's email or company
        name, in one query.

        :return: ({email: [(lead name, registered by partner, by agent)]},
            {lower company name: [(lead name, partner, agent)]})
        """
        emails = list({row.values.get("email_from") for row in rows if row.values.get("email_from")})
        names = list({row.values["partner_name"].lower() for row in rows if row.values.get("partner_name")})
        by_email, by_company = {}, {}
        if not emails and not names:
            return by_email, by_company
        self.env["crm.lead"].flush_model(["email_normalized", "partner_name", "name", "company_id"])
        # SQL on purpose: the check must see leads the uploader cannot read;
        # the warning names only those they may know of (_duplicate_warnings).
        # Two btree indexes serve it (crm.lead init()). The values are joined,
        # not compared with "= ANY(array)": PostgreSQL may answer that through
        # crm's trigram index on the email, about 8 ms per value.
        self.env.cr.execute(
            SQL(
                """SELECT lead.id, lead.name, lead.email_normalized, lower(lead.partner_name),
                          partner.commercial_partner_id, lead.registered_agent_id
                     FROM crm_lead lead
                     LEFT JOIN res_partner partner ON partner.id = lead.registered_partner_id
                    WHERE lead.active AND (lead.company_id = %(company)s OR lead.company_id IS NULL)
                      AND lead.id IN (SELECT found.id FROM crm_lead found
                                        JOIN unnest(%(emails)s::varchar[]) AS given(email)
                                          ON found.email_normalized = given.email
                                       UNION
                                      SELECT found.id FROM crm_lead found
                                        JOIN unnest(%(names)s::varchar[]) AS given(name)
                                          ON lower(found.partner_name) = given.name)""",
                company=job.company_id.id,
                emails=emails,
                names=names,
            )
        )
        emails, names = set(emails), set(names)
        for _id, name, email, company, partner_id, agent_id in self.env.cr.fetchall():
            if email in emails:
                by_email.setdefault(email, []).append((name, partner_id, agent_id))
            if company in names:
                by_company.setdefault(company, []).append((name, partner_id, agent_id))
        return by_email, by_company

    @api.model
    def _duplicate_warnings(self, job, row, duplicates):
        """The row's duplicate warnings. A portal partner is told the names
        of their own earlier leads only: another partner's registrations and
        the team's pipeline are not theirs to read."""
        by_email, by_company = duplicates
        uploader = job.partner_id
        is_agent = uploader and uploader != uploader.commercial_partner_id

        def shown(found):
            if not uploader:
                names = [name for name, _partner, _agent in found]
            elif is_agent:
                names = [name for name, _partner, agent in found if agent == uploader.id]
            else:
                names = [name for name, partner, _agent in found if partner == uploader.id]
            return ", ".join(names[:3])

        warnings = []
        email = row.values.get("email_from")
        if email and by_email.get(email):
            leads = shown(by_email[email])
            warnings.append(
                self.env._(
                    'Warning, row %(row)s: a lead with the email "%(email)s" exists already: %(leads)s.',
                    row=row.row_number,
                    email=email,
                    leads=leads,
                )
                if leads
                else self.env._(
                    'Warning, row %(row)s: a lead with the email "%(email)s" is already known to us; our team '
                    "will check it before approving.",
                    row=row.row_number,
                    email=email,
                )
            )
        company = row.values.get("partner_name")
        if company and by_company.get(company.lower()):
            leads = shown(by_company[company.lower()])
            warnings.append(
                self.env._(
                    'Warning, row %(row)s: a lead for the company "%(company)s" exists already: %(leads)s.',
                    row=row.row_number,
                    company=company,
                    leads=leads,
                )
                if leads
                else self.env._(
                    'Warning, row %(row)s: a lead for the company "%(company)s" is already known to us; our team '
                    "will check it before approving.",
                    row=row.row_number,
                    company=company,
                )
            )
        return warnings

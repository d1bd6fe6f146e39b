# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, models
from odoo.tools.translate import LazyTranslate

from ..engine import Column, Schema
from . import bulk_insert
from .crm_bulk_import_type import Result, UndoLog

_lt = LazyTranslate(__name__)


class CrmBulkImportTypeProspect(models.AbstractModel):
    """Prospect import (as impact.com does it, with German headers).

    "Sie können beim Import von Interessenten keine neue Gruppe erstellen":
    a group that does not exist is a row error. An email that matches an
    existing partner assigns that partner to the group (migration from other
    platforms); with an auto-accept group such a partner is active at once.
    New prospects are invited after the import (an option, on by default)."""

    _name = "crm.bulk.import.type.prospect"
    _import_type = "prospect"
    _import_type_lists = {"res.partner": 20}
    _import_type_label = _lt("Prospect import")
    _import_type_sequence = 40
    _inherit = "crm.bulk.import.type"
    _description = "Bulk Import Type: Prospect Import"
    _revert_creates = ("res.partner",)
    _revert_writes = {
        "res.partner": ("prospect_group_id", "website", "phone", "category_id", "country_id", "program_state"),
    }

    @api.model
    def _emails_sent(self, job):
        return job._option("send_invitations")

    @api.model
    def _schema(self):
        return Schema(
            columns=(
                Column(
                    "name",
                    _lt("Name"),
                    required=True,
                    aliases=("nom", "full name", "partner", "interessent"),
                    example="Jane Example",
                ),
                Column(
                    "email",
                    _lt("Email"),
                    required=True,
                    parser="email",
                    aliases=("e-mail", "courriel", "e-mail-adresse", "email address"),
                    example="jane@example.com",
                ),
                Column(
                    "company",
                    _lt("Company"),
                    aliases=("entreprise", "societe", "firma", "unternehmen", "company name"),
                    example="Example Inc.",
                ),
                Column(
                    "group",
                    _lt("Group"),
                    required=True,
                    aliases=("prospect group", "groupe", "gruppe", "interessentengruppe"),
                    help=_lt("The exact name of an existing prospect group."),
                    example="Video Creators",
                    choices="_choices_groups",
                ),
                Column("website", _lt("Website"), aliases=("site web", "webseite", "url"), example="www.example.com"),
                Column("phone", _lt("Phone"), aliases=("telephone", "telefon")),
                Column("country", _lt("Country"), aliases=("pays", "land")),
                Column("tags", _lt("Tags"), parser="names", aliases=("etiquettes", "schlagworter", "tag")),
            )
        ).translated(self.env._)

    @api.model
    def _apply_rows(self, job, rows):
        groups = self._find_groups(job, {row.values["group"] for row in rows})
        existing = self._find_partners(job, {row.values["email"] for row in rows})
        countries = self._find_countries({row.values["country"] for row in rows if row.values["country"]})
        tags = self._tags({name for row in rows for name in row.values["tags"]})
        results, invite, undo, to_create = {}, self.env["res.partner"], UndoLog(), []
        for row in rows:
            problems = []
            group = groups.get(row.values["group"])
            if not group:
                problems.append(
                    self._cell_error(
                        job,
                        row,
                        "group",
                        row.values["group"],
                        self.env._("Prospect group not found: imports never create groups; create it first."),
                    )
                )
            problems += self._check_country(job, row, countries)
            if problems:
                results[row.line.id] = Result("error", "\n".join(problems))
                continue
            values = {
                "prospect_group_id": group.id,
                "website": row.values["website"] or False,
                "phone": row.values["phone"] or False,
                "category_id": [Command.link(tags[name.lower()].id) for name in row.values["tags"]],
            }
            if row.values["country"]:
                values["country_id"] = countries[row.values["country"].lower()].id
            values = {key: value for key, value in values.items() if value}
            partner = existing.get(row.values["email"])
            if partner:
                # A partner from another platform: assigned, not duplicated.
                undo.watch(row.line.id, partner, [*values, "program_state"])
                # sudo: a group and a status are set by managers or by an
                # import (see res.partner's MANAGED_FIELDS); the group is one
                # of the job's company, found above.
                partner.sudo().write(values)
                if group.auto_accept:
                    partner._prospect_accept()
                elif partner.program_state in (False, "rejected"):
                    partner.sudo().program_state = "prospect"
                results[row.line.id] = Result(
                    "updated",
                    self.env._(
                        "Existing partner %(partner)s (%(email)s) assigned to %(group)s%(active)s.",
                        partner=partner.display_name,
                        email=partner.email,
                        group=group.name,
                        active=self.env._(", active at once (auto-accept)") if group.auto_accept else "",
                    ),
                    "res.partner",
                    partner.id,
                )
                continue
            to_create.append(
                (
                    row,
                    group,
                    {
                        **values,
                        "name": row.values["name"],
                        "email": row.values["email"],
                        "company_name": row.values["company"] or False,
                        "company_id": job.company_id.id,
                        "program_state": "prospect",
                        "bulk_import_job_id": job.id,
                    },
                )
            )
        # sudo: see above; the user may create contacts. One create() for
        # the chunk, quiet as the member import's: no tracking, and the
        # importing user does not follow every prospect.
        created = (
            self.env["res.partner"]
            .sudo()
            .with_context(**bulk_insert.QUIET)
            .create([values for _row, _group, values in to_create])
            .with_env(self.env)
        )
        for (row, group, _values), partner in zip(to_create, created, strict=True):
            invite |= partner
            undo.created(row.line.id, partner)
            results[row.line.id] = Result(
                "created",
                self.env._(
                    "New prospect %(name)s in %(group)s.",
                    name=partner.name,
                    group=group.name,
                ),
                "res.partner",
                partner.id,
            )
        if job._option("send_invitations") and invite:
            invite._prospect_invite()
        return undo.attach(results)

    @api.model
    def _find_groups(self, job, names):
        groups = self.env["prospect.group"].search(
            [("name", "in", list(names)), ("company_id", "=", job.company_id.id)]
        )
        return {group.name: group for group in groups}

    @api.model
    def _find_partners(self, job, emails):
        partners = self.env["res.partner"].search(
            [
                ("email_normalized", "in", list(emails)),
                ("company_id", "in", [job.company_id.id, False]),
            ],
            order="id",
        )
        found = {}
        for partner in partners:
            found.setdefault(partner.email_normalized, partner)
        return found

    @api.model
    def _tags(self, names):
        """Tags by name, created as needed (unlike groups, tags are only
        labels)."""
        Tag = self.env["res.partner.category"]
        found = {tag.name.lower(): tag for tag in Tag.search([("name", "in", list(names))])} if names else {}
        for name in names:
            if name.lower() not in found:
                found[name.lower()] = Tag.create({"name": name})
        return found

    @api.model
    def _choices_groups(self, company):
        return sorted(self.env["prospect.group"].search([("company_id", "=", company.id)]).mapped("name"))

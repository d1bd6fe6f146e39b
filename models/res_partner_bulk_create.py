# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many contacts at once: members and their teams, as ``create()`` makes them.

``res.partner.create()`` spends a few milliseconds per contact: defaults,
stored computes, and for a contact of a company the sync of its commercial
fields and address with the company, one contact at a time. The contacts of
one import differ in a few plain values. ``_bulk_import_create`` lets the ORM
create the first two contacts of each *kind* of row and inserts the others
like the second one (models/bulk_insert.py), with the values Odoo computes
from the row's own (normalized email, sanitized phone, full name, commercial
entity and company name) computed here with Odoo's own rules, and the address
a contact takes from its company (or gives to it) decided as ``create()``
decides it for the whole list. Where that cannot be shown to give what
``create()`` gives, the contacts go through ``create()``:

- an automation rule watches contacts;
- a value that varies from row to row is not one of FAST_FIELDS, or drives a
  stored computed field this file does not compute;
- the prototype differs from what is computed here for its own row, or has
  followers or messages.

``tests/test_member_bulk_create.py`` compares, column by column, the contacts
written here with those ``create()`` writes from the same rows."""

import logging

from odoo import api, models, tools

from . import bulk_insert

_logger = logging.getLogger(__name__)

# The fields whose values may differ from row to row on the fast path, and
# the stored fields of a contact computed from each (computed here). The
# country and state are part of the kind (a prototype per country): the
# fields computed from them are the prototype's.
FAST_FIELDS = {
    "name": {"complete_name", "commercial_company_name"},
    "email": {"email_normalized"},
    "phone": {"phone_sanitized"},
    "street": set(),
    "street2": set(),
    "city": set(),
    "zip": set(),
    "parent_id": {"complete_name", "commercial_partner_id", "commercial_company_name", "user_id"},
    # a team's admin, set on the teams a promotion creates
    "team_admin_id": set(),
}
KIND_FIELDS = {"country_id", "state_id"}


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _bulk_import_create(self, vals_list, stats=None):
        """Create the contacts of ``vals_list`` (in that order) as one
        ``create()`` of the list would, tracking off; see the module
        docstring.

        :param stats: a dict to receive ``inserted`` (contacts written like a
            prototype) and ``kinds``."""
        Partner = self.with_context(**bulk_insert.QUIET)
        varying = self._bulk_varying_fields(vals_list)
        if varying is None:
            bulk_insert.skipped(stats)
            return Partner.create(vals_list)
        address_fields = self._address_fields()
        parents = self.browse({vals["parent_id"] for vals in vals_list if vals.get("parent_id")})
        rows, company_addresses, existing = self._bulk_addresses(vals_list, parents, address_fields)
        # A company given its first contact's address (as create() does for
        # a company whose only contact has one) gets it first: that contact
        # and the company's other contacts then take it from the company.
        by_address = {}
        for parent, address in company_addresses.items():
            by_address.setdefault(tuple(sorted(address.items())), []).append(parent.id)
        for address, ids in by_address.items():
            Partner.browse(ids).write(dict(address))
        profiles = self._bulk_parent_profiles(parents)
        kinds = {}
        for index, (vals, final) in enumerate(zip(vals_list, rows, strict=True)):
            synced = final["synced"]
            key = (
                frozenset(vals),
                final["address"].get("country_id") or False,
                final["address"].get("state_id") or False,
                synced,
                profiles.get(vals.get("parent_id")),
            )
            kinds.setdefault(key, []).append(index)
        heads = {index for members in kinds.values() for index in members[:2]}
        heads |= self._bulk_safe_heads(
            vals_list, rows, heads, parents, address_fields=address_fields, existing=existing
        )
        ids = [None] * len(vals_list)
        ordered = sorted(heads)
        for index, partner in zip(ordered, Partner.create([vals_list[index] for index in ordered]), strict=True):
            ids[index] = partner.id
        self.env.flush_all()
        inserted = 0
        parent_of = {
            parent.id: (
                parent.commercial_partner_id.id,
                parent.commercial_partner_id.is_company and parent.commercial_partner_id.name or False,
                parent.name,
            )
            for parent in parents
        }
        for members in kinds.values():
            rest = [index for index in members if index not in heads]
            if not rest:
                continue
            prototype = self.browse(ids[members[1]])
            own = self._bulk_own_fields(varying, vals_list[members[1]], rows[members[1]], address_fields)
            expected = self._bulk_row_values(prototype.id, vals_list[members[1]], rows[members[1]], own, parent_of)
            if not self._bulk_prototype_ok(prototype, expected):
                for index, partner in zip(rest, Partner.create([vals_list[index] for index in rest]), strict=True):
                    ids[index] = partner.id
                continue
            new_ids = bulk_insert.new_ids(self, len(rest))
            names = sorted(own)
            bulk_insert.insert_like(
                self,
                prototype.id,
                names,
                [
                    (new_id, *(values[name] for name in names))
                    for new_id, values in (
                        (new_id, self._bulk_row_values(new_id, vals_list[index], rows[index], own, parent_of))
                        for new_id, index in zip(new_ids, rest, strict=True)
                    )
                ],
            )
            inserted += len(rest)
            for index, new_id in zip(rest, new_ids, strict=True):
                ids[index] = new_id
        return bulk_insert.written(
            self,
            ids,
            inserted=inserted,
            kinds=len(kinds),
            stats=stats,
            validate=varying | KIND_FIELDS,
            logger=_logger,
            holding=self._bulk_holding_constraints(),
        )

    @api.model
    def _bulk_holding_constraints(self):
        """The constraint methods the contacts written here satisfy without
        being checked: Odoo's check that no contact is its own company's
        company (_check_parent_id), unless another module changed it. These
        contacts are new and no contact has one of them as its company (the
        rows name existing contacts), so none is in a cycle; and its query,
        given a thousand contacts, reads every contact that has a company
        (100 ms per thousand with 265,000 of them, growing with the table)."""
        if bulk_insert.overridden_elsewhere(self, ("_check_parent_id",), {"odoo.addons.base.models.res_partner"}):
            return ()
        return ("_check_parent_id",)

    @api.model
    def _bulk_varying_fields(self, vals_list):
        """The fields whose values differ between rows, or None when the
        contacts must go through create()."""
        if (
            len(vals_list) < bulk_insert.MIN_ROWS
            or not bulk_insert.fast_path_enabled(self.env, "contact_fast_path")
            or bulk_insert.automated(self.env, self._name)
            or self.env.context.get("import_file")
            or any(not vals.get("name") for vals in vals_list)
            or any(vals.get("website") for vals in vals_list)
        ):
            return None
        keys = set().union(*vals_list)
        varying = {key for key in keys if len({repr(vals.get(key)) for vals in vals_list}) > 1}
        for name in varying:
            field = self._fields.get(name)
            if (name not in FAST_FIELDS and name not in KIND_FIELDS) or not field or not field.store:
                _logger.info("res.partner bulk create: %s is not a field of the fast path, using create()", name)
                return None
            if field.company_dependent or field.inverse:
                return None
            stored = {
                dependent.name
                for dependent in self.pool.get_dependent_fields(field)
                if dependent.store and dependent.column_type and dependent.model_name == self._name
            }
            if name in FAST_FIELDS and not stored <= FAST_FIELDS[name]:
                _logger.info("res.partner bulk create: %s drives %s, using create()", name, stored)
                return None
        return varying

    @api.model
    def _bulk_addresses(self, vals_list, parents, address_fields):
        """The address each row ends with, as one create() of the list
        decides it, and the companies given the address of their only
        contact, and the active contacts each company has already:
        ``([{"address": {field: value}, "synced": bool}], {company: address},
        {company id: count})``.

        For each row, in order: a contact of a company with an address takes
        that address; then a company without one, whose only contact this
        is, takes the contact's address (_handle_first_contact_creation)."""
        if parents:
            self.env.cr.execute(
                "SELECT parent_id, count(*) FROM res_partner WHERE parent_id = ANY(%s) AND active GROUP BY parent_id",
                [parents.ids],
            )
            existing = dict(self.env.cr.fetchall())
        else:
            existing = {}
        children = {}
        for vals in vals_list:
            if vals.get("parent_id") and vals.get("active", True):
                children[vals["parent_id"]] = children.get(vals["parent_id"], 0) + 1
        current = {parent.id: self._bulk_address_of(parent, address_fields) for parent in parents}
        parent_of = {parent.id: parent for parent in parents}
        rows, given_to = [], {}
        for vals in vals_list:
            address = {name: vals.get(name) or False for name in address_fields}
            synced = False
            parent_id = vals.get("parent_id")
            if parent_id and vals.get("type", "contact") == "contact":
                if any(current[parent_id].values()):
                    address, synced = dict(current[parent_id]), True
                parent = parent_of[parent_id]
                if (
                    (parent.is_company or not parent.parent_id)
                    and any(address.values())
                    and not any(current[parent_id].values())
                    and existing.get(parent_id, 0) + children[parent_id] == 1
                ):
                    current[parent_id] = dict(address)
                    given_to[parent] = dict(address)
                    synced = True
            rows.append({"address": address, "synced": synced})
        return rows, given_to, existing

    @api.model
    def _bulk_address_of(self, partner, address_fields):
        return {
            name: partner[name].id if self._fields[name].type == "many2one" else partner[name]
            for name in address_fields
        }

    @api.model
    def _bulk_safe_heads(self, vals_list, rows, heads, parents, *, address_fields, existing):
        """Rows to create with the heads so that no company without contacts
        or an address sees a single contact among them, and takes its
        address, when the list gives it more: the next row of that company."""
        addressless = {
            parent.id
            for parent in parents
            if not existing.get(parent.id) and not any(self._bulk_address_of(parent, address_fields).values())
        }
        heads_of = {}
        for index in heads:
            parent_id = vals_list[index].get("parent_id")
            if parent_id in addressless:
                heads_of.setdefault(parent_id, []).append(index)
        extra = set()
        for parent_id, indexes in heads_of.items():
            if len(indexes) != 1 or not any(rows[indexes[0]]["address"].values()):
                continue
            other = next(
                (
                    index
                    for index, vals in enumerate(vals_list)
                    if vals.get("parent_id") == parent_id and index not in heads
                ),
                None,
            )
            if other is not None:
                extra.add(other)
        return extra

    @api.model
    def _bulk_parent_profiles(self, parents):
        """{company id: what a contact takes from it besides its address}:
        the commercial fields of its commercial entity (those depending on
        the company, in every company), the salesperson and the language.
        Rows whose companies share a profile share a prototype."""
        names = self._commercial_fields()
        dependent = [name for name in names if self._fields[name].company_dependent]
        # A company-dependent field has a value in each company.
        companies = self.env["res.company"].sudo().search([]) if dependent else []  # pylint: disable=no-search-all
        profiles = {}
        for parent in parents:
            commercial = parent.commercial_partner_id.sudo()  # a key only: every field, whoever imports
            values = [(name, commercial._fields[name].convert_to_write(commercial[name], commercial)) for name in names]
            for company in companies:
                in_company = commercial.with_company(company)
                values += [
                    (name, company.id, in_company._fields[name].convert_to_write(in_company[name], in_company))
                    for name in dependent
                ]
            profiles[parent.id] = (
                parent.is_company,
                parent.parent_id.id,
                commercial == parent,
                parent.user_id.id,
                parent.lang,
                repr(values),
            )
        return profiles

    @api.model
    def _bulk_own_fields(self, varying, vals, row, address_fields):
        """The fields each row of a kind writes itself: the varying ones it
        gives, its address when it takes it from its company, and the fields
        computed from them."""
        # The commercial entity of a contact without a company is itself.
        own = (set(varying) & set(vals)) | {"commercial_partner_id"}
        if row["synced"]:
            own |= set(address_fields)
        for name in list(own):
            own |= FAST_FIELDS.get(name, set())
        own.discard("user_id")  # the company's salesperson: part of the kind
        own -= KIND_FIELDS
        return own

    @api.model
    def _bulk_row_values(self, new_id, vals, row, own, parent_of):
        """{field of ``own``: value} of the contact ``create()`` would write
        for ``vals`` with id ``new_id``.

        :param parent_of: {company id: (its commercial entity's id, that
            entity's name if it is a company, the company's name)}"""
        values = {name: vals.get(name, False) for name in own}
        for name in own:
            if name in row["address"]:
                values[name] = row["address"][name]
        parent = parent_of.get(vals.get("parent_id")) if vals.get("parent_id") else None
        is_company = vals.get("is_company", False)
        if is_company or not parent:
            commercial_id = new_id
            commercial_company_name = vals["name"] if is_company else vals.get("company_name") or False
        else:
            commercial_id, commercial_company_name, parent_name = parent
        if "commercial_partner_id" in own:
            values["commercial_partner_id"] = commercial_id
        if "commercial_company_name" in own:
            values["commercial_company_name"] = commercial_company_name
        if "complete_name" in own:
            name = vals["name"]
            if parent and not is_company:
                name = f"{commercial_company_name or parent_name}, {name}"
            values["complete_name"] = name.strip()
        if "email_normalized" in own:
            values["email_normalized"] = tools.email_normalize(vals.get("email"), strict=False)
        if "phone_sanitized" in own:
            values["phone_sanitized"] = self._bulk_phone_sanitized(vals, row)
        return values

    @api.model
    def _bulk_phone_sanitized(self, vals, row):
        """As mail.thread.phone computes it: the mobile, else the phone, in
        E.164 for the contact's country, else the company's."""
        country_id = row["address"].get("country_id")
        country = self.env["res.country"].browse(country_id) if country_id else self.env.company.country_id
        for name in self._phone_get_number_fields():
            number = vals.get(name)
            if number:
                sanitized = self._phone_format(number=number, country=country)
                if sanitized:
                    return sanitized
        return False

    def _bulk_prototype_ok(self, prototype, expected):
        """The prototype is what this file would have written for its row,
        and has nothing a copy of its columns would lack."""
        actual = {}
        for name in expected:
            value = prototype[name]
            actual[name] = value.id if self._fields[name].type == "many2one" else value
        if actual != expected:
            _logger.warning("res.partner bulk create: prototype %s differs %s != %s", prototype.id, actual, expected)
            return False
        return bulk_insert.is_quiet(prototype)

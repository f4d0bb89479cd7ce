import re

from odoo import Command, fields, models

from ..engine import identifiers, uscc
from ..importer import specs
from ..importer.cells import normalise_key, parse_text, to_text
from ..importer.rows import CREATE, UNCHANGED, UPDATE


class PartnerSegmentImport(models.TransientModel):
    """Customers and their classification from a spreadsheet (客户档案导入).

    The customer specification of the import engine
    (``partner.segment.import.mixin``): 用友/金蝶-style columns, matching by
    USCC, then customer code, then company name.  The columns, aliases and
    template are data (``importer.specs``), the classification columns those
    of the registry of dimensions; an imported class is written as the
    partner's own field, and the partner locks it and logs it.
    """

    _name = "partner.segment.import"
    _inherit = "partner.segment.import.mixin"
    _description = "Customer Import"

    # rows read, matched and applied together: updates with identical values
    # are written by one ``write`` per batch, so fewer, larger batches mean
    # fewer writes (bench/README.md, "Import"); creates go by lists of 1,000
    _import_batch_size = 5000
    _import_create_size = 1000
    _import_mapping_step = True

    mode = fields.Selection(
        [
            ("create_update", "Create and update"),
            ("update", "Update only"),
            ("create", "Create only"),
        ],
        required=True,
        default="create_update",
        help="Rows are matched to existing customers by USCC, else customer code, "
        "else exact company name.",
    )

    # ------------------------------------------------------------ specification
    def _import_job_options(self):
        return {**super()._import_job_options(), "mode": self.mode}

    def _import_target_model(self):
        return "res.partner"

    def _import_columns(self):
        return specs.customer_columns(self.env.company.id)

    def _import_required_titles(self):
        return ["客户名称 / Name"]

    def _import_is_sample_row(self, row):
        values = row.values
        return to_text(values.get("vat")).upper() in specs.SAMPLE_USCC or any(
            to_text(values.get(key)).casefold().startswith(specs.SAMPLE_MARKERS)
            for key in ("ref", "name")
        )

    def _import_prepare(self, header_map):
        """Lookups of the run: industries, countries, provinces, classes."""
        keys = header_map.index
        context = {"home_country": self.env.company.country_id, "matched": {}}
        if "industry_id" in keys:
            context["industry_id"] = self._import_industry_lookup()
        if keys.keys() & {"country_id", "state_id"}:
            context["country_id"] = self._import_country_lookup()
        if "state_id" in keys:
            context["state_id"] = {}  # {country id: lookup}, filled per country met
        for dimension in specs.customer_dimensions(self.env.company.id):
            if dimension.key in keys:
                context[dimension.key] = self._import_dimension_lookup(dimension)
        if "user_id" in keys:
            context["user_id"] = self._import_user_lookup()
        if "category_id" in keys:
            context["category_id"] = self._import_tag_lookup()
        if "bank_name" in keys:
            context["bank_name"] = self._import_bank_lookup()
        return context

    def _import_parse_row(self, row, header_map, context):
        vals = row.vals
        name = self._import_parse_cell(row, "name", parse_text)
        if name:
            vals["name"] = name
        elif name is not None:
            row.error("name", self.env._("The customer name is required."))
        for key in specs.TEXT_FIELDS:
            if key in row.values:  # the file's columns only
                text = self._import_parse_cell(row, key, parse_text)
                if text:
                    vals[key] = text
        if vals.get("email"):
            vals["email"] = self._import_parse_email(row, "email", vals["email"])
        country = self._import_parse_country(row, context)
        self._import_parse_vat(row, country)
        self._import_parse_numbers(row, header_map, specs.NUMBER_FIELDS)
        self._import_parse_state(row, country, context)
        for key in ("industry_id", *specs.customer_dimension_keys(self.env.company.id)):
            self._import_parse_lookup(row, key, context)
        if "user_id" in row.values:
            self._import_parse_user(row, context)
        if row.values.keys() & specs.RELATED_COLUMNS:
            self._import_parse_related(row)

    def _import_column_label(self, key):
        labels = {
            "contact_name": self.env._("Contact person: name"),
            "contact_phone": self.env._("Contact person: phone"),
            "contact_mobile": self.env._("Contact person: mobile"),
            "contact_email": self.env._("Contact person: email"),
            "contact_function": self.env._("Contact person: job position"),
            "bank_name": self.env._("Bank account: bank"),
            "bank_acc": self.env._("Bank account: account number"),
            "bank_holder": self.env._("Bank account: holder name"),
        }
        return labels.get(key) or super()._import_column_label(key)

    def _import_column_fields(self, key):
        """A classification column writes its class by hand (the partner sets
        its manual value and lock); the province column may set the country."""
        if key in specs.customer_dimension_keys(self.env.company.id):
            return [key, *self.env["res.partner"]._segment_field_names(key)[1:]]
        if key == "state_id":
            return ["state_id", "country_id"]
        if key in specs.CONTACT_COLUMNS:
            return ["child_ids"]
        if key in specs.BANK_COLUMNS:
            return ["bank_ids"]
        return [key]

    def _import_column_refusal(self, key, fnames):
        """The message of ``res.partner``'s override guard (who may set a
        classification by hand) for a change of ``fnames``, or None when it
        lets the change through.  The one call of the guard from the import:
        adapt it here when the guard changes."""
        partners = self.env["res.partner"]
        protected = partners._segment_protected_fields() & set(fnames)
        if not protected or partners._segment_may_override():
            return None
        field = partners._fields[sorted(protected)[0]]
        return self.env._(
            "Only Customer Segments managers may set a classification "
            "by hand (%(field)s).",
            field=field.get_description(self.env)["string"],
        )

    def _import_row_keys(self, row):
        keys = [(k, row.vals[k]) for k in ("vat", "ref") if row.vals.get(k)]
        if not keys and row.vals.get("name"):
            keys.append(("name", row.vals["name"]))
        return keys

    def _import_match(self, rows, context):
        # one search per key kind, each only for the rows the previous ones left
        found, pending = {}, rows
        for key in specs.MATCH_KEYS:
            found[key] = self._import_find(
                key, {r.vals[key] for r in pending if r.vals.get(key)}
            )
            pending = [r for r in pending if r.vals.get(key) not in found[key]]
        matched = context["matched"]
        for row in rows:
            candidate = self._import_match_row(row, found)
            if row.errors:
                continue
            if candidate and self.mode == "create":
                row.error(
                    None,
                    self.env._(
                        "Customer %(name)s already exists; this import only creates.",
                        name=candidate["name"],
                    ),
                )
            elif not candidate and self.mode == "update":
                row.error(
                    None,
                    self.env._(
                        "No existing customer matches this row; this import "
                        "only updates."
                    ),
                )
            elif candidate and candidate["id"] in matched:
                row.error(
                    None,
                    self.env._(
                        "Row %(row)s already updates customer %(name)s.",
                        row=matched[candidate["id"]],
                        name=candidate["name"],
                    ),
                )
            elif candidate:
                matched[candidate["id"]] = row.number
                row.match = candidate["id"]

    def _import_apply(self, rows, context):
        partners = self.env["res.partner"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            segment_source="import",
        )
        creates = [r for r in rows if not r.match]
        updates = [r for r in rows if r.match]
        if creates:
            self._import_create(partners, creates, context)
        if updates:
            self._import_update(partners, updates)
        related = [r for r in rows if r.related]
        if related:
            self._import_apply_related(partners, related, context)

    def _import_template(self):
        return specs.customer_template(self.env.company.id)

    def _import_template_sheet_title(self):
        return "客户 Customers"

    def _import_template_filename(self):
        return "customer_import_template.xlsx"

    # ------------------------------------------------------------ parsing
    def _import_parse_vat(self, row, country):
        text = self._import_parse_cell(row, "vat", parse_text) or ""
        vat = re.sub(r"[\s\-]", "", text).upper()
        if not vat:
            return
        if country.code == "CN":
            # a USCC, or else an older 纳税人识别号 (an ID card number among them)
            kind = "uscc" if uscc.is_valid(vat) else identifiers.guess_kind(vat)
            if not kind:
                row.error(
                    "vat",
                    self.env._(
                        "%(value)s is not a valid Unified Social Credit Code: 18 "
                        "characters, digits and capitals except I, O, Z, S, V, "
                        "ending with its check character.",
                        value=vat,
                    ),
                )
                return
            row.vals["vat_kind"] = kind
        row.vals["vat"] = vat

    # ------------------------------------------------------------ matching
    def _import_find(self, key, values):
        """{value: [partner dicts]} of the commercial partners whose ``key`` is in values.

        One query per key kind and batch, with the user's record rules, read
        as rows (as ``ir.attachment._search`` does): the ids, names, USCCs and
        codes of up to a batch of partners, without filling the cache.
        """
        if not values:
            return {}
        domain = [(key, "in", list(values)), ("parent_id", "=", False)]
        if key == "name":
            domain.append(("is_company", "=", True))
        partners = self.env["res.partner"]
        query = partners._search(domain)
        fnames = ("id", "name", "vat", "ref")
        found = {}
        for row in self.env.execute_query(
            query.select(*(partners._field_to_sql(partners._table, f) for f in fnames))
        ):
            record = dict(zip(fnames, row, strict=True))
            found.setdefault(record[key], []).append(record)
        return found

    def _import_match_row(self, row, found):
        """The partner dict a row updates (USCC, else code, else name), or None."""
        labels = {
            "vat": self.env._("USCC"),
            "ref": self.env._("customer code"),
            "name": self.env._("name"),
        }
        for key in specs.MATCH_KEYS:
            value = row.vals.get(key)
            candidates = found[key].get(value, []) if value else []
            if len(candidates) > 1:
                row.error(
                    key,
                    self.env._(
                        "%(count)s customers have the %(key)s %(value)s: match is "
                        "ambiguous.",
                        count=len(candidates),
                        key=labels[key],
                        value=value,
                    ),
                )
                return None
            if candidates:
                candidate = candidates[0]
                vat = row.vals.get("vat")
                if (
                    key != "vat"
                    and vat
                    and candidate["vat"]
                    and candidate["vat"] != vat
                ):
                    row.error(
                        "vat",
                        self.env._(
                            "Customer %(name)s, found by %(key)s, has another USCC "
                            "(%(vat)s).",
                            name=candidate["name"],
                            key=labels[key],
                            vat=candidate["vat"],
                        ),
                    )
                    return None
                return candidate
        return None

    # ------------------------------------------------------------ applying
    def _import_create(self, partners, rows, context):
        """Create the customers; the partner locks and logs their classes."""
        home = context["home_country"]
        vals_list = []
        for row in rows:
            vals = {"is_company": True, **row.vals}
            if home and "country_id" not in vals:
                vals["country_id"] = home.id
            vals_list.append(vals)
        self._import_check_field_rights(partners, vals_list)
        created = partners.browse()
        for first in range(0, len(vals_list), self._import_create_size):
            created += partners.create(
                vals_list[first : first + self._import_create_size]
            )
        for row, partner in zip(rows, created, strict=True):
            row.outcome, row.record_id = CREATE, partner.id

    def _import_update(self, partners, rows):
        """Write what differs; partners that get identical values are written together.

        A class changes a partner unless the partner already has it set by
        hand (an unlocked class equal to the file's is locked by the write)."""
        # read with the user's rights: the columns the user may not write (nor
        # read, as field groups go) were refused before the run
        records = partners.browse([r.match for r in rows])
        fnames = set().union(*(row.vals for row in rows))
        classes = fnames.intersection(
            specs.customer_dimension_keys(self.env.company.id)
        )
        current = self._import_current_values(records, fnames - classes)
        current.update(records._segment_overridden_values(sorted(classes)))
        groups = {}
        for index, (row, partner_id) in enumerate(zip(rows, records.ids, strict=True)):
            diff = self._import_diff(
                row.vals, {f: v[index] for f, v in current.items()}
            )
            row.record_id = partner_id
            row.outcome = UPDATE if diff else UNCHANGED
            if diff:
                groups.setdefault(tuple(sorted(diff.items())), []).append(partner_id)
        self._import_check_field_rights(partners, [dict(items) for items in groups])
        for items, ids in groups.items():
            partners.browse(ids).write(dict(items))

    # ------------------------------------------------------------ other records
    def _import_parse_email(self, row, key, text):
        """An e-mail address; a QQ number (a "QQ/E-mail" column) is its qq.com
        mailbox."""
        if re.fullmatch(r"[1-9]\d{4,11}", text):
            return f"{text}@qq.com"
        if "@" not in text:
            row.error(key, self.env._("%(value)s is not an email address.", value=text))
        return text

    def _import_parse_user(self, row, context):
        """The salesperson: an internal user by name or login."""
        raw = to_text(row.values.get("user_id"))
        if not raw:
            return
        user_id = context["user_id"].get(normalise_key(raw))
        if user_id is None:
            row.error(
                "user_id",
                self.env._("No user is named %(value)s (name or login).", value=raw),
            )
        elif not user_id:
            row.error(
                "user_id",
                self.env._(
                    "Several users are named %(value)s: write the login.", value=raw
                ),
            )
        else:
            row.vals["user_id"] = user_id

    def _import_parse_related(self, row):
        """Tags, the contact person and the bank account of a row, written
        after the row's company (``row.related``)."""
        tags = self._import_parse_cell(row, "category_id", parse_text)
        if tags:
            names = [t.strip() for t in re.split(specs.TAG_SEPARATORS, tags)]
            row.related["tags"] = [n for n in names if n]
        contact = {}
        for key, fname in specs.CONTACT_COLUMNS.items():
            text = self._import_parse_cell(row, key, parse_text)
            if text:
                contact[fname] = text
        if contact.get("email"):
            contact["email"] = self._import_parse_email(
                row, "contact_email", contact["email"]
            )
        if contact and not contact.get("name"):
            row.error(
                next(k for k in specs.CONTACT_COLUMNS if k in row.values),
                self.env._("The contact person's columns need the contact's name."),
            )
        elif contact:
            row.related["contact"] = contact
        bank = {}
        for key, fname in specs.BANK_COLUMNS.items():
            text = self._import_parse_cell(row, key, parse_text)
            if text:
                bank[fname] = text
        if bank.get("acc_number"):
            bank["acc_number"] = re.sub(r"[\s\-]", "", bank["acc_number"])
            row.related["bank"] = bank
        elif bank:
            row.error(
                "bank_acc",
                self.env._("The bank account columns need the account number."),
            )

    def _import_user_lookup(self):
        """{normalised name or login: user id, 0 when several users share it}."""
        table = {}
        users = self.env["res.users"].search([("share", "=", False)])
        for user in users:
            for key in {normalise_key(user.name), normalise_key(user.login)}:
                table[key] = 0 if table.get(key, user.id) != user.id else user.id
        return table

    def _import_tag_lookup(self):
        """{normalised tag name: tag id}; tags the file names anew are created."""
        return self._import_translated_names(
            self.env["res.partner.category"].search([])
        )

    def _import_bank_lookup(self):
        """{normalised bank name: bank id}; banks the file names anew are created."""
        return {
            normalise_key(bank.name): bank.id
            for bank in self.env["res.bank"].search([])
        }

    def _import_apply_related(self, partners, rows, context):
        """Tags added, contact persons and bank accounts created or updated
        under the rows' companies, with one search and one create per kind."""
        changed = set()
        changed |= self._import_apply_tags(partners, rows, context)
        changed |= self._import_apply_contacts(partners, rows)
        changed |= self._import_apply_banks(rows, context)
        for row in rows:
            if row.record_id in changed and row.outcome == UNCHANGED:
                row.outcome = UPDATE

    def _import_apply_tags(self, partners, rows, context):
        rows = [r for r in rows if r.related.get("tags")]
        if not rows:
            return set()
        names = {n for row in rows for n in row.related["tags"]}
        table = self._import_named(
            "res.partner.category", context["category_id"], names
        )
        records = partners.browse([r.record_id for r in rows])
        current = dict(
            zip(
                records.ids,
                records.mapped(lambda p: set(p.category_id.ids)),
                strict=True,
            )
        )
        groups = {}
        for row in rows:
            wanted = {table[normalise_key(n)] for n in row.related["tags"]}
            missing = tuple(sorted(wanted - current[row.record_id]))
            if missing:
                groups.setdefault(missing, []).append(row.record_id)
        for tag_ids, partner_ids in groups.items():
            partners.browse(partner_ids).write(
                {"category_id": [Command.link(t) for t in tag_ids]}
            )
        return {pid for ids in groups.values() for pid in ids}

    def _import_named(self, model, known, names):
        """{normalised name: id} of ``names`` in ``model``: those of the run's
        lookup ``known``, those found by name, the others created.  Records
        created here are not added to ``known``: the batch's savepoint may
        roll them back."""
        table, new = {}, {}
        for name in names:
            key = normalise_key(name)
            if key in known:
                table[key] = known[key]
            else:
                new.setdefault(key, name)
        if new:
            found = self.env[model].search([("name", "in", list(new.values()))])
            for record in found:
                table.setdefault(normalise_key(record.name), record.id)
            missing = {k: n for k, n in new.items() if k not in table}
            if missing:
                created = self.env[model].create(
                    [{"name": n} for n in missing.values()]
                )
                table.update(zip(missing, created.ids, strict=True))
        return table

    def _import_apply_contacts(self, partners, rows):
        rows = [r for r in rows if r.related.get("contact")]
        if not rows:
            return set()
        existing = {
            (c.parent_id.id, normalise_key(c.name)): c
            for c in partners.search(
                [
                    ("parent_id", "in", [r.record_id for r in rows]),
                    ("name", "in", [r.related["contact"]["name"] for r in rows]),
                ]
            )
        }
        creates, changed = [], set()
        for row in rows:
            vals = row.related["contact"]
            contact = existing.get((row.record_id, normalise_key(vals["name"])))
            if contact is None:
                creates.append({**vals, "parent_id": row.record_id, "type": "contact"})
                changed.add(row.record_id)
                continue
            diff = {f: v for f, v in vals.items() if (contact[f] or "") != v}
            if diff:
                contact.write(diff)
                changed.add(row.record_id)
        if creates:
            partners.create(creates)
        return changed

    def _import_apply_banks(self, rows, context):
        rows = [r for r in rows if r.related.get("bank")]
        if not rows:
            return set()
        names = {
            r.related["bank"]["bank_id"]
            for r in rows
            if r.related["bank"].get("bank_id")
        }
        banks = self._import_named("res.bank", context["bank_name"], names)
        Bank = self.env["res.partner.bank"]
        existing = {
            (a.partner_id.id, a.sanitized_acc_number)
            for a in Bank.search([("partner_id", "in", [r.record_id for r in rows])])
        }
        creates, changed = [], set()
        for row in rows:
            vals = dict(row.related["bank"])
            number = vals["acc_number"]
            if (row.record_id, number) in existing:
                continue
            existing.add((row.record_id, number))
            if vals.get("bank_id"):
                vals["bank_id"] = banks[normalise_key(vals["bank_id"])]
            creates.append({**vals, "partner_id": row.record_id})
            changed.add(row.record_id)
        if creates:
            Bank.create(creates)
        return changed

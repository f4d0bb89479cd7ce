import base64
import logging
from collections import defaultdict
from itertools import chain, islice

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..importer import specs
from ..importer.cells import CellError, is_blank, normalise_key, parse_number, to_text
from ..importer.headers import (
    alias_table,
    header_candidate,
    header_detector,
    header_key,
    map_headers,
)
from ..importer.industry_codes import industry_code_candidates
from ..importer.reader import ImportFileError, open_table
from ..importer.report import write_error_workbook, write_template
from ..importer.rows import ImportResult, ImportRow, batched

_logger = logging.getLogger(__name__)

MAX_ERROR_LINES = 1000  # shown on screen; the error report has every row


class PartnerSegmentImportMixin(models.AbstractModel):
    """The import engine: upload, Test, Import, result, error report, template.

    A file becomes rows (``importer.reader``), the header row is mapped to
    column keys (``importer.headers``), every row is parsed and validated,
    matched in batches and applied in batches inside savepoints.  Test runs
    the same path and rolls it back.  An import kind is a specification that
    inherits this mixin and implements the ``_import_*`` hooks marked
    "specification" below: columns, row parsing, matching, applying, template.
    """

    _name = "partner.segment.import.mixin"
    _description = "Spreadsheet Import Engine"

    _import_batch_size = 1000
    # the import shows the file's columns after a run and lets the user map
    # them (partner.segment.import.column), remembering the choices per
    # company (partner.segment.import.mapping)
    _import_mapping_step = False
    # a background batch is committed with its progress.  The first batch of
    # a job, before its speed is known, is small enough to end well inside
    # Odoo's time limits on a busy server; the next ones aim at a share of the
    # call's time budget (CronBudget.batch_seconds), up to the largest size
    _import_job_batch_size = 200
    _import_job_batch_max = 5000

    file = fields.Binary(attachment=False)
    filename = fields.Char()
    policy = fields.Selection(
        [("all", "All or nothing"), ("skip", "Skip rows with errors")],
        string="On Errors",
        required=True,
        default="all",
        help="All or nothing: any error and nothing is written. Skip rows with "
        "errors: valid rows are written, each bad row is reported.",
    )
    state = fields.Selection(
        [
            ("upload", "Upload"),
            ("mapping", "Map Columns"),
            ("tested", "Tested"),
            ("done", "Done"),
        ],
        default="upload",
        required=True,
    )
    create_count = fields.Integer("To Create", readonly=True)
    update_count = fields.Integer("To Update", readonly=True)
    created_count = fields.Integer("Created", related="create_count")
    updated_count = fields.Integer("Updated", related="update_count")
    unchanged_count = fields.Integer("Unchanged", readonly=True)
    error_count = fields.Integer("Rows with Errors", readonly=True)
    sample_count = fields.Integer("Example Rows Ignored", readonly=True)
    written = fields.Boolean(readonly=True)
    sheet_info = fields.Char("Read From", readonly=True)
    unknown_columns = fields.Char(
        "Ignored Columns", readonly=True, help="Columns of the file that no field uses."
    )
    refused_columns = fields.Text(
        "Columns Not Written",
        readonly=True,
        help="Columns of the file that you may not write, with the reason: their "
        "values are left out of every row; the other columns are imported.",
    )
    error_ids = fields.One2many(
        "partner.segment.import.error",
        "res_id",
        string="Errors",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )
    error_file = fields.Binary("Error Report", attachment=False, readonly=True)
    error_filename = fields.Char(readonly=True)
    template_file = fields.Binary(attachment=False, readonly=True)
    template_filename = fields.Char(readonly=True)
    result_record_ids = fields.Json(readonly=True)
    column_ids = fields.One2many(
        "partner.segment.import.column",
        "res_id",
        string="Columns",
        domain=lambda self: [("res_model", "=", self._name)],
    )
    column_mapping = fields.Json(
        readonly=True,
        help="The column each header is read as (the user's choices and the "
        "company's remembered ones), fixed when a run starts: a background "
        "import reads the file with it.",
    )
    missing_columns = fields.Char(
        readonly=True,
        help="Required columns that no column of the file is mapped to.",
    )

    # ------------------------------------------------------------ actions
    def action_test(self):
        """Check every row and show what an import would do, writing nothing."""
        self.ensure_one()
        return self._import_dispatch(dry_run=True)

    def action_import(self):
        """Check every row and write them, following the error policy."""
        self.ensure_one()
        return self._import_dispatch(dry_run=False)

    def action_reset(self):
        self.ensure_one()
        self.error_ids.unlink()
        if self._import_mapping_step:
            self.column_ids.unlink()
        self.write(
            {
                "state": "upload",
                "error_file": False,
                "written": False,
                "refused_columns": False,
                "column_mapping": False,
                "missing_columns": False,
            }
        )
        return self._import_reopen()

    def action_download_template(self):
        """A blank template with the columns, drop-downs, instructions and examples."""
        self.ensure_one()
        self._import_check_access()
        columns, examples, instructions = self._import_template_for_user(
            *self._import_template()
        )
        content = write_template(
            columns,
            examples,
            instructions,
            self._import_template_sheet_title(),
            "说明 Instructions",
        )
        self.write(
            {
                "template_file": base64.b64encode(content),
                "template_filename": self._import_template_filename(),
            }
        )
        return self._import_download("template_file", self.template_filename)

    def action_download_errors(self):
        self.ensure_one()
        return self._import_download("error_file", self.error_filename)

    def action_open_records(self):
        """The records the import created or updated."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Records"),
            "res_model": self._import_target_model(),
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.result_record_ids or [])],
            "target": "current",
        }

    # ------------------------------------------------------------ the run
    def _import_dispatch(self, dry_run):
        """Run the import (or its Test) in this request, or hand it to the
        background when the file has more rows than the company's threshold.

        The one place that decides: a background runner other than the
        addon's scheduled action (e.g. queue_job) plugs in here.
        """
        self._import_check_access()
        if self._import_mapping_step:
            self._import_fix_mapping()
        total = self._import_background_total()
        if total is None:
            self._import_run(dry_run=dry_run)
            return self._import_reopen()
        job = self.env["partner.segment.import.job"]._job_start(self, dry_run, total)
        return job._job_open()

    def _import_background_total(self):
        """The file's number of data rows when it goes to the background, else None."""
        threshold = self.env.company.segment_import_background_rows
        if threshold <= 0 or not self.file:
            return None
        table = self._import_open()
        try:
            if self._import_mapping_step and self._import_map_headers(table).missing(
                self._import_columns()
            ):
                return None  # the run stops at the mapping step, in this request
            total = sum(1 for _row in table.rows)
        except ImportFileError as error:
            raise UserError(self._import_file_error_message(error)) from None
        finally:
            table.close()
        return total if total > threshold else None

    def _import_job_options(self):
        """Values of the wizard's own options a background job runs with."""
        return {"column_mapping": self.column_mapping or {}}

    def _import_run(self, dry_run):
        """Read, validate, match and apply every row; store the result on the wizard.

        The whole run sits in a savepoint that is rolled back for a Test and for
        an all-or-nothing import with errors.  Each batch is applied in its own
        savepoint; a batch that fails is applied again by halves, each in a
        savepoint, down to the failing rows, so that a row is written whole or
        not at all and the failing rows are named.
        """
        self._import_check_access()
        table = self._import_open()
        header_map = self._import_map_headers(table)
        try:
            refused = self._import_refuse_columns(header_map, table.headers)
        except UserError:
            table.close()
            raise
        if self._import_mapping_step:
            samples = list(islice(table.rows, 2))
            table.rows = chain(samples, table.rows)
            self._import_store_columns(table, header_map, samples)
            if self.missing_columns:
                table.close()
                self.write({"state": "mapping", "refused_columns": "\n".join(refused)})
                return
        context = self._import_prepare(header_map)
        # a specification whose apply has side effects a rollback does not undo
        # (posting) reads this to validate and compute only
        context["dry_run"] = dry_run
        result = ImportResult()
        savepoint = self.env.cr.savepoint()
        try:
            for chunk in batched(table.rows, self._import_batch_size):
                rows = self._import_parse_chunk(chunk, header_map, context, result)
                self._import_check_duplicates(rows, context)
                self._import_match([r for r in rows if not r.errors], context)
                self._import_apply_batch(rows, context)
                result.add(rows)
                # the batch is flushed: drop its records from the cache, so that
                # memory stays flat however long the file
                self.env.invalidate_all()
        except ImportFileError as error:
            savepoint.close(rollback=True)
            raise UserError(self._import_file_error_message(error)) from None
        except Exception:
            savepoint.close(rollback=True)
            raise
        finally:
            table.close()
        rollback = dry_run or (self.policy == "all" and bool(result.failed))
        savepoint.close(rollback=rollback)
        self._import_store_result(result, table, header_map, dry_run, not rollback)
        self.refused_columns = "\n".join(refused)

    def _import_mapping(self):
        """{header key: column key} the run reads the file with (the mapping step)."""
        return (self.column_mapping or {}) if self._import_mapping_step else {}

    def _import_map_headers(self, table):
        """The :class:`HeaderMap` of the table's header row."""
        return map_headers(
            table.headers, self._import_columns(), self._import_mapping()
        )

    def _import_open(self):
        if not self.file and self.filename:
            raise UserError(
                self.env._("%(filename)s is empty.", filename=self.filename)
            )
        if not self.file:
            raise UserError(self.env._("Choose a file to import."))
        content = base64.b64decode(self.file)
        try:
            columns, mapping = self._import_columns(), self._import_mapping()
            return open_table(
                content,
                self.filename or "",
                header_detector(columns, mapping),
                fallback_header=header_candidate(columns, mapping)
                if self._import_mapping_step
                else None,
            )
        except ImportFileError as error:
            raise UserError(self._import_file_error_message(error)) from None

    def _import_parse_chunk(self, chunk, header_map, context, result):
        rows = []
        for number, cells in chunk:
            if all(is_blank(c) for c in cells):
                continue
            row = ImportRow(number, cells, header_map.extract(cells))
            if self._import_is_sample_row(row):
                result.samples += 1
                continue
            self._import_parse_row(row, header_map, context)
            rows.append(row)
        return rows

    def _import_check_duplicates(self, rows, context):
        """A key (e.g. USCC, code) seen on an earlier row makes the later row an error."""
        seen = context.setdefault("_seen_keys", {})
        for row in rows:
            for column, key in self._import_row_keys(row):
                first = seen.setdefault((column, key), row.number)
                if first != row.number:
                    row.error(
                        column,
                        self.env._(
                            "%(value)s already appears on row %(row)s.",
                            value=key,
                            row=first,
                        ),
                    )

    def _import_apply_batch(self, rows, context):
        valid = [r for r in rows if not r.errors]
        if valid:
            self._import_apply_split(valid, context)

    def _import_apply_split(self, rows, context):
        """Apply ``rows`` in a savepoint; when the database or a constraint
        refuses them, apply each half the same way, down to the single rows
        that fail, each reported with its error. A row is written whole or not
        at all, and a bad row in a batch of 5,000 costs about 2 x 13 retries of
        ever smaller halves, not 5,000 one-row writes."""
        try:
            with self.env.cr.savepoint():
                self._import_apply(rows, context)
            return
        except psycopg2.errors.TransactionRollbackError:
            # another transaction wrote the same rows (e.g. a user reversing the
            # same invoice): retrying in this snapshot fails again; Odoo
            # retries the whole request, which then sees the other write
            raise
        except (UserError, psycopg2.Error) as error:
            for row in rows:
                row.outcome, row.record_id = "", 0
            if len(rows) == 1:
                rows[0].error(None, self._import_exception_message(error))
                return
            _logger.info(
                "import: %s rows refused together, retrying by halves: %s",
                len(rows),
                error,
            )
        half = len(rows) // 2
        self._import_apply_split(rows[:half], context)
        self._import_apply_split(rows[half:], context)

    def _import_store_result(self, result, table, header_map, dry_run, written):
        self.error_ids.unlink()
        headers = table.headers
        lines = []
        for row in result.failed[:MAX_ERROR_LINES]:
            for column, message in row.errors:
                lines.append(
                    {
                        "res_model": self._name,
                        "res_id": self.id,
                        "row_number": row.number,
                        "column": self._import_column_title(
                            column, header_map, headers
                        ),
                        "message": message,
                    }
                )
        self.env["partner.segment.import.error"].create(lines)
        # read back in the model's order (by row), not in the cache's
        self.invalidate_recordset(["error_ids"])
        error_file = False
        if result.failed:
            error_file = base64.b64encode(
                write_error_workbook(
                    headers,
                    (
                        (r.number, r.cells, "; ".join(m for _c, m in r.errors))
                        for r in result.failed
                    ),
                    "原行号 Row",
                    "错误 Error",
                    table.sheet or "Errors",
                )
            )
        stem = (self.filename or "import").rsplit(".", 1)[0]
        self.write(
            {
                "state": "tested" if dry_run else "done",
                "written": written,
                "create_count": result.created,
                "update_count": result.updated,
                "unchanged_count": result.unchanged,
                "error_count": len(result.failed),
                "sample_count": result.samples,
                "sheet_info": self.env._(
                    "Sheet %(sheet)s, header on row %(row)s",
                    sheet=table.sheet,
                    row=table.header_row,
                ),
                "unknown_columns": ", ".join(header_map.unknown),
                "error_file": error_file,
                "error_filename": f"{stem}-errors.xlsx" if error_file else False,
                "result_record_ids": result.record_ids if written else [],
            }
        )

    # ------------------------------------------------------------ mapping step
    def _import_fix_mapping(self):
        """Remember the user's choices of the mapping step for the company and
        fix the mapping the run (or a background job) reads the file with:
        the company's remembered choices, then the wizard's own."""
        Mapping = self.env["partner.segment.import.mapping"]
        chosen = {
            line.header_key: (line.header, line.column_key or "")
            for line in self.column_ids
            if line.header_key
        }
        defaults = self._import_default_keys(chosen)
        keep = {h: v for h, v in chosen.items() if v[1] != defaults[h]}
        Mapping._mapping_remember(self._name, keep, set(chosen) - set(keep))
        self.column_mapping = {
            **Mapping._mapping_get(self._name),
            **{h: key for h, (_label, key) in chosen.items()},
        }

    def _import_default_keys(self, headers):
        """{header key: column key the import's aliases give it, or ""}."""
        table = alias_table(self._import_columns())
        return {h: (table[h].key if h in table else "") for h in headers}

    def _import_store_columns(self, table, header_map, samples):
        """The mapping step's lines: each column of the file, two samples and
        the column it is read as; the required columns nothing is mapped to."""
        self.column_ids.unlink()
        keys = {position: key for key, position in header_map.index.items()}
        refused = header_map.refused
        choices = dict(self._import_column_choices())
        lines = []
        for position, header in enumerate(table.headers):
            text = to_text(header)
            if not text:
                continue
            key = keys.get(position)
            note = refused.get(position, "")
            if position in header_map.shadowed:
                note = self.env._(
                    "Not imported: an earlier column is read as %(column)s.",
                    column=choices.get(header_map.shadowed[position], ""),
                )
            elif not note and position in header_map.chosen:
                note = self.env._("Mapped by hand")
            lines.append(
                {
                    "res_model": self._name,
                    "res_id": self.id,
                    "position": position,
                    "header": text,
                    "header_key": header_key(text),
                    "sample_1": self._import_sample(samples, 0, position),
                    "sample_2": self._import_sample(samples, 1, position),
                    "column_key": key if key in choices else False,
                    "note": note,
                }
            )
        self.env["partner.segment.import.column"].create(lines)
        self.invalidate_recordset(["column_ids"])
        missing = header_map.missing(self._import_columns())
        self.missing_columns = (
            ", ".join(choices.get(c.key, c.key) for c in missing) or False
        )

    @api.model
    def _import_sample(self, samples, index, position):
        if index >= len(samples):
            return False
        cells = samples[index][1]
        return to_text(cells[position])[:80] if position < len(cells) else False

    def _import_column_choices(self):
        """[(column key, label)] the user may map a column to, less the
        columns the user may not write."""
        keys = [c.key for c in self._import_columns()]
        refused = self._import_refused_fields(keys)
        return [
            (key, self._import_column_label(key)) for key in keys if key not in refused
        ]

    def _import_column_label(self, key):
        """The label of a column in the mapping step: its field's, by default."""
        model = self.env[self._import_target_model()]
        field = model._fields.get(key)
        return field.get_description(self.env)["string"] if field else key

    # ------------------------------------------------------------ helpers
    def _import_check_access(self):
        """The import writes what the specification says: its managers only."""
        group = self._import_group()
        if not self.env.user.has_group(group):
            raise AccessError(self.env._("Only Customer Segments managers may import."))

    def _import_refuse_columns(self, header_map, headers):
        """Drop from ``header_map`` the columns the user may not write.

        Odoo 18's ``create`` does not check field-level rights (``write``
        does), so the import checks every column it maps, for creates and
        updates alike, before a row is read: a refused column's values are
        never parsed nor written, and the other columns are imported.  A
        refused required column stops the run.

        :return: one line per refused column, "title: reason"
        """
        lines, required = [], []
        columns = {c.key: c for c in self._import_columns()}
        for key, reason in self._import_refused_fields(list(header_map.index)).items():
            title = self._import_column_title(key, header_map, headers)
            lines.append(
                self.env._("%(column)s: %(reason)s", column=title, reason=reason)
            )
            if columns[key].required:
                required.append(title)
            header_map.refused[header_map.index[key]] = reason
            del header_map.index[key]
            header_map.scale.pop(key, None)
        if required:
            raise UserError(
                self.env._(
                    "You may not write the required column(s) %(columns)s, so "
                    "nothing can be imported.\n%(reasons)s",
                    columns=", ".join(required),
                    reasons="\n".join(lines),
                )
            )
        return lines

    def _import_refused_fields(self, keys):
        """{column key: reason} of the columns whose fields the user may not write:
        the field's ``groups=`` (as Odoo's ``write`` checks them), then the
        specification's own rules (``_import_column_refusal``)."""
        model = self.env[self._import_target_model()]
        refused = {}
        for key in keys:
            fnames = self._import_column_fields(key)
            reason = self._import_groups_refusal(model, fnames)
            reason = reason or self._import_column_refusal(key, fnames)
            if reason:
                refused[key] = reason
        return refused

    def _import_groups_refusal(self, model, fnames):
        """Why the user may not write ``fnames`` of ``model`` by their groups, or None."""
        for fname in fnames:
            field = model._fields[fname]
            if field.is_accessible(self.env):
                continue
            xmlids = [
                g.strip()
                for g in field.groups.split(",")
                if g.strip()[:1] not in ("!", ".", "")
            ]
            groups = self.env["res.groups"].browse(
                self.env.ref(xmlid).id for xmlid in xmlids
            )
            return self.env._(
                "writing %(field)s needs one of these rights: %(groups)s.",
                field=field.get_description(self.env)["string"],
                groups=", ".join(groups.mapped("full_name")) or "-",
            )
        return None

    def _import_check_field_rights(self, model, vals_list):
        """Refuse a write of any field the user may not write (AccessError).

        The columns were checked before the run; this guards what the
        specification adds itself (defaults, locks) on creates, which Odoo 18
        does not check."""
        fnames = set()
        for vals in vals_list:
            fnames.update(vals)
        model.check_field_access_rights("write", sorted(fnames))

    def _import_template_for_user(self, columns, examples, instructions):
        """The template without the columns the user may not write; the
        instructions name them with the reason."""
        header_map = map_headers([c.header for c in columns], self._import_columns())
        refused = self._import_refused_fields(list(header_map.index))
        if not refused:
            return columns, examples, instructions
        dropped = {header_map.index[key] for key in refused}
        keep = [i for i in range(len(columns)) if i not in dropped]
        instructions = [
            *instructions,
            "",
            "未提供的列（您无权写入）Columns left out (you may not write them):",
            *(
                f"- {columns[header_map.index[key]].header}: {reason}"
                for key, reason in refused.items()
            ),
        ]
        return (
            [columns[i] for i in keep],
            [tuple(example[i] for i in keep) for example in examples],
            instructions,
        )

    def _import_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }

    def _import_download(self, field, filename):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/{field}/{filename}?download=true",
            "target": "self",
        }

    @api.model
    def _import_column_title(self, column, header_map, headers):
        if column is None or column not in header_map.index:
            return ""
        value = headers[header_map.index[column]]
        return str(value).strip() if value is not None else column

    def _import_file_error_message(self, error):
        code, filename = error.code, error.params.get("filename") or ""
        if code == "unsupported_format":
            return self.env._(
                "%(filename)s: unsupported file type. Import an Excel workbook "
                "(.xlsx, .xls) or a CSV file.",
                filename=filename,
            )
        if code == "empty":
            return self.env._("%(filename)s is empty.", filename=filename)
        if code == "encrypted":
            return self.env._(
                "%(filename)s is protected by a password. Remove the password in "
                "Excel and import it again.",
                filename=filename,
            )
        if code == "encoding":
            return self.env._(
                "%(filename)s: the text is neither UTF-8 nor GBK. Save the CSV "
                "again as UTF-8.",
                filename=filename,
            )
        if code == "no_header":
            return self.env._(
                "%(filename)s: no sheet has a header row with the required columns "
                "(%(columns)s) in its first %(rows)s rows.",
                filename=filename,
                columns=", ".join(self._import_required_titles()),
                rows=error.params.get("rows", ""),
            )
        if code in ("file_too_large", "part_too_large"):
            return self.env._(
                "%(filename)s is too large: an import reads at most %(limit)s MB "
                "(unzipped, for an Excel workbook). Split the file.",
                filename=filename,
                limit=error.params["limit"] // (1024 * 1024),
            )
        if code == "too_many_rows":
            return self.env._(
                "%(filename)s has more than %(limit)s rows in a sheet. Split the file.",
                filename=filename,
                limit=error.params["limit"],
            )
        if code == "too_many_columns":
            return self.env._(
                "%(filename)s has cells beyond column %(limit)s. Delete the columns "
                "the import does not use.",
                filename=filename,
                limit=error.params["limit"],
            )
        return self.env._(
            "%(filename)s cannot be read: the file is damaged or not what its "
            "name says.",
            filename=filename,
        )

    def _import_cell_error_message(self, error):
        value = error.params.get("value", "")
        if error.code == "negative":
            return self.env._("%(value)s: negative numbers are refused.", value=value)
        if error.code == "not_an_integer":
            return self.env._("%(value)s is not a whole number.", value=value)
        if error.code == "not_a_date":
            return self.env._("%(value)s is not a date.", value=value)
        if error.code == "long_number":
            return self.env._(
                "%(value)s was typed as a number of more than 15 digits, which "
                "Excel rounds: format the column as text and type it again.",
                value=value,
            )
        if error.code == "decimal_comma":
            return self.env._(
                "%(value)s: write decimals with a point (1234.5); a comma only "
                "separates thousands (1,234.5).",
                value=value,
            )
        return self.env._("%(value)s is not a number.", value=value)

    def _import_exception_message(self, error):
        if isinstance(error, UserError):
            return error.args[0]
        return self.env._("The database refused the row: %(error)s", error=str(error))

    def _import_parse_cell(self, row, column, parser, *args, **kwargs):
        """``parser(raw, ...)`` on a cell; a :class:`CellError` becomes a row error."""
        try:
            return parser(row.values.get(column), *args, **kwargs)
        except CellError as error:
            row.error(column, self._import_cell_error_message(error))
            return None

    # ------------------------------------------------------------ shared parsing
    def _import_parse_numbers(self, row, header_map, keys):
        """Numbers of the ``keys`` columns the file has: whole numbers for
        integer fields, amounts scaled as their header says (万元)."""
        model = self.env[self._import_target_model()]
        for key in keys:
            if key not in header_map.index:
                continue
            value = self._import_parse_cell(
                row,
                key,
                parse_number,
                integer=model._fields[key].type == "integer",
                scale=header_map.scale.get(key, 1),
            )
            if value is not None:
                row.vals[key] = value

    def _import_parse_country(self, row, context):
        """The row's country (``country_id`` column, looked up in
        ``context["country_id"]``), else the home country of the run."""
        raw = to_text(row.values.get("country_id"))
        if not raw:
            return context["home_country"]
        country_id = context["country_id"].get(normalise_key(raw))
        if not country_id:
            row.error("country_id", self.env._("Unknown country %(value)s.", value=raw))
            return context["home_country"]
        row.vals["country_id"] = country_id
        return self.env["res.country"].browse(country_id)

    def _import_parse_state(self, row, country, context):
        """The row's province within ``country``; sets the country too."""
        raw = to_text(row.values.get("state_id"))
        if not raw:
            return
        states = context["state_id"].get(country.id)
        if states is None:
            states = context["state_id"][country.id] = self._import_state_lookup(
                country
            )
        state_id = states.get(self._import_state_key(raw)) or states.get(
            normalise_key(raw)
        )
        if not state_id:
            row.error(
                "state_id",
                self.env._(
                    "Province %(value)s does not exist in %(country)s.",
                    value=raw,
                    country=country.name,
                ),
            )
            return
        row.vals["state_id"] = state_id
        row.vals.setdefault("country_id", country.id)

    def _import_parse_lookup(self, row, key, context):
        """The value of a column looked up in ``context[key]`` (a table of
        :meth:`_import_coded_lookup` or :meth:`_import_selection_lookup`);
        industries also by their GB/T 4754 code at any level."""
        raw = to_text(row.values.get(key))
        if not raw:
            return
        table = context[key]
        value = table.get(normalise_key(raw))
        if not value and key == "industry_id":
            value = self._import_industry_from_code(raw, table)
        if not value:
            field = self.env[self._import_target_model()]._fields[key]
            row.error(
                key,
                self.env._(
                    "%(value)s is not a known %(field)s.",
                    value=raw,
                    field=field.get_description(self.env)["string"],
                ),
            )
            return
        row.vals[key] = value

    # ------------------------------------------------------------ shared lookups
    @api.model
    def _import_langs(self):
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        return [
            lang
            for lang in {*specs.LANGS, self.env.lang or "en_US"}
            if lang in installed
        ]

    @api.model
    def _import_translated_names(self, records, fname="name"):
        """{normalised name in any installed language: record id}."""
        table = {}
        for lang in self._import_langs():
            for record in records.with_context(lang=lang):
                table.setdefault(normalise_key(record[fname]), record.id)
        return table

    @api.model
    def _import_coded_lookup(self, records, aliases):
        """{normalised name in any language, code or alias: id} of ``records``.

        :param aliases: {other name: code}
        """
        table = self._import_translated_names(records)
        by_code = {r.code: r.id for r in records}
        for code, record_id in by_code.items():
            table[normalise_key(code)] = record_id
        for name, code in aliases.items():
            if code in by_code:
                table.setdefault(normalise_key(name), by_code[code])
        return table

    @api.model
    def _import_selection_lookup(self, field, aliases):
        """{normalised label in any language, key or alias: key} of a selection field.

        :param aliases: {other name: key}
        """
        table = {}
        for lang in self._import_langs():
            for key, label in field._description_selection(
                self.with_context(lang=lang).env
            ):
                table.setdefault(normalise_key(label), key)
        for key, _label in field._description_selection(self.env):
            table[normalise_key(key)] = key
        for alias, key in aliases.items():
            table.setdefault(normalise_key(alias), key)
        return table

    @api.model
    def _import_dimension_lookup(self, dimension):
        """{normalised name, code or alias: class} of a registered dimension
        (``engine.dimensions``): its labels and aliases, or its records'."""
        if dimension.relation:
            domain = []
            if dimension.relation == "partner.region":
                domain = [("grouping", "=", "geographic")]
            return self._import_coded_lookup(
                self.env[dimension.relation].search(domain), dimension.record_aliases
            )
        return self._import_selection_lookup(
            self.env["res.partner"]._fields[dimension.key], dimension.aliases()
        )

    @api.model
    def _import_country_lookup(self):
        return self._import_coded_lookup(
            self.env["res.country"].search([]), specs.COUNTRY_ALIASES
        )

    @api.model
    def _import_state_lookup(self, country):
        """{normalised name, short name or code: state id} of a country's states."""
        states = {}
        records = self.env["res.country.state"].search(
            [("country_id", "=", country.id)]
        )
        # Odoo's Chinese provinces have 粤-style codes; GD-style ones are in their XML ids
        xml_codes = self._import_state_xml_codes(records)
        for state in records:
            states.setdefault(normalise_key(state.code), state.id)
            if state.id in xml_codes:
                states.setdefault(normalise_key(xml_codes[state.id]), state.id)
            for lang in self._import_langs():
                name = state.with_context(lang=lang).name
                states.setdefault(normalise_key(name), state.id)
                states.setdefault(self._import_state_key(name), state.id)
        return states

    @api.model
    def _import_state_xml_codes(self, states):
        """{state id: "GD"} from base's XML ids (state_cn_GD).

        Read as superuser because users may not read ``ir.model.data``; a
        lookup only, nothing is written with it."""
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search_read(
                [
                    ("model", "=", "res.country.state"),
                    ("module", "=", "base"),
                    ("res_id", "in", states.ids),
                ],
                ["name", "res_id"],
            )
        )
        return {d["res_id"]: d["name"].rsplit("_", 1)[-1] for d in data}

    @api.model
    def _import_state_key(self, name):
        """广东省 -> 广东, 内蒙古自治区 -> 内蒙古: the name users write without suffix."""
        key = normalise_key(name)
        for suffix in specs.STATE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                return key[: -len(suffix)]
        return key

    @api.model
    def _import_industry_lookup(self):
        """{normalised name, code, alias or "code name": industry id}.  A name
        shared by a group and its single class (低温仓储) names the class."""
        industries = self.env["res.partner.industry"].search([], order="code desc")
        table = self._import_translated_names(industries)
        by_code = {i.code: i.id for i in industries if i.code}
        for name, code in specs.INDUSTRY_ALIASES.items():
            if code in by_code:
                table.setdefault(normalise_key(name), by_code[code])
        for code, industry_id in by_code.items():
            table[normalise_key(code)] = industry_id
        names = defaultdict(list)  # the whole tree: no scan of the table per industry
        for name, record_id in table.items():
            names[record_id].append(name)
        for industry in industries:  # "C 制造业" as a display name
            if industry.code:
                code = normalise_key(industry.code)
                for name in names[industry.id]:
                    if name != code:
                        table.setdefault(code + name, industry.id)
        return table

    @api.model
    def _import_industry_from_code(self, raw, table):
        """The nearest industry the database has for a GB/T 4754-2017 code at
        any level, with or without its section letter, or the name of any
        level: ``3911`` takes ``C3911``, or ``C391`` where a user deleted it."""
        for code in industry_code_candidates(raw):
            industry_id = table.get(normalise_key(code))
            if industry_id:
                return industry_id
        return None

    # ------------------------------------------------------------ shared diff
    @api.model
    def _import_current_values(self, records, fnames):
        """{field: [value of each record]}, many2one as ids: a column per field.

        One query reads them all; the columns come from ``mapped`` (scalar
        fields) and ``read`` (many2one), not record by record.
        """
        records.fetch(list(fnames))
        relational = [f for f in fnames if records._fields[f].type == "many2one"]
        values = {
            fname: records.mapped(fname) for fname in fnames if fname not in relational
        }
        if relational:
            rows = records.read(relational, load=None)
            for fname in relational:
                values[fname] = [row[fname] for row in rows]
        return values

    @api.model
    def _import_diff(self, vals, current):
        """The part of ``vals`` that changes a record whose values are ``current``."""
        diff = {}
        for fname, value in vals.items():
            old = current[fname]
            if isinstance(value, float):
                if abs((old or 0.0) - value) > 0.005:
                    diff[fname] = value
            elif (old or False) != value:
                diff[fname] = value
        return diff

    # ------------------------------------------------------------ specification
    def _import_group(self):
        """XML id of the group allowed to import."""
        return "partner_segment.partner_segment_group_manager"

    def _import_target_model(self):
        """Model the records are created in (for "Open" after the import)."""
        raise NotImplementedError

    def _import_columns(self):
        """:class:`~..importer.headers.Column` list of this import kind."""
        raise NotImplementedError

    def _import_required_titles(self):
        return [c.aliases[0] for c in self._import_columns() if c.required]

    def _import_prepare(self, header_map):
        """Lookup tables for the whole run (read once); returns a dict."""
        return {}

    def _import_is_sample_row(self, row):
        """True for the template's example rows, which are skipped."""
        return False

    def _import_column_fields(self, key):
        """Fields of the target model a column writes (its field rights are checked)."""
        return [key]

    def _import_column_refusal(self, key, fnames):
        """Why the user may not write a column by the addon's own rules, or None."""
        return None

    def _import_parse_row(self, row, header_map, context):
        """Fill ``row.vals`` from ``row.values``; report problems with ``row.error``."""
        raise NotImplementedError

    def _import_row_keys(self, row):
        """[(column, key)]: values that must not appear on two rows of a file."""
        return []

    def _import_match(self, rows, context):
        """Set ``row.match`` (or an error) for a batch, with one search per key kind."""
        raise NotImplementedError

    def _import_apply(self, rows, context):
        """Create or write the rows (a batch, or one row); set outcome and record_id."""
        raise NotImplementedError

    def _import_template(self):
        """(columns, examples, instructions) of the downloadable template."""
        raise NotImplementedError

    def _import_template_sheet_title(self):
        return "Data"

    def _import_template_filename(self):
        return "import_template.xlsx"

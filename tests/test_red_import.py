import base64
import io
import os

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import RedInvoiceCase
from .data.make_red_fixtures import BLUES, FORM_S1, HEADERS, NOW, ROWS

DATA = os.path.join(os.path.dirname(__file__), "data")
GOOD_ROWS = [n for n, column, _cells in ROWS if column is None]
BAD_ROWS = {n: column for n, column, _cells in ROWS if column}


def read(name):
    with open(os.path.join(DATA, name), "rb") as file:
        return file.read()


@tagged("post_install", "-at_install")
class TestRedImport(RedInvoiceCase):
    # the time of the fixture's pending confirmation form
    freeze_time = NOW

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.blues = {
            key: cls.create_invoice(
                kind,
                post=False,
                lines=lines,
                cn_invoice_code=code,
                cn_invoice_number=number,
            )
            for key, (kind, code, number, lines, _posted) in BLUES.items()
        }
        posted = [k for k, blue in BLUES.items() if blue[4]]
        cls.env["account.move"].concat(*(cls.blues[k] for k in posted)).action_post()
        cls.Import = cls.env["account.move.red.import"].with_user(cls.invoicing_user)

    def wizard(self, filename, content=None, **vals):
        content = read(filename) if content is None else content
        return self.Import.create(
            {"file": base64.b64encode(content), "filename": filename, **vals}
        )

    def refunds(self):
        return self.env["account.move"].search_count([("move_type", "=", "out_refund")])

    def red_of(self, key):
        return self.env["account.move"].search(
            [("reversed_entry_id", "=", self.blues[key].id)]
        )

    def errors(self, wizard):
        return {(e.row_number, e.column) for e in wizard.error_ids}

    def test_columns_name_fields_of_the_credit_note(self):
        wizard = self.Import.create({})
        for column in wizard._import_columns():
            for fname in wizard._import_column_fields(column.key):
                self.assertIn(fname, self.env["account.move"]._fields, column.key)
        keys = [c.key for c in wizard._import_columns()]
        self.assertEqual(wizard._import_refused_fields(keys), {})

    def last_move_id(self):
        self.env.cr.execute(SQL("SELECT last_value FROM account_move_id_seq"))
        return self.env.cr.fetchone()[0]

    def test_test_run_counts_without_writing(self):
        """Test validates and computes only: it creates no credit note, even
        one rolled back (no id or number consumed), and posts nothing."""
        before = self.env["account.move"].search_count([])
        last_id = self.last_move_id()
        wizard = self.wizard("red_invoices.xlsx")
        wizard.action_test()
        self.assertEqual(wizard.state, "tested")
        self.assertFalse(wizard.written)
        self.assertEqual(wizard.create_count, len(GOOD_ROWS))
        self.assertEqual(wizard.error_count, len(BAD_ROWS))
        self.assertEqual(self.errors(wizard), set(BAD_ROWS.items()))
        self.assertEqual(self.env["account.move"].search_count([]), before)
        self.assertEqual(self.last_move_id(), last_id)

    def test_all_or_nothing_writes_nothing(self):
        before = self.env["account.move"].search_count([])
        wizard = self.wizard("red_invoices.xlsx", policy="all")
        wizard.action_import()
        self.assertEqual((wizard.state, wizard.written), ("done", False))
        self.assertEqual(wizard.error_count, len(BAD_ROWS))
        self.assertEqual(self.env["account.move"].search_count([]), before)
        self.assertFalse(wizard.result_record_ids)

    def assert_skip_import(self, wizard):
        self.assertEqual((wizard.state, wizard.written), ("done", True))
        self.assertEqual(wizard.created_count, len(GOOD_ROWS))
        self.assertEqual(self.errors(wizard), set(BAD_ROWS.items()))
        # full, posted, reconciled with the unpaid invoice
        red = self.red_of("N1")
        self.assertEqual(
            (red.state, red.red_reason, red.amount_untaxed, red.amount_tax),
            ("posted", "02", 2000.0, 260.0),
        )
        self.assertEqual(self.blues["N1"].payment_state, "reversed")
        self.assertEqual(str(red.invoice_date), "2025-04-01")
        # partial, proportional to what remains on each line: 1000 and 3000
        red = self.red_of("N2")
        self.assertEqual((red.state, red.amount_untaxed), ("posted", 500.0))
        self.assertEqual(red.amount_tax, 65.0)
        self.assertEqual(
            [
                (line.red_origin_line_id.name, line.price_subtotal)
                for line in red.invoice_line_ids
            ],
            [("A", 125.0), ("B", 375.0)],
        )
        self.assertTrue(all(red.invoice_line_ids.mapped("red_amount_only")))
        self.assertEqual(self.blues["N2"].red_remaining_amount, 3500.0)
        # special invoice with its information form
        red = self.red_of("S1")
        self.assertEqual(
            (red.state, red.red_form_number, red.red_reason, red.amount_untaxed),
            ("posted", FORM_S1, "01", 2000.0),
        )
        # pending confirmation form: kept as draft
        red = self.red_of("D1")
        self.assertEqual(
            (red.state, red.red_form_state, red.amount_untaxed),
            ("draft", "02", 800.0),
        )
        # raised 2025-04-01 10:00 Beijing time, by the seller (02): 30 hours ago
        self.assertEqual(str(red.red_form_datetime), "2025-04-01 02:00:00")
        self.assertEqual(
            (red.red_channel, red.red_initiator, red.red_form_hours_left),
            ("platform", "seller", 42),
        )
        red = self.red_of("D2")
        self.assertEqual((red.state, red.red_form_state), ("posted", "04"))
        # the valid row of two on one invoice
        self.assertEqual(self.red_of("N4").amount_untaxed, 1500.0)
        for key in ("N3", "S2", "S3", "D3", "D4", "N5", "N6"):
            self.assertFalse(self.red_of(key), key)
        self.assertEqual(
            sorted(wizard.result_record_ids),
            sorted(
                self.env["account.move"]
                .search(
                    [("reversed_entry_id", "in", [b.id for b in self.blues.values()])]
                )
                .ids
            ),
        )

    def test_skip_errors_creates_valid_rows(self):
        before = self.refunds()
        wizard = self.wizard("red_invoices.xlsx", policy="skip")
        wizard.action_import()
        self.assert_skip_import(wizard)
        self.assertEqual(self.refunds(), before + len(GOOD_ROWS))
        messages = {e.row_number: e.message for e in wizard.error_ids}
        self.assertIn("99999999", messages[8])
        self.assertIn("already appears on row 4", messages[12])
        self.assertIn("not posted", messages[16])
        self.assertIn("Rows 7 and this row", messages[10])
        action = wizard.action_open_records()
        self.assertEqual(action["domain"], [("id", "in", wizard.result_record_ids)])

    def test_csv_gbk(self):
        wizard = self.wizard("red_invoices_gbk.csv", policy="skip")
        wizard.action_import()
        self.assert_skip_import(wizard)

    def test_form_number_already_used(self):
        self.issue_red(
            self.blues["D3"],
            red_form_number="DCFUSED0000000000001",
            red_form_state="04",
        )
        content = (
            "原发票号码,冲红原因,确认单编号,确认单状态\n"
            "25440000000099000011,02,DCFUSED0000000000001,04\n"
        )
        wizard = self.wizard("used.csv", content.encode())
        wizard.action_test()
        self.assertEqual(self.errors(wizard), {(2, "确认单编号")})
        self.assertIn("already used by red invoice", wizard.error_ids.message)

    def test_error_report(self):
        wizard = self.wizard("red_invoices.xlsx", policy="skip")
        wizard.action_test()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.error_file)))
        rows = list(book.active.iter_rows(values_only=True))
        self.assertEqual(list(rows[0][: len(HEADERS)]), HEADERS)
        self.assertEqual(rows[0][-2:], ("原行号 Row", "错误 Error"))
        self.assertEqual([r[-2] for r in rows[1:]], sorted(BAD_ROWS))
        by_row = {r[-2]: r for r in rows[1:]}
        self.assertEqual(by_row[8][2], "99999999")
        self.assertIn("0.01", by_row[15][-1])

    def test_template_round_trip(self):
        wizard = self.Import.create({})
        action = wizard.action_download_template()
        self.assertIn("red_invoice_import_template.xlsx", action["url"])
        content = base64.b64decode(wizard.template_file)
        book = openpyxl.load_workbook(io.BytesIO(content))
        instructions = "\n".join(
            str(c)
            for row in book.worksheets[1].iter_rows(values_only=True)
            for c in row
            if c
        )
        self.assertIn("proportion", instructions)
        # the template as is: only example rows, which are skipped
        wizard = self.wizard("template.xlsx", content)
        wizard.action_test()
        self.assertEqual((wizard.sample_count, wizard.error_count), (2, 0))
        # filled in on its own columns
        sheet = book.worksheets[0]
        sheet.append(
            [
                "普票",
                "144002599001",
                "99000001",
                "2025-03-10",
                "02 销货退回",
                "税控",
                None,
                None,
                None,
                None,
                "部分",
                "-100",
                "-13",
                "2025-04-01",
                None,
            ]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        wizard = self.wizard("template.xlsx", buffer.getvalue(), policy="skip")
        wizard.action_import()
        self.assertEqual((wizard.created_count, wizard.error_count), (1, 0))
        self.assertEqual(self.red_of("N1").amount_untaxed, 100.0)

    def test_access(self):
        content = read("red_invoices.xlsx")
        with self.assertRaises(AccessError):
            self.env["account.move.red.import"].with_user(self.plain_user).create(
                {"file": base64.b64encode(content), "filename": "red_invoices.xlsx"}
            )
        wizard = self.wizard("red_invoices.xlsx")
        with self.assertRaises(AccessError):
            wizard.with_user(self.plain_user).action_import()

    def test_long_invoice_number_is_refused(self):
        wizard = self.wizard("attack_red_long_numbers.xlsx")
        wizard.action_test()
        errors = [(e.row_number, e.column, e.message) for e in wizard.error_ids]
        self.assertEqual(
            [(row, column) for row, column, _m in errors], [(2, "原发票号码")]
        )
        self.assertIn("format the column as text", errors[0][2])

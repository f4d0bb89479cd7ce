import base64
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import RedInvoiceCase


@tagged("post_install", "-at_install")
class TestRedConcurrency(TransactionCase):
    """Two transactions reversing one invoice at the same moment: committed
    data and a cursor per transaction, as two users' requests have."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            customer = env["res.partner"].create({"name": "并发红冲测试有限公司"})
            invoice = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2025-03-10",
                    "cn_invoice_kind": "digital_normal",
                    "cn_invoice_number": "25440000000000990001",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "A", "quantity": 10, "price_unit": 100.0}
                        )
                    ],
                }
            )
            invoice.action_post()
        self.invoice_id, self.customer_id = invoice.id, customer.id
        self.addCleanup(self._delete_committed_data)

    def _delete_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            invoice = env["account.move"].browse(self.invoice_id)
            moves = invoice | invoice.reversal_move_ids
            moves.filtered(lambda m: m.state != "draft").button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.customer_id).unlink()

    def create_red(self, env, number):
        """A full red invoice of the invoice, made as the batch import makes
        them (one ``create`` with the lines linked to their origin): nothing
        else than the red rule touches the invoice's rows."""
        invoice = env["account.move"].browse(self.invoice_id)
        line = invoice.invoice_line_ids
        return env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "reversed_entry_id": invoice.id,
                "cn_invoice_kind": "digital_normal",
                "red_reason": "02",
                "red_form_state": "02",
                "red_form_number": number,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "A",
                            "quantity": 10,
                            "price_unit": 100.0,
                            "red_origin_line_id": line.id,
                        }
                    )
                ],
            }
        )

    def test_two_reversals_at_once_one_succeeds(self):
        """Both transactions start while the whole invoice remains; the first
        red invoice commits; the second, which cannot see it, must not be
        written beside it: the lock on the invoice makes it fail to serialise,
        and its retry sees the first one and is refused with the rule's
        message."""
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            env1, env2 = (api.Environment(cr, SUPERUSER_ID, {}) for cr in (cr1, cr2))
            for env in (env1, env2):
                invoice = env["account.move"].browse(self.invoice_id)
                self.assertEqual(invoice.red_remaining_amount, 1000.0)
            self.create_red(env1, "CONCURRENT0000000001")
            env1.flush_all()
            cr1.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                self.create_red(env2, "CONCURRENT0000000002")
                env2.flush_all()
            cr2.rollback()
            env2.invalidate_all()
            # the retry, in a new transaction
            with self.assertRaisesRegex(ValidationError, "would reverse more"):
                self.create_red(env2, "CONCURRENT0000000002")
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(self.invoice_id)
            self.assertEqual(
                invoice.reversal_move_ids.mapped("red_form_number"),
                ["CONCURRENT0000000001"],
            )
            self.assertEqual(invoice.red_remaining_amount, 0.0)

    def test_import_and_user_at_once(self):
        """A user's red invoice commits while an import of the same invoice is
        running: the import does not report it as a bad row of its own (its
        snapshot cannot see the other red invoice) but fails to serialise, so
        that Odoo retries it; the retry refuses the row with a clear message."""
        # a form raised now (Beijing time, as the platform gives it)
        raised = fields.Datetime.now() + timedelta(hours=8)
        content = (
            "原发票号码,冲红原因,确认单状态,红字信息表编号/确认单编号,填开日期\n"
            f"25440000000000990001,02,02,CONCURRENT0000000003,{raised:%Y-%m-%d %H:%M}\n"
        ).encode()
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            admin = self.env.ref("base.user_admin").id
            env1, env2 = (api.Environment(cr, admin, {}) for cr in (cr1, cr2))
            wizard = env2["account.move.red.import"].create(
                {"file": base64.b64encode(content), "filename": "reds.csv"}
            )
            self.assertEqual(
                env2["account.move"].browse(self.invoice_id).red_remaining_amount,
                1000.0,
            )
            self.create_red(env1, "CONCURRENT0000000001")
            env1.flush_all()
            cr1.commit()
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(psycopg2.errors.SerializationFailure),
            ):
                wizard.action_import()
            cr2.rollback()
            env2.invalidate_all()
            wizard = env2["account.move.red.import"].create(
                {"file": base64.b64encode(content), "filename": "reds.csv"}
            )
            wizard.action_import()
            self.assertEqual((wizard.written, wizard.error_count), (False, 1))
            self.assertIn("Nothing is left to reverse", wizard.error_ids.message)
            cr2.rollback()
        finally:
            cr1.close()
            cr2.close()


@tagged("post_install", "-at_install")
class TestRedFormUnique(RedInvoiceCase):
    def test_database_refuses_duplicate_form_number(self):
        """The form number is unique per company in the database itself: a
        write that bypasses the Python checks is refused too; a cancelled red
        invoice frees its number."""
        first, second = (self.create_invoice("digital_normal") for _n in range(2))
        red = self.issue_red(
            first, red_form_number="DBUNIQUE000000000001", red_form_state="04"
        )
        other = self.issue_red(
            second, red_form_number="DBUNIQUE000000000002", red_form_state="04"
        )
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.ExclusionViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET red_form_number = %s WHERE id = %s",
                    red.red_form_number,
                    other.id,
                )
            )
        red.button_draft()
        red.button_cancel()
        other.button_draft()
        other.red_form_number = "DBUNIQUE000000000001"
        self.assertEqual(other.red_form_number, "DBUNIQUE000000000001")

    def test_used_form_found_whatever_the_record_rules(self):
        """A user who sees only the invoices she handles still cannot reuse a
        form number of a red invoice she does not see."""
        invoice = self.create_invoice("digital_normal")
        self.issue_red(
            invoice,
            lines={0: (1.0, None)},
            red_form_number="HIDDEN00000000000001",
            red_form_state="04",
        )
        # a global rule: group rules add up, and invoicing users see every move
        self.env["ir.rule"].create(
            {
                "name": "own invoices only (test)",
                "model_id": self.env.ref("account.model_account_move").id,
                "domain_force": "[('invoice_user_id', '=', user.id)]",
            }
        )
        clerk = new_test_user(
            self.env,
            login="red_own_invoices_clerk",
            groups="base.group_user,account.group_account_invoice",
        )
        mine = self.create_invoice("digital_normal", invoice_user_id=clerk.id)
        self.assertFalse(
            self.env["account.move"]
            .with_user(clerk)
            .search([("red_form_number", "=", "HIDDEN00000000000001")])
        )
        with self.assertRaisesRegex(UserError, "HIDDEN00000000000001 is already used"):
            self.issue_red(
                mine,
                user=clerk,
                red_form_number="HIDDEN00000000000001",
                red_form_state="04",
            )

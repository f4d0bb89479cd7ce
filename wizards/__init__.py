from . import account_move_red_invoice
from . import partner_segment_report
from . import red_invoice_register_report
from . import partner_segment_import_error
from . import partner_segment_import_mixin
from . import partner_segment_import
from . import account_move_red_import
from . import base_partner_merge_automatic_wizard

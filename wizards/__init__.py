from . import account_move_red_invoice

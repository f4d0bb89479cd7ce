from . import segment_distribution
from . import partner_profile
from . import red_invoice_register

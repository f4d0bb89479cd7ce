from . import partner_segment_import_error
from . import partner_segment_import_mixin
from . import partner_segment_import

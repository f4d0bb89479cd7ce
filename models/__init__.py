from . import res_partner_industry
from . import partner_scale_rule
from . import partner_region
from . import res_country_state
from . import res_partner
from . import partner_segment_demo

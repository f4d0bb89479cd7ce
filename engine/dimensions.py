"""The registry of classification dimensions: one place that names them.

Each dimension says its key (the partner field of the effective value), its
label, its classes in order (best first), the other names its classes are
imported by, the import column headers, whether it is kept per company, and
where it is shown (overview, distribution report, import).  The partner's
fields, the history's up/down, the group order, the overview and report
sections, and the import's aliases and template choices all derive from here.

A module adds a built-in dimension with :func:`register` at import time (and
declares its partner fields); ``res.partner._segment_dimensions()`` reads the
registry.  Plain Python: no ORM, tested without a database.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SegmentClass:
    key: str
    label: str
    # other names accepted on import (Chinese names work without zh_CN installed)
    aliases: tuple = ()


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    # classes, best first; empty for a dimension whose classes are records
    classes: tuple = ()
    # kept per company (company-dependent fields written by the engine)
    per_company: bool = False
    # the class order has a direction: a move to an earlier class is "up"
    ordered: bool = True
    # comodel of a dimension whose classes are records (region)
    relation: str = ""
    # uses the override mechanism (computed, manual, locked, effective fields)
    override: bool = True
    # partner field shown (differs from key for "industry": the section)
    partner_field: str = ""
    # position in the overview and the distribution report (None: not shown)
    overview_sequence: int | None = None
    report_sequence: int | None = None
    # column headers the customer import recognises (None: not importable)
    import_headers: tuple | None = None
    import_sequence: int | None = None
    # template column title and the choices offered in its drop-down
    template_header: str = ""
    template_choices: tuple = ()
    # aliases of record classes by code (region): {alias: code}
    record_aliases: dict = field(default_factory=dict)
    # a region dimension: shown where the company's region grouping is this
    # one ("geographic", "economic") or "both"; empty: shown everywhere
    grouping: str = ""
    # the one company whose customers it classifies (a user-defined dimension
    # of one company); None: every company.  Shown in that company only.
    company_id: int | None = None

    @property
    def field_name(self):
        return self.partner_field or self.key

    def selection(self):
        """[(key, label)] of the classes, in order: a field's selection."""
        return [(c.key, c.label) for c in self.classes]

    def class_keys(self):
        return tuple(c.key for c in self.classes)

    def class_order(self):
        """Class keys best first, or None when the dimension has no direction."""
        return self.class_keys() if self.ordered and self.classes else None

    def shown_for(self, region_grouping):
        """Whether a company whose region grouping is ``region_grouping`` shows it."""
        return not self.grouping or region_grouping in (self.grouping, "both")

    def shown_in(self, company_id):
        """Whether the customers of company ``company_id`` are shown it."""
        return self.company_id is None or self.company_id == company_id

    def aliases(self):
        """{alias: class key} of the import: the extra names of every class."""
        return {alias: c.key for c in self.classes for alias in c.aliases}


_REGISTRY = {}


def register(dimension):
    """Add (or replace) a dimension; returns it."""
    _REGISTRY[dimension.key] = dimension
    return dimension


def unregister(key):
    """Remove a dimension (tests adding one take it away again)."""
    _REGISTRY.pop(key, None)


def get(key):
    return _REGISTRY[key]


def all_dimensions():
    """Every registered dimension, in registration order."""
    return list(_REGISTRY.values())


def override_dimensions():
    """Keys of the dimensions that use the override mechanism."""
    return [d.key for d in _REGISTRY.values() if d.override]


def _shown(attribute, company_id=None):
    shown = [
        d
        for d in _REGISTRY.values()
        if getattr(d, attribute) is not None
        and (company_id is None or d.shown_in(company_id))
    ]
    return sorted(shown, key=lambda d: getattr(d, attribute))


def overview_dimensions(company_id=None):
    """Dimensions of the overview, in display order (of one company's
    customers with ``company_id``; else of every company)."""
    return _shown("overview_sequence", company_id)


def report_dimensions(company_id=None):
    """Dimensions of the distribution report's tables, in printed order (of
    one company's customers with ``company_id``)."""
    return _shown("report_sequence", company_id)


def import_dimensions(company_id=None):
    """Dimensions the customer import reads, in column order (into
    ``company_id`` with it)."""
    return _shown("import_sequence", company_id)


def class_orders():
    """{dimension: class keys best first} of the dimensions with a direction."""
    return {d.key: d.class_order() for d in _REGISTRY.values() if d.class_order()}


def selection(key):
    return get(key).selection()


def _classes(*rows):
    return tuple(SegmentClass(*row) for row in rows)


SCALE = register(
    Dimension(
        "scale_class",
        "Scale",
        _classes(
            ("large", "Large", ("大型", "大型企业", "大")),
            ("medium", "Medium", ("中型", "中型企业", "中")),
            ("small", "Small", ("小型", "小型企业", "小")),
            ("micro", "Micro", ("微型", "微型企业", "微")),
        ),
        overview_sequence=70,
        report_sequence=10,
        import_headers=("客户规模", "企业规模", "规模", "scale"),
        import_sequence=10,
        template_header="客户规模 (Scale)",
        template_choices=("大型", "中型", "小型", "微型"),
    )
)
REGION = register(
    Dimension(
        "region_id",
        "Region",
        ordered=False,
        relation="partner.region",
        grouping="geographic",
        overview_sequence=80,
        report_sequence=30,
        # 客户区域 (CRM exports), 销售区域/业务区域 (订货、外勤 systems), 区域:
        # see importer/specs.py for the sources of the customer vocabulary
        import_headers=(
            "地区",
            "所属地区",
            "region",
            "客户区域",
            "区域",
            "所属区域",
            "销售区域",
            "业务区域",
        ),
        import_sequence=50,
        template_header="地区 (Region)",
        template_choices=(
            "华北",
            "东北",
            "华东",
            "华中",
            "华南",
            "西南",
            "西北",
            "境内",
            "境外",
        ),
        record_aliases={
            "华北": "north",
            "东北": "northeast",
            "华东": "east",
            "华中": "central",
            "华南": "south",
            "西南": "southwest",
            "西北": "northwest",
            "境内": "domestic",
            "国内": "domestic",
            "境外": "international",
            "国外": "international",
            "海外": "international",
        },
    )
)
VALUE_TIER = register(
    Dimension(
        "value_tier",
        "Value Tier",
        _classes(
            ("high", "High Value", ("高价值", "高")),
            ("medium", "Medium Value", ("中价值", "中")),
            ("low", "Low Value", ("低价值", "低")),
        ),
        per_company=True,
        overview_sequence=10,
        report_sequence=60,
        import_headers=("客户价值", "价值等级", "value tier"),
        import_sequence=30,
        template_header="客户价值 (Value tier)",
        template_choices=("高价值", "中价值", "低价值"),
    )
)
FREQUENCY = register(
    Dimension(
        "frequency_class",
        "Frequency",
        _classes(
            ("high", "High Frequency", ("高频", "高频率", "高")),
            ("medium", "Medium Frequency", ("中频", "中频率", "中")),
            ("low", "Low Frequency", ("低频", "低频率", "低")),
            ("inactive", "No Transactions", ("无交易", "无")),
        ),
        per_company=True,
        overview_sequence=20,
        report_sequence=70,
        import_headers=("交易频率", "frequency"),
        import_sequence=40,
        template_header="交易频率 (Frequency)",
        template_choices=("高频", "中频", "低频", "无交易"),
    )
)
LIFECYCLE = register(
    Dimension(
        "lifecycle",
        "Lifecycle",
        _classes(("new", "New Customer"), ("old", "Existing Customer")),
        per_company=True,
        ordered=False,
        overview_sequence=60,
        report_sequence=80,
    )
)
QUADRANT = register(
    Dimension(
        "quadrant",
        "Customer Group",
        _classes(
            ("old_big", "Existing Big Customer"),
            ("new_big", "New Big Customer"),
            ("new_small", "New Small Customer"),
            ("old_small", "Existing Small Customer"),
        ),
        per_company=True,
        # the distribution report prints it as its own 2 x 2 matrix
        overview_sequence=30,
    )
)
CREDIT_GRADE = register(
    Dimension(
        "credit_grade",
        "Credit Grade",
        _classes(("AAA", "AAA"), ("AA", "AA"), ("A", "A"), ("B", "B"), ("C", "C")),
        per_company=True,
        overview_sequence=40,
        report_sequence=50,
        import_headers=("信用等级", "credit grade", "credit rating"),
        import_sequence=20,
        template_header="信用等级 (Credit grade)",
        template_choices=("AAA", "AA", "A", "B", "C"),
    )
)
RFM = register(
    Dimension(
        "rfm_class",
        "RFM Class",
        _classes(
            ("important_value", "Important Value"),
            ("important_develop", "Important Development"),
            ("important_keep", "Important Retention"),
            ("important_retain", "Important Win-back"),
            ("general_value", "General Value"),
            ("general_develop", "General Development"),
            ("general_keep", "General Retention"),
            ("general_retain", "General Win-back"),
        ),
        per_company=True,
        overview_sequence=50,
        report_sequence=90,
    )
)
# Shown, not classified by this addon's override: the GB/T 4754 section of the
# partner's industry, and the statistics bureau's economic region.
INDUSTRY = register(
    Dimension(
        "industry",
        "Industry",
        ordered=False,
        relation="res.partner.industry",
        override=False,
        partner_field="industry_id",
        overview_sequence=90,
        report_sequence=20,
    )
)
ECONOMIC_REGION = register(
    Dimension(
        "economic_region_id",
        "Economic Region",
        ordered=False,
        relation="partner.region",
        override=False,
        grouping="economic",
        overview_sequence=85,
        report_sequence=40,
    )
)

import re

from odoo import api, fields, models

from ..engine import uscc
from ..importer.cells import normalise_key, parse_number, parse_text, to_text
from ..importer.headers import Column
from ..importer.industry_codes import industry_code_candidates
from ..importer.report import TemplateColumn
from ..importer.rows import CREATE, UNCHANGED, UPDATE

COLUMNS = [
    Column("ref", ("客户编码", "编码", "客户代码", "code", "customer code", "ref")),
    Column(
        "name",
        ("客户名称", "名称", "客户全称", "name", "customer name", "company name"),
        required=True,
    ),
    Column(
        "vat",
        (
            "统一社会信用代码",
            "纳税人识别号",
            "税号",
            "社会信用代码",
            "uscc",
            "tax id",
            "vat",
        ),
    ),
    Column("industry_id", ("所属行业", "行业", "industry")),
    Column(
        "employee_count",
        ("员工人数", "从业人员", "从业人数", "职工人数", "employees", "employee count"),
    ),
    Column(
        "annual_revenue",
        ("年营业收入", "营业收入", "annual revenue", "revenue"),
        amount=True,
    ),
    Column(
        "total_assets", ("资产总额", "总资产", "total assets", "assets"), amount=True
    ),
    Column("state_id", ("省份", "省", "所在省份", "state", "province")),
    Column("country_id", ("国家", "国家/地区", "country")),
    Column("city", ("城市", "市", "city")),
    Column("street", ("地址", "详细地址", "street", "address")),
    Column("phone", ("电话", "联系电话", "phone", "telephone")),
    Column("mobile", ("手机", "手机号码", "mobile")),
    Column("email", ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail")),
    Column("credit_limit", ("信用额度", "credit limit"), amount=True),
    Column("scale_class", ("客户规模", "企业规模", "规模", "scale")),
    Column("credit_grade", ("信用等级", "credit grade", "credit rating")),
    Column("value_tier", ("客户价值", "价值等级", "value tier")),
    Column("frequency_class", ("交易频率", "frequency")),
    Column("region_id", ("地区", "所属地区", "region")),
]
TEXT_FIELDS = ("ref", "city", "street", "phone", "mobile", "email")
DIMENSIONS = (
    "scale_class",
    "credit_grade",
    "value_tier",
    "frequency_class",
    "region_id",
)

# Chinese labels accepted even where zh_CN is not installed
SELECTION_ALIASES = {
    "scale_class": {
        "大型": "large",
        "大型企业": "large",
        "大": "large",
        "中型": "medium",
        "中型企业": "medium",
        "中": "medium",
        "小型": "small",
        "小型企业": "small",
        "小": "small",
        "微型": "micro",
        "微型企业": "micro",
        "微": "micro",
    },
    "value_tier": {
        "高价值": "high",
        "高": "high",
        "中价值": "medium",
        "中": "medium",
        "低价值": "low",
        "低": "low",
    },
    "frequency_class": {
        "高频": "high",
        "高频率": "high",
        "高": "high",
        "中频": "medium",
        "中频率": "medium",
        "中": "medium",
        "低频": "low",
        "低频率": "low",
        "低": "low",
        "无交易": "inactive",
        "无": "inactive",
    },
    "credit_grade": {},
}
REGION_ALIASES = {
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
}
INDUSTRY_ALIASES = {
    "农、林、牧、渔业": "A",
    "农林牧渔业": "A",
    "采矿业": "B",
    "制造业": "C",
    "电力、热力、燃气及水生产和供应业": "D",
    "建筑业": "E",
    "批发和零售业": "F",
    "交通运输、仓储和邮政业": "G",
    "住宿和餐饮业": "H",
    "信息传输、软件和信息技术服务业": "I",
    "金融业": "J",
    "房地产业": "K",
    "租赁和商务服务业": "L",
    "科学研究和技术服务业": "M",
    "水利、环境和公共设施管理业": "N",
    "居民服务、修理和其他服务业": "O",
    "教育": "P",
    "卫生和社会工作": "Q",
    "文化、体育和娱乐业": "R",
    "公共管理、社会保障和社会组织": "S",
    "国际组织": "T",
    "批发业": "F51",
    "零售业": "F52",
    "装卸搬运和仓储业": "G59",
    "邮政业": "G60",
    "住宿业": "H61",
    "餐饮业": "H62",
    "电信、广播电视和卫星传输服务": "I63",
    "互联网和相关服务": "I64",
    "软件和信息技术服务业": "I65",
    "房地产开发经营": "K7010",
    "物业管理": "K702",
}
COUNTRY_ALIASES = {
    "中国": "CN",
    "中华人民共和国": "CN",
    "中国大陆": "CN",
    "美国": "US",
    "日本": "JP",
    "韩国": "KR",
    "新加坡": "SG",
    "德国": "DE",
    "英国": "GB",
    "法国": "FR",
}
STATE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
SAMPLE_MARKERS = ("示例", "example")
SAMPLE_USCC = ("91440101MA5C00001N", "91310115MA1H000024")
LANGS = ("en_US", "zh_CN")


class PartnerSegmentImport(models.TransientModel):
    """Customers and their classification from a spreadsheet (客户档案导入).

    The customer specification of the import engine
    (``partner.segment.import.mixin``): 用友/金蝶-style columns, matching by
    USCC, then customer code, then company name, and imported classifications
    locked through the override mechanism.
    """

    _name = "partner.segment.import"
    _inherit = "partner.segment.import.mixin"
    _description = "Customer Import"

    # rows read, matched and applied together: updates with identical values
    # are written by one ``write`` per batch, so fewer, larger batches mean
    # fewer writes (bench/README.md, "Import"); creates go by lists of 1,000
    _import_batch_size = 5000
    _import_create_size = 1000

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
        return {"mode": self.mode}

    def _import_target_model(self):
        return "res.partner"

    def _import_columns(self):
        return COLUMNS

    def _import_required_titles(self):
        return ["客户名称 / Name"]

    def _import_is_sample_row(self, row):
        values = row.values
        return to_text(values.get("vat")).upper() in SAMPLE_USCC or any(
            to_text(values.get(key)).casefold().startswith(SAMPLE_MARKERS)
            for key in ("ref", "name")
        )

    def _import_prepare(self, header_map):
        """Lookups of the run: industries, countries, provinces, regions, selections."""
        keys = header_map.index
        context = {
            "home_country": self.env.company.country_id,
            "matched": {},
        }
        if "industry_id" in keys:
            context["industries"] = self._import_industry_lookup()
        if keys.keys() & {"country_id", "state_id"}:
            context["countries"] = self._import_country_lookup()
        if "state_id" in keys:
            context["states"] = {}  # {country id: lookup}, filled per country met
        if "region_id" in keys:
            context["regions"] = self._import_region_lookup()
        for dimension in (
            "scale_class",
            "credit_grade",
            "value_tier",
            "frequency_class",
        ):
            if dimension in keys:
                context[dimension] = self._import_selection_lookup(dimension)
        return context

    def _import_parse_row(self, row, header_map, context):
        vals = row.vals
        name = self._import_parse_cell(row, "name", parse_text)
        if name:
            vals["name"] = name
        elif name is not None:
            row.error("name", self.env._("The customer name is required."))
        for key in TEXT_FIELDS:
            if key in row.values:  # the file's columns only
                text = self._import_parse_cell(row, key, parse_text)
                if text:
                    vals[key] = text
        if vals.get("email") and "@" not in vals["email"]:
            row.error(
                "email",
                self.env._("%(value)s is not an email address.", value=vals["email"]),
            )
        country = self._import_parse_country(row, context)
        self._import_parse_vat(row, country)
        self._import_parse_numbers(row, header_map)
        self._import_parse_state(row, country, context)
        self._import_parse_lookup(row, "industry_id", context)
        self._import_parse_lookup(row, "region_id", context)
        for dimension in (
            "scale_class",
            "credit_grade",
            "value_tier",
            "frequency_class",
        ):
            self._import_parse_lookup(row, dimension, context)

    def _import_column_fields(self, key):
        """A classification column also writes its manual value and lock; the
        province column may set the country."""
        if key in DIMENSIONS:
            _computed, manual, locked = self.env["res.partner"]._segment_field_names(
                key
            )
            return [key, manual, locked]
        if key == "state_id":
            return ["state_id", "country_id"]
        return [key]

    def _import_column_refusal(self, key, fnames):
        """The partner's override guard (who may set a classification by hand)."""
        return self._import_partner_guard_refusal(fnames)

    def _import_partner_guard_refusal(self, fnames):
        """The message of ``res.partner``'s override guard for a change of
        ``fnames``, or None when it lets the change through.  The one call of
        the guard from the import: adapt it here when the guard changes."""
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
        for key in ("vat", "ref", "name"):
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

    def _import_template(self):
        columns = [
            TemplateColumn("客户编码 (Code)", text=True),
            TemplateColumn("客户名称* (Name)", required=True, width=30),
            TemplateColumn("统一社会信用代码 (USCC)", text=True, width=24),
            TemplateColumn("所属行业 (Industry)", note="GB/T 4754: C, F52, 制造业…"),
            TemplateColumn("员工人数 (Employees)"),
            TemplateColumn("年营业收入(万元) (Annual revenue)", width=22),
            TemplateColumn("资产总额(万元) (Total assets)", width=22),
            TemplateColumn("国家 (Country)"),
            TemplateColumn("省份 (Province)"),
            TemplateColumn("城市 (City)"),
            TemplateColumn("地址 (Street)", width=30),
            TemplateColumn("电话 (Phone)", text=True),
            TemplateColumn("手机 (Mobile)", text=True),
            TemplateColumn("邮箱 (Email)", width=24),
            TemplateColumn("信用额度 (Credit limit)"),
            TemplateColumn(
                "客户规模 (Scale)", choices=("大型", "中型", "小型", "微型")
            ),
            TemplateColumn(
                "信用等级 (Credit grade)", choices=("AAA", "AA", "A", "B", "C")
            ),
            TemplateColumn(
                "客户价值 (Value tier)", choices=("高价值", "中价值", "低价值")
            ),
            TemplateColumn(
                "交易频率 (Frequency)", choices=("高频", "中频", "低频", "无交易")
            ),
            TemplateColumn(
                "地区 (Region)",
                choices=(
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
            ),
        ]
        examples = [
            (
                "示例001",
                "示例：广州示范电子有限公司",
                SAMPLE_USCC[0],
                "C",
                120,
                5000,
                3000,
                "中国",
                "广东",
                "广州",
                "天河路1号",
                "020-12345678",
                "13800000000",
                "sales@example.com",
                500000,
                "中型",
                "AA",
                "高价值",
                "高频",
                "华南",
            ),
            (
                "示例002",
                "示例：上海示范贸易有限公司",
                SAMPLE_USCC[1],
                "批发业",
                15,
                800,
                "",
                "中国",
                "上海市",
                "上海",
                "南京西路2号",
                "",
                "",
                "",
                "",
                "",
                "B",
                "",
                "",
                "",
            ),
        ]
        instructions = [
            "客户导入模板 Customer import template",
            "",
            "1. 带 * 的列必填：客户名称。Columns marked * are required: name.",
            "2. 示例行（客户编码或名称以“示例”开头）导入时会被忽略，可保留或删除。"
            " Example rows (code or name starting with 示例) are ignored.",
            "3. 匹配顺序：统一社会信用代码，其次客户编码，其次客户名称。已存在则更新，否则新建。"
            " Matching: USCC, then customer code, then exact company name; a match is "
            "updated, otherwise a customer is created.",
            "4. 空单元格不修改原值。Empty cells leave the existing value unchanged.",
            "5. 金额列标题含“万元”时按万元计，否则按元。Amount headers with 万元 count "
            "in 10,000 CNY, otherwise in CNY.",
            "6. 所属行业填 GB/T 4754 代码（如 C、F52）或名称。Industry: GB/T 4754 code "
            "(C, F52) or name.",
            "7. 省份可写“广东”“广东省”或代码 GD。Province: 广东, 广东省 or its code GD.",
            "8. 客户规模、信用等级、客户价值、交易频率、地区可填代码或中英文名称；导入的分类"
            "会被锁定，重新分类不会覆盖。Classification columns take a code or a label in "
            "Chinese or English; imported classes are locked against reclassification.",
            "9. 支持 .xlsx、.xls 和 CSV（UTF-8 或 GBK）。Formats: .xlsx, .xls, CSV "
            "(UTF-8 or GBK).",
        ]
        return columns, examples, instructions

    def _import_template_sheet_title(self):
        return "客户 Customers"

    def _import_template_filename(self):
        return "customer_import_template.xlsx"

    # ------------------------------------------------------------ parsing
    def _import_parse_country(self, row, context):
        raw = to_text(row.values.get("country_id"))
        if not raw:
            return context["home_country"]
        country_id = context["countries"].get(normalise_key(raw))
        if not country_id:
            row.error("country_id", self.env._("Unknown country %(value)s.", value=raw))
            return context["home_country"]
        row.vals["country_id"] = country_id
        return self.env["res.country"].browse(country_id)

    def _import_parse_vat(self, row, country):
        text = self._import_parse_cell(row, "vat", parse_text) or ""
        vat = re.sub(r"[\s\-]", "", text).upper()
        if not vat:
            return
        if country.code == "CN" and not uscc.is_valid(vat):
            row.error(
                "vat",
                self.env._(
                    "%(value)s is not a valid Unified Social Credit Code: 18 "
                    "characters, digits and capitals except I, O, Z, S, V, ending "
                    "with its check character.",
                    value=vat,
                ),
            )
            return
        row.vals["vat"] = vat

    def _import_parse_numbers(self, row, header_map):
        for key in ("employee_count", "annual_revenue", "total_assets", "credit_limit"):
            if key not in header_map.index:
                continue
            value = self._import_parse_cell(
                row,
                key,
                parse_number,
                integer=key == "employee_count",
                scale=header_map.scale.get(key, 1),
            )
            if value is not None:
                row.vals[key] = value

    def _import_parse_state(self, row, country, context):
        raw = to_text(row.values.get("state_id"))
        if not raw:
            return
        states = context["states"].get(country.id)
        if states is None:
            states = context["states"][country.id] = self._import_state_lookup(country)
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
        raw = to_text(row.values.get(key))
        if not raw:
            return
        table = context[self._import_lookup_name(key)]
        value = table.get(normalise_key(raw))
        if not value and key == "industry_id":
            value = self._import_industry_from_code(raw, table)
        if not value:
            field = self.env["res.partner"]._fields[key]
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

    @api.model
    def _import_lookup_name(self, key):
        return {"industry_id": "industries", "region_id": "regions"}.get(key, key)

    # ------------------------------------------------------------ lookups
    @api.model
    def _import_langs(self):
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        return [
            lang for lang in {*LANGS, self.env.lang or "en_US"} if lang in installed
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
    def _import_industry_lookup(self):
        industries = self.env["res.partner.industry"].search([])
        table = self._import_translated_names(industries)
        by_code = {i.code: i.id for i in industries if i.code}
        for name, code in INDUSTRY_ALIASES.items():
            if code in by_code:
                table.setdefault(normalise_key(name), by_code[code])
        for code, industry_id in by_code.items():
            table[normalise_key(code)] = industry_id
        for industry in industries:  # "C 制造业" as a display name
            if industry.code:
                for name, record_id in list(table.items()):
                    if record_id == industry.id and name != normalise_key(
                        industry.code
                    ):
                        table.setdefault(
                            normalise_key(industry.code) + name, industry.id
                        )
        return table

    @api.model
    def _import_industry_from_code(self, raw, table):
        """The nearest industry the database has for a GB/T 4754-2017 code at
        any level, with or without its section letter, or a division name:
        ``3911`` (not shipped) takes ``C``, ``5930`` takes ``G59``."""
        for code in industry_code_candidates(raw):
            industry_id = table.get(normalise_key(code))
            if industry_id:
                return industry_id
        return None

    @api.model
    def _import_coded_lookup(self, records, aliases):
        """{normalised name in any language, code or alias: id} of ``records``."""
        table = self._import_translated_names(records)
        by_code = {r.code: r.id for r in records}
        for code, record_id in by_code.items():
            table[normalise_key(code)] = record_id
        for name, code in aliases.items():
            if code in by_code:
                table.setdefault(normalise_key(name), by_code[code])
        return table

    @api.model
    def _import_country_lookup(self):
        return self._import_coded_lookup(
            self.env["res.country"].search([]), COUNTRY_ALIASES
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
        for suffix in STATE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                return key[: -len(suffix)]
        return key

    @api.model
    def _import_region_lookup(self):
        return self._import_coded_lookup(
            self.env["partner.region"].search([("grouping", "=", "geographic")]),
            REGION_ALIASES,
        )

    @api.model
    def _import_selection_lookup(self, dimension):
        field = self.env["res.partner"]._fields[dimension]
        table = {}
        for lang in self._import_langs():
            for key, label in field._description_selection(
                self.with_context(lang=lang).env
            ):
                table.setdefault(normalise_key(label), key)
        for key, _label in field._description_selection(self.env):
            table[normalise_key(key)] = key
        for alias, key in SELECTION_ALIASES.get(dimension, {}).items():
            table.setdefault(normalise_key(alias), key)
        return table

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
        for key in ("vat", "ref", "name"):
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
        home = context["home_country"]
        vals_list = []
        for row in rows:
            vals = {"is_company": True, **row.vals}
            if home and "country_id" not in vals:
                vals["country_id"] = home.id
            for dimension in DIMENSIONS:
                if dimension in vals:
                    _computed, manual, locked = partners._segment_field_names(dimension)
                    vals[manual] = vals[dimension]
                    vals[locked] = True
            vals_list.append(vals)
        self._import_check_field_rights(partners, vals_list)
        created = partners.browse()
        for first in range(0, len(vals_list), self._import_create_size):
            created += partners.create(
                vals_list[first : first + self._import_create_size]
            )
        company_id = self.env.company.id
        changes = []
        for row, partner in zip(rows, created, strict=True):
            row.outcome, row.record_id = CREATE, partner.id
            changes += [
                (partner.id, company_id, d, None, row.vals[d])
                for d in DIMENSIONS
                if d in row.vals
            ]
        self.env["partner.segment.history"]._log_changes(changes, "import")

    def _import_update(self, partners, rows):
        """Write what differs; partners that get identical values are written together."""
        # read with the user's rights: the columns the user may not write (nor
        # read, as field groups go) were refused before the run
        records = partners.browse([r.match for r in rows])
        fnames = set()
        for row in rows:
            fnames.update(row.vals)
        for dimension in fnames.intersection(DIMENSIONS):
            fnames.add(partners._segment_field_names(dimension)[2])
        current = self._import_current_values(records, fnames)
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
        """The part of ``vals`` that changes a partner whose values are ``current``."""
        diff = {}
        for fname, value in vals.items():
            old = current[fname]
            if fname in DIMENSIONS:
                locked = current[self.env["res.partner"]._segment_field_names(fname)[2]]
                if not locked or old != value:
                    diff[fname] = value
            elif isinstance(value, float):
                if abs((old or 0.0) - value) > 0.005:
                    diff[fname] = value
            elif (old or False) != value:
                diff[fname] = value
        return diff

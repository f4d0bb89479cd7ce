"""Import specifications as data: each import kind's columns, aliases and template.

What a spreadsheet import understands is written here once, beside the
engine, and read by its wizard: the header aliases of every column, the other
names its values go by (industries, countries, provinces), the
example rows the import skips, and the downloadable template's columns,
examples and instructions.  Plain Python: no ORM.

The customer import's classification columns come from the registry of
dimensions (``engine.dimensions``), read at call time: a dimension registered
with ``import_headers`` is imported, and gets its template column with the
drop-down of its ``template_choices``, without a change here.
"""

from ..engine import dimensions
from .headers import Column
from .report import TemplateColumn

# the template's example rows start with these (code, name, number)
SAMPLE_MARKERS = ("示例", "example")
# languages whose names the lookups accept, besides the user's
LANGS = ("en_US", "zh_CN")

# ------------------------------------------------------------ customers
# the columns of a customer's own data; the classification columns follow
# them, from the registry (customer_columns).
#
# The header vocabulary of the systems users bring files from.  Each group
# says where its names were read (public templates, field lists and guides);
# names the sources below do not show are the import's own (template,
# English) or were already here.  Sources:
#   [U8]    用友 U8 客户档案: readme DOMAIN.md section 9 (customer archive
#           columns: 客户编码*, 客户简称, 客户分类, 地区分类, 所属行业, 开户银行,
#           银行账号, 联系人, 手机, 信用额度, 业务员 …); U8 guides
#           gzkzkj.com/remenzixun/1707.html (客户编码, 客户简称, 税务登记号,
#           开户银行) and whdslt.com/shcs/202507/195268.html (所属行业, 联系人).
#   [K3C]   金蝶云星空 customer and supplier rules, zjgkd.cn/?p=1928
#           (纳税登记号, 销售员, 开户银行, 银行账号, 账号名称, 联行号).
#   [KMOB]  金蝶 K/3-KIS mobile client customer table, github
#           edifangyi/Business bean/business/Customer.java (客户编码, 公司电话,
#           公司移动电话, 联系人, 联系人电话, 联系人移动电话, 是否可用).
#   [CRM]   a customer export of a RuoYi-based CRM/ERP, github
#           deepsoft-haolifa/fmis BizCustomerImport.java (客户区域, 客户类别,
#           客户代号, 行业划分, 业务负责人, 客户联系人, 座机电话, QQ/E-mail, 公司地址).
#   [UNIT]  往来单位 records of Chinese ERPs (the 管家婆/速达/畅捷通 naming of
#           customers and suppliers as 往来单位): github SinWorld/xzdz-erp
#           ERP_Our_Unit.java (单位编码, 单位名称, 注册地址, 办公地址, 开户行,
#           账号, 税号, 传真, 联系人) and uie1027/IcpForCitln CustomerInfoVO.java
#           (公司简称, 公司座机, 联系人手机号, 开户行账户).
#   [CRM2]  CRM and ordering-system import guides: cqom.cn/customer/403.html
#           (业务员, 业务区域, 等级), doc.huizhuyun.com/project-1/doc-22
#           (停用状态, 联系人与银行账户), help.joinf.com customer template
#           (客户, 联系人, 银行资料 sheets).
#   Not found in the stored public material: 管家婆 and 速达 templates
#   themselves; their names here are those of [UNIT], which follow them.
CUSTOMER_COLUMNS = (
    # [U8] 客户编码, [CRM] 客户代号, [UNIT] 单位编码, 往来单位编码
    Column(
        "ref",
        (
            "客户编码",
            "编码",
            "客户代码",
            "code",
            "customer code",
            "ref",
            "客户代号",
            "客户编号",
            "客户号",
            "往来单位编码",
            "往来单位编号",
            "单位编码",
            "单位编号",
            "代码",
            "编号",
            "customer no",
            "customer number",
        ),
    ),
    # [U8] 客户名称, [UNIT] 单位名称/公司名称, 往来单位名称
    Column(
        "name",
        (
            "客户名称",
            "名称",
            "客户全称",
            "name",
            "customer name",
            "company name",
            "单位名称",
            "单位全称",
            "往来单位名称",
            "往来单位",
            "公司名称",
            "企业名称",
            "公司全称",
            "客户",
            "company",
        ),
        required=True,
    ),
    # [K3C] 纳税登记号, [U8] 税务登记号, [UNIT] 税号
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
            "纳税登记号",
            "税务登记号",
            "纳税人识别码",
            "社会统一信用代码",
            "统一社会信用代码/纳税人识别号",
            "信用代码",
        ),
    ),
    # [U8] 所属行业, [CRM] 行业划分
    Column(
        "industry_id",
        (
            "所属行业",
            "行业",
            "industry",
            "行业划分",
            "行业类别",
            "行业分类",
            "行业类型",
        ),
    ),
    Column(
        "employee_count",
        (
            "员工人数",
            "从业人员",
            "从业人数",
            "职工人数",
            "employees",
            "employee count",
            "员工数",
        ),
    ),
    Column(
        "annual_revenue",
        ("年营业收入", "营业收入", "annual revenue", "revenue", "年营业额", "年销售额"),
        amount=True,
    ),
    Column(
        "total_assets", ("资产总额", "总资产", "total assets", "assets"), amount=True
    ),
    Column(
        "state_id",
        (
            "省份",
            "省",
            "所在省份",
            "state",
            "province",
            "所在省",
            "所属省份",
            "省/直辖市",
        ),
    ),
    Column("country_id", ("国家", "国家/地区", "country", "国别")),
    Column("city", ("城市", "市", "city", "所在城市", "所属城市")),
    # [CRM] 公司地址, [UNIT] 注册地址, 办公地址
    Column(
        "street",
        (
            "地址",
            "详细地址",
            "street",
            "address",
            "公司地址",
            "注册地址",
            "通讯地址",
            "办公地址",
            "联系地址",
            "客户地址",
            "单位地址",
            "经营地址",
        ),
    ),
    Column("zip", ("邮编", "邮政编码", "zip", "postcode", "postal code")),
    # [CRM] 座机电话, [KMOB] 公司电话, [UNIT] 公司座机
    Column(
        "phone",
        (
            "电话",
            "联系电话",
            "phone",
            "telephone",
            "座机",
            "座机电话",
            "固定电话",
            "办公电话",
            "公司电话",
            "公司座机",
            "单位电话",
            "电话号码",
            "tel",
        ),
    ),
    # [U8] 手机, [KMOB] 公司移动电话
    Column(
        "mobile",
        ("手机", "手机号码", "mobile", "手机号", "移动电话", "公司移动电话"),
    ),
    # [CRM] QQ/E-mail: a QQ number there is its qq.com mailbox
    Column(
        "email",
        (
            "邮箱",
            "电子邮件",
            "电子邮箱",
            "email",
            "e-mail",
            "qq/e-mail",
            "qq/email",
            "e-mail/qq",
            "邮件",
            "邮件地址",
            "电子邮件地址",
            "公司邮箱",
            "mail",
        ),
    ),
    Column("website", ("网址", "网站", "公司网址", "主页", "website", "web")),
    Column(
        "credit_limit",
        ("信用额度", "credit limit", "信用限额", "授信额度"),
        amount=True,
    ),
    # [U8] 业务员, 专管业务员, [K3C] 销售员, [CRM] 业务负责人
    Column(
        "user_id",
        (
            "业务员",
            "专管业务员",
            "销售员",
            "业务负责人",
            "负责人",
            "客户经理",
            "销售代表",
            "销售人员",
            "跟进人",
            "salesperson",
            "sales rep",
        ),
    ),
    # [U8] 客户分类, [CRM] 客户类别, [CRM2] 等级: tags, unless the mapping
    # step sends the column to a classification dimension
    Column(
        "category_id",
        ("客户类别", "客户分类", "客户等级", "客户标签", "标签", "tags"),
    ),
    # [U8] 联系人, [CRM] 客户联系人, [KMOB] 联系人电话/联系人移动电话: a contact
    # under the company with the columns that belong to the person
    Column(
        "contact_name",
        (
            "联系人",
            "客户联系人",
            "联系人姓名",
            "联系人名称",
            "主联系人",
            "默认联系人",
            "contact",
            "contact person",
            "contact name",
        ),
    ),
    Column(
        "contact_phone",
        ("联系人电话", "联系人座机", "联系人固定电话", "contact phone"),
    ),
    Column(
        "contact_mobile",
        (
            "联系人手机",
            "联系人手机号",
            "联系人手机号码",
            "联系人移动电话",
            "contact mobile",
        ),
    ),
    Column(
        "contact_email",
        ("联系人邮箱", "联系人电子邮件", "联系人email", "contact email"),
    ),
    Column("contact_function", ("联系人职务", "职务", "职位", "job position")),
    # [U8] 开户银行, 银行账号, [K3C] 账号名称, [UNIT] 开户行, 账号
    Column(
        "bank_name",
        ("开户银行", "开户行", "银行", "开户银行名称", "银行名称", "bank", "bank name"),
    ),
    Column(
        "bank_acc",
        (
            "银行账号",
            "银行帐号",
            "账号",
            "帐号",
            "开户账号",
            "开户帐号",
            "银行账户",
            "开户行账户",
            "account number",
            "bank account",
        ),
    ),
    Column(
        "bank_holder",
        ("账户名称", "帐户名称", "账号名称", "户名", "开户名称", "account holder"),
    ),
    # no alias: 备注 columns hold anything; the mapping step may send one here
    Column("comment", ()),
)
# columns copied as text, and numbers (employees whole, amounts in CNY)
TEXT_FIELDS = (
    "ref",
    "city",
    "street",
    "zip",
    "phone",
    "mobile",
    "email",
    "website",
    "comment",
)
NUMBER_FIELDS = ("employee_count", "annual_revenue", "total_assets", "credit_limit")
# the columns of the contact person a row creates under its company, by the
# contact's field they write
CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_phone": "phone",
    "contact_mobile": "mobile",
    "contact_email": "email",
    "contact_function": "function",
}
# the columns of the company's bank account, by the account's field
BANK_COLUMNS = {
    "bank_name": "bank_id",
    "bank_acc": "acc_number",
    "bank_holder": "acc_holder_name",
}
# the columns that write other records than the row's company
RELATED_COLUMNS = frozenset(("category_id", *CONTACT_COLUMNS, *BANK_COLUMNS))
# values that separate several tags in one cell
TAG_SEPARATORS = r"[,，、;；/|]"
# the keys a customer is matched by, in order
MATCH_KEYS = ("vat", "ref", "name")

# GB/T 4754-2017 names users write for the industries shipped with a code
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
# 广东省 is written 广东: the suffixes a province's name is also known without
STATE_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
)
# the USCCs of the template's example rows
SAMPLE_USCC = ("91440101MA5C00001N", "91310115MA1H000024")

# (column key, template column) of a customer's own data, in sheet order; the
# classification columns follow them, from the registry (customer_template)
CUSTOMER_TEMPLATE_COLUMNS = (
    ("ref", TemplateColumn("客户编码 (Code)", text=True)),
    ("name", TemplateColumn("客户名称* (Name)", required=True, width=30)),
    ("vat", TemplateColumn("统一社会信用代码 (USCC)", text=True, width=24)),
    (
        "industry_id",
        TemplateColumn("所属行业 (Industry)", note="GB/T 4754: C, F52, 制造业…"),
    ),
    ("employee_count", TemplateColumn("员工人数 (Employees)")),
    (
        "annual_revenue",
        TemplateColumn("年营业收入(万元) (Annual revenue)", width=22),
    ),
    ("total_assets", TemplateColumn("资产总额(万元) (Total assets)", width=22)),
    ("country_id", TemplateColumn("国家 (Country)")),
    ("state_id", TemplateColumn("省份 (Province)")),
    ("city", TemplateColumn("城市 (City)")),
    ("street", TemplateColumn("地址 (Street)", width=30)),
    ("phone", TemplateColumn("电话 (Phone)", text=True)),
    ("mobile", TemplateColumn("手机 (Mobile)", text=True)),
    ("email", TemplateColumn("邮箱 (Email)", width=24)),
    ("credit_limit", TemplateColumn("信用额度 (Credit limit)")),
)
# the example rows by column key; a column not named is left empty
CUSTOMER_EXAMPLES = (
    {
        "ref": "示例001",
        "name": "示例：广州示范电子有限公司",
        "vat": SAMPLE_USCC[0],
        "industry_id": "C",
        "employee_count": 120,
        "annual_revenue": 5000,
        "total_assets": 3000,
        "country_id": "中国",
        "state_id": "广东",
        "city": "广州",
        "street": "天河路1号",
        "phone": "020-12345678",
        "mobile": "13800000000",
        "email": "sales@example.com",
        "credit_limit": 500000,
        "scale_class": "中型",
        "credit_grade": "AA",
        "value_tier": "高价值",
        "frequency_class": "高频",
        "region_id": "华南",
    },
    {
        "ref": "示例002",
        "name": "示例：上海示范贸易有限公司",
        "vat": SAMPLE_USCC[1],
        "industry_id": "批发业",
        "employee_count": 15,
        "annual_revenue": 800,
        "country_id": "中国",
        "state_id": "上海市",
        "city": "上海",
        "street": "南京西路2号",
        "credit_grade": "B",
    },
)
CUSTOMER_INSTRUCTIONS = (
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
)


def customer_dimensions(company_id=None):
    """The dimensions the customer import reads, in column order; with
    ``company_id``, those of that company's customers (a user-defined
    dimension of another company is no column)."""
    return dimensions.import_dimensions(company_id)


def customer_dimension_keys(company_id=None):
    return tuple(d.key for d in customer_dimensions(company_id))


def customer_columns(company_id=None):
    """The customer import's columns: its own, then one per importable dimension."""
    return [
        *CUSTOMER_COLUMNS,
        *(
            Column(d.key, tuple(d.import_headers))
            for d in customer_dimensions(company_id)
        ),
    ]


def value_aliases(key):
    """{other name: class key} a dimension's column accepts (大型 for large)."""
    return dimensions.get(key).aliases()


def record_aliases(key):
    """{other name: record code} of a dimension whose classes are records (华南)."""
    return dict(dimensions.get(key).record_aliases)


def customer_template(company_id=None):
    """(columns, examples, instructions) of the customer template (of the
    customers of ``company_id``, when given).

    The examples are rows in the columns' order; a dimension registered later
    gets its column, with an empty example cell.
    """
    keyed = [
        *CUSTOMER_TEMPLATE_COLUMNS,
        *(
            (
                d.key,
                TemplateColumn(
                    d.template_header or d.import_headers[0],
                    choices=tuple(d.template_choices),
                ),
            )
            for d in customer_dimensions(company_id)
        ),
    ]
    examples = [
        tuple(example.get(key, "") for key, _column in keyed)
        for example in CUSTOMER_EXAMPLES
    ]
    return [column for _key, column in keyed], examples, list(CUSTOMER_INSTRUCTIONS)


# ------------------------------------------------------------ red invoices
RED_COLUMNS = (
    Column("kind", ("发票种类", "发票类型", "原发票种类", "kind", "invoice kind")),
    Column(
        "blue_code",
        ("原发票代码", "原蓝字发票代码", "蓝字发票代码", "blue code", "original code"),
    ),
    Column(
        "blue_number",
        (
            "原发票号码",
            "原蓝字发票号码",
            "蓝字发票号码",
            "blue number",
            "original number",
            "original invoice",
        ),
        required=True,
    ),
    Column(
        "blue_date",
        ("原开票日期", "蓝字开票日期", "原发票日期", "blue date", "original date"),
    ),
    Column("reason", ("冲红原因", "红冲原因", "reason", "red reason"), required=True),
    Column(
        "channel",
        (
            "冲红渠道",
            "红冲渠道",
            "开具渠道",
            "冲红方式(渠道)",
            "channel",
            "red channel",
        ),
    ),
    Column(
        "form_number",
        (
            "红字信息表编号/确认单编号",
            "红字信息表编号",
            "信息表编号",
            "确认单编号",
            "红字发票信息确认单编号",
            "form number",
        ),
    ),
    Column(
        "form_state",
        (
            "确认单状态",
            "红字确认单状态",
            "确认单状态代码",
            "form state",
            "confirmation state",
        ),
    ),
    Column(
        "form_datetime",
        (
            "填开日期",
            "确认单日期",
            "填开日期/确认单日期",
            "确认单填开日期",
            "确认单填开时间",
            "录入日期",
            "form date",
            "form raised on",
        ),
    ),
    Column(
        "initiator",
        ("发起方", "录入方", "录入方身份", "确认单发起方", "initiator", "raised by"),
    ),
    Column("mode", ("全额/部分", "全额部分", "冲红方式", "full/partial", "mode")),
    Column("amount", ("冲红金额", "红冲金额", "amount", "red amount")),
    Column("tax", ("冲红税额", "红冲税额", "tax", "red tax")),
    Column("date", ("冲红日期", "红冲日期", "开票日期", "date", "red date")),
    Column(
        "red_number",
        (
            "红字发票号码",
            "红字数电票号码",
            "红字发票数电号码",
            "red invoice number",
            "red number",
        ),
    ),
)
# fields of the credit note each column writes; the other columns find and
# cross-check the original invoice and write nothing
RED_COLUMN_FIELDS = {
    "reason": ["red_reason"],
    "form_number": ["red_form_number"],
    "form_state": ["red_form_state"],
    "channel": ["red_channel"],
    "form_datetime": ["red_form_datetime"],
    "initiator": ["red_initiator"],
    "red_number": ["red_invoice_number"],
    "date": ["date", "invoice_date"],
    "amount": ["invoice_line_ids"],
    "mode": ["invoice_line_ids"],
}
RED_TEMPLATE_COLUMNS = (
    TemplateColumn(
        "发票种类 (Kind)",
        choices=(
            "专票",
            "电子专票",
            "普票",
            "电子普票",
            "数电专票",
            "数电普票",
            "数电纸质发票",
            "机动车销售统一发票",
        ),
        width=18,
    ),
    TemplateColumn("原发票代码 (Original code)", text=True, width=16),
    TemplateColumn("原发票号码* (Original number)", required=True, text=True, width=24),
    TemplateColumn("原开票日期 (Original date)", width=14),
    TemplateColumn(
        "冲红原因* (Reason)",
        required=True,
        choices=("01 开票有误", "02 销货退回", "03 服务中止", "04 销售折让"),
    ),
    TemplateColumn(
        "冲红渠道 (Channel)", choices=("电子发票服务平台", "税控"), width=18
    ),
    TemplateColumn("红字信息表编号/确认单编号 (Form number)", text=True, width=24),
    TemplateColumn(
        "确认单状态 (Form state)",
        choices=(
            "01 无需确认",
            "02 销方录入待购方确认",
            "03 购方录入待销方确认",
            "04 购销双方已确认",
            "05 作废(销方录入购方否认)",
            "06 作废(购方录入销方否认)",
            "07 作废(超72小时未确认)",
            "08 作废(发起方已撤销)",
            "09 作废(确认后撤销)",
            "10 作废(异常凭证)",
            "11 作废(纳税人状态异常阻断)",
            "12 作废(自然人拒收)",
            "13 作废(已开具退税申请单)",
        ),
        width=26,
    ),
    TemplateColumn("填开日期 (Form raised on)", width=20),
    TemplateColumn("发起方 (Initiator)", choices=("销方", "购方"), width=10),
    TemplateColumn("全额/部分 (Full/partial)", choices=("全额", "部分")),
    TemplateColumn("冲红金额 (Untaxed amount)"),
    TemplateColumn("冲红税额 (Tax)"),
    TemplateColumn("冲红日期 (Red invoice date)", width=14),
    TemplateColumn("红字发票号码 (Red invoice number)", text=True, width=24),
)
RED_EXAMPLES = (
    (
        "普票",
        "144002500001",
        "示例00000001",
        "2025-03-10",
        "02 销货退回",
        "税控",
        "",
        "",
        "",
        "",
        "部分",
        -500,
        -65,
        "2025-04-01",
        "",
    ),
    (
        "数电专票",
        "",
        "示例25440000000000000001",
        "2025-03-10",
        "01 开票有误",
        "电子发票服务平台",
        "44000025000000000001",
        "04 购销双方已确认",
        "2025-03-30 10:15",
        "购方",
        "全额",
        "",
        "",
        "2025-04-01",
        "25442000000000000001",
    ),
)
RED_INSTRUCTIONS = (
    "红字发票批量导入模板 Red-letter invoice import template",
    "",
    "1. 带 * 的列必填：原发票号码、冲红原因。Columns marked * are required: "
    "original number, reason.",
    "2. 示例行（原发票号码以“示例”开头）导入时会被忽略。Example rows (original "
    "number starting with 示例) are ignored.",
    "3. 原发票号码按税务发票号码（可加原发票代码）或 Odoo 发票编号匹配已过账的客户"
    "发票。The original number matches a posted customer invoice by its tax "
    "invoice number (with the code if given) or by its Odoo number.",
    "4. 冲红原因填代码 01–04 或 开票有误/销货退回/服务中止/销售折让。Reason: code "
    "01-04 or its name.",
    "5. 冲红渠道：电子发票服务平台（红字确认单，公告2024年第11号）或 税控（公告2016年"
    "第47号，专票须填16位红字信息表编号，其他发票无需表单）。数电发票只能通过平台；"
    "不填时按发票种类、确认单编号和状态推定。Channel: the e-invoice service "
    "platform (confirmation form) or tax control software (a special invoice "
    "needs its 16-digit information form, others no form). Digital invoices use "
    "the platform; blank: inferred from the kind, form number and state.",
    "5a. 平台渠道必须填写确认单状态（代码01–13或平台显示的名称），不默认01；01、04 "
    "开具并过账，02、03 保存为草稿，05–13 作废不可开具；01以外须填20位确认单编号；"
    "02、03须填填开日期（北京时间），72小时内未确认即作废。Platform rows need the "
    "form state (code 01-13 or the platform's label), never assumed 01: 01 and "
    "04 are posted, 02 and 03 kept as draft, 05-13 are void and refused; a form "
    "other than 01 needs its 20-character number, a pending one its date and "
    "time (Beijing time): it lapses 72 hours later.",
    "5b. 发起方：销方或购方；02 为销方发起，03 为购方发起，须一致；不填时按状态推定。"
    "Initiator: seller or buyer; 02 is the seller's form, 03 the buyer's; "
    "blank: from the state.",
    "5c. 红字发票号码：平台已开具的20位红字数电票号码（仅01、04），每个号码只能用一次。"
    "Red invoice number: the 20-digit number of a red invoice the platform has "
    "issued (01 or 04 only), used once. Each form number is used once.",
    "6. 全额冲红冲销原发票的全部剩余金额，冲红金额可不填。部分冲红必须填冲红金额"
    "（不含税，正负号均可），按原发票各行剩余金额比例分摊到各行，只冲金额、不冲数量。"
    " Full reverses all that remains. A partial row needs the untaxed amount "
    "(sign ignored); without line detail it is spread over the original "
    "invoice's lines in proportion to what remains on each line, as an amount "
    "(the quantities are not reversed).",
    "7. 同一张原发票的多行合计不得超过其剩余可红冲金额。Rows against one "
    "invoice are summed against its remaining reversible amount.",
    "8. 冲红税额用于核对，与系统计算的税额相差超过 0.01 即报错。The tax is a "
    "cross-check: more than 0.01 away from the computed tax is an error.",
    "9. 冲红日期默认今天。The red invoice date defaults to today.",
    "10. 支持 .xlsx、.xls 和 CSV（UTF-8 或 GBK）。Formats: .xlsx, .xls, CSV "
    "(UTF-8 or GBK).",
)


def red_template():
    """(columns, examples, instructions) of the red-invoice template."""
    return list(RED_TEMPLATE_COLUMNS), list(RED_EXAMPLES), list(RED_INSTRUCTIONS)

"""Write the header-vocabulary fixtures: ``python tests/data/make_system_fixtures.py``.

One workbook per system users bring customer files from, with the header row
of that system's template or export and one customer.  ``SYSTEMS`` says, per
header, the column of the customer import it must be read as (None: no Odoo
counterpart, the column is listed as ignored).  Where each header row comes
from is cited in ``importer/specs.py``.
"""

import os

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))

# (file name, sheet, [(header, column key or None, value)])
SYSTEMS = {
    # 用友 U8 客户档案 (DOMAIN.md section 9)
    "u8": (
        "system_u8.xlsx",
        "客户档案",
        [
            ("客户编码*", "ref", "SYS-U8-1"),
            ("客户名称*", "name", "系统甲用友客户有限公司"),
            ("客户简称", None, "甲用友"),
            ("客户分类", "category_id", "重点客户"),
            ("地区分类", None, "02"),
            ("所属行业", "industry_id", "制造业"),
            ("统一社会信用代码", "vat", ""),
            ("开户银行", "bank_name", "中国工商银行广州天河支行"),
            ("银行账号", "bank_acc", "3602 0000 0000 0001"),
            ("地址", "street", "广州市天河区体育西路1号"),
            ("电话", "phone", "020-80000001"),
            ("联系人", "contact_name", "陈一"),
            ("手机", "mobile", "13800000001"),
            ("信用等级", "credit_grade", "AA"),
            ("信用额度", "credit_limit", "20万元"),
            ("信用期限(天)", None, "30"),
            ("专管业务员", "user_id", "王销售"),
            ("备注", None, "老客户"),
        ],
    ),
    # 金蝶云星空 客户 (zjgkd.cn/?p=1928: 纳税登记号, 销售员, 银行信息)
    "k3cloud": (
        "system_k3cloud.xlsx",
        "客户",
        [
            ("编码", "ref", "SYS-K3CLOUD-1"),
            ("名称", "name", "系统乙金蝶客户有限公司"),
            ("简称", None, "乙金蝶"),
            ("客户类别", "category_id", "经销商"),
            ("纳税登记号", "vat", ""),
            ("销售员", "user_id", "wangxs"),
            ("国家", "country_id", "中国"),
            ("省份", "state_id", "江苏省"),
            ("通讯地址", "street", "南京市鼓楼区中山路2号"),
            ("联系电话", "phone", "025-80000002"),
            ("开户银行", "bank_name", "招商银行南京分行"),
            ("银行账号", "bank_acc", "6225000000000002"),
            ("账号名称", "bank_holder", "系统乙金蝶客户有限公司"),
            ("联行号", None, "308301000001"),
        ],
    ),
    # 金蝶 K/3-KIS mobile client customer table (github edifangyi/Business)
    "kis": (
        "system_kis.xlsx",
        "Sheet1",
        [
            ("客户编码", "ref", "SYS-KIS-1"),
            ("客户名称", "name", "系统丙精斗云客户有限公司"),
            ("默认部门名称", None, "销售一部"),
            ("类型名称", None, "批发"),
            ("是否可用", None, "是"),
            ("地址", "street", "杭州市西湖区文三路3号"),
            ("公司电话", "phone", "0571-80000003"),
            ("公司移动电话", "mobile", "13800000003"),
            ("联系人", "contact_name", "周三"),
            ("联系人电话", "contact_phone", "0571-80000033"),
            ("联系人移动电话", "contact_mobile", "13900000003"),
        ],
    ),
    # the 17 columns of a RuoYi-based CRM's customer export (github
    # deepsoft-haolifa/fmis BizCustomerImport.java), the file of the issue
    "crm": (
        "system_crm.xlsx",
        "客户",
        [
            ("客户区域", "region_id", "华东"),
            ("客户类别", "category_id", "A类, 战略客户"),
            ("客户名称", "name", "系统丁CRM客户有限公司"),
            ("客户代号", "ref", "SYS-CRM-1"),
            ("初次备案日期", None, "2024年3月1日"),
            ("行业划分", "industry_id", "批发业"),
            ("客户来源", None, "展会"),
            ("隶属部门", None, "华东事业部"),
            ("业务负责人", "user_id", "王销售"),
            ("档案编号", None, "DA-0001"),
            ("品牌", None, "丁牌"),
            ("主要产品", None, "阀门"),
            ("客户联系人", "contact_name", "李四"),
            ("座机电话", "phone", "021-80000004"),
            ("QQ/E-mail", "email", "１２３４５６７８"),
            ("手机", "mobile", "13800000004"),
            ("公司地址", "street", "上海市浦东新区世纪大道4号"),
        ],
    ),
    # 往来单位 of a Chinese ERP, as 管家婆/速达 name them (github
    # SinWorld/xzdz-erp ERP_Our_Unit.java)
    "unit": (
        "system_unit.xlsx",
        "往来单位",
        [
            ("单位编码", "ref", "SYS-UNIT-1"),
            ("单位名称", "name", "系统戊往来单位有限公司"),
            ("税号", "vat", ""),
            ("法定代表人", None, "赵五"),
            ("办公地址", "street", "成都市锦江区春熙路5号"),
            ("邮编", "zip", "610000"),
            ("开户行", "bank_name", "中国银行成都分行"),
            ("账号", "bank_acc", "1234-5678-9000-0005"),
            ("电话", "phone", "028-80000005"),
            ("传真", None, "028-80000055"),
            ("联系人", "contact_name", "钱五"),
            ("备注", None, ""),
        ],
    ),
    # ordering / field-sales systems (cqom.cn, CRM guides): 业务区域, 网址
    "order": (
        "system_order.csv",
        None,
        [
            ("客户编号", "ref", "SYS-ORDER-1"),
            ("客户全称", "name", "系统己订货客户有限公司"),
            ("业务区域", "region_id", "西南"),
            ("业务员", "user_id", "王销售"),
            ("联系人姓名", "contact_name", "孙六"),
            ("联系人手机", "contact_mobile", "13900000006"),
            ("联系人邮箱", "contact_email", "sun6@example.cn"),
            ("电子邮件", "email", "order6@example.cn"),
            ("网址", "website", "https://example.cn"),
            ("员工人数", "employee_count", "８０"),
            ("年营业收入（万元）", "annual_revenue", "1,200"),
        ],
    ),
}


def main():
    for filename, sheet, columns in SYSTEMS.values():
        header = [h for h, _key, _value in columns]
        row = [v for _h, _key, v in columns]
        path = os.path.join(HERE, filename)
        if filename.endswith(".csv"):
            with open(path, "w", encoding="gbk", newline="") as file:
                for line in (header, row):
                    file.write(",".join(f'"{c}"' for c in line) + "\r\n")
            continue
        workbook = openpyxl.Workbook()
        worksheet = workbook.active
        worksheet.title = sheet
        worksheet.append(header)
        worksheet.append(row)
        workbook.save(path)


if __name__ == "__main__":
    main()

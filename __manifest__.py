{
    "name": "Customer Segments (客户分类管理)",
    "summary": "Classify customers by scale, industry, region, credit, value and "
    "frequency, kept current from invoice history",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/partner-segment/partner_segment",
    "author": "partner_segment contributors",
    "license": "LGPL-3",
    "development_status": "Beta",
    "depends": ["account", "contacts", "mail"],
    "external_dependencies": {"python": ["openpyxl", "xlrd"]},
    "data": [
        "security/partner_segment_groups.xml",
        "security/ir.model.access.csv",
        "data/res_partner_industry_data.xml",
        "data/partner_scale_rule_data.xml",
        "data/partner_region_data.xml",
        "views/res_partner_industry_views.xml",
        "views/partner_region_views.xml",
        "views/partner_scale_rule_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizards/account_move_red_invoice_views.xml",
        "views/partner_segment_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "partner_segment/static/tests/tours/red_invoice_tour.js",
        ],
    },
    "demo": [
        "demo/res_partner_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}

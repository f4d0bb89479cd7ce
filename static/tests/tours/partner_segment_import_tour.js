import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// Two customers in a UTF-8 CSV; the Python test checks they were written.
const CSV = [
    "客户名称*,客户编码,统一社会信用代码,客户规模,地区",
    "浏览器导入一公司,TOUR1,91440101MA5CTUR09R,大型,华南",
    "浏览器导入二公司,TOUR2,,Small,east",
].join("\n");

registry.category("web_tour.tours").add("partner_segment_import_tour", {
    url: "/odoo/contacts",
    steps: () => [
        {
            content: "Open the Customer Segments menu",
            trigger: ".o_main_navbar button:contains(Customer Segments)",
            run: "click",
        },
        {
            content: "Open the import wizard",
            trigger: ".dropdown-menu .dropdown-item:contains(Import)",
            run: "click",
        },
        {
            content: "Upload the file",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const file = new File([CSV], "tour_customers.csv", { type: "text/csv" });
                await inputFiles(".modal .o_field_widget[name=file] input.o_input_file", [file]);
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Test the file",
            trigger: ".modal footer button[name=action_test]:contains(Test)",
            run: "click",
        },
        {
            content: "The test found two customers to create",
            trigger: ".modal .o_import_test_ok",
        },
        {
            trigger: ".modal .o_field_widget[name=create_count]:contains(2)",
        },
        {
            content: "Import",
            trigger: ".modal footer button.btn-primary[name=action_import]",
            run: "click",
        },
        {
            content: "The import created two customers",
            trigger: ".modal .o_import_done",
        },
        {
            trigger: ".modal .o_field_widget[name=created_count]:contains(2)",
        },
        {
            content: "Open the imported customers",
            trigger: ".modal footer button[name=action_open_records]",
            run: "click",
        },
        {
            content: "Both customers are listed",
            trigger: ".o_list_view .o_data_row:contains(浏览器导入二公司)",
        },
    ],
});

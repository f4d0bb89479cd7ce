import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// Two headers no alias knows; the Python test checks what was written.
const HEADERS = "客户名称*,客户编码,往来单位电邮,对接人手机";
const FIRST = [HEADERS, "映射浏览器一公司,TOURM1,m1@example.cn,13700000001"].join("\n");
const SECOND = [HEADERS, "映射浏览器二公司,TOURM2,m2@example.cn,13700000002"].join("\n");
const ROW = (header) => `.modal .o_import_columns .o_data_row:contains(${header})`;

function upload(content, filename) {
    return [
        {
            content: `Upload ${filename}`,
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const file = new File([content], filename, { type: "text/csv" });
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
            content: "The columns of the file are listed",
            trigger: `${ROW("对接人手机")}`,
        },
    ];
}

// the selection's option values are JSON: "email"
function choose(header, label, key) {
    return [
        {
            content: `Edit the mapping of ${header}`,
            trigger: `${ROW(header)} td[name=column_key]`,
            run: "click",
        },
        {
            content: `Read ${header} as ${label}`,
            trigger: `${ROW(header)} td[name=column_key] select`,
            run: `select "${key}"`,
        },
    ];
}

registry.category("web_tour.tours").add("partner_segment_import_mapping_tour", {
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
        ...upload(FIRST, "tour_mapping_1.csv"),
        {
            content: "The unknown columns are not imported",
            trigger: ".modal .o_field_widget[name=unknown_columns]:contains(往来单位电邮)",
        },
        ...choose("往来单位电邮", "Email", "email"),
        ...choose("对接人手机", "Mobile", "mobile"),
        {
            content: "Import with the columns mapped by hand",
            trigger: ".modal footer button.btn-primary[name=action_import]",
            run: "click",
        },
        {
            content: "The import is done",
            trigger: ".modal .o_import_done",
        },
        {
            content: "Start a new import",
            trigger: ".modal footer button[name=action_reset]",
            run: "click",
        },
        ...upload(SECOND, "tour_mapping_2.csv"),
        {
            content: "The same headers map themselves",
            trigger: `${ROW("往来单位电邮")} td[name=column_key]:contains(Email)`,
        },
        {
            trigger: `${ROW("对接人手机")} td[name=column_key]:contains(Mobile)`,
        },
        {
            content: "Import the second file",
            trigger: ".modal footer button.btn-primary[name=action_import]",
            run: "click",
        },
        {
            content: "The second import is done",
            trigger: ".modal .o_import_done",
        },
    ],
});

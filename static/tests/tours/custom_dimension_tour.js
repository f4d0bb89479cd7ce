import { registry } from "@web/core/registry";

// A manager defines 交易金额分级 by average invoice amount with two classes,
// previews it, reclassifies a customer and groups the customers by it.
registry.category("web_tour.tours").add("partner_segment_custom_dimension_tour", {
    steps: () => [
        {
            content: "New dimension",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit 巡检金额分级",
        },
        {
            trigger: ".o_field_widget[name=code] input",
            run: "edit tour_amount",
        },
        {
            content: "Band the average invoice amount",
            trigger: ".o_field_widget[name=measure] select",
            run: "selectByLabel Average invoice amount",
        },
        {
            content: "First class",
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=name] input",
            run: "edit 大额",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=code] input",
            run: "edit big",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=lower_bound] input",
            run: "edit 1000",
        },
        {
            content: "Second class",
            trigger: ".o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: ".o_data_row:nth-child(2).o_selected_row .o_field_widget[name=name] input",
            run: "edit 小额",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=code] input",
            run: "edit small",
        },
        {
            trigger: ".o_selected_row .o_field_widget[name=lower_bound] input",
            run: "edit 0",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Preview",
            trigger: "button[name=action_preview]",
            // the save made the customer fields: the registry is set up again,
            // which takes over 10 s on a loaded machine
            timeout: 60000,
            run: "click",
        },
        {
            content: "The preview counts the customer in 大额",
            timeout: 60000,
            trigger: ".o_notification:contains(大额: 1)",
        },
        {
            content: "Open the customers grouped by the dimension",
            trigger: "button[name=action_open_customers]",
            run: "click",
        },
        {
            content: "Nobody is classified yet",
            trigger: ".o_group_header:contains(None)",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(巡检客户) .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Reclassify the customer (Actions, not Print)",
            trigger: ".o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains(Reclassify)",
            run: "click",
        },
        {
            content: "The customer is in 大额 now",
            timeout: 60000,
            trigger: ".o_group_header:contains(大额)",
        },
    ],
});

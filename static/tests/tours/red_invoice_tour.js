import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_segment_red_invoice_tour", {
    steps: () => [
        {
            content: "Open the red invoice entry from the posted invoice",
            trigger: ".o_form_view button[name='action_open_red_invoice_wizard']",
            run: "click",
        },
        {
            content: "Choose the reason: sales return",
            trigger: ".modal div[name='red_reason'] select",
            run: "selectByLabel Sales Return",
        },
        {
            content: "Enter the state the platform gives the form: none needed",
            trigger: ".modal div[name='red_form_state'] select",
            run: "selectByLabel 01 No Confirmation Needed",
        },
        {
            content: "Choose a partial reversal",
            trigger: ".modal div[name='reversal_mode'] input[data-value='partial']",
            run: "click",
        },
        {
            content: "Edit the quantity of the first line",
            trigger: ".modal div[name='line_ids'] .o_data_row:first-child td[name='quantity']",
            run: "click",
        },
        {
            content: "Reverse 2 units",
            trigger: ".modal div[name='line_ids'] .o_data_row:first-child td[name='quantity'] input",
            run: "edit 2",
        },
        {
            content: "The amount follows the quantity",
            trigger: ".modal div[name='line_ids'] .o_data_row:first-child td[name='remaining_amount']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The red invoice shows its remark",
            trigger: ".o_form_view div[name='red_invoice_banner']:contains('被红冲蓝字数电票号码：00000000000000000042')",
        },
        {
            content: "and its confirmation form state",
            trigger: ".o_form_view div[name='red_invoice_banner'] div[name='red_form_state']:contains('01')",
        },
        {
            content: "It is posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});

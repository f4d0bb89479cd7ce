import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_segment_credit_block_tour", {
    steps: () => [
        {
            content: "The form warns before posting",
            trigger: ".o_form_view div[name='segment_credit_warning']:contains('Posting refused')",
        },
        {
            content: "Confirm the invoice of a blocked customer",
            trigger: ".o_form_view .o_form_statusbar button[name='action_post']",
            run: "click",
        },
        {
            content: "Posting is refused, naming the customer and the limit",
            trigger: ".modal:contains('Posting refused'):contains('丙级巡检有限公司'):contains('1,000.00')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The invoice is still a draft",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
    ],
});

registry.category("web_tour.tours").add("partner_segment_credit_request_tour", {
    steps: () => [
        {
            content: "The form says an approval is needed",
            trigger: ".o_form_view div[name='segment_credit_warning']:contains('must approve')",
        },
        {
            content: "Confirm the invoice: an approval is requested",
            trigger: ".o_form_view .o_form_statusbar button[name='action_post']",
            run: "click",
        },
        {
            content: "The clerk is told",
            trigger: ".o_notification:contains('Credit approval requested')",
        },
        {
            content: "The invoice shows its request",
            trigger: ".o_form_view button[name='action_open_segment_credit_approvals']:contains('1')",
        },
    ],
});

registry.category("web_tour.tours").add("partner_segment_credit_approve_tour", {
    steps: () => [
        {
            content: "A credit controller approves the request",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_decide']:contains('Approve')",
            run: "click",
        },
        {
            content: "with a reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit 老客户，月底前回款",
        },
        {
            content: "Confirm the decision",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The request is approved",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
    ],
});

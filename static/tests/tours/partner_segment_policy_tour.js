import { registry } from "@web/core/registry";

// A manager proposes what the credit-grade policies would set and applies the
// new credit limits from the proposals list.
registry.category("web_tour.tours").add("partner_segment_policy_tour", {
    steps: () => [
        {
            content: "The policies list",
            trigger: ".o_list_view .o_data_row:contains('Tour grade AA')",
        },
        {
            content: "Propose",
            trigger: ".o_list_view .o_control_panel button[name=action_propose]",
            run: "click",
        },
        {
            content: "The proposal for the customer, its limit from the policy",
            trigger: ".o_data_row:contains('政策巡检客户'):contains('Tour grade AA')",
        },
        {
            content: "Select all proposals",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Apply",
            trigger: ".o_control_panel button[name=action_apply]",
            run: "click",
        },
        {
            content: "Applied",
            trigger: ".o_notification:contains('proposals applied')",
        },
        {
            content: "Nothing left to review",
            trigger: ".o_view_nocontent",
        },
    ],
});

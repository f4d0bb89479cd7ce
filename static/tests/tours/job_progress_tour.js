import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_segment_job_progress_tour", {
    steps: () => [
        {
            content: "The job's progress bar shows how far it has come",
            trigger: ".o_field_segment_job_progress .o_progressbar:contains('40')",
        },
        {
            content: "Customers done and in all",
            trigger: ".o_field_widget[name='progress_done']:contains('2')",
        },
    ],
});

import { registry } from "@web/core/registry";

/**
 * Click the bar ``index`` of the first dataset of the chart drawn on ``canvas``:
 * a real click event at the bar's centre, as a mouse would give it.
 */
function clickBar(canvas, index) {
    const chart = window.Chart.getChart(canvas);
    const bar = chart.getDatasetMeta(0).data[index];
    const rect = canvas.getBoundingClientRect();
    const { x, y } = bar.getCenterPoint();
    const options = {
        bubbles: true,
        cancelable: true,
        clientX: rect.left + x,
        clientY: rect.top + y,
    };
    canvas.dispatchEvent(new MouseEvent("mousemove", options));
    canvas.dispatchEvent(new MouseEvent("click", options));
}

// A segment user opens the dashboard, charts the credit grades, clicks the AA
// bar and lands on the list of its six customers.
registry.category("web_tour.tours").add("partner_segment_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard shows the classified customers",
            trigger: ".o_segment_dashboard .o_segment_figure_customers:contains(10)",
        },
        {
            content: "Pick the credit grade",
            trigger: ".o_segment_dashboard_dimension",
            run: "select credit_grade",
        },
        {
            content: "The distribution is redrawn for the credit grade",
            trigger: ".o_segment_dashboard .card-header:contains(Credit Grade)",
        },
        {
            content: "Click the bar of grade AA",
            trigger: "canvas.o_segment_chart_distribution",
            run() {
                clickBar(document.querySelector("canvas.o_segment_chart_distribution"), 1);
            },
        },
        {
            content: "The customer list of grade AA",
            trigger: ".o_list_view .o_data_row",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 6) {
                    throw new Error(`Expected 6 customers of grade AA, got ${rows.length}`);
                }
            },
        },
        {
            trigger: ".o_breadcrumb:contains(AA)",
        },
    ],
});

import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { formatCurrency } from "@web/core/currency";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";

const BLUE = "#3d7ebf";
const GREEN = "#5aa469";
const RED = "#d9534f";
const ORANGE = "#f0ad4e";
const GREY = "#8a8a8a";

/**
 * The segment dashboard (客户分类看板): the distribution of a dimension, the
 * Pareto curve, the 2 x 2 customer groups, the moves per month and the credit
 * exposure, all from one call of partner.segment.dashboard.get_dashboard_data.
 * Every bar, point and cell opens the customers behind it.
 */
export class SegmentDashboard extends Component {
    static template = "partner_segment.SegmentDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const restored = this.props.state || {};
        this.state = useState({
            dimension: restored.dimension || null,
            asOf: restored.asOf || null,
            measure: restored.measure || "customers",
            data: null,
        });
        this.canvases = {
            distribution: useRef("distribution"),
            pareto: useRef("pareto"),
            moves: useRef("moves"),
            exposure: useRef("exposure"),
        };
        this.charts = {};
        useSetupAction({
            getLocalState: () => ({
                dimension: this.state.dimension,
                asOf: this.state.asOf,
                measure: this.state.measure,
            }),
        });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    // ------------------------------------------------------------ data
    async load() {
        const data = await this.orm.call("partner.segment.dashboard", "get_dashboard_data", [
            this.state.dimension,
            this.state.asOf,
        ]);
        this.state.data = data;
        this.state.dimension = data.dimension;
        this.state.asOf = data.as_of;
    }

    async refresh() {
        await this.load();
        this.renderCharts();
    }

    async onDimensionChange(ev) {
        this.state.dimension = ev.target.value;
        await this.refresh();
    }

    async onAsOfChange(ev) {
        if (!ev.target.value) {
            return;
        }
        this.state.asOf = ev.target.value;
        await this.refresh();
    }

    onMeasureChange(measure) {
        this.state.measure = measure;
        this.renderDistribution();
    }

    // ------------------------------------------------------------ formats
    money(amount) {
        return formatCurrency(amount, this.state.data.currency_id);
    }

    percent(share) {
        return `${(share * 100).toFixed(1)} %`;
    }

    get lastRun() {
        const lastRun = this.state.data.figures.last_run;
        return lastRun ? formatDateTime(deserializeDateTime(lastRun)) : "-";
    }

    get measures() {
        return [
            ["customers", _t("Customers")],
            ["revenue", _t("Revenue")],
            ["share", _t("Shares")],
        ];
    }

    get paretoVerdict() {
        const pareto = this.state.data.pareto;
        if (!pareto.customers) {
            return _t("No customer has revenue in the window.");
        }
        return _t("The top %(top)s of customers bring %(share)s of the revenue.", {
            top: "20 %",
            share: `${pareto.top20_share.toFixed(1)} %`,
        });
    }

    get paretoCrossing() {
        const share = this.state.data.pareto.crossing_customer_share;
        if (share === null || share === undefined) {
            return "";
        }
        return _t("%(cut)s of the revenue comes from the top %(share)s of customers.", {
            cut: "80 %",
            share: this.percent(share),
        });
    }

    // ------------------------------------------------------------ opening customers
    async openCustomers(name, domain) {
        if (!domain) {
            return;
        }
        const action = await this.orm.call("partner.segment.dashboard", "action_open_customers", [
            name,
            domain,
        ]);
        await this.action.doAction(action);
    }

    openQuadrant(cell) {
        return this.openCustomers(cell.label, cell.domain);
    }

    // ------------------------------------------------------------ charts
    destroyCharts() {
        for (const chart of Object.values(this.charts)) {
            chart.destroy();
        }
        this.charts = {};
    }

    renderCharts() {
        this.renderDistribution();
        this.renderPareto();
        this.renderMoves();
        this.renderExposure();
    }

    makeChart(name, config) {
        this.charts[name]?.destroy();
        const canvas = this.canvases[name].el;
        if (!canvas) {
            return;
        }
        config.options = {
            maintainAspectRatio: false,
            responsive: true,
            animation: false,
            onHover: (event, elements) => {
                event.native.target.style.cursor = elements.length ? "pointer" : "default";
            },
            ...config.options,
        };
        this.charts[name] = new Chart(canvas, config);
    }

    onChartClick(handler) {
        return (event, elements) => {
            if (elements.length) {
                handler(elements[0].datasetIndex, elements[0].index);
            }
        };
    }

    renderDistribution() {
        const entries = this.state.data.distribution;
        const measure = this.state.measure;
        let datasets;
        if (measure === "share") {
            datasets = [
                {
                    label: _t("Share of customers"),
                    data: entries.map((e) => e.customer_share),
                    backgroundColor: BLUE,
                },
                {
                    label: _t("Share of revenue"),
                    data: entries.map((e) => e.revenue_share),
                    backgroundColor: GREEN,
                },
            ];
        } else if (measure === "revenue") {
            datasets = [
                {
                    label: _t("Window revenue"),
                    data: entries.map((e) => e.revenue),
                    backgroundColor: GREEN,
                },
            ];
        } else {
            datasets = [
                {
                    label: _t("Customers"),
                    data: entries.map((e) => e.customers),
                    backgroundColor: BLUE,
                },
            ];
        }
        const money = (value) => this.money(value);
        this.makeChart("distribution", {
            type: "bar",
            data: { labels: entries.map((e) => e.label), datasets },
            options: {
                onClick: this.onChartClick((_dataset, index) =>
                    this.openCustomers(entries[index].label, entries[index].domain)
                ),
                scales: {
                    y: {
                        beginAtZero: true,
                        ticks:
                            measure === "share"
                                ? { callback: (value) => `${value} %` }
                                : measure === "revenue"
                                ? { callback: money }
                                : { precision: 0 },
                    },
                },
                plugins: {
                    tooltip: {
                        callbacks: {
                            afterBody: (items) => {
                                const entry = entries[items[0].dataIndex];
                                return [
                                    `${_t("Customers")}: ${entry.customers}`,
                                    `${_t("Revenue")}: ${money(entry.revenue)}`,
                                ];
                            },
                        },
                    },
                },
            },
        });
    }

    renderPareto() {
        const pareto = this.state.data.pareto;
        const points = pareto.points;
        const crossing = pareto.crossing_customer_share;
        const datasets = [
            {
                label: _t("Cumulative share of revenue"),
                data: points.map((p) => ({ x: p.customer_share * 100, y: p.revenue_share * 100 })),
                borderColor: BLUE,
                backgroundColor: BLUE,
                showLine: true,
                pointRadius: 3,
            },
            {
                label: _t("%(cut)s of revenue", { cut: "80 %" }),
                data: [
                    { x: 0, y: 80 },
                    { x: 100, y: 80 },
                ],
                borderColor: RED,
                borderDash: [6, 4],
                showLine: true,
                pointRadius: 0,
                pointHitRadius: 0,
            },
        ];
        if (crossing !== null && crossing !== undefined) {
            datasets.push({
                label: _t("Crossing"),
                data: [
                    { x: crossing * 100, y: 0 },
                    { x: crossing * 100, y: 80 },
                ],
                borderColor: ORANGE,
                borderDash: [3, 3],
                showLine: true,
                pointRadius: 0,
                pointHitRadius: 0,
            });
        }
        this.makeChart("pareto", {
            type: "scatter",
            data: { datasets },
            options: {
                onClick: this.onChartClick((dataset, index) => {
                    if (dataset === 0) {
                        const point = points[index];
                        this.openCustomers(
                            _t("Top %(count)s customers by revenue", { count: point.customers }),
                            point.domain
                        );
                    }
                }),
                scales: {
                    x: {
                        min: 0,
                        max: 100,
                        title: { display: true, text: _t("Share of customers (largest first)") },
                        ticks: { callback: (value) => `${value} %` },
                    },
                    y: {
                        min: 0,
                        max: 100,
                        title: { display: true, text: _t("Share of revenue") },
                        ticks: { callback: (value) => `${value} %` },
                    },
                },
                plugins: {
                    legend: { display: false },
                    tooltip: {
                        filter: (item) => item.datasetIndex === 0,
                        callbacks: {
                            label: (item) => {
                                const point = points[item.dataIndex];
                                return _t("%(customers)s customers (%(customer_share)s): %(revenue_share)s of revenue", {
                                    customers: point.customers,
                                    customer_share: this.percent(point.customer_share),
                                    revenue_share: this.percent(point.revenue_share),
                                });
                            },
                        },
                    },
                },
            },
        });
    }

    renderMoves() {
        const moves = this.state.data.moves;
        const series = [
            ["up", _t("Moved up"), GREEN],
            ["down", _t("Moved down"), RED],
            ["moved", _t("Moved"), GREY],
        ].filter(([key]) => moves.some((m) => m[key]) || key !== "moved");
        const dimensionLabel = this.dimensionLabel;
        this.makeChart("moves", {
            type: "bar",
            data: {
                labels: moves.map((m) => m.label),
                datasets: series.map(([key, label, color]) => ({
                    label,
                    key,
                    data: moves.map((m) => m[key]),
                    backgroundColor: color,
                })),
            },
            options: {
                onClick: this.onChartClick((dataset, index) => {
                    const [key, label] = series[dataset];
                    const month = moves[index];
                    this.openCustomers(
                        `${dimensionLabel}: ${label} ${month.label}`,
                        month[`${key}_domain`]
                    );
                }),
                scales: {
                    x: { stacked: true },
                    y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
                },
            },
        });
    }

    renderExposure() {
        const rows = this.state.data.exposure;
        const money = (value) => this.money(value);
        this.makeChart("exposure", {
            type: "bar",
            data: {
                labels: rows.map((r) => r.label),
                datasets: [
                    {
                        label: _t("Open receivable"),
                        data: rows.map((r) => r.open_amount),
                        backgroundColor: BLUE,
                    },
                    {
                        label: _t("Overdue"),
                        data: rows.map((r) => r.overdue_amount),
                        backgroundColor: RED,
                    },
                ],
            },
            options: {
                onClick: this.onChartClick((_dataset, index) =>
                    this.openCustomers(
                        _t("Credit grade %(grade)s", { grade: rows[index].label }),
                        rows[index].domain
                    )
                ),
                scales: { y: { beginAtZero: true, ticks: { callback: money } } },
                plugins: {
                    tooltip: {
                        callbacks: {
                            label: (item) => `${item.dataset.label}: ${money(item.raw)}`,
                            afterBody: (items) =>
                                `${_t("Customers")}: ${rows[items[0].dataIndex].customers}`,
                        },
                    },
                },
            },
        });
    }

    get dimensionLabel() {
        const dimension = this.state.data.dimensions.find((d) => d.key === this.state.dimension);
        return dimension ? dimension.label : "";
    }
}

registry.category("actions").add("partner_segment.dashboard", SegmentDashboard);

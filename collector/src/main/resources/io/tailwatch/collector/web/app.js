// The live page. Every value from the collector reaches the DOM through textContent or a DOM
// property, never as markup: a scraped label value or URL can hold any text.
"use strict";

const POLL_MS = 1000;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
const charts = {};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function replaceChildren(parent, children) {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  children.forEach(c => parent.appendChild(c));
}

function renderTable(state) {
  const title = document.getElementById("table-title");
  title.textContent = state.scenario ? "Table, ranked among the reference rows of " + state.scenario : "Table";
  const headRow = el("tr");
  headRow.appendChild(el("th", null, "name"));
  (state.columns || []).forEach(c => {
    const th = el("th", null, c.header);
    th.dataset.key = c.key;
    headRow.appendChild(th);
  });
  replaceChildren(document.querySelector("#table thead"), [headRow]);
  const rows = (state.rows || []).map(r => {
    const tr = el("tr", r.kind);
    tr.dataset.kind = r.kind;
    tr.appendChild(el("td", "name", r.name));
    if (r.error) {
      const td = el("td", "error", r.error);
      td.colSpan = state.columns.length;
      tr.appendChild(td);
      return tr;
    }
    r.cells.forEach((cell, i) => {
      const td = el("td", null, cell.text);
      td.dataset.key = state.columns[i].key;
      td.dataset.value = cell.text;
      if (cell.rank) td.appendChild(el("span", "rank", cell.rank));
      tr.appendChild(td);
    });
    return tr;
  });
  replaceChildren(document.querySelector("#table tbody"), rows);
}

function renderAlerts(alerts) {
  const rules = alerts.rules || [];
  document.getElementById("alert-rules").textContent =
    rules.length ? "Rules: " + rules.join("; ") : "No rules (add them with --alert or --alerts FILE).";
  replaceChildren(document.getElementById("alerts-active"), (alerts.active || []).map(a => {
    const li = el("li", a.state, a.state.toUpperCase() + ": " + a.rule + " on " + a.target + ", value " + a.value + " since " + a.since);
    li.dataset.rule = a.rule;
    li.dataset.state = a.state;
    return li;
  }));
  replaceChildren(document.getElementById("alerts-events"), (alerts.events || []).map(e =>
    el("li", e.state, e.at + " " + e.state + ": " + e.rule + " on " + e.target + ", value " + e.value)));
}

// One chart per figure; the P99 chart carries each target's GC pause max too, on the same time axis,
// so that a latency spike can be seen next to the pause that caused it.
const CHARTS = [
  {id: "chart-qps", figures: [["qps", ""]]},
  {id: "chart-p99", figures: [["p99", "P99 "], ["gc_pause_max", "GC max "]]},
  {id: "chart-setup", figures: [["conn_setup", ""]]},
  {id: "chart-errors", figures: [["error_rate", ""]]},
];

function renderCharts(history) {
  const targets = history.targets || [];
  const names = targets.map(t => t.name).join("\n");
  CHARTS.forEach(spec => {
    const container = document.getElementById(spec.id);
    const data = [history.t];
    const series = [{}];
    targets.forEach((t, i) => {
      spec.figures.forEach(([key, prefix], j) => {
        data.push(t[key]);
        series.push({label: prefix + t.name, stroke: COLORS[i % COLORS.length], width: 1.5, dash: j > 0 ? [6, 4] : undefined,
                     spanGaps: false});
      });
    });
    let chart = charts[spec.id];
    if (!chart || chart.names !== names) {
      if (chart) chart.plot.destroy();
      replaceChildren(container, [el("h3", null, container.dataset.title)]);
      const plot = new uPlot({
        width: Math.max(400, container.clientWidth || 560), height: 220,
        cursor: {sync: {key: "tailwatch"}},
        scales: {x: {time: true}},
        series: series,
        axes: [{}, {size: 60}],
      }, data, container);
      chart = charts[spec.id] = {plot: plot, names: names};
    } else {
      chart.plot.setData(data);
    }
    // For tests and curious users: how many points and the newest value of the first series.
    container.dataset.points = String(history.t.length);
    const first = data.length > 1 ? data[1][data[1].length - 1] : null;
    container.dataset.last = first === null || first === undefined ? "" : String(first);
  });
}

async function poll() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/api/state", {cache: "no-store"});
    if (!response.ok) throw new Error("HTTP " + response.status);
    const state = await response.json();
    status.className = "";
    status.textContent = (state.updated ? "Updated " + state.updated : "Waiting for the first refresh") +
      " · source " + state.source + " · every " + state.interval_seconds + " s over the last " + state.window_seconds + " s";
    if (state.columns) renderTable(state);
    renderAlerts(state.alerts || {});
    if (state.history && state.history.t.length) renderCharts(state.history);
  } catch (e) {
    status.className = "stale";
    status.textContent = "Cannot reach the collector (" + e.message + "); retrying";
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();

/* Projects and appeals charts, drawn with ECharts from the JSON in
 * <script type="application/json" id="..."> (no inline scripts: CSP).
 *   [data-project-chart]: monthly investment (bars), to date (line), plan to date (dashed).
 *   [data-stack-chart]:   stacked bars, {"labels": [...], "series": [{"name", "values"}]}. */
(function () {
  "use strict";
  function cssVar(name, fallback) {
    var v = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }
  function empty(text, on) {
    return on ? [{ type: "text", left: "center", top: "middle",
      style: { text: text || "—", fill: "#646a73", fontSize: 16 } }] : [];
  }
  function investment(data) {
    var L = data.labels || {};
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: data.periods },
      yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
      series: [
        { name: L.monthly, type: "bar", data: data.monthly, itemStyle: { color: "#8fb8e8" } },
        { name: L.cumulative, type: "line", yAxisIndex: 1, data: data.cumulative,
          itemStyle: { color: cssVar("--chart-1", "#c8161d") } },
        { name: L.plan, type: "line", yAxisIndex: 1, data: data.plan, showSymbol: false,
          lineStyle: { type: "dashed" }, itemStyle: { color: "#646a73" } }
      ],
      graphic: empty(L.empty, !data.periods || data.periods.length === 0)
    };
  }
  var palette = ["#1e9e4a", "#e0a100", "#8fb8e8", "#d7263d", "#5b2a9e"];
  function stacked(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: (data.series || []).map(function (s, i) {
        return { name: s.name, type: "bar", stack: "all", data: s.values,
                 itemStyle: { color: palette[i % palette.length] } };
      }),
      graphic: empty(data.empty, !data.labels || data.labels.length === 0)
    };
  }
  var builders = { "data-project-chart": investment, "data-stack-chart": stacked };
  function draw() {
    if (!window.echarts) { return; }
    Object.keys(builders).forEach(function (attr) {
      document.querySelectorAll("[" + attr + "]").forEach(function (el) {
        var source = document.getElementById(el.getAttribute("data-chart-data"));
        if (!source) { return; }
        var data;
        try { data = JSON.parse(source.textContent); } catch (e) { return; }
        var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
        chart.setOption(builders[attr](data), true);
        el.setAttribute("data-chart-ready", "1");
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-project-chart], [data-stack-chart]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();

/* Smart-manufacturing charts (ECharts) and the print button. No inline scripts (CSP).
 *
 * <div data-smart-chart="radar|history|levels" data-chart-data="ID"></div> plus
 * <script type="application/json" id="ID">…</script>:
 *   radar:   {"indicators": [{"name": "数字化基础", "max": 50}, …], "values": [23.8, …], "name": "…"}
 *   history: {"dates": ["2021-05-01", …], "totals": [31.5, …], "levels": ["一级", …],
 *             "bands": [20, 40, 60, 80], "name": "…"}
 *   levels:  {"labels": ["链A", …], "series": [{"name": "一级", "data": [3, …]}, …],
 *             "empty_text": "…"}
 */
(function () {
  "use strict";

  var charts = [];
  var palette = ["#b9bec6", "#f2b134", "#4f9dd9", "#1e9e4a", "#c8161d"];

  function css(name, fallback) {
    var v = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function radar(data) {
    return {
      animation: false,
      color: [css("--chart-1", "#c8161d")],
      tooltip: {},
      radar: { indicator: data.indicators, radius: "65%", axisName: { color: css("--text", "#1f2329") } },
      series: [{ type: "radar", name: data.name || "", areaStyle: { opacity: 0.2 },
                 data: [{ value: data.values, name: data.name || "" }] }]
    };
  }

  function history(data) {
    var marks = (data.bands || []).map(function (y) { return { yAxis: y }; });
    return {
      animation: false,
      color: [css("--chart-1", "#c8161d")],
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var i = items[0].dataIndex;
          return data.dates[i] + "<br>" + data.totals[i] + " · " + (data.levels[i] || "");
        }
      },
      grid: { left: 40, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.dates },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{
        type: "line", name: data.name || "", data: data.totals, symbolSize: 8,
        label: { show: true, formatter: function (p) { return data.levels[p.dataIndex] || ""; } },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#b9bec6" },
                    data: marks, label: { show: false } }
      }]
    };
  }

  function levels(data) {
    var empty = !data.labels || data.labels.length === 0;
    var labels = (data.labels || []).slice().reverse();
    return {
      animation: false,
      color: palette,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 20, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, axisLabel: { width: 160, overflow: "truncate" } },
      series: (data.series || []).map(function (s) {
        return { name: s.name, type: "bar", stack: "levels", data: s.data.slice().reverse(),
                 barMaxWidth: 22 };
      }),
      graphic: empty ? [{ type: "text", left: "center", top: "middle",
                          style: { text: data.empty_text || "—", fill: "#646a73" } }] : []
    };
  }

  var builders = { radar: radar, history: history, levels: levels };

  function drawAll() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-smart-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-smart-chart")];
      var source = document.getElementById(el.getAttribute("data-chart-data"));
      if (!build || !source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data));
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(drawAll, 150);
  });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    /* "无" (none) and the other options of a multiple-choice item exclude each other. */
    document.querySelectorAll("[data-exclusive-group]").forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        var group = box.getAttribute("data-exclusive-group");
        var isNone = box.getAttribute("data-exclusive") === "1";
        document.querySelectorAll('[data-exclusive-group="' + group + '"]').forEach(function (o) {
          if (o !== box && (isNone || o.getAttribute("data-exclusive") === "1")) { o.checked = false; }
        });
      });
    });
  });
})();

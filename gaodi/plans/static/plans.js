/* Plans pages: the target chart (actual vs 序时进度, forecast fan), drawn with ECharts from the
 * JSON in <script type="application/json" id="..."> (no inline scripts: CSP). */
(function () {
  "use strict";
  function cssVar(name, fallback) {
    var v = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }
  function targetChart(data) {
    var periods = data.series.map(function (p) { return p.period; });
    var fan = data.fan || [];
    fan.forEach(function (f) { if (periods.indexOf(f.period) < 0) { periods.push(f.period); } });
    periods.sort();
    function at(list, key) {
      var map = {};
      list.forEach(function (p) { map[p.period] = p[key]; });
      return periods.map(function (p) { return map[p] === undefined ? null : map[p]; });
    }
    var lower = at(fan, "lower");
    var upper = at(fan, "upper");
    var band = upper.map(function (u, i) { return (u === null || lower[i] === null) ? null : u - lower[i]; });
    var L = data.labels;
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      // the band's invisible lower edge is a helper series: keep it out of the legend
      // and a forecast without an interval (an exact fit) claims no band
      legend: { top: 0, data: band.some(function (b) { return b !== null && b > 0; })
        ? [L.actual, L.expected, L.band, L.forecast] : [L.actual, L.expected, L.forecast] },
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: periods, boundaryGap: false },
      yAxis: { type: "value", scale: true },
      series: [
        { name: L.actual, type: "line", data: at(data.series, "actual"), connectNulls: false,
          itemStyle: { color: cssVar("--chart-1", "#c8161d") }, symbolSize: 6 },
        { name: L.expected, type: "line", data: at(data.series, "expected"), showSymbol: false,
          lineStyle: { type: "dashed" }, itemStyle: { color: "#646a73" },
          markLine: { silent: true, symbol: "none", data: [{ yAxis: data.target, name: L.target }],
                      lineStyle: { color: "#1e9e4a" }, label: { formatter: L.target } } },
        { name: "_lower", type: "line", data: lower, stack: "fan", showSymbol: false,
          lineStyle: { opacity: 0 }, tooltip: { show: false }, connectNulls: true },
        { name: L.band, type: "line", data: band, stack: "fan", showSymbol: false,
          lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(200,22,29,0.15)" }, connectNulls: true },
        { name: L.forecast, type: "line", data: at(fan, "point"), connectNulls: true,
          lineStyle: { type: "dotted" }, itemStyle: { color: cssVar("--chart-1", "#c8161d") } }
      ]
    };
  }
  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-plan-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart-data"));
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(targetChart(data), true);
      el.setAttribute("data-chart-ready", "1");
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-plan-chart]").forEach(function (el) {
      var c = window.echarts && window.echarts.getInstanceByDom(el);
      if (c) { c.resize(); }
    });
  });
})();

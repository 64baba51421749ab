/* An enterprise's yearly figures as an ECharts line chart (revenue, output, tax, stored in 万元).
 *
 * Markup: <div data-figures-chart="ID" data-unit="万元 | 10k yuan"> (the unit in the page's
 * words, from the unit table) plus <script type="application/json" id="ID">
 * {"years": [...], "revenue": [...], "output": [...], "tax": [...], "labels": [3 names]}.
 * Served by gaodi.enterprises.views (no inline script: the CSP forbids it).
 */
(function () {
  "use strict";
  var charts = [];

  function draw() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-figures-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figures-chart"));
      if (!source) { return; }
      var d;
      try { d = JSON.parse(source.textContent); } catch (e) { return; }
      var base = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
      var colours = ["#c8161d", "#1d5fa8", "#1a7f37"];
      var keys = ["revenue", "output", "tax"];
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0, textStyle: { fontSize: base * 0.8 } },
        grid: { left: base, right: base * 2, top: base * 2.2, bottom: base, containLabel: true },
        xAxis: { type: "category", data: (d.years || []).map(String) },
        yAxis: { type: "value", name: el.getAttribute("data-unit") || "", axisLabel: { fontSize: base * 0.75 } },
        series: keys.map(function (k, i) {
          return {
            name: (d.labels || keys)[i], type: "line", data: d[k] || [], connectNulls: false,
            itemStyle: { color: colours[i] }, lineStyle: { color: colours[i] }, symbolSize: base * 0.4
          };
        })
      });
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () { window.setTimeout(draw, 150); });
  document.addEventListener("DOMContentLoaded", draw);
})();

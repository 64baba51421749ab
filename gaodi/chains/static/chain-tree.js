/* The chain map: an ECharts tree (chain -> segment -> link -> sub-link) coloured by link status.
 *
 * Markup: <div data-chain-tree="ID"> plus <script type="application/json" id="ID"> holding the
 * tree (nodes with name, kind, status_label, reason, url, colour, children). Hovering a link
 * shows the reason of its status; clicking it opens the link page. Served by gaodi.chains.views
 * (no inline script: the Content-Security-Policy forbids it).
 */
(function () {
  "use strict";

  var charts = [];

  function rem() {
    return parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function toData(node) {
    var out = {
      name: node.name,
      value: node.enterprises,
      kind: node.kind,
      url: node.url || null,
      reason: node.reason || "",
      statusLabel: node.status_label || "",
      itemStyle: { color: node.colour, borderColor: node.colour },
      label: { fontWeight: node.kind === "link" ? "normal" : "bold" },
      children: (node.children || []).map(toData)
    };
    if (node.kind !== "link") { out.symbolSize = rem() * 0.9; }
    return out;
  }

  function option(data) {
    var base = rem();
    return {
      animation: false,
      tooltip: {
        trigger: "item",
        confine: true,
        extraCssText: "max-width: 32rem; white-space: normal;",
        formatter: function (p) {
          var d = p.data || {};
          if (d.kind !== "link") { return escapeHtml(d.name); }
          return "<strong>" + escapeHtml(d.name) + "</strong> · " + escapeHtml(d.statusLabel) +
            "<br>" + escapeHtml(d.reason);
        }
      },
      series: [{
        type: "tree",
        data: [toData(data)],
        orient: "LR",
        top: base, bottom: base, left: base * 7, right: base * 14,
        symbol: "circle",
        symbolSize: base * 0.75,
        initialTreeDepth: -1,
        expandAndCollapse: false,
        roam: false,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: base * 0.85 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
        lineStyle: { color: "#c9ced6", width: 1.2, curveness: 0.5 },
        emphasis: { focus: "descendant" }
      }]
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-chain-tree]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chain-tree"));
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(data));
      chart.on("click", function (p) {
        if (p.data && p.data.url) { window.location.href = p.data.url; }
      });
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  /* Where a node is drawn, in page pixels (for tests and keyboard helpers). */
  function nodePosition(name) {
    for (var i = 0; i < charts.length; i++) {
      var chart = charts[i];
      var series = chart.getModel().getSeriesByIndex(0);
      var data = series.getData();
      for (var k = 0; k < data.count(); k++) {
        if (data.getName(k) === name) {
          var layout = data.getItemLayout(k);
          var origin = series.layoutInfo || { x: 0, y: 0 };  // the series box inside the chart
          var box = chart.getDom().getBoundingClientRect();
          return {
            x: box.left + window.scrollX + origin.x + layout.x,
            y: box.top + window.scrollY + origin.y + layout.y
          };
        }
      }
    }
    return null;
  }

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(draw, 150);
  });
  document.addEventListener("DOMContentLoaded", draw);
  window.gaodiChainTree = { draw: draw, nodePosition: nodePosition };
})();

/* Regions charts (ECharts): bubble (LQ vs growth, bubble = size), scatter (opportunities:
 * feasibility vs attractiveness), quadrant (ECI vs COI, the strategic approach) and a
 * horizontal ranking bar (ECI).
 *
 * Markup: <div class="region-chart" data-region-chart="ID"> plus
 * <script type="application/json" id="ID">{"kind": ..., "title": ..., "subtitle": ...,
 * "x_name": ..., "y_name": ..., "points": [{"name", "x", "y", "size", "highlight"}], ...}
 * </script>. The subtitle says 示例数据 when the dataset is the demo. No inline scripts: the
 * Content-Security-Policy forbids them. Served by gaodi.regions.views.
 */
(function () {
  "use strict";

  var charts = [];
  var ACCENT = "#c8161d";
  var MUTED = "#8f959e";
  var BLUE = "#2f6fbd";

  function rem() {
    return parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
  }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return "—"; }
    return Number(v).toFixed(digits === undefined ? 2 : digits);
  }

  function titleBlock(data, base) {
    return {
      text: data.title || "",
      subtext: data.subtitle || "",
      left: "center",
      textStyle: { fontSize: base * 1.0, fontWeight: "bold" },
      subtextStyle: { color: ACCENT, fontSize: base * 0.8 }
    };
  }

  function emptyGraphic(data, base) {
    return (data.points || data.values || []).length ? [] : [{
      type: "text", left: "center", top: "middle",
      style: { text: data.empty_text || "—", fill: MUTED, fontSize: base * 1.1 }
    }];
  }

  function markLines(data) {
    var lines = [];
    if (data.x_line !== null && data.x_line !== undefined) { lines.push({ xAxis: data.x_line }); }
    if (data.y_line !== null && data.y_line !== undefined) { lines.push({ yAxis: data.y_line }); }
    return lines.length ? {
      silent: true, symbol: "none", label: { show: false },
      lineStyle: { color: MUTED, type: "dashed" }, data: lines
    } : undefined;
  }

  function points(data, sizeOf) {
    return (data.points || []).map(function (p) {
      return {
        name: p.name,
        value: [p.x, p.y, p.size === undefined ? null : p.size],
        extra: p,
        symbolSize: sizeOf(p),
        itemStyle: {
          color: p.highlight ? ACCENT : (p.colour || BLUE),
          opacity: p.highlight ? 0.95 : 0.6,
          borderColor: p.highlight ? "#7a0d12" : "#ffffff"
        },
        label: { show: !!p.label, formatter: p.label || "", position: "top", fontSize: rem() * 0.7 }
      };
    });
  }

  function scatterOption(data) {
    var base = rem();
    var sizes = (data.points || []).map(function (p) { return p.size || 0; });
    var maxSize = Math.max.apply(null, sizes.concat([1e-12]));
    var sizeOf = data.kind === "bubble" ?
      function (p) { return base * 0.6 + base * 2.6 * Math.sqrt(Math.max(p.size || 0, 0) / maxSize); } :
      function (p) { return p.highlight ? base * 1.0 : base * 0.65; };
    return {
      animation: false,
      title: titleBlock(data, base),
      grid: { left: base * 3.5, right: base * 2, top: base * 4, bottom: base * 3.2, containLabel: true },
      tooltip: {
        trigger: "item", confine: true,
        formatter: function (p) {
          var e = (p.data && p.data.extra) || {};
          var rows = ["<strong>" + esc(e.name) + "</strong>"];
          rows.push(esc(data.x_name) + ": " + fmt(e.x, data.x_digits));
          rows.push(esc(data.y_name) + ": " + fmt(e.y, data.y_digits));
          if (data.size_name && e.size !== undefined && e.size !== null) {
            rows.push(esc(data.size_name) + ": " + fmt(e.size, 1));
          }
          if (e.note) { rows.push(esc(e.note)); }
          return rows.join("<br>");
        }
      },
      xAxis: {
        type: "value", name: data.x_name || "", nameLocation: "middle", nameGap: base * 1.8,
        scale: true, splitLine: { lineStyle: { color: "#eef0f3" } }
      },
      yAxis: {
        type: "value", name: data.y_name || "", nameLocation: "middle", nameGap: base * 2.8,
        scale: true, splitLine: { lineStyle: { color: "#eef0f3" } }
      },
      series: [{
        type: "scatter",
        data: points(data, sizeOf),
        markLine: markLines(data),
        emphasis: { focus: "self" }
      }],
      graphic: emptyGraphic(data, base)
    };
  }

  function barOption(data) {
    var base = rem();
    var labels = (data.labels || []).slice().reverse();
    var values = (data.values || []).slice().reverse();
    var marks = (data.highlights || []).slice().reverse();
    return {
      animation: false,
      title: titleBlock(data, base),
      grid: { left: 8, right: base * 3, top: base * 4, bottom: base * 1.5, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", splitLine: { lineStyle: { color: "#eef0f3" } } },
      yAxis: {
        type: "category", data: labels, axisTick: { show: false },
        axisLabel: { fontSize: base * 0.75, width: base * 8, overflow: "truncate" }
      },
      series: [{
        type: "bar", name: data.series_name || "",
        data: values.map(function (v, i) {
          return { value: v, itemStyle: { color: marks[i] ? ACCENT : BLUE } };
        }),
        barMaxWidth: base * 1.1,
        label: {
          show: true, position: "right", fontSize: base * 0.7,
          formatter: function (p) { return fmt(p.value, 2); }
        }
      }],
      graphic: emptyGraphic(data, base)
    };
  }

  function build(data) {
    if (data.kind === "bar") { return barOption(data); }
    return scatterOption(data);
  }

  function draw() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-region-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-region-chart"));
      if (!source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data));
      chart.on("click", function (p) {
        var url = p.data && p.data.extra && p.data.extra.url;
        if (url) { window.location.href = url; }
      });
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(draw, 150);
  });
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  window.gaodiRegions = { draw: draw };
})();

/* The leader's overview (总览) and the wall screen (大屏): charts declared in the markup.
 *
 * <div data-cockpit-chart="KIND" ...> where KIND is
 *   spark    data-values='[..]' data-labels='[..]'  a small trend line (nulls are gaps);
 *   ranking  data-source="ID"  {"labels": [], "values": [], "series_name": "", "unit": ""};
 *   gauge    data-value="0.42" data-name="..."      share of a plan completed (0..1);
 *   bars     data-source="ID"  {"labels": [], "series": [{"name": "", "values": []}, ...]}.
 * A wall screen's <body data-refresh-seconds="N"> reloads itself every N seconds and shows the
 * time left in [data-refresh-left]. No inline scripts: the Content-Security-Policy forbids them.
 */
(function () {
  "use strict";

  var charts = [];
  var dark = document.documentElement.classList.contains("screen");

  function css(name, fallback) {
    var v = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function json(text, fallback) {
    try { return JSON.parse(text); } catch (e) { return fallback; }
  }

  function source(el) {
    var node = document.getElementById(el.getAttribute("data-source") || "");
    return node ? json(node.textContent, {}) : {};
  }

  function fontSize() {
    return parseFloat(window.getComputedStyle(el0()).fontSize) || 16;
  }

  function el0() { return document.documentElement; }

  function spark(el) {
    var values = json(el.getAttribute("data-values"), []);
    var labels = json(el.getAttribute("data-labels"), []).map(String);
    var colour = css("--ck-line", "#c8161d");
    return {
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      tooltip: { trigger: "axis", confine: true, textStyle: { fontSize: fontSize() * 0.8 } },
      xAxis: { type: "category", data: labels, show: false, boundaryGap: false },
      yAxis: { type: "value", show: false, scale: true },
      series: [{
        name: el.getAttribute("data-name") || "", type: "line", data: values,
        showSymbol: false, connectNulls: false, smooth: false,
        lineStyle: { width: 2, color: colour },
        areaStyle: { color: colour, opacity: 0.08 }
      }]
    };
  }

  function ranking(el) {
    var d = source(el);
    var base = fontSize();
    var text = css("--ck-text", "#1f2329");
    var muted = css("--ck-muted", "#646a73");
    var empty = !d.values || d.values.length === 0;
    return {
      animation: false,
      textStyle: { color: text, fontSize: base * 0.85 },
      grid: { left: 8, right: base * 4, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", show: false },
      yAxis: {
        type: "category", inverse: true, data: (d.labels || []).map(String),
        axisLabel: { color: text, fontSize: base * 0.85 }, axisTick: { show: false },
        axisLine: { show: false }
      },
      series: [{
        name: d.series_name || "", type: "bar", data: d.values || [], barMaxWidth: base * 1.1,
        itemStyle: { color: css("--ck-accent", "#c8161d"), borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: text, fontSize: base * 0.8 }
      }],
      graphic: empty ? [{ type: "text", left: "center", top: "middle",
        style: { text: d.empty_text || "—", fill: muted, fontSize: base } }] : []
    };
  }

  function gauge(el) {
    var base = fontSize();
    var share = parseFloat(el.getAttribute("data-value"));
    var text = css("--ck-text", "#1f2329");
    return {
      animation: false,
      series: [{
        name: el.getAttribute("data-name") || "", type: "gauge", min: 0, max: 100,
        radius: "95%", center: ["50%", "60%"], startAngle: 200, endAngle: -20,
        progress: { show: true, width: base * 0.9, itemStyle: { color: css("--ck-accent", "#c8161d") } },
        axisLine: { lineStyle: { width: base * 0.9, color: [[1, css("--ck-track", "#e3e6eb")]] } },
        axisTick: { show: false }, splitLine: { show: false },
        axisLabel: { show: false },
        pointer: { show: false },
        detail: { valueAnimation: false, formatter: "{value}%", color: text, fontSize: base * 2,
          offsetCenter: [0, "5%"] },
        title: { color: css("--ck-muted", "#646a73"), fontSize: base * 0.8, offsetCenter: [0, "45%"] },
        data: [{ value: isFinite(share) ? Math.round(share * 1000) / 10 : 0,
          name: el.getAttribute("data-caption") || "" }]
      }]
    };
  }

  function bars(el) {
    var d = source(el);
    var base = fontSize();
    var text = css("--ck-text", "#1f2329");
    var palette = [css("--ck-track-strong", "#9aa3ae"), css("--ck-accent", "#c8161d")];
    return {
      animation: false,
      textStyle: { color: text, fontSize: base * 0.8 },
      legend: { top: 0, textStyle: { color: text, fontSize: base * 0.8 } },
      grid: { left: 8, right: 8, top: base * 2, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: (d.labels || []).map(String),
        axisLabel: { color: text, fontSize: base * 0.75, interval: 0, rotate: 30, width: base * 6,
          overflow: "truncate" } },
      yAxis: { type: "value", axisLabel: { color: css("--ck-muted", "#646a73"), fontSize: base * 0.7 },
        splitLine: { lineStyle: { color: css("--ck-grid", "#e3e6eb") } } },
      series: (d.series || []).map(function (s, i) {
        return { name: s.name, type: "bar", data: s.values, barMaxWidth: base * 1.2,
          itemStyle: { color: palette[i % palette.length] } };
      })
    };
  }

  var builders = { spark: spark, ranking: ranking, gauge: gauge, bars: bars };

  function drawAll() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-cockpit-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-cockpit-chart")];
      if (!build) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(el));
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  function startRefresh() {
    var seconds = parseInt(document.body.getAttribute("data-refresh-seconds") || "", 10);
    if (!(seconds > 0)) { return; }
    var due = Date.now() + seconds * 1000;
    var left = document.querySelector("[data-refresh-left]");
    function tick() {
      var s = Math.max(0, Math.round((due - Date.now()) / 1000));
      if (left) { left.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0"); }
      if (s <= 0) { window.location.reload(); return; }
      window.setTimeout(tick, 1000);
    }
    window.gaodiRefreshDue = due;
    tick();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(drawAll, 150);
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    startRefresh();
  });
  window.gaodiCockpit = { draw: drawAll, dark: dark };
})();

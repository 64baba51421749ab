/* Gaodi's page behaviour: big-screen toggle and ECharts charts declared in the markup.
 *
 * A chart is <div data-chart="bar-horizontal" data-chart-data="ID"> plus
 * <script type="application/json" id="ID">{"labels": [...], "values": [...], "series_name": "...",
 * "empty_text": "..."}</script>. No inline scripts: the Content-Security-Policy forbids them.
 */
(function () {
  "use strict";

  var charts = [];

  function rem() {
    return parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
  }

  function cssVar(name, fallback) {
    var v = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (v && v.trim()) || fallback;
  }

  function barHorizontal(el, data) {
    var base = rem();
    var empty = !data.values || data.values.length === 0;
    var labels = (data.labels || []).slice().reverse();
    var values = (data.values || []).slice().reverse();
    var accent = cssVar("--chart-1", "#c8161d");
    var text = cssVar("--text", "#1f2329");
    var muted = cssVar("--muted", "#646a73");
    var grid = cssVar("--border", "#e3e6eb");
    return {
      animation: false,
      textStyle: { fontFamily: cssVar("--font", "sans-serif"), fontSize: base * 0.85, color: text },
      grid: { left: 8, right: base * 3, top: base * 0.5, bottom: base * 1.5, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: {
        type: "value", minInterval: 1,
        axisLabel: { color: muted, fontSize: base * 0.8 },
        splitLine: { lineStyle: { color: grid } }
      },
      yAxis: {
        type: "category", data: labels,
        axisLabel: { color: text, fontSize: base * 0.85, width: base * 11, overflow: "truncate" },
        axisTick: { show: false }, axisLine: { lineStyle: { color: grid } }
      },
      series: [{
        name: data.series_name || "", type: "bar", data: values, barMaxWidth: base * 1.4,
        itemStyle: { color: accent, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: text, fontSize: base * 0.8 }
      }],
      graphic: empty ? [{
        type: "text", left: "center", top: "middle",
        style: { text: data.empty_text || "—", fill: muted, fontSize: base * 1.1 }
      }] : []
    };
  }

  var builders = { "bar-horizontal": barHorizontal };

  function drawAll() {
    if (!window.echarts) { return; }
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      var source = document.getElementById(el.getAttribute("data-chart-data"));
      if (!build || !source) { return; }
      var data;
      try { data = JSON.parse(source.textContent); } catch (e) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(el, data));
      el.setAttribute("data-chart-ready", "1");
      charts.push(chart);
    });
  }

  function setBigScreen(on) {
    document.documentElement.classList.toggle("bigscreen", on);
    try { window.localStorage.setItem("gaodi.bigscreen", on ? "1" : "0"); } catch (e) { /* ignore */ }
    document.querySelectorAll("[data-bigscreen-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    drawAll();
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(drawAll, 150);
  });

  /* A refused form comes back (422) rendered at the address it was posted to. Show the page's
   * own address instead (a reload, a bookmark or the language switch would otherwise ask for
   * the POST address: 405), and take the user to what went wrong: the error summary, else the
   * first invalid field — the page reloads at its top, often screens above the form. */
  function showRefusedForm() {
    var page = document.body.getAttribute("data-form-refused");
    if (page === null) { return; }
    if (page && page.charAt(0) === "/" && page.charAt(1) !== "/" &&
        page !== window.location.pathname + window.location.search) {
      try { window.history.replaceState(null, "", page); } catch (e) { /* keep the address */ }
    }
    var target = document.querySelector("main .form-summary") ||
      document.querySelector("[aria-invalid='true']");
    if (!target) { return; }
    if (!target.matches("input, select, textarea, button, a[href]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showRefusedForm();
    var on = document.documentElement.classList.contains("bigscreen");
    document.querySelectorAll("[data-bigscreen-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.addEventListener("click", function () {
        setBigScreen(!document.documentElement.classList.contains("bigscreen"));
      });
    });
    drawAll();
  });

  document.addEventListener("htmx:afterSettle", drawAll);
  window.gaodi = { drawCharts: drawAll, setBigScreen: setBigScreen };
})();

/* 产业地图 (industry map), drawn with ECharts from two JSON answers:
 *   /api/v1/map?measure=&year=&chain=   the figures by district and the parks (scoped)
 *   /api/v1/map/geo/<city>              the district boundaries (GeoJSON, GB/T 2260 codes)
 *
 * Markup: <div class="gaodi-map" data-map-src="/api/v1/map?..."></div>. The districts are a
 * `map` series (choropleth, visualMap over the measure), the parks a `scatter` series on the
 * same geo component, coloured by their 亩均 class. A click on a district opens its page
 * (data.url), a click on a park the park's page. No inline scripts (the Content-Security-Policy
 * forbids them); ECharts is loaded here when the page has not loaded it already, so the panel
 * can be included anywhere. Served by gaodi.regions.map_views.
 */
(function () {
  "use strict";

  var ECHARTS = "/static/vendor/echarts/echarts.min.js?v=6.1.0";
  var CLASS_COLOURS = { A: "#1a7f37", B: "#2f6fbd", C: "#d4a017", D: "#c8161d" };
  var NO_CLASS = "#8f959e";
  var charts = [];

  function zh() {
    return (document.documentElement.lang || "zh").indexOf("zh") === 0;
  }

  // A note in brackets after a name: full-width in Chinese, " (…)" in English.
  function bracket(text) {
    return zh() ? "（" + text + "）" : " (" + text + ")";
  }

  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function fmt(v) {
    if (v === null || v === undefined || !isFinite(v)) { return "—"; }
    return Math.abs(v) >= 100 || Math.round(v) === v ? Math.round(v).toLocaleString() : Number(v).toFixed(2);
  }

  function withEcharts(done) {
    if (window.echarts) { done(); return; }
    var existing = document.querySelector("script[data-gaodi-echarts]");
    if (!existing) {
      existing = document.createElement("script");
      existing.src = ECHARTS;
      existing.setAttribute("data-gaodi-echarts", "1");
      document.head.appendChild(existing);
    }
    existing.addEventListener("load", done);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        // an error's body is read too: an unread body keeps the request open in some browsers
        if (!r.ok) { return r.text().then(function () { throw new Error(String(r.status)); }); }
        return r.json();
      });
  }

  function message(el, text) {
    el.innerHTML = "<p class=\"muted gaodi-map-message\" data-testid=\"map-message\">" + esc(text) + "</p>";
  }

  function option(data, mapName, el) {
    var rem = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
    // The title takes the panel's own text colour: dark on the office pages, light on the
    // 大屏's dark wall (ECharts' default dark grey disappeared there).
    var ink = (el && window.getComputedStyle(el).color) || "#1f2329";
    var rgb = (ink.match(/\d+/g) || [0, 0, 0]).map(Number);
    var onDark = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) > 150;
    var unit = data.unit ? bracket(data.unit) : "";
    var sub = [];
    if (data.year) { sub.push((zh() ? "数据年份 " : "Year ") + data.year); }
    if (data.chain) { sub.push((zh() ? "产业链：" : "Chain: ") + data.chain.name); }
    if (data.is_demo) { sub.push(zh() ? "示例数据" : "Demo data"); }
    var parks = data.parks.map(function (p) {
      return {
        name: p.short_name,
        value: [p.lng, p.lat],
        klass: p.klass,
        url: p.url,
        note: p.location_note,
        reason: p.class_reason,
        itemStyle: { color: CLASS_COLOURS[p.klass] || NO_CLASS, borderColor: "#fff", borderWidth: 1 }
      };
    });
    return {
      title: {
        text: data.city_name + " · " + data.label + unit,
        subtext: sub.join(" · "),
        left: "center",
        textStyle: { fontSize: rem, fontWeight: "bold", color: ink },
        subtextStyle: { color: onDark ? "#ff8a80" : "#c8161d", fontSize: rem * 0.8 }
      },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          if (p.seriesType === "scatter") {
            var d = p.data;
            return "<b>" + esc(d.name) + "</b>" +
              esc(bracket(d.klass ? d.klass + (zh() ? " 类" : "") : "—")) + "<br>" +
              esc(d.reason) + "<br><span style=\"color:#8f959e\">" + esc(d.note) + "</span>";
          }
          var v = p.data && p.data.value;
          return "<b>" + esc(p.name) + "</b><br>" + esc(data.label) + (zh() ? "：" : ": ") +
            (v === null || v === undefined ? (zh() ? "无数据" : "no data") : fmt(v) + " " + esc(data.unit));
        }
      },
      visualMap: {
        type: "continuous",
        min: 0,
        max: data.max_value > 0 ? data.max_value : 1,
        seriesIndex: 0,
        left: "2%",
        bottom: "4%",
        calculable: true,
        inRange: { color: ["#fde8e4", "#f3a08f", "#c8161d"] }
      },
      geo: {
        map: mapName,
        roam: false,
        top: rem * 4.5,
        bottom: rem * 1.5,
        left: "14%",
        right: "6%",
        label: { show: true, fontSize: rem * 0.7, color: "#333" },
        itemStyle: { borderColor: "#fff", borderWidth: 1, areaColor: "#eef0f2" },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#f7d774" } }
      },
      series: [
        {
          type: "map",
          name: data.label,
          geoIndex: 0,
          data: data.districts.map(function (d) {
            return { name: d.name, value: d.value, code: d.code, url: d.url };
          })
        },
        {
          type: "scatter",
          name: zh() ? "园区" : "Parks",
          coordinateSystem: "geo",
          symbolSize: rem * 0.9,
          z: 5,
          // names show on hover: at district centres they would cover the district names
          label: { show: false, position: "right", formatter: "{b}", fontSize: rem * 0.7 },
          emphasis: { label: { show: true } },
          data: parks
        }
      ]
    };
  }

  // What the map shows in words (the canvas says nothing to a screen reader): the measure, its
  // unit and year, every district's figure and how many parks are marked.
  function words(data) {
    var z = zh();
    var unit = data.unit ? bracket(data.unit) : "";
    var head = (z ? "产业地图：" : "Industry map: ") + data.city_name + " · " + data.label + unit +
      (data.year ? (z ? "，" + data.year + " 年" : ", " + data.year) : "");
    var districts = data.districts.map(function (d) {
      var v = d.value === null || d.value === undefined ? (z ? "无数据" : "no data") : fmt(d.value);
      return d.name + " " + v;
    });
    var parks = z ? "标注园区 " + data.parks.length + " 个" : data.parks.length + " parks marked";
    return head + (z ? "：" : ": ") + districts.concat([parks]).join(z ? "；" : "; ");
  }

  function draw(el) {
    var src = el.getAttribute("data-map-src") || "/api/v1/map";
    getJSON(src).then(function (data) {
      if (!data.geo_url) {  // no boundaries kept for the city, or no city: the reason
        message(el, (data.notes || []).join(" "));
        el.setAttribute("data-map-ready", "none");
        return null;
      }
      return getJSON(data.geo_url).then(function (geojson) {
        withEcharts(function () {
          var mapName = "gaodi-" + data.city;
          if (!window.echarts.getMap(mapName)) { window.echarts.registerMap(mapName, geojson); }
          var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
          chart.setOption(option(data, mapName, el), true);
          chart.off("click");
          chart.on("click", function (p) {
            if (p.data && p.data.url) { window.location.href = p.data.url; }
          });
          // a page that labels the map itself (/map: 「数据见下表」, its table) keeps its label
          if (!el.hasAttribute("aria-label") || el.hasAttribute("data-map-words")) {
            el.setAttribute("role", "img");
            el.setAttribute("aria-label", words(data));
            el.setAttribute("data-map-words", "1");
          }
          el.setAttribute("data-map-ready", data.has_data ? "1" : "empty");
          el.setAttribute("data-chart-ready", "1");
          charts.push(chart);
        });
      });
    }).catch(function (err) {
      if (err.message === "403") {  // a role without the 区域 pages (an enterprise user)
        message(el, zh() ? "您的角色无权查看产业地图。" : "Your role may not see the industry map.");
      } else {
        message(el, (zh() ? "产业地图无法加载（" : "The industry map could not be loaded (") + err.message + (zh() ? "）。" : ")."));
      }
      el.setAttribute("data-map-ready", "error");
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map-src]"), draw);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

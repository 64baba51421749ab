/* Gaodi's tables: sortable columns, an "导出 Excel" button beside each table, and the "/" key
 * that focuses the global search box. Applied to every <table class="table"> with one header row.
 *
 * Sorting (in the browser) compares numbers as numbers ("1,234", "12.5%", "3.2 万元"), other text
 * with localeCompare(…, "zh-CN") (pinyin order for Chinese), and always puts missing values
 * ("", "—") last, ascending or descending. A cell's data-sort-value, when present, is what is
 * compared. The header cell holds a button (keyboard: Tab, Enter/Space) and aria-sort.
 *
 * A server-paginated table sorts on the server instead: <table data-sort-server="sort"> with
 * <th data-sort-key="revenue"> on the columns the server can sort; clicking reloads the page with
 * ?sort=revenue (or -revenue) and page 1, so the order covers every page and stays in the URL.
 * Another table beside a pager (.pager, .act-pager) sorts only the rows shown, and says so.
 * Opt out with data-sort="off" (table) or data-sort="off" (th); data-export="off" hides the button.
 * The order chosen in the page is kept in the URL (?tsort=<table>.<column>, replaceState), so a
 * reload or a shared link shows it again.
 *
 * The export button links to /export/table/<this page's path>?<its query>&xlsx_table=N: the
 * server renders this page again with the same filters for the signed-in user and writes table N
 * (N counts <table class="table"> in document order), plus &xlsx_order=… when the rows were
 * sorted here (the rows' first positions, in the order shown). No inline script: the page's words come
 * from <script type="application/json" id="gaodi-table-words">.
 */
(function () {
  "use strict";

  var MISSING = { "": 1, "—": 1, "–": 1, "-": 1, "…": 1, "n/a": 1, "N/A": 1 };
  // a number with optional thousands separators, then an optional short unit (%, 万元, 亿元, 天 …)
  var NUMBER = /^([+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(%|[^\d\s]{1,4})?$/;
  var collator = (window.Intl && Intl.Collator) ? new Intl.Collator("zh-CN", { numeric: true }) : null;

  function words() {
    var el = document.getElementById("gaodi-table-words");
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent) || {}; } catch (e) { return {}; }
  }

  function cellText(cell) {
    if (!cell) { return ""; }
    var v = cell.getAttribute("data-sort-value");
    if (v !== null) { return v.trim(); }
    return (cell.textContent || "").replace(/\s+/g, " ").trim();
  }

  /* {missing: true} | {num: 12.5} | {text: "…"} */
  function parse(text) {
    if (MISSING.hasOwnProperty(text)) { return { missing: true }; }
    var m = NUMBER.exec(text);
    if (m) {
      var n = parseFloat(m[1].replace(/,/g, "").replace("−", "-"));
      if (!isNaN(n)) { return { num: m[2] === "%" ? n / 100 : n }; }
    }
    return { text: text };
  }

  function compareText(a, b) {
    return collator ? collator.compare(a, b) : a.localeCompare(b, "zh-CN");
  }

  function headerRow(table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) { return null; }
    return head.rows[0];
  }

  /* A table we can reorder row by row: one header row, no spans in the body. */
  function sortable(table) {
    if (table.getAttribute("data-sort") === "off") { return false; }
    var row = headerRow(table);
    if (!row || !table.tBodies.length || table.tBodies.length > 1) { return false; }
    var width = row.cells.length;
    var rows = table.tBodies[0].rows;
    if (rows.length < 2) { return false; }
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].cells.length !== width) { return false; }
      for (var j = 0; j < rows[i].cells.length; j++) {
        if (rows[i].cells[j].rowSpan > 1 || rows[i].cells[j].colSpan > 1) { return false; }
      }
    }
    return true;
  }

  function sortRows(table, col, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (r, i) { return { row: r, i: i, v: parse(cellText(r.cells[col])) }; });
    var numeric = keyed.every(function (k) { return k.v.missing || k.v.num !== undefined; });
    keyed.sort(function (a, b) {
      if (a.v.missing || b.v.missing) {
        if (a.v.missing && b.v.missing) { return a.i - b.i; }
        return a.v.missing ? 1 : -1; // missing last, whatever the direction
      }
      var c;
      if (numeric) { c = a.v.num - b.v.num; } else {
        c = compareText(a.v.text !== undefined ? a.v.text : String(a.v.num),
                        b.v.text !== undefined ? b.v.text : String(b.v.num));
      }
      if (descending) { c = -c; }
      return c !== 0 ? c : a.i - b.i;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  function setSorted(row, th, state) {
    Array.prototype.forEach.call(row.cells, function (c) {
      if (c.hasAttribute("aria-sort")) { c.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", state);
  }

  function button(th, label, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "th-sort";
    b.title = title;
    while (th.firstChild) { b.appendChild(th.firstChild); }
    b.appendChild(document.createTextNode(label ? " " : ""));
    var mark = document.createElement("span");
    mark.className = "th-sort-mark";
    mark.setAttribute("aria-hidden", "true");
    b.appendChild(mark);
    th.appendChild(b);
    return b;
  }

  /* The server sort reloads the page: the header the user pressed gets focus back (a keyboard
   * user would otherwise start again at the top of the page, ~30 Tab stops away). Only after
   * that press (kept for this tab until the page loads), not on a bookmarked sorted address. */
  var SORT_FOCUS = "gaodi.sortFocus";

  function serverSort(table, row, w) {
    var param = table.getAttribute("data-sort-server") || "sort";
    var url = new URL(window.location.href);
    var current = url.searchParams.get(param) || "";
    var pressed = null;
    try {
      pressed = window.sessionStorage.getItem(SORT_FOCUS);
      window.sessionStorage.removeItem(SORT_FOCUS);
    } catch (e) { /* no storage: no focus to restore */ }
    Array.prototype.forEach.call(row.cells, function (th) {
      var key = th.getAttribute("data-sort-key");
      if (!key) { return; }
      var state = current === key ? "ascending" : (current === "-" + key ? "descending" : "none");
      th.setAttribute("aria-sort", state);
      var b = button(th, true, w.sort_server || "");
      var mark = window.location.pathname + "|" + param + "|" + key;
      if (pressed === mark && state !== "none") { b.focus(); }
      b.addEventListener("click", function () {
        var next = new URL(window.location.href);
        next.searchParams.set(param, state === "ascending" ? "-" + key : key);
        next.searchParams.delete("page");
        try { window.sessionStorage.setItem(SORT_FOCUS, mark); } catch (e) { /* ignore */ }
        window.location.href = next.toString();
      });
    });
  }

  /* The client-side order in the URL (?tsort=<table>.<column>, "-" before the column for
   * descending), so a reload, a bookmark or a shared link shows the same order. */
  var SORT_PARAM = "tsort";

  function remember(index, col, descending) {
    if (!window.history || !window.history.replaceState) { return; }
    var url = new URL(window.location.href);
    url.searchParams.set(SORT_PARAM, index + "." + (descending ? "-" : "") + col);
    window.history.replaceState(window.history.state, "", url.toString());
  }

  function remembered(index) {
    var value = new URL(window.location.href).searchParams.get(SORT_PARAM) || "";
    var m = /^(\d+)\.(-?)(\d+)$/.exec(value);
    if (!m || parseInt(m[1], 10) !== index) { return null; }
    return { col: parseInt(m[3], 10), descending: m[2] === "-" };
  }

  function clientSort(table, row, w, index) {
    var pager = table.closest("section, .card, main");
    // a pager with a link to another page: a one-page list has its (empty) pager too
    var paged = pager && pager.querySelector(".pager a, .act-pager a, [data-pager] a");
    var title = paged ? (w.sort_page || "") : (w.sort || "");
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) { r.setAttribute("data-row", String(i)); });
    Array.prototype.forEach.call(row.cells, function (th, col) {
      if (th.getAttribute("data-sort") === "off" || th.colSpan > 1) { return; }
      th.setAttribute("aria-sort", "none");
      var b = button(th, true, title);
      b.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        sortRows(table, col, descending);
        setSorted(row, th, descending ? "descending" : "ascending");
        remember(index, col, descending);
      });
    });
    var again = remembered(index);
    var th = again && row.cells[again.col];
    if (th && th.hasAttribute("aria-sort")) {
      sortRows(table, again.col, again.descending);
      setSorted(row, th, again.descending ? "descending" : "ascending");
    }
    if (paged && w.sort_page) {
      table.setAttribute("data-sort-scope", "page");
      var note = document.createElement("p");
      note.className = "muted small table-note no-print";
      note.textContent = w.sort_page;
      (table.closest(".table-scroll") || table).insertAdjacentElement("afterend", note);
    }
  }

  /* The export's address, made when clicked: this page's path and query, the table's number
   * and, once the rows were sorted here, their order (as the server first wrote them). */
  function exportHref(table, index) {
    var path = window.location.pathname.replace(/^\/+/, "");
    var params = new URLSearchParams(window.location.search.replace(/^\?/, ""));
    params.delete(SORT_PARAM);
    params.set("xlsx_table", String(index));
    if (table.getAttribute("data-testid")) { params.set("xlsx_testid", table.getAttribute("data-testid")); }
    var body = table.tBodies.length === 1 ? table.tBodies[0] : null;
    if (body && body.rows.length && body.rows.length <= 5000 && body.rows[0].hasAttribute("data-row")) {
      var order = Array.prototype.map.call(body.rows, function (r) { return r.getAttribute("data-row"); });
      var sorted = order.some(function (v, i) { return v !== String(i); });
      if (sorted) { params.set("xlsx_order", order.join(",")); }
    }
    return "/export/table/" + path + "?" + params.toString();
  }

  function exportLink(table, index, w) {
    var a = document.createElement("a");
    a.className = "btn btn-small table-export";
    a.href = exportHref(table, index);
    a.addEventListener("click", function () { a.href = exportHref(table, index); });
    a.textContent = w.export || "Excel";
    a.title = w.export_title || "";
    a.setAttribute("data-testid", "table-export");
    a.setAttribute("download", "");
    var bar = document.createElement("div");
    bar.className = "table-tools no-print";
    bar.appendChild(a);
    return bar;
  }

  function enhance() {
    var w = words();
    var exportable = !/^\/(login|api|export)(\/|$)/.test(window.location.pathname) && w.export;
    document.querySelectorAll("table.table").forEach(function (table, index) {
      if (table.getAttribute("data-tables-ready")) { return; }
      table.setAttribute("data-tables-ready", "1");
      var row = headerRow(table);
      if (exportable && row && table.getAttribute("data-export") !== "off") {
        (table.closest(".table-scroll") || table).insertAdjacentElement("beforebegin", exportLink(table, index, w));
      }
      if (table.hasAttribute("data-sort-server") && row) { serverSort(table, row, w); }
      else if (sortable(table)) { clientSort(table, row, w, index); }
    });
  }

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) { return; }
    var box = document.getElementById("global-search");
    if (!box) { return; }
    ev.preventDefault();
    box.focus();
    box.select();
  });

  /* On paper: the page's title, the city's day the page is as of, and where it came from. */
  function printStamp() {
    var main = document.getElementById("main");
    if (!main || main.querySelector(".print-stamp")) { return; }
    var w = words();
    var stamp = document.createElement("div");
    stamp.className = "print-stamp print-only";
    stamp.setAttribute("data-testid", "print-stamp");
    var parts = [document.title.split(" · ")[0]];
    if (w.as_of) { parts.push(w.as_of); }
    if (w.printed) { parts.push(w.printed + " " + window.location.pathname + window.location.search); }
    stamp.textContent = parts.join(" · ");
    main.insertBefore(stamp, main.firstChild);
  }

  document.addEventListener("DOMContentLoaded", printStamp);
  document.addEventListener("DOMContentLoaded", enhance);
  document.addEventListener("htmx:afterSettle", enhance);
  window.gaodiTables = { parse: parse, enhance: enhance };
})();

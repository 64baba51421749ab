/* 原文对照审核: selecting words in the plan's text fills the "add a missed target" form with
 * them, and clicking a highlighted quote brings its target (or the model's suggestion) into view
 * (no inline scripts: CSP). */
(function () {
  "use strict";
  var pane = document.getElementById("plan-text");
  var quote = document.getElementById("add-quote");
  if (!pane || !quote) { return; }
  function selected() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return ""; }
    var range = sel.getRangeAt(0);
    if (!pane.contains(range.commonAncestorContainer)) { return ""; }
    return sel.toString().trim();
  }
  function take() {
    var words = selected();
    if (!words) { return; }
    quote.value = words;
    var shown = document.getElementById("add-selection");
    if (shown) { shown.textContent = words; }
    var name = document.getElementById("add-name");
    if (name && !name.value) { name.focus(); }
  }
  pane.addEventListener("mouseup", take);
  pane.addEventListener("keyup", take);
  document.addEventListener("selectionchange", function () {
    if (selected()) { quote.dataset.pending = "1"; }
  });
  pane.addEventListener("click", function (ev) {
    var mark = ev.target.closest ? ev.target.closest("mark[data-targets], mark[data-suggested]") : null;
    if (!mark || selected()) { return; }
    var targets = mark.getAttribute("data-targets");
    var id = targets
      ? "t-" + targets.split(" ")[0]
      : "suggested-" + mark.getAttribute("data-suggested").split(" ")[0];
    var item = document.getElementById(id);
    if (item) { item.scrollIntoView({ block: "center" }); item.classList.add("is-flash"); }
  });
}());

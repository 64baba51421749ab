/* Runs before the page paints: restore big-screen mode without a flash of the small layout. */
(function () {
  try {
    if (window.localStorage.getItem("gaodi.bigscreen") === "1") {
      document.documentElement.classList.add("bigscreen");
    }
  } catch (e) { /* storage disabled: default layout */ }
})();

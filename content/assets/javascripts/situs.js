// Above every table that is wider than its box, say in words that it scrolls sideways; the
// stylesheet's edge shadow is the visual cue. Checked again whenever the box changes size
// (turning the phone, Material wrapping its tables after this script has run).
(function () {
  "use strict";
  var TEXT = "Tabel ini lebar: geser ke samping untuk melihat semua kolom \u2192";

  function scroller(table) {
    return table.closest(".md-typeset__scrollwrap") || table;
  }

  function check(table) {
    var box = scroller(table);
    var hint = table.geserHint;
    if (!hint || !hint.isConnected || hint.nextElementSibling !== box) {
      if (hint) hint.remove();
      hint = document.createElement("p");
      hint.className = "geser-hint";
      hint.textContent = TEXT;
      box.parentNode.insertBefore(hint, box);
      table.geserHint = hint;
    }
    hint.hidden = box.scrollWidth <= box.clientWidth + 1;
  }

  function checkAll() {
    document.querySelectorAll(".md-typeset table:not([class])").forEach(check);
  }

  if ("ResizeObserver" in window) {
    var observer = new ResizeObserver(checkAll);
    var watch = function () {
      document.querySelectorAll(".md-typeset table:not([class])").forEach(function (table) {
        observer.observe(table);
        observer.observe(scroller(table));
      });
    };
    window.addEventListener("load", function () { watch(); checkAll(); });
    watch();
  } else {
    window.addEventListener("resize", checkAll);
    window.addEventListener("load", checkAll);
  }
  checkAll();
})();

// The web team's editor toolbar: buttons that insert Markdown into the textarea #teks-isi.
// Without JavaScript the textarea and the "Pratinjau" button work the same.
(function () {
  "use strict";
  var area = document.getElementById("teks-isi");
  if (!area) { return; }
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = area.ownerDocument.querySelector("script[src*='situs-editor.js']").src.replace(/\.js(\?.*)?$/, ".css");
  document.head.appendChild(css);

  function wrap(before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var chosen = area.value.slice(start, end) || placeholder;
    area.value = area.value.slice(0, start) + before + chosen + after + area.value.slice(end);
    area.focus();
    area.setSelectionRange(start + before.length, start + before.length + chosen.length);
  }
  function lineStart(prefix, placeholder) {
    var start = area.selectionStart;
    var at = area.value.lastIndexOf("\n", start - 1) + 1;
    var needsBreak = at !== start ? "\n" : "";
    wrap(needsBreak + prefix, "", placeholder);
  }
  var buttons = [
    ["Judul bagian", function () { lineStart("## ", "Judul bagian"); }],
    ["Tebal", function () { wrap("**", "**", "teks tebal"); }],
    ["Daftar", function () { lineStart("- ", "butir daftar"); }],
    ["Daftar bernomor", function () { lineStart("1. ", "langkah pertama"); }],
    ["Tautan", function () { wrap("[", "](../layanan/index.md)", "teks tautan"); }],
    ["Tabel", function () { wrap("\n| Kolom 1 | Kolom 2 |\n|---|---|\n| ", " | isi |\n", "isi"); }],
    ["Gambar", function () { var f = document.getElementById("gambar"); if (f) { f.focus(); } }],
    ["Catatan", function () { wrap("\n!!! note \"Catatan\"\n\n    ", "\n", "Isi catatan"); }]
  ];
  var bar = document.createElement("div");
  bar.className = "situs-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Alat penyunting");
  buttons.forEach(function (b) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = b[0];
    button.addEventListener("click", b[1]);
    bar.appendChild(button);
  });
  area.parentNode.insertBefore(bar, area);
})();

// Keep the desa list to the chosen kecamatan. Without JavaScript the list stays grouped
// by kecamatan and the server checks that the two belong together.
(function () {
  var kec = document.getElementById("kecamatan"), desa = document.getElementById("desa");
  if (!kec || !desa) return;
  var groups = Array.prototype.slice.call(desa.querySelectorAll("optgroup"));
  var names = {};
  Array.prototype.forEach.call(kec.options, function (o) { names["Kecamatan " + o.text] = o.value; });
  function filter() {
    groups.forEach(function (g) {
      var show = !kec.value || names[g.label] === kec.value;
      g.hidden = !show; g.disabled = !show;
    });
    var chosen = desa.options[desa.selectedIndex];
    if (chosen && chosen.parentNode.disabled) desa.value = "";
  }
  kec.addEventListener("change", filter);
  filter();
})();

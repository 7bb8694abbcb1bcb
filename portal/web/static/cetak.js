// The receipt's print button: shown only when scripts run; without them the page itself is the receipt.
(function () {
  var button = document.getElementById("cetak-bukti");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();

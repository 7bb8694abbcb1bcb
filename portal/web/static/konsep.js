// Reply templates on the konsep tanggapan form: inserted where the cursor is, without a reload,
// so nothing the official typed is lost. Without this script the same buttons post the typed
// text to the server, which shows the page again with the template appended.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-template]");
  if (!button) return;
  var box = document.getElementById(button.getAttribute("data-target"));
  if (!box || typeof box.setRangeText !== "function") return;
  event.preventDefault();
  var start = box.selectionStart, end = box.selectionEnd;
  var before = box.value.slice(0, start), after = box.value.slice(end);
  // Keep the template its own paragraph: a blank line before and after it, no more.
  var lead = !before || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
  var tail = !after || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
  box.setRangeText(lead + button.getAttribute("data-template").trim() + tail, start, end, "end");
  box.focus();
  var status = document.getElementById(button.getAttribute("data-status"));
  if (status) status.textContent = "Templat \u201c" + button.getAttribute("data-title") + "\u201d disisipkan.";
});

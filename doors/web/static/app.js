// relance: tick all rows, count the ticked ones. Everything else is plain
// HTML forms and links (with htmx boosting them).
document.addEventListener("change", function (e) {
  var t = e.target;
  if (t.id === "all") {
    document.querySelectorAll('input[name="inv"]').forEach(function (c) { c.checked = t.checked; });
  }
  if (t.id === "all" || t.name === "inv") {
    var n = document.querySelectorAll('input[name="inv"]:checked').length;
    var s = document.getElementById("nsel");
    if (s) { s.textContent = n; }
  }
});

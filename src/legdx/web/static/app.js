// legdx: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // Focus: each new question's heading (or the problem to fix) carries `autofocus`, which browsers
  // honour without script. Where one did not, move focus there so a screen reader reads it first.
  function focusFirst() {
    var target = document.getElementById("error-summary") || document.querySelector("[autofocus]");
    var free = !document.activeElement || document.activeElement === document.body;
    if (target && free) {
      target.focus();
    }
  }

  // The clinician form: filter the findings by a word, live, on a phone too. Without script the
  // same box filters on the server (GET /clinician?find=word); here it never reloads the page, so
  // nothing typed in the form is lost.
  function setUpFilter() {
    var box = document.getElementById("find");
    var form = document.getElementById("filter-form");
    if (!box || !form) { return; }
    var count = document.getElementById("filter-count");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-finding-text]"));
    var groups = Array.prototype.slice.call(document.querySelectorAll("fieldset.category"));
    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-finding-text");
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (g) {
        g.hidden = !g.querySelector("[data-finding-text]:not([hidden])");
      });
      if (count) {
        count.textContent = words.length ? shown + " of " + rows.length + " findings match" : "";
      }
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    box.addEventListener("input", apply);
    var clear = document.getElementById("filter-clear");
    if (clear) {
      clear.addEventListener("click", function (e) { e.preventDefault(); box.value = ""; apply(); box.focus(); });
    }
    apply();
  }

  window.addEventListener("load", function () { window.setTimeout(focusFirst, 0); });
  document.addEventListener("DOMContentLoaded", function () {
    setUpFilter();
    // "Print this page" buttons are hidden until script can make them work.
    document.querySelectorAll(".print-button").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();

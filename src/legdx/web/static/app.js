// legdx: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move keyboard and screen-reader focus to an error summary when a form came back with problems.
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // "Print this page" buttons are hidden until script can make them work.
    document.querySelectorAll(".print-button").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();

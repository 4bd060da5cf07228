// Draws the plotly charts of a page (templates/includes/chart.html) without inline script:
// each .pmo-chart[data-figure] names a JSON <script> holding {data, layout} built in Python.
(function () {
  "use strict";

  var CONFIG = { responsive: true, displaylogo: false };

  function drawCharts(root) {
    if (!window.Plotly) {
      return;
    }
    var elements = Array.prototype.slice.call(root.querySelectorAll(".pmo-chart[data-figure]"));
    if (root.matches && root.matches(".pmo-chart[data-figure]")) {
      elements.push(root);
    }
    elements.forEach(function (element) {
      if (element.getAttribute("data-drawn") === "1") {
        return;
      }
      var source = document.getElementById(element.getAttribute("data-figure"));
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      element.setAttribute("data-drawn", "1");
      window.Plotly.newPlot(element, figure.data || [], figure.layout || {}, CONFIG);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawCharts(document);
    });
  } else {
    drawCharts(document);
  }
  // Charts that arrive in an htmx swap are drawn once they are in the page.
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    drawCharts(element && element.querySelectorAll ? element : document);
  });
})();

// Risk heat maps (risks/templates/risks/heatmap/heatmap.html): clicking a cell of a plotly
// heat map loads that cell's risks under the maps with htmx. No inline script (CSP).
//
// Each map sits in a .risk-heatmap wrapper that says where to fetch from and into what:
//   <div class="risk-heatmap" data-cell-url="/projects/PRJ-0042/risks/heatmap/cell/"
//        data-basis="inherent" data-target="#heatmap-cell"> <div class="pmo-chart">…
// Every heat-map cell carries customdata [p, i] (risks/charts/heatmap.py). charts.js draws
// the plot; this file waits until it is drawn (plotly adds .on() to the div) and listens for
// plotly_click. Without JavaScript the counts in the data tables are plain links.
(function () {
  "use strict";

  var TRIES = 50; // 50 x 100 ms: plotly.js draws well within five seconds

  function cellUrl(wrapper, point) {
    var data = point && point.customdata;
    if (!data || data.length < 2) {
      return null;
    }
    var query = new URLSearchParams({
      basis: wrapper.getAttribute("data-basis"),
      p: String(data[0]),
      i: String(data[1]),
    });
    return wrapper.getAttribute("data-cell-url") + "?" + query.toString();
  }

  function load(wrapper, url) {
    var target = wrapper.getAttribute("data-target") || "#heatmap-cell";
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: target, swap: "innerHTML" }).then(function () {
        var element = document.querySelector(target);
        if (element && element.scrollIntoView) {
          element.scrollIntoView({ behavior: "smooth", block: "nearest" });
        }
      });
    } else {
      window.location.assign(url);
    }
  }

  function bind(wrapper, triesLeft) {
    var plot = wrapper.querySelector(".pmo-chart");
    if (!plot || wrapper.getAttribute("data-click-bound") === "1") {
      return;
    }
    if (typeof plot.on !== "function") {
      if (triesLeft > 0) {
        window.setTimeout(function () {
          bind(wrapper, triesLeft - 1);
        }, 100);
      }
      return;
    }
    wrapper.setAttribute("data-click-bound", "1");
    plot.style.cursor = "pointer";
    plot.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      var url = cellUrl(wrapper, point);
      if (url) {
        load(wrapper, url);
      }
    });
  }

  function bindAll(root) {
    var wrappers = root.querySelectorAll ? root.querySelectorAll(".risk-heatmap") : [];
    Array.prototype.forEach.call(wrappers, function (wrapper) {
      bind(wrapper, TRIES);
    });
  }

  // Outline the listed cell in its data table, so the list and the map are easy to match.
  function markSelected(root) {
    var section = root.querySelector ? root.querySelector("[data-cell]") : null;
    Array.prototype.forEach.call(document.querySelectorAll(".risk-cell-selected"), function (td) {
      td.classList.remove("risk-cell-selected");
      td.style.outline = "";
      td.removeAttribute("aria-current");
    });
    if (!section) {
      return;
    }
    var td = document.querySelector('[data-testid="cell-' + section.getAttribute("data-cell") + '"]');
    if (td) {
      td.classList.add("risk-cell-selected");
      td.style.outline = "3px solid #212529";
      td.style.outlineOffset = "-3px";
      td.setAttribute("aria-current", "true");
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "heatmap-cell") {
      markSelected(target);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      bindAll(document);
    });
  } else {
    bindAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    bindAll(element && element.querySelectorAll ? element : document);
  });
})();

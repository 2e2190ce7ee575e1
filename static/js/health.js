// Health charts: Chart.js drawn from the JSON the page embeds. The numbers are also on the page.
(function () {
  "use strict";

  var COLOURS = { green: "#0b6e4f", amber: "#b07300", red: "#a4262c", brand: "#1f4e79" };

  // The data rides on the canvas itself (data-chart), so pages carry no inline script at all.
  function readData(canvas) {
    return canvas && canvas.dataset.chart ? JSON.parse(canvas.dataset.chart) : null;
  }

  // Draws the chart of the canvas `id` from its data, when the page has that canvas.
  function draw(id, config) {
    var canvas = document.getElementById(id);
    var data = readData(canvas);
    if (canvas && data) new window.Chart(canvas, config(data));
  }

  function bandChart() {
    draw("band-chart", function (data) { return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          label: "Accounts",
          data: data.values,
          backgroundColor: [COLOURS.green, COLOURS.amber, COLOURS.red]
        }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    }; });
  }

  function valueChart() {
    draw("value-chart", function (data) { return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.open_value, data: data.open_value, backgroundColor: COLOURS.brand },
          { label: data.names.weighted_value, data: data.weighted_value, backgroundColor: "#5b8cc0" },
          { label: data.names.installed_value, data: data.installed_value, backgroundColor: "#7a7a7a" }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    }; });
  }

  function historyChart() {
    draw("history-chart", function (data) { return {
      data: {
        labels: data.labels,
        datasets: [
          { type: "line", label: "Average score", data: data.average, borderColor: COLOURS.brand,
            backgroundColor: COLOURS.brand, yAxisID: "score", tension: 0.2 },
          { type: "bar", label: "Green", data: data.green, backgroundColor: COLOURS.green, stack: "bands", yAxisID: "count" },
          { type: "bar", label: "Amber", data: data.amber, backgroundColor: COLOURS.amber, stack: "bands", yAxisID: "count" },
          { type: "bar", label: "Red", data: data.red, backgroundColor: COLOURS.red, stack: "bands", yAxisID: "count" }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          score: { position: "left", min: 0, max: 100, title: { display: true, text: "Average score" } },
          count: { position: "right", stacked: true, beginAtZero: true, ticks: { precision: 0 },
                   grid: { drawOnChartArea: false }, title: { display: true, text: "Accounts" } },
          x: { stacked: true }
        }
      }
    }; });
  }

  function accountChart() {
    draw("account-chart", function (data) { return {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: "Health score", data: data.scores, borderColor: COLOURS.brand,
                     backgroundColor: COLOURS.brand, tension: 0.2, pointRadius: 2 }]
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
        plugins: { legend: { display: false } }
      }
    }; });
  }

  function init() {
    if (!window.Chart) return;
    bandChart();
    valueChart();
    historyChart();
    accountChart();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

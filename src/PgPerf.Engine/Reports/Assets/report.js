// Draws the report's charts with uPlot from the JSON block, and records on <html> what it drew (data-charts,
// data-points) and any error (data-errors), so a headless browser can check the page without a debugger.
(function () {
  'use strict';
  var root = document.documentElement;
  var errors = [];
  function fail(message) {
    errors.push(String(message));
    root.setAttribute('data-errors', String(errors.length));
    root.setAttribute('data-last-error', String(message));
  }
  window.addEventListener('error', function (e) { fail(e.message); });
  var consoleError = console.error;
  console.error = function () { fail(Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };

  var colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  var drawn = 0, points = 0;

  function width(el) { return Math.max(320, Math.min(1050, el.clientWidth || 1050)); }

  function options(spec, el) {
    var utc = function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); };
    var series = [{}];
    spec.series.forEach(function (s, i) {
      var c = colours[i % colours.length];
      var line = { label: s.label, stroke: c, width: 2, spanGaps: false, points: { show: true, size: 4 } };
      if (spec.kind === 'bars') {
        line.fill = c + '88';
        line.paths = uPlot.paths.bars({ size: [0.8, 40] });
        line.points = { show: false };
      } else if (spec.kind === 'timeline') {
        line.spanGaps = true;
        line.width = 6;
        line.points = { show: true, size: 8 };
      }
      series.push(line);
    });
    var yAxis = spec.kind === 'timeline' ? { label: 'alert', incrs: [1], values: function (u, ticks) { return ticks.map(function (t) { return '#' + t; }); } } : {};
    return {
      width: width(el), height: spec.kind === 'timeline' ? 60 + 22 * spec.series.length : 240,
      tzDate: utc, series: series, axes: [{}, yAxis],
      legend: { show: true },
      hooks: { draw: [function () { el.setAttribute('data-drawn', '1'); }] }
    };
  }

  try {
    var data = JSON.parse(document.getElementById('pgperf-data').textContent);
    data.charts.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      if (!el) { fail('no element for chart ' + spec.id); return; }
      var columns = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
      var n = 0;
      spec.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null) n++; }); });
      new uPlot(options(spec, el), columns, el);
      el.setAttribute('data-points', String(n));
      drawn++;
      points += n;
    });
  } catch (e) {
    fail(e && e.message ? e.message : e);
  }
  root.setAttribute('data-charts', String(drawn));
  root.setAttribute('data-points', String(points));
  if (!root.hasAttribute('data-errors')) root.setAttribute('data-errors', '0');
  root.setAttribute('data-report-status', 'ready');
})();

/**
 * The browser-side script of report.html, as plain ES2017 source. It is a string, not a
 * TypeScript function passed through `.toString()`, because tsx/esbuild may inject helpers
 * (`__name`) into transpiled functions that do not exist in the page.
 *
 * It reads the result from the JSON script tag `#streamproof-result`, draws the three charts
 * with the global `Chart` (Chart.js UMD inlined before it), and marks <body data-charts-ready>
 * with the number of charts drawn so tests and screenshots know when the page is done.
 *
 * Phase and fault markers are drawn by a small plugin of our own (`streamproofMarkers`):
 * a vertical line per marker at its time, dashed grey for phases, solid red for faults.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var result = JSON.parse(document.getElementById('streamproof-result').textContent);
  var rows = result.timeSeries;
  var t0 = rows.length > 0 ? rows[0].tEpochS : Date.parse(result.startedAt) / 1000;
  var STAGES = ['l1_produce', 'l1_from_send', 'l2_ingest', 'l3_window', 'l3_freshness', 'l4_delivery', 'http_ingest', 'schedule_lag'];
  var COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

  var markers = result.markers.map(function (m) {
    return { x: m.tEpochMs / 1000 - t0, kind: m.kind, label: m.label };
  });

  var markerPlugin = {
    id: 'streamproofMarkers',
    afterDatasetsDraw: function (chart) {
      var xScale = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.font = '11px system-ui, sans-serif';
      markers.forEach(function (m, i) {
        var px = xScale.getPixelForValue(m.x);
        if (!(px >= area.left && px <= area.right)) return;
        var colour = m.kind === 'fault' ? '#d62728' : '#666666';
        ctx.strokeStyle = colour;
        ctx.fillStyle = colour;
        ctx.lineWidth = m.kind === 'fault' ? 2 : 1;
        ctx.setLineDash(m.kind === 'fault' ? [] : [4, 4]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        // Stagger labels over three lines so close markers stay readable.
        ctx.fillText(m.label, px + 3, area.top + 11 + (i % 3) * 12);
      });
      ctx.restore();
    }
  };

  function phaseAt(index) {
    var row = rows[index];
    return row && row.phase ? ' (' + row.phase + ')' : '';
  }

  function lineOptions(yTitle, yType) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds since start' } },
        y: { type: yType, title: { display: true, text: yTitle }, beginAtZero: yType === 'linear' }
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { title: function (items) { return items.length ? 't = ' + items[0].parsed.x + ' s' + phaseAt(items[0].dataIndex) : ''; } } }
      }
    };
  }

  function series(pick) {
    return rows.map(function (row) {
      var y = pick(row);
      return { x: row.tEpochS - t0, y: y === undefined ? null : y };
    });
  }

  function draw(id, datasets, yTitle, yType) {
    var canvas = document.getElementById(id);
    if (!canvas) return 0;
    new Chart(canvas, { type: 'line', data: { datasets: datasets }, options: lineOptions(yTitle, yType), plugins: [markerPlugin] });
    return 1;
  }

  function dataset(label, colour, data, dashed) {
    return { label: label, data: data, borderColor: colour, backgroundColor: colour, borderWidth: 1.5, pointRadius: 0, spanGaps: false, borderDash: dashed ? [6, 4] : [] };
  }

  var drawn = 0;
  if (rows.length > 0) {
    var rateSets = [
      dataset('target', '#888888', series(function (r) { return r.targetEventsPerS; }), true),
      dataset('acknowledged', '#1f77b4', series(function (r) { return r.achievedEventsPerS; }), false)
    ];
    // Sends after run.onTimeMs, by the second of sending (result files from before it have none).
    if (rows.some(function (r) { return r.lateEventsPerS !== undefined; })) {
      rateSets.push(dataset('sent late', '#d62728', series(function (r) { return r.lateEventsPerS; }), false));
    }
    drawn += draw('chart-rate', rateSets, 'events/s', 'linear');

    var stageSets = [];
    STAGES.forEach(function (stage, i) {
      var seen = rows.some(function (r) { return r.p99Ms[stage] !== undefined && r.p99Ms[stage] !== null; });
      if (!seen) return;
      // Log axis: a zero or missing p99 is drawn as a gap, never as a fake value.
      stageSets.push(dataset(stage, COLOURS[i % COLOURS.length], series(function (r) {
        var v = r.p99Ms[stage];
        return typeof v === 'number' && v > 0 ? v : null;
      }), false));
    });
    if (stageSets.length > 0) drawn += draw('chart-latency', stageSets, 'p99 latency (ms, log scale)', 'logarithmic');

    drawn += draw('chart-lag', [
      dataset('consumer lag', '#d62728', series(function (r) { return r.consumerLagEvents; }), false)
    ], 'events behind', 'linear');
  }
  document.body.setAttribute('data-charts-ready', String(drawn));
})();
`;

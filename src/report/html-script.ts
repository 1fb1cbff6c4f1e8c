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
 * a vertical line per marker at its time, dashed grey for phases, solid red for faults, and a
 * shaded red band over each fault's window (injected to healed).
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var result = JSON.parse(document.getElementById('streamproof-result').textContent);
  var rows = result.timeSeries;
  var t0 = rows.length > 0 ? rows[0].tEpochS : Date.parse(result.startedAt) / 1000;
  var STAGES = ['l1_produce', 'l1_from_send', 'l2_ingest', 'l3_window', 'l3_freshness', 'l4_delivery', 'http_ingest', 'schedule_lag'];
  // One colour per stage (STAGES[i] gets COLOURS[i]): with fewer colours than stages the last
  // stage wrapped onto the first's (schedule_lag drew in l1_produce's blue). Red is kept for
  // faults and consumer lag, grey for the target.
  var COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

  var markers = result.markers.map(function (m) {
    return { x: m.tEpochMs / 1000 - t0, kind: m.kind, label: m.label };
  });

  // Fault windows (injected to healed) as shaded red bands behind the curves.
  var bands = (result.faults || []).filter(function (f) { return f.injectedAtEpochMs !== null; }).map(function (f) {
    var end = f.healedAtEpochMs !== null ? f.healedAtEpochMs : f.injectedAtEpochMs + f.durationMs;
    return { from: f.injectedAtEpochMs / 1000 - t0, to: end / 1000 - t0 };
  });

  var markerPlugin = {
    id: 'streamproofMarkers',
    beforeDatasetsDraw: function (chart) {
      var xScale = chart.scales.x;
      var area = chart.chartArea;
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = 'rgba(214, 39, 40, 0.12)';
      bands.forEach(function (b) {
        var left = Math.max(area.left, xScale.getPixelForValue(b.from));
        var right = Math.min(area.right, xScale.getPixelForValue(b.to));
        if (right > left) ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      });
      ctx.restore();
    },
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

  // A log axis left to Chart.js ends exactly at the data's extremes, so the highest and lowest
  // values sit on the frame and their dots are cut in half. Bounds: the next 1-2-5 value at
  // least 15 % beyond them (about 6 % of a decade: a dot's radius on a chart of a few decades).
  function niceLogBounds(datasets) {
    var lo = Infinity;
    var hi = -Infinity;
    datasets.forEach(function (ds) {
      ds.data.forEach(function (p) {
        if (typeof p.y === 'number' && p.y > 0) { lo = Math.min(lo, p.y); hi = Math.max(hi, p.y); }
      });
    });
    if (!(hi > 0)) return {};
    var steps = [1, 2, 5];
    var above = function (v) {
      var decade = Math.pow(10, Math.floor(Math.log10(v)));
      for (var k = 0; k < 4; k += 1) {
        var c = (k < 3 ? steps[k] : 10) * decade;
        if (c >= v * 1.15) return c;
      }
      return 20 * decade;
    };
    var below = function (v) {
      var decade = Math.pow(10, Math.floor(Math.log10(v)));
      for (var k = 2; k >= -1; k -= 1) {
        var c = (k >= 0 ? steps[k] : 0.5) * decade;
        if (c <= v / 1.15) return c;
      }
      return decade / 2;
    };
    return { min: below(lo), max: above(hi) };
  }

  function logAxis(title, datasets) {
    var bounds = niceLogBounds(datasets);
    var axis = { type: 'logarithmic', title: { display: true, text: title }, ticks: { autoSkip: true, callback: function (value) { return msLabel(value); } } };
    if (bounds.max !== undefined) { axis.min = bounds.min; axis.max = bounds.max; }
    return axis;
  }

  function lineOptions(yTitle, yType, datasets) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds since start' } },
        // Linear: grace keeps the highest value off the frame as well.
        y: yType === 'logarithmic'
          ? logAxis(yTitle, datasets)
          : { type: yType, title: { display: true, text: yTitle }, beginAtZero: true, grace: '5%' }
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { title: function (items) { return items.length ? 'second ' + Math.floor(items[0].parsed.x) + ' to ' + (Math.floor(items[0].parsed.x) + 1) + phaseAt(items[0].dataIndex) : ''; } } }
      }
    };
  }

  // A row covers the second [tEpochS, tEpochS + 1): its value is drawn at the middle of it, so a
  // marker at an exact time sits where the curve changes, not a second to its right.
  function series(pick) {
    return rows.map(function (row) {
      var y = pick(row);
      return { x: row.tEpochS - t0 + 0.5, y: y === undefined ? null : y };
    });
  }

  // With spanGaps off a line needs two neighbours: a value between two gaps would not show. Such
  // isolated values get a dot; the rest of the line has none (hundreds of dots hide the curve).
  function isolatedRadii(data) {
    return data.map(function (p, i) {
      if (p.y === null) return 0;
      var before = i > 0 ? data[i - 1].y : null;
      var after = i + 1 < data.length ? data[i + 1].y : null;
      return before === null && after === null ? 3 : 0;
    });
  }

  function draw(id, datasets, yTitle, yType) {
    var canvas = document.getElementById(id);
    if (!canvas) return 0;
    new Chart(canvas, { type: 'line', data: { datasets: datasets }, options: lineOptions(yTitle, yType, datasets), plugins: [markerPlugin] });
    return 1;
  }

  function dataset(label, colour, data, dashed) {
    return { label: label, data: data, borderColor: colour, backgroundColor: colour, borderWidth: 1.5, pointRadius: isolatedRadii(data), pointHoverRadius: 4, spanGaps: false, borderDash: dashed ? [6, 4] : [] };
  }

  // Log-axis tick labels: only 1, 2 and 5 of each decade, in ms or s.
  function msLabel(value) {
    var lead = Number(String(value).replace(/^0\.0*/, '').charAt(0));
    if (lead !== 1 && lead !== 2 && lead !== 5) return '';
    return value >= 1000 ? (value / 1000) + ' s' : value + ' ms';
  }

  function drawDistribution() {
    var canvas = document.getElementById('chart-distribution');
    if (!canvas) return 0;
    var curves = JSON.parse(document.getElementById('streamproof-distribution').textContent);
    var sets = [];
    STAGES.forEach(function (stage, i) {
      if (!curves[stage]) return;
      var d = dataset(stage, COLOURS[i % COLOURS.length], curves[stage], false);
      d.pointRadius = 0;
      sets.push(d);
    });
    if (sets.length === 0) return 0;
    var percentLabel = function (x) {
      var p = (1 - 1 / x) * 100;
      return p === 0 ? '0%' : (Math.round(p * 1000) / 1000) + '%';
    };
    new Chart(canvas, {
      type: 'line',
      data: { datasets: sets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: {
            type: 'logarithmic', min: 1, title: { display: true, text: 'percentile (log 1/(1−p) axis)' },
            afterBuildTicks: function (axis) {
              var ticks = [];
              for (var v = 1; v <= axis.max * 1.0001; v *= 10) ticks.push({ value: v });
              axis.ticks = ticks;
            },
            ticks: { callback: function (value) { return percentLabel(value); } }
          },
          y: logAxis('latency (log scale)', sets)
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { title: function (items) { return items.length ? 'p' + (Math.round(items[0].raw.p * 1000) / 1000) : ''; } } }
        }
      }
    });
    return 1;
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
    if (stageSets.length > 0) drawn += draw('chart-latency', stageSets, 'p99 latency (log scale)', 'logarithmic');

    drawn += draw('chart-lag', [
      dataset('consumer lag', '#d62728', series(function (r) { return r.consumerLagEvents; }), false)
    ], 'events behind', 'linear');
  }
  drawn += drawDistribution();
  document.body.setAttribute('data-charts-ready', String(drawn));
})();
`;

// The marks on the timeline's rail: a tick where events start, and a bar for
// each period (an ongoing one runs to the end). One canvas, counted per pixel
// column, so 10,000 events cost what ten do in the DOM. Decorative
// (aria-hidden): the event list is the text alternative.

var TICKS_RAIL_Y = 22;      // the rail's centre in CSS px: the slider thumb's centre (timeline.css)
var TICKS_INSET = 12;       // half the thumb's width: where the first and last days sit
var TICKS_LANE_Y = 31;      // the first row of period bars, under the rail
var TICKS_LANE_HEIGHT = 3;
var TICKS_LANES = 3;        // periods that overlap take the next row; beyond three they share one
var TICKS_COLOURS = { rail: '#8c8c8c', tick: '#1b1b1b', lane: '#2f5f86' };

function TimelineTicks(canvas, timeline, spans) {
  this.canvas = canvas;
  this.timeline = timeline;
  this.spans = spans;
  this.size = '';
  var self = this, redraw = function () { self.draw(); };
  if (window.ResizeObserver) { new ResizeObserver(redraw).observe(canvas); }
  else { window.addEventListener('resize', redraw); }
  this.draw();
}

TimelineTicks.prototype.draw = function () {
  var canvas = this.canvas, width = canvas.clientWidth, height = canvas.clientHeight;
  var ratio = window.devicePixelRatio || 1, size = [width, height, ratio].join('x');
  if (!width || !height || size === this.size) { return; }
  this.size = size;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  var ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = TICKS_COLOURS.rail;
  ctx.fillRect(TICKS_INSET, TICKS_RAIL_Y - 2, width - 2 * TICKS_INSET, 4);
  this.drawTicks(ctx, width);
  this.drawLanes(ctx, width);
};

// The pixel column of a day, matching the slider thumb's centre.
TimelineTicks.prototype.column = function (day, width) {
  var days = this.timeline.days;
  return Math.round(TICKS_INSET + (days ? day / days : 0) * (width - 2 * TICKS_INSET));
};

// One tick per pixel column where events start; taller where more do than elsewhere.
TimelineTicks.prototype.drawTicks = function (ctx, width) {
  var timeline = this.timeline, counts = new Uint32Array(width + 1), most = 0;
  for (var i = 0; i < timeline.from.length; i++) {
    var day = timeline.from[i];
    if (day >= 0 && day <= timeline.days) { most = Math.max(most, ++counts[this.column(day, width)]); }
  }
  ctx.fillStyle = TICKS_COLOURS.tick;
  for (var x = 0; x <= width; x++) {
    if (!counts[x]) { continue; }
    var half = Math.round(3 + 4 * Math.log(1 + counts[x]) / Math.log(1 + most));
    ctx.fillRect(x - 1, TICKS_RAIL_Y - half, 2, 2 * half);
  }
};

// Periods as bars in a few rows; each row is a difference array over pixel
// columns, so the cost does not grow with the bars' length.
TimelineTicks.prototype.drawLanes = function (ctx, width) {
  var rows = [], ends = [];
  for (var lane = 0; lane < TICKS_LANES; lane++) { rows.push(new Int32Array(width + 2)); ends.push(-Infinity); }
  var timeline = this.timeline;
  for (var i = 0; i < timeline.from.length; i++) {
    var until = timeline.until[i] === null ? timeline.days : Math.min(timeline.until[i], timeline.days);
    if (!this.spans[i] || until < 0 || timeline.from[i] > timeline.days) { continue; }
    var x0 = this.column(Math.max(timeline.from[i], 0), width), x1 = Math.max(this.column(until, width), x0 + 1);
    var row = freeLane(ends, x0);
    ends[row] = Math.max(ends[row], x1);
    rows[row][x0]++;
    rows[row][x1 + 1]--;
  }
  ctx.fillStyle = TICKS_COLOURS.lane;
  rows.forEach(function (diff, row) { fillRuns(ctx, diff, TICKS_LANE_Y + row * (TICKS_LANE_HEIGHT + 1)); });
};

// The first row whose last bar ends clear of x, else the row that ends soonest.
function freeLane(ends, x) {
  var best = 0;
  for (var row = 0; row < ends.length; row++) {
    if (ends[row] < x - 2) { return row; }
    if (ends[row] < ends[best]) { best = row; }
  }
  return best;
}

function fillRuns(ctx, diff, y) {
  var depth = 0, start = -1;
  for (var x = 0; x < diff.length; x++) {
    depth += diff[x];
    if (depth > 0 && start < 0) { start = x; }
    if (depth <= 0 && start >= 0) { ctx.fillRect(start, y, x - start, TICKS_LANE_HEIGHT); start = -1; }
  }
}

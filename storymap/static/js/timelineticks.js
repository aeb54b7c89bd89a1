// The marks on the timeline's rail: a tick where events start, a bar for
// each period (an ongoing one runs to the end), and the months (or years) under
// them, with the first and last day at the ends. One canvas, counted per pixel
// column, so 10,000 events cost what ten do in the DOM. The canvas is
// decorative (aria-hidden): the slider's value text names the events starting
// on its day, and the tip over the rail names those under the pointer or the
// focused slider's thumb.

// the rail's centre in CSS px: the slider thumb's centre (timeline.css)
var TICKS_RAIL_Y = 22;
// half the thumb's width: where the first and last days sit
var TICKS_INSET = 12;
// the first row of period bars, under the rail
var TICKS_LANE_Y = 31;
var TICKS_LANE_HEIGHT = 3;
// periods that overlap take the next row; beyond three they share one
var TICKS_LANES = 3;
var TICKS_COLOURS = { rail: '#8c8c8c', tick: '#1b1b1b', lane: '#2f5f86', label: '#4d4d4d' };
// the months' baseline, under the period bars
var TICKS_LABEL_Y = 56;
// how near a tick the pointer names it
var TICKS_HIT_PX = 6;

function TimelineTicks(canvas, timeline, data, labels, list) {
  this.canvas = canvas;
  this.timeline = timeline;
  this.spans = data.events.span;
  // titles come from the list's pages (list.titleOf, loadTitle)
  this.list = list;
  this.tipDay = -1;
  this.labels = labels;
  this.size = '';
  // day -> the events starting on it, in timeline order
  this.startsOn = new Map();
  for (var i = 0; i < timeline.from.length; i++) {
    var list = this.startsOn.get(timeline.from[i]);
    if (list) { list.push(i); } else { this.startsOn.set(timeline.from[i], [i]); }
  }
  var track = canvas.parentNode, ends = [timeline.startMs, timeline.startMs + timeline.days * DAY_MS];
  this.ends = ends.map(function (ms, n) {
    return track.appendChild(el('span', { className: 'timeline-end timeline-end-' + n, text: labels.day(ms) }));
  });
  this.tip = track.appendChild(el('span', { className: 'timeline-tip', 'aria-hidden': 'true', hidden: '' }));
  var self = this, redraw = function () { self.draw(); };
  track.addEventListener('pointermove', function (e) { self.point(e.clientX - canvas.getBoundingClientRect().left); });
  track.addEventListener('pointerleave', function () { self.point(-1); });
  // The observer's first call comes once the page is laid out, before it is painted: drawn
  // then, measuring the rail does not force a layout while the page is still being built.
  if (window.ResizeObserver) { new ResizeObserver(redraw).observe(canvas); }
  else { window.addEventListener('resize', redraw); this.draw(); }
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
  var columns = this.columns(width);
  this.drawTicks(ctx, width, columns);
  this.drawLanes(ctx, width, columns);
  this.drawMonths(ctx, width);
};

// Names of the events starting on a day ('' for none): the first title, and how many more.
// A title whose list page has not come yet is '…' (whenNamed fetches it).
TimelineTicks.prototype.names = function (day) {
  var starting = this.startsOn.get(day) || [];
  if (!starting.length) { return ''; }
  var title = this.list.titleOf(starting[0]);
  return (title === null ? '…' : title) + (starting.length > 1 ? ' (+' + (starting.length - 1) + ')' : '');
};

// Calls done once the day's first title, unknown now, has come with its list page.
TimelineTicks.prototype.whenNamed = function (day, done) {
  var starting = this.startsOn.get(day), list = this.list;
  if (!starting || list.titleOf(starting[0]) !== null) { return; }
  list.loadTitle(starting[0]).then(function () { if (list.titleOf(starting[0]) !== null) { done(); } });
};

// The tip over the rail: the events of the tick nearest x (px into the canvas), or none (x < 0).
TimelineTicks.prototype.point = function (x) {
  var width = this.canvas.clientWidth, days = this.timeline.days, best = -1, gap = TICKS_HIT_PX + 1;
  if (x >= 0 && width > 2 * TICKS_INSET) {
    var perPx = days / (width - 2 * TICKS_INSET), centre = (x - TICKS_INSET) * perPx;
    for (var day = Math.max(0, Math.floor(centre - TICKS_HIT_PX * perPx)); day <= Math.min(days, centre + TICKS_HIT_PX * perPx); day++) {
      var off = Math.abs(this.column(day, width) - x);
      if (this.startsOn.has(day) && off < gap) { best = day; gap = off; }
    }
  }
  this.showTip(best);
};

TimelineTicks.prototype.showTip = function (day) {
  var self = this, text = day < 0 ? '' : this.names(day), tip = this.tip;
  this.tipDay = day;
  if (day >= 0) { this.whenNamed(day, function () { if (self.tipDay === day) { self.showTip(day); } }); }
  tip.hidden = !text;
  if (!text) { return; }
  tip.textContent = this.labels.day(this.timeline.startMs + day * DAY_MS) + ': ' + text;
  var width = this.canvas.clientWidth, x = this.column(day, width);
  tip.style.left = clamp(x - tip.offsetWidth / 2, 0, Math.max(0, width - tip.offsetWidth)) + 'px';
};

// A label at each month's first day (each year's on timelines over two years), where it fits
// between the two ends' dates.
TimelineTicks.prototype.drawMonths = function (ctx, width) {
  var timeline = this.timeline, years = timeline.days > 730, last = timeline.startMs + timeline.days * DAY_MS;
  var left = this.ends[0].offsetWidth + 8, right = width - this.ends[1].offsetWidth - 8;
  ctx.font = '12px ' + FONT_FAMILY;
  ctx.textBaseline = 'alphabetic';
  var first = new Date(timeline.startMs);
  for (var ms = utcDay(first.getUTCFullYear(), first.getUTCMonth() + 1, 1); ms <= last; ms = shiftMonths(ms, 1)) {
    if (years && new Date(ms).getUTCMonth()) { continue; }
    var x = this.column(Math.round((ms - timeline.startMs) / DAY_MS), width);
    var text = this.labels.format(years ? 'y' : 't', ms), w = ctx.measureText(text).width;
    ctx.fillStyle = TICKS_COLOURS.rail;
    ctx.fillRect(x, TICKS_RAIL_Y + 2, 1, 6);
    if (x - w / 2 < left || x + w / 2 > right) { continue; }
    ctx.fillStyle = TICKS_COLOURS.label;
    ctx.fillText(text, x - w / 2, TICKS_LABEL_Y);
    left = x + w / 2 + 8;
  }
};

// The pixel column of a day, matching the slider thumb's centre.
TimelineTicks.prototype.column = function (day, width) {
  var days = this.timeline.days;
  return Math.round(TICKS_INSET + (days ? day / days : 0) * (width - 2 * TICKS_INSET));
};

// Each day's pixel column (column), for the day of every event: a few hundred days, not
// thousands of events, worked out.
TimelineTicks.prototype.columns = function (width) {
  var columns = new Int32Array(this.timeline.days + 1);
  for (var day = 0; day < columns.length; day++) { columns[day] = this.column(day, width); }
  return columns;
};

// One tick per pixel column where events start; taller where more do than elsewhere.
TimelineTicks.prototype.drawTicks = function (ctx, width, columns) {
  var timeline = this.timeline, counts = new Uint32Array(width + 1), most = 0;
  for (var i = 0; i < timeline.from.length; i++) {
    var day = timeline.from[i];
    if (day >= 0 && day <= timeline.days) { most = Math.max(most, ++counts[columns[day]]); }
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
TimelineTicks.prototype.drawLanes = function (ctx, width, columns) {
  var rows = [], ends = [];
  for (var lane = 0; lane < TICKS_LANES; lane++) { rows.push(new Int32Array(width + 2)); ends.push(-Infinity); }
  var timeline = this.timeline;
  for (var i = 0; i < timeline.from.length; i++) {
    var until = timeline.until[i] === null ? timeline.days : Math.min(timeline.until[i], timeline.days);
    if (!this.spans[i] || until < 0 || timeline.from[i] > timeline.days) { continue; }
    var x0 = columns[Math.max(timeline.from[i], 0)], x1 = Math.max(columns[until], x0 + 1);
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

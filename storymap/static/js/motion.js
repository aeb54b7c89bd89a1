// Movement along the active route (the selected event's route): dots that
// flow along the line in the direction of travel. They have a canvas of their
// own, so a frame repaints one line instead of the whole story, and frames are
// requested only while something moves: a route is active, the tab is visible
// and the reader has not asked for reduced motion. The canvas's data-moving
// attribute ("true"/"false") says which, for tests and for anyone debugging.

// px between dots, px per second, dot radius
var MOTION = { spacing: 40, speed: 45, radius: 3.5 };

var RouteMotion = L.Renderer.extend({
  // the same bounds as StoryCanvas
  options: { padding: StoryCanvas.prototype.options.padding },

  initialize: function (story, selection, options) {
    L.Renderer.prototype.initialize.call(this, options);
    this._story = story;
    selection.on('select', this._follow, this);
    this._route = -1;
    this._line = null;
    // the area the last frame painted
    this._box = null;
    this._frame = null;
    this._tick = L.Util.bind(this._tick, this);
    this._sync = L.Util.bind(this._sync, this);
    this._reduce = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  },

  onAdd: function () {
    L.Renderer.prototype.onAdd.call(this);
    document.addEventListener('visibilitychange', this._sync);
    watchMedia(this._reduce, this._sync, true);
    this._sync();
  },

  onRemove: function () {
    document.removeEventListener('visibilitychange', this._sync);
    watchMedia(this._reduce, this._sync, false);
    this._route = -1;
    this._sync();
    L.Renderer.prototype.onRemove.call(this);
  },

  includes: [BareCanvas, FollowsDrags],
  canvasClass: 'sm-motion',

  _update: function () {
    if (this._map._animatingZoom && this._bounds) { return; }
    L.Renderer.prototype._update.call(this);
    this._fit();
    this._box = null;
    this._project();
    // no blank frame after a pan
    if (this._frame) { this._draw(performance.now()); }
  },

  // The selected event's route moves; nothing does for an event without one.
  _follow: function (e) {
    var geo = e.index < 0 ? null : this._story.events.geo[e.index];
    this.setRoute(geo && geo.route !== undefined ? geo.route : -1);
  },

  // The route that moves: an index into story.routes, or -1 for none.
  setRoute: function (route) {
    if (route === this._route) { return; }
    this._clear();
    this._route = route;
    this._project();
    this._sync();
  },

  // The route in canvas pixels, for this zoom and these bounds.
  _project: function () {
    this._line = null;
    if (this._route < 0 || !this._map || !this._bounds) { return; }
    var map = this._map, zoom = map.getZoom(), origin = map.getPixelOrigin(), min = this._bounds.min;
    this._line = this._story.routes[this._route].path.map(function (p) {
      var q = map.project(p, zoom);
      return [q.x - origin.x - min.x, q.y - origin.y - min.y];
    });
  },

  // Start or stop the frames to match the page and the reader's preference.
  _sync: function () {
    var run = !!this._map && this._route >= 0 && document.visibilityState !== 'hidden' &&
      !(this._reduce && this._reduce.matches);
    if (run && !this._frame) { this._frame = requestAnimationFrame(this._tick); this._fit(); }
    if (!run && this._frame) { cancelAnimationFrame(this._frame); this._frame = null; this._clear(); this._fit(); }
    if (this._container) { this._container.setAttribute('data-moving', String(run)); }
  },

  // The canvas covers the bounds while something moves, and is 0 x 0 otherwise (also clearing it).
  _fit: function () {
    if (this._bounds && this._container) { fitCanvas(this, !this._frame); }
  },

  _tick: function (now) {
    this._frame = requestAnimationFrame(this._tick);
    // mid-zoom the line is being rescaled
    if (!this._map._animatingZoom) { this._draw(now); }
  },

  _draw: function (now) {
    var ctx = this._ctx, line = this._line, r = MOTION.radius, size = this._bounds.getSize();
    this._clear();
    if (!line || !this._container.width) { return; }
    var mode = STYLES.routeModes[this._story.routes[this._route].mode];
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ctx.beginPath();
    walkLine(line, MOTION.spacing, (now / 1000 * MOTION.speed) % MOTION.spacing, Infinity, function (x, y) {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }, [-r, -r, size.x + r, size.y + r]);
    ctx.fillStyle = '#fff'; ctx.fill();
    ctx.lineWidth = 2; ctx.strokeStyle = mode.colour; ctx.stroke();
    this._box = x0 <= x1 ? [x0, y0, x1, y1] : null;
  },

  _clear: function () {
    var box = this._box, pad = MOTION.radius + 2;
    if (box && this._ctx) { this._ctx.clearRect(box[0] - pad, box[1] - pad, box[2] - box[0] + 2 * pad, box[3] - box[1] + 2 * pad); }
    this._box = null;
  }
});

// Follow a media query's changes (older Safari only has addListener).
function watchMedia(query, listener, on) {
  if (!query) { return; }
  if (query.addEventListener) { query[on ? 'addEventListener' : 'removeEventListener']('change', listener); }
  else { query[on ? 'addListener' : 'removeListener'](listener); }
}

function lineLength(points) {
  var total = 0;
  for (var i = 1; i < points.length; i++) { total += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]); }
  return total;
}

// Calls visit(x, y, angle) every spacing px along the line, from first px in
// to until px. Segments wholly outside clip ([x0, y0, x1, y1], optional) are
// skipped, so a long line zoomed far in costs only what is on screen.
function walkLine(points, spacing, first, until, visit, clip) {
  var travelled = 0, next = first;
  for (var i = 1; i < points.length && next < until; i++) {
    var ax = points[i - 1][0], ay = points[i - 1][1], bx = points[i][0], by = points[i][1];
    var length = Math.hypot(bx - ax, by - ay), end = travelled + length, angle = Math.atan2(by - ay, bx - ax);
    if (clip && (Math.max(ax, bx) < clip[0] || Math.min(ax, bx) > clip[2] ||
                 Math.max(ay, by) < clip[1] || Math.min(ay, by) > clip[3])) {
      next += Math.max(0, Math.ceil((end - next) / spacing)) * spacing;
    }
    while (next <= end && next < until) {
      var share = length ? (next - travelled) / length : 0;
      visit(ax + share * (bx - ax), ay + share * (by - ay), angle);
      next += spacing;
    }
    travelled = end;
  }
}

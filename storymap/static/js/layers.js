// Drawing the story on the map: one canvas for places, routes and events.
// One canvas keeps a 10,000-event jump to a single redraw; Leaflet's own
// vector layers would add and remove one layer object per event.

// Colours, widths and limits: STYLES, styles.json bundled ahead of this file;
// preview.png is drawn from the same file (storymap/styles.py says what each key is).
var HALO = STYLES.halo;
// With more routes than this on screen, routes are drawn plain (solid, no
// arrowheads): dash patterns cost the most to paint, and a crowded map gains
// nothing from them. Real stories stay well below it.
var ROUTE_DETAIL_LIMIT = STYLES.limits.routeDetail;
// More events than this at one spot are drawn as one circle with their count.
var RING_LIMIT = STYLES.limits.ring;
// With more points than this on screen, points lose their white outline (cheaper to paint).
var POINT_DETAIL_LIMIT = STYLES.limits.pointDetail;

// How a confidence level looks: a hollow point and a faded route, or neither.
function isHollow(level) { return STYLES.confidence[level].point === 'hollow'; }
function routeOpacity(level) { return STYLES.confidence[level].routeOpacity; }

// Place symbols, drawn around (x, y) in their kind's colours (s: STYLES.placeKinds[kind]).
var PLACE_SYMBOLS = {
  port: function (ctx, x, y, s) { square(ctx, x, y, 6, s); ctx.fillStyle = s.edge; ctx.fillRect(x - 1, y - 4, 2, 8); ctx.fillRect(x - 4, y + 1, 8, 2); },
  railhead: function (ctx, x, y, s) { square(ctx, x, y, 6, s); ctx.fillStyle = s.edge; ctx.fillRect(x - 5, y - 2, 10, 1.5); ctx.fillRect(x - 5, y + 1, 10, 1.5); },
  depot: function (ctx, x, y, s) { polygon(ctx, [[x, y - 7], [x + 7, y + 5], [x - 7, y + 5]], s); },
  base: function (ctx, x, y, s) { polygon(ctx, starPoints(x, y, 7.5, 3.2), s); },
  'border-crossing': function (ctx, x, y, s) { polygon(ctx, [[x, y - 7], [x + 7, y], [x, y + 7], [x - 7, y]], s); },
  city: function (ctx, x, y, s) { circle(ctx, x, y, 4, s.fill, s.edge, 2); },
  site: function (ctx, x, y, s) { circle(ctx, x, y, 5.5, s.fill, s.edge, 2.5); circle(ctx, x, y, 1.8, s.edge); }
};

// A place's symbol; shared by the map and the legend.
function drawPlace(ctx, kind, x, y) { PLACE_SYMBOLS[kind](ctx, x, y, STYLES.placeKinds[kind]); }

function square(ctx, x, y, half, style) {
  ctx.fillStyle = style.edge;
  ctx.fillRect(x - half - 1.5, y - half - 1.5, 2 * half + 3, 2 * half + 3);
  ctx.fillStyle = style.fill;
  ctx.fillRect(x - half, y - half, 2 * half, 2 * half);
}

function polygon(ctx, points, style) {
  ctx.beginPath();
  points.forEach(function (p, i) { if (i) { ctx.lineTo(p[0], p[1]); } else { ctx.moveTo(p[0], p[1]); } });
  ctx.closePath();
  ctx.lineWidth = 3; ctx.strokeStyle = style.edge; ctx.lineJoin = 'round'; ctx.stroke();
  ctx.fillStyle = style.fill; ctx.fill();
}

function starPoints(x, y, outer, inner) {
  var points = [];
  for (var i = 0; i < 10; i++) {
    var r = i % 2 ? inner : outer, a = Math.PI / 5 * i - Math.PI / 2;
    points.push([x + r * Math.cos(a), y + r * Math.sin(a)]);
  }
  return points;
}

function circle(ctx, x, y, r, fill, stroke, width) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (fill) { ctx.fillStyle = fill; ctx.fill(); }
  if (stroke) { ctx.lineWidth = width || 1; ctx.strokeStyle = stroke; ctx.stroke(); }
}

function drawEventPoint(ctx, x, y, colour, hollow) {
  drawEventPoints(ctx, [x, y], colour, hollow);
}

// Many points of one style as one path: one fill and one stroke for all.
function drawEventPoints(ctx, xy, colour, hollow, plain) {
  var point = STYLES.point, i;
  var trace = function (r) {
    ctx.beginPath();
    for (i = 0; i < xy.length; i += 2) { ctx.moveTo(xy[i] + r, xy[i + 1]); ctx.arc(xy[i], xy[i + 1], r, 0, 2 * Math.PI); }
  };
  if (hollow) {  // a ring round a white centre
    trace(point.hollowRadius); ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fill();
    ctx.lineWidth = point.hollowWidth; ctx.strokeStyle = colour; ctx.stroke();
  } else {
    trace(point.radius); ctx.fillStyle = colour; ctx.fill();
    if (!plain) { ctx.lineWidth = point.outline; ctx.strokeStyle = '#fff'; ctx.stroke(); }
  }
}

function drawRouteLine(ctx, points, mode, alpha, approximate) {
  drawRouteLines(ctx, [points], mode, alpha, false, approximate);
}

// Lines of one mode, opacity and precision as one path: a few strokes for any number of routes.
function drawRouteLines(ctx, lines, mode, alpha, plain, approximate) {
  var style = STYLES.routeModes[mode], band = STYLES.approximateRoute, width = style.width;
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  lines.forEach(function (points) { traceLine(ctx, points); });
  if (plain) {
    ctx.strokeStyle = style.colour; ctx.lineWidth = 1; ctx.stroke();  // hairlines paint fastest
    ctx.restore();
    return;
  }
  ctx.lineCap = 'round'; ctx.lineJoin = 'round';
  ctx.strokeStyle = style.colour;
  if (approximate) {  // a pale band round a thinner line: "somewhere about here", not a traced path
    ctx.globalAlpha = alpha * band.bandOpacity; ctx.lineWidth = band.bandWidth; ctx.stroke();
    ctx.globalAlpha = alpha; width = Math.max(1.5, width * 0.5);
  }
  ctx.lineWidth = width;
  ctx.setLineDash(style.dash || []);
  ctx.stroke();
  if (style.ties && !approximate) {  // a railway: light dashes inside a dark line
    ctx.strokeStyle = style.ties.colour; ctx.lineWidth = width - style.ties.inset; ctx.setLineDash(style.ties.dash);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.beginPath();
  lines.forEach(function (points) { traceArrows(ctx, points); });
  ctx.lineWidth = 3; ctx.strokeStyle = '#fff'; ctx.stroke();
  ctx.fillStyle = style.colour; ctx.fill();
  ctx.restore();
}

function tracePath(ctx, points) {
  ctx.beginPath();
  traceLine(ctx, points);
}

function traceLine(ctx, points) {
  for (var i = 0; i < points.length; i++) {
    if (i) { ctx.lineTo(points[i][0], points[i][1]); } else { ctx.moveTo(points[i][0], points[i][1]); }
  }
}

// Arrowheads every ~150 px along the line and at its end: the direction of
// travel. They are added to the current path, to be painted with others.
function traceArrows(ctx, points) {
  var n = points.length;
  walkLine(points, 150, 75, lineLength(points) - 40, function (x, y, angle) {  // none too close to the end's
    traceArrowhead(ctx, x, y, angle);
  });
  if (n > 1) {
    traceArrowhead(ctx, points[n - 1][0], points[n - 1][1],
      Math.atan2(points[n - 1][1] - points[n - 2][1], points[n - 1][0] - points[n - 2][0]));
  }
}

// A triangle pointing along angle, its tip just past (x, y).
function traceArrowhead(ctx, x, y, angle) {
  var cos = Math.cos(angle), sin = Math.sin(angle);
  var corner = function (u, v) { return [x + u * cos - v * sin, y + u * sin + v * cos]; };
  var tip = corner(2, 0), left = corner(-8, -5.5), right = corner(-8, 5.5);
  ctx.moveTo(tip[0], tip[1]); ctx.lineTo(left[0], left[1]); ctx.lineTo(right[0], right[1]); ctx.closePath();
}

// A renderer's canvas over its bounds (the view and some padding), sharp on high-density screens.
function fitCanvas(renderer) {
  var size = renderer._bounds.getSize(), ratio = window.devicePixelRatio || 1, canvas = renderer._container;
  L.DomUtil.setPosition(canvas, renderer._bounds.min);
  canvas.width = Math.round(size.x * ratio);
  canvas.height = Math.round(size.y * ratio);
  canvas.style.width = size.x + 'px';
  canvas.style.height = size.y + 'px';
  renderer._ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
}

// The layer: a Leaflet renderer (so Leaflet positions the canvas during pans
// and zoom animations) that draws from the story's data instead of paths.
// What our two canvas renderers share: one bare canvas each, hidden from
// assistive technology (the event list is the map's text alternative), drawn
// by our own code rather than through Leaflet paths.
var BareCanvas = {
  _initContainer: function () {
    this._container = L.DomUtil.create('canvas', this.canvasClass);
    this._container.setAttribute('aria-hidden', 'true');
    this._ctx = this._container.getContext('2d');
  },

  _destroyContainer: function () {
    L.DomUtil.remove(this._container);
    delete this._ctx;
    delete this._container;
  },

  _updatePaths: function () {}
};

var StoryCanvas = L.Renderer.extend({
  options: { padding: 0.3 },

  // The canvas follows the timeline and the selection, keeping what it draws.
  initialize: function (story, timeline, selection, options) {
    L.Renderer.prototype.initialize.call(this, options);
    this._story = story;
    this._visible = [];  // the events shown on the timeline's day
    this._selected = -1;  // drawn with a halo
    this._projected = null;
    this._hits = [];
    timeline.on('datechange', function (e) { this._visible = e.shown; this.redraw(); }, this);
    selection.on('select', function (e) { this._selected = e.index; this.redraw(); }, this);
  },

  includes: BareCanvas,
  canvasClass: 'sm-canvas',

  // The events drawn, as indexes in timeline order.
  getVisible: function () { return this._visible; },

  _onZoomEnd: function () { this._projected = null; },

  _update: function () {
    if (this._map._animatingZoom && this._bounds) { return; }
    L.Renderer.prototype._update.call(this);
    fitCanvas(this);
    this.redraw();
  },

  redraw: function () {
    if (!this._map || !this._ctx) { return; }
    if (!this._projected) { this._project(); }
    var size = this._bounds.getSize();
    this._ctx.clearRect(0, 0, size.x, size.y);
    this._hits = [];
    this._drawRoutes();
    this._drawPlaces();
    this._drawPoints();
  },

  // World pixel positions at the current zoom, computed once per zoom level.
  _project: function () {
    var map = this._map, zoom = map.getZoom(), story = this._story;
    var places = story.places, project = function (lat, lon) { var p = map.project([lat, lon], zoom); return [p.x, p.y]; };
    this._projected = {
      places: places.lat.map(function (lat, i) { return project(lat, places.lon[i]); }),
      routes: story.routes.map(function (route) { return route.path.map(function (p) { return project(p[0], p[1]); }); }),
      points: story.events.geo.map(function (geo) { return Array.isArray(geo) ? project(geo[0], geo[1]) : null; })
    };
  },

  // Canvas position of a projected point.
  _toCanvas: function (projected) {
    var origin = this._map.getPixelOrigin(), min = this._bounds.min;
    return [projected[0] - origin.x - min.x, projected[1] - origin.y - min.y];
  },

  // Routes grouped by mode and opacity, each group painted at once.
  _drawRoutes: function () {
    var story = this._story, ctx = this._ctx, self = this, groups = {}, keys = [];
    this._visible.forEach(function (index) {
      var geo = story.events.geo[index];
      if (!geo || geo.route === undefined) { return; }
      var points = self._projected.routes[geo.route].map(self._toCanvas, self);
      var route = story.routes[geo.route];
      var alpha = routeOpacity(story.events.confidence[index]), key = route.mode + ' ' + alpha + ' ' + !!route.approximate;
      if (!groups[key]) { groups[key] = { mode: route.mode, alpha: alpha, approximate: route.approximate, lines: [] }; keys.push(key); }
      groups[key].lines.push(points);
      if (index === self._selected) {
        ctx.save(); tracePath(ctx, points); ctx.strokeStyle = HALO; ctx.lineWidth = 12;
        ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.globalAlpha = 0.8; ctx.stroke(); ctx.restore();
      }
      self._hits.push({ index: index, line: points });
    });
    var plain = this._hits.length > ROUTE_DETAIL_LIMIT;  // the hits so far are this frame's routes
    keys.sort().forEach(function (key) {
      var group = groups[key];
      drawRouteLines(ctx, group.lines, group.mode, group.alpha, plain, group.approximate);
    });
  },

  _drawPlaces: function () {
    var story = this._story, ctx = this._ctx, labels = [], self = this;
    story.places.id.forEach(function (id, i) {
      var xy = self._toCanvas(self._projected.places[i]);
      drawPlace(ctx, story.places.kind[i], xy[0], xy[1]);
      self._hits.push({ place: i, x: xy[0], y: xy[1], r: 8 });
      labels.push({ text: story.places.name[i], x: xy[0] + 10, y: xy[1] + 4 });
    });
    drawLabels(ctx, labels);
  },

  // Event points, drawn style by style; several visible events at one spot
  // are spread on a small ring.
  _drawPoints: function () {
    var story = this._story, ctx = this._ctx, self = this, spots = {}, order = [], styles = {}, halo = null;
    var crowds = [];
    this._visible.forEach(function (index) {
      var xy = self._pointOf(index);
      if (!xy) { return; }
      var key = Math.round(xy[0]) + ',' + Math.round(xy[1]);
      if (!spots[key]) { spots[key] = { x: xy[0], y: xy[1], members: [] }; order.push(key); }
      spots[key].members.push(index);
    });
    order.forEach(function (key) {
      var spot = spots[key], n = spot.members.length;
      if (n > RING_LIMIT) { crowds.push(spot); return; }
      var ring = n > 1 ? 7 + 2 * n : 0;
      spot.members.forEach(function (index, k) {
        var angle = 2 * Math.PI * k / n - Math.PI / 2;
        var x = spot.x + ring * Math.cos(angle), y = spot.y + ring * Math.sin(angle);
        var style = story.events.kind[index] + ' ' + story.events.confidence[index];
        (styles[style] = styles[style] || []).push(x, y);
        if (index === self._selected) { halo = [x, y]; }
        self._hits.push({ index: index, x: x, y: y, r: 9 });
      });
    });
    if (halo) { circle(ctx, halo[0], halo[1], 12, null, HALO, 5); }
    var plain = this._visible.length > POINT_DETAIL_LIMIT;
    Object.keys(styles).sort().forEach(function (style) {
      var parts = style.split(' ');
      drawEventPoints(ctx, styles[style], STYLES.eventKinds[parts[0]], isHollow(parts[1]), plain);
    });
    crowds.forEach(function (spot) { self._drawCrowd(spot); });
  },

  // Many events at one spot: one circle with their number; a click opens the latest.
  _drawCrowd: function (spot) {
    var ctx = this._ctx, story = this._story, last = spot.members[spot.members.length - 1];
    var selected = spot.members.indexOf(this._selected) >= 0;
    if (selected) { circle(ctx, spot.x, spot.y, 16, null, HALO, 5); }
    circle(ctx, spot.x, spot.y, STYLES.point.crowdRadius, STYLES.eventKinds[story.events.kind[last]], '#fff', 2);
    ctx.fillStyle = '#fff'; ctx.font = '700 11px system-ui, sans-serif';
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    ctx.fillText(spot.members.length > 99 ? '99+' : String(spot.members.length), spot.x, spot.y + 0.5);
    ctx.textAlign = 'start'; ctx.textBaseline = 'alphabetic';
    this._hits.push({ index: selected ? this._selected : last, x: spot.x, y: spot.y, r: 13 });
  },

  _pointOf: function (index) {
    var geo = this._story.events.geo[index];
    if (typeof geo === 'number') { return this._toCanvas(this._projected.places[geo]); }
    if (Array.isArray(geo)) { return this._toCanvas(this._projected.points[index]); }
    return null;
  },

  // What is under a container point: {index} for an event, {place} for a place.
  hitTest: function (containerPoint) {
    var layerPoint = this._map.containerPointToLayerPoint(containerPoint);
    var x = layerPoint.x - this._bounds.min.x, y = layerPoint.y - this._bounds.min.y;
    for (var i = this._hits.length - 1; i >= 0; i--) {  // topmost first
      var hit = this._hits[i];
      if (hit.line ? distanceToLine(x, y, hit.line) <= 7 : Math.hypot(hit.x - x, hit.y - y) <= hit.r) {
        return hit;
      }
    }
    return null;
  }
});

function distanceToLine(x, y, points) {
  var best = Infinity;
  for (var i = 1; i < points.length; i++) {
    var ax = points[i - 1][0], ay = points[i - 1][1], dx = points[i][0] - ax, dy = points[i][1] - ay;
    var share = dx || dy ? clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1) : 0;
    best = Math.min(best, Math.hypot(ax + share * dx - x, ay + share * dy - y));
  }
  return best;
}

// Place names with a white halo; a label that would overlap one already drawn is left out.
function drawLabels(ctx, labels) {
  var taken = [];
  ctx.save();
  ctx.font = '600 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.fillStyle = '#222';
  labels.forEach(function (label) {
    var width = ctx.measureText(label.text).width;
    var box = [label.x, label.y - 11, label.x + width, label.y + 3];
    if (taken.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) { return; }
    taken.push(box);
    ctx.strokeText(label.text, label.x, label.y);
    ctx.fillText(label.text, label.x, label.y);
  });
  ctx.restore();
}

// A small canvas with one legend symbol, drawn by the same code as the map.
function legendSymbol(draw) {
  var ratio = window.devicePixelRatio || 1, canvas = el('canvas', { width: 28 * ratio, height: 18 * ratio, 'aria-hidden': 'true' });
  canvas.style.width = '28px'; canvas.style.height = '18px';
  var ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  draw(ctx);
  return canvas;
}

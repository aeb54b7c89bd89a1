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

// Each kind's glyph, added to the current path: kinds told apart without colour.
var GLYPHS = {
  dot: function (ctx, x, y, s) { ctx.moveTo(x + s * 0.8, y); ctx.arc(x, y, s * 0.8, 0, 2 * Math.PI); },
  square: function (ctx, x, y, s) { ctx.rect(x - s * 0.75, y - s * 0.75, s * 1.5, s * 1.5); },
  plus: function (ctx, x, y, s) { ctx.rect(x - s, y - s * 0.3, 2 * s, s * 0.6); ctx.rect(x - s * 0.3, y - s, s * 0.6, 2 * s); },
  bar: function (ctx, x, y, s) { ctx.rect(x - s, y - s * 0.35, 2 * s, s * 0.7); },
  arrow: function (ctx, x, y, s) { ctx.moveTo(x + s, y); ctx.lineTo(x - s * 0.7, y - s); ctx.lineTo(x - s * 0.7, y + s); ctx.closePath(); },
  none: function () {}
};

// kind: an event kind, or null for a symbol of no kind (STYLES.muted, no glyph).
function drawEventPoint(ctx, x, y, kind, hollow) {
  drawEventPoints(ctx, [x, y], kind, hollow);
}

// Many points of one style as one path: one fill and one stroke for all, then
// their glyphs (white on a filled point, in the kind's colour in a hollow one).
function drawEventPoints(ctx, xy, kind, hollow, plain) {
  var point = STYLES.point, colour = kind ? STYLES.eventKinds[kind] : STYLES.muted, i;
  var trace = function (r) {
    ctx.beginPath();
    for (i = 0; i < xy.length; i += 2) { ctx.moveTo(xy[i] + r, xy[i + 1]); ctx.arc(xy[i], xy[i + 1], r, 0, 2 * Math.PI); }
  };
  // a ring round a white centre
  if (hollow) {
    trace(point.hollowRadius); ctx.fillStyle = 'rgba(255,255,255,0.9)'; ctx.fill();
    ctx.lineWidth = point.hollowWidth; ctx.strokeStyle = colour; ctx.stroke();
  } else {
    trace(point.radius); ctx.fillStyle = colour; ctx.fill();
    if (!plain) { ctx.lineWidth = point.outline; ctx.strokeStyle = '#fff'; ctx.stroke(); }
  }
  if (plain || !kind) { return; }
  var glyph = GLYPHS[STYLES.eventGlyphs[kind]], size = hollow ? 2.2 : 3.3;
  ctx.beginPath();
  for (i = 0; i < xy.length; i += 2) { glyph(ctx, xy[i], xy[i + 1], size); }
  ctx.fillStyle = hollow ? colour : '#fff'; ctx.fill();
}

function drawRouteLine(ctx, points, mode, alpha, approximate) {
  drawRouteLines(ctx, [points], mode, alpha, false, approximate);
}

// Lines of one mode, opacity and precision as one path: a few strokes for any number of routes.
// shift: subtracted from every point (the map's lines are in world px), none for the legend's.
function drawRouteLines(ctx, lines, mode, alpha, plain, approximate, shift) {
  var style = STYLES.routeModes[mode], band = STYLES.approximateRoute, width = style.width;
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.beginPath();
  lines.forEach(function (points) { traceLine(ctx, points, shift); });
  if (plain) {
    // hairlines paint fastest
    ctx.strokeStyle = style.colour; ctx.lineWidth = 1; ctx.stroke();
    ctx.restore();
    return;
  }
  ctx.lineCap = 'round'; ctx.lineJoin = 'round';
  ctx.strokeStyle = style.colour;
  // a pale band round a thinner line: "somewhere about here", not a traced path
  if (approximate) {
    ctx.globalAlpha = alpha * band.bandOpacity; ctx.lineWidth = band.bandWidth; ctx.stroke();
    ctx.globalAlpha = alpha; width = Math.max(1.5, width * 0.5);
  }
  ctx.lineWidth = width;
  ctx.setLineDash(style.dash || []);
  ctx.stroke();
  // a railway: light dashes inside a dark line
  if (style.ties && !approximate) {
    ctx.strokeStyle = style.ties.colour; ctx.lineWidth = width - style.ties.inset; ctx.setLineDash(style.ties.dash);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.beginPath();
  lines.forEach(function (points) { traceArrows(ctx, points, shift); });
  ctx.lineWidth = 3; ctx.strokeStyle = '#fff'; ctx.stroke();
  ctx.fillStyle = style.colour; ctx.fill();
  ctx.restore();
}

// (lat, lon) -> world [x, y] at the zoom: map.project's numbers, worked out as Leaflet does
// for spherical Mercator without a LatLng and a Point each.
function worldPixels(map, zoom) {
  var crs = map.options.crs;
  if (crs !== L.CRS.EPSG3857) { return function (lat, lon) { var p = map.project([lat, lon], zoom); return [p.x, p.y]; }; }
  var mercator = crs.projection, R = mercator.R, max = mercator.MAX_LATITUDE, d = Math.PI / 180, to = crs.transformation, scale = crs.scale(zoom);
  return function (lat, lon) {
    var sin = Math.sin(Math.max(Math.min(max, lat), -max) * d);
    return [scale * (to._a * (R * lon * d) + to._b), scale * (to._c * (R * Math.log((1 + sin) / (1 - sin)) / 2) + to._d)];
  };
}

// A route's points in world pixels at this zoom, less those within a pixel of the last one
// kept: the painted line is the same, and a zoomed-out view of thousands of routes paints
// far fewer segments (a computed sea or rail line has a point every few kilometres).
function pixelLine(path, project) {
  var out = [], last = null;
  for (var i = 0; i < path.length; i++) {
    var xy = project(path[i][0], path[i][1]);
    if (last && i < path.length - 1 && Math.abs(xy[0] - last[0]) + Math.abs(xy[1] - last[1]) < 1) { continue; }
    out.push(xy);
    last = xy;
  }
  return out;
}

function tracePath(ctx, points, shift) {
  ctx.beginPath();
  traceLine(ctx, points, shift);
}

function traceLine(ctx, points, shift) {
  var dx = shift ? shift[0] : 0, dy = shift ? shift[1] : 0;
  for (var i = 0; i < points.length; i++) {
    if (i) { ctx.lineTo(points[i][0] - dx, points[i][1] - dy); } else { ctx.moveTo(points[i][0] - dx, points[i][1] - dy); }
  }
}

// Arrowheads every ~150 px along the line and at its end: the direction of
// travel. They are added to the current path, to be painted with others.
function traceArrows(ctx, points, shift) {
  var n = points.length, dx = shift ? shift[0] : 0, dy = shift ? shift[1] : 0;
  // none too close to the end's
  walkLine(points, 150, 75, lineLength(points) - 40, function (x, y, angle) {
    traceArrowhead(ctx, x - dx, y - dy, angle);
  });
  if (n > 1) {
    traceArrowhead(ctx, points[n - 1][0] - dx, points[n - 1][1] - dy,
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

// A renderer's canvas over its bounds (the view and some padding), sharp on high-density screens;
// empty: 0 x 0, for a canvas with nothing to draw (a full-size one is megabytes of a phone's memory).
function fitCanvas(renderer, empty) {
  if (empty) { renderer._container.width = renderer._container.height = 0; return; }
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

// What both canvases that follow the view share (the story's and the route motion's): during a
// drag (or its glide) the canvas moves with the map; once the view reaches past it, it is
// placed round the view and drawn again (_update), at most once a frame.
var FollowsDrags = {
  getEvents: function () {
    var events = L.Renderer.prototype.getEvents.call(this);
    events.move = this._onMove;
    return events;
  },

  _onMove: function () {
    var self = this;
    if (this._moveFrame || !this._bounds) { return; }
    this._moveFrame = requestAnimationFrame(function () {
      self._moveFrame = 0;
      var map = self._map;
      if (!map || map._animatingZoom) { return; }
      var view = L.bounds(map.containerPointToLayerPoint([0, 0]), map.containerPointToLayerPoint(map.getSize()));
      if (!self._bounds.contains(view)) { self._update(); }
    });
  }
};

// Symbols the map repeats (place symbols, crowds' discs), all painted once per pixel ratio side
// by side on one small canvas and copied wherever they go, on whole device pixels: painted in
// place, circle by circle, they took 6 to 7 ms of a 10,000-event jump's 16 ms of painting (and
// a canvas each, made as first needed, half a millisecond each at the start). A copy of what was
// painted onto a clear canvas, opacity included, is what painting it in place gives, to within
// the half pixel a position is rounded by.
var STAMP_REACH = STYLES.point.crowdRadius + 2;  // the largest, a crowd's disc and its ring
var stamps = null;
function stampSheet() {
  var ratio = window.devicePixelRatio || 1;
  if (stamps && stamps.ratio === ratio) { return stamps; }
  var painters = [], radius = STYLES.point.crowdRadius;
  Object.keys(STYLES.placeKinds).forEach(function (kind) {
    painters.push(['place ' + kind, function (ctx, m) { drawPlace(ctx, kind, m, m); }]);
  });
  Object.keys(STYLES.eventKinds).forEach(function (kind) {
    [1, STYLES.past.opacity].forEach(function (alpha) {
      painters.push(['crowd ' + kind + ' ' + alpha, function (ctx, m) {
        ctx.globalAlpha = alpha;
        circle(ctx, m, m, radius, STYLES.eventKinds[kind], '#fff', 2);
        ctx.globalAlpha = 1;
      }]);
    });
  });
  // an even size: the centre on a pixel corner, as a rounded position puts it
  var cell = 2 * Math.ceil(STAMP_REACH * ratio), canvas = document.createElement('canvas'), ctx = canvas.getContext('2d'), at = new Map();
  canvas.width = cell * painters.length;
  canvas.height = cell;
  painters.forEach(function (painter, n) {
    ctx.setTransform(ratio, 0, 0, ratio, n * cell, 0);
    painter[1](ctx, cell / 2 / ratio);
    at.set(painter[0], n * cell);
  });
  return (stamps = { ratio: ratio, canvas: canvas, cell: cell, at: at });
}

// The stamp named key ('place ' + kind, 'crowd ' + kind + ' ' + opacity) centred on (x, y).
function stamp(ctx, key, x, y) {
  var sheet = stampSheet(), ratio = sheet.ratio, cell = sheet.cell, side = cell / ratio;
  ctx.drawImage(sheet.canvas, sheet.at.get(key), 0, cell, cell,
    Math.round(x * ratio) / ratio - side / 2, Math.round(y * ratio) / ratio - side / 2, side, side);
}

var StoryCanvas = L.Renderer.extend({
  // The canvas reaches this share of the map's size past each side. Every drawing clears,
  // paints and hands the browser the whole canvas, so a jump at 10,000 events takes about
  // 5 ms less at 0.15 than at 0.3 (2.6 times the map's area); a drag that goes past it
  // redraws the canvas round the view (_onMove) instead of showing its edge until it ends.
  options: { padding: 0.15 },

  // The canvas follows the timeline and the selection, keeping what it draws.
  initialize: function (story, timeline, selection, options) {
    L.Renderer.prototype.initialize.call(this, options);
    this._story = story;
    // the events shown on the timeline's day
    this._visible = [];
    // those and, in cumulative mode, the past ones (muted)
    this._drawn = [];
    // drawn with a halo
    this._selected = -1;
    this._projected = null;
    this._hits = [];
    // the order place names get room in (pagedata.label_order)
    this._labelOrder = story.places.order;
    this._styleRanks = styleRanks(story);
    this._kindOf = numbered(story.events.kind, story.kinds);
    this._levelOf = numbered(story.events.confidence, story.confidences);
    this._muted = new MutedRoutes(story);
    timeline.on('datechange', this._onDate, this);
    selection.on('select', function (e) { this._selected = e.index; this.redraw(); }, this);
  },

  includes: [BareCanvas, FollowsDrags],
  canvasClass: 'sm-canvas',

  // The events active on the day, and all those drawn, as indexes in timeline order.
  getVisible: function () { return this._visible; },
  getDrawn: function () { return this._drawn; },

  // In cumulative mode what has passed stays, muted (docs/timeline.md): a span
  // after its end, a dated event once its default window (windowDays) is over.
  _onDate: function (e) {
    var drawn = e.shown;
    this._drawnBefore = -1;
    // muted: drawn, and its last day unmuted (_mutedUntil) before the day; none in window mode
    this._mutedBefore = -Infinity;
    if (this._story.timeline.mode === 'cumulative') {
      var from = this._mutedFrom || this._cumulativeDays(), located = this._located;
      this._mutedBefore = e.day;
      if (this._inStartOrder) {
        // in timeline order the events drawn are the located ones before the first starting
        // later (SpotGroups): a slice, not a pass over every event
        this._drawnBefore = firstAbove(this._story.events.from, e.day);
        drawn = located.slice(0, firstAbove(located, this._drawnBefore - 1));
      } else {
        drawn = located.filter(function (i) { return from[i] <= e.day; });
      }
    }
    this._visible = e.shown; this._drawn = Object.freeze(drawn); this._day = e.day; this._dated = true;
    this.redraw();
  },

  // For _onDate, once: each event's first day drawn and last day before muted (Infinity: never).
  _cumulativeDays: function () {
    var ev = this._story.events, t = this._story.timeline, n = ev.from.length, from = new Float64Array(n), until = new Float64Array(n);
    this._inStartOrder = true;
    for (var i = 0; i < n; i++) {
      var last = ev.span[i] ? ev.until[i] : ev.from[i] + t.windowDays - 1;
      from[i] = ev.geo[i] === null ? Infinity : ev.from[i];
      until[i] = last === null ? Infinity : last;
      if (i && ev.from[i] < ev.from[i - 1]) { this._inStartOrder = false; }
    }
    // the events on the map, in timeline order
    this._located = ev.geo.map(function (geo, i) { return geo === null ? -1 : i; }).filter(function (i) { return i >= 0; });
    this._mutedUntil = until;
    return (this._mutedFrom = from);
  },

  // Routes of one mode, opacity and precision are painted together (the muted: MutedRoutes), in
  // their names' order. Once: of[index] an event's group (-1: no route), styles[g] a group's.
  _routeGroups: function () {
    if (this._groupsOfRoutes) { return this._groupsOfRoutes; }
    var story = this._story, ev = story.events, of = new Int32Array(ev.geo.length).fill(-1), names = [], styles = [], byName = new Map();
    ev.geo.forEach(function (geo, i) {
      if (!geo || geo.route === undefined) { return; }
      var route = story.routes[geo.route], alpha = routeOpacity(ev.confidence[i]), name = route.mode + ' ' + alpha + ' ' + !!route.approximate;
      if (!byName.has(name)) { byName.set(name, names.length); names.push(name); styles.push({ mode: route.mode, alpha: alpha, approximate: route.approximate }); }
      of[i] = byName.get(name);
    });
    var painted = names.map(function (name, g) { return g; }).sort(function (a, b) { return names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0; });
    return (this._groupsOfRoutes = { of: of, styles: styles, painted: painted });
  },

  _isPast: function (index) { return this._mutedUntil !== undefined && this._mutedUntil[index] < this._mutedBefore && index !== this._selected; },

  _onZoomEnd: function () { this._projected = null; },

  _update: function () {
    if (this._map._animatingZoom && this._bounds) { return; }
    L.Renderer.prototype._update.call(this);
    fitCanvas(this);
    this.redraw();
  },

  redraw: function () {
    // Nothing before the timeline's first day is set: the map's opening moves (added, then
    // fitted to the story) would each project every event for a canvas about to be redrawn.
    if (!this._map || !this._ctx || !this._dated) { return; }
    if (!this._projected) { this._project(); }
    var size = this._bounds.getSize();
    this._ctx.clearRect(0, 0, size.x, size.y);
    this._hits = [];
    // symbols' boxes, which labels keep clear of
    this._boxes = [];
    this._groups = [];
    // by the spot of a place (placeSpot): how far from it its markers reach, which its label clears
    this._reach = new Map();
    this._drawRoutes();
    this._drawPlaces();
    this._drawPoints();
    this._drawLabels();
  },

  // World pixel positions at the current zoom, computed once per zoom level, and
  // each point event's spot (the whole pixel it falls on): events sharing one are
  // drawn as one spot, so a redraw only looks them up.
  _project: function () {
    var story = this._story, geo = story.events.geo, n = geo.length, places = story.places, project = worldPixels(this._map, this._map.getZoom());
    var placesXY = places.lat.map(function (lat, i) { return project(lat, places.lon[i]); });
    var xy = new Float64Array(2 * n), spot = new Int32Array(n).fill(-1), spots = new Map(), count = 0;
    var spotAt = function (at) {
      var column = spots.get(Math.round(at[0])) || new Map(), row = Math.round(at[1]);
      if (!column.size) { spots.set(Math.round(at[0]), column); }
      if (!column.has(row)) { column.set(row, count++); }
      return column.get(row);
    };
    // each place's, once for all its events
    var placeSpot = Int32Array.from(placesXY, spotAt), used = new Uint8Array(placesXY.length);
    for (var i = 0; i < n; i++) {
      var g = geo[i], at = typeof g === 'number' ? placesXY[g] : Array.isArray(g) ? project(g[0], g[1]) : null;
      if (!at) { continue; }
      xy[2 * i] = at[0]; xy[2 * i + 1] = at[1];
      if (typeof g === 'number') { spot[i] = placeSpot[g]; used[placeSpot[g]] = 1; } else { spot[i] = spotAt(at); used[spot[i]] = 1; }
    }
    // -1: no event there
    placeSpot = placeSpot.map(function (s) { return used[s] ? s : -1; });
    var atPlace = new Uint8Array(count);
    placeSpot.forEach(function (s) { if (s >= 0) { atPlace[s] = 1; } });
    // Routes that share a geometry share its path (pagedata.js): projected once.
    var lines = new Map();
    this._projected = {
      places: placesXY,
      routes: story.routes.map(function (route) {
        return lines.get(route.path) || lines.set(route.path, pixelLine(route.path, project)).get(route.path);
      }),
      xy: xy, spot: spot, spotCount: count, placeSpot: placeSpot, atPlace: atPlace
    };
  },

  // What to subtract from a world pixel position for its canvas position (whole pixels).
  _shift: function () {
    var origin = this._map.getPixelOrigin(), min = this._bounds.min;
    return [origin.x + min.x, origin.y + min.y];
  },

  // Canvas position of a projected point.
  _toCanvas: function (projected) {
    var origin = this._map.getPixelOrigin(), min = this._bounds.min;
    return [projected[0] - origin.x - min.x, projected[1] - origin.y - min.y];
  },

  // Routes grouped by mode and opacity, each group painted at once; muted ones first, beneath
  // (MutedRoutes), then the selected one's halo. Routes are hit-tested from _drawn (hitTest).
  _drawRoutes: function () {
    var ctx = this._ctx, shift = this._shift(), count = 0, halo = null, routeGroups = this._routeGroups(), groupOf = routeGroups.of;
    var lines = this._lines = this._projected.routes, geos = this._story.events.geo, canvas = ctx.canvas, until = this._mutedUntil, muted = this._mutedBefore, selected = this._selected;
    var groups = routeGroups.styles.map(function () { return { lines: [], seen: new Set() }; });
    for (var d = 0; d < this._drawn.length; d++) {
      var index = this._drawn[d], g = groupOf[index];
      if (g < 0) { continue; }
      // world px, shifted as they are traced
      var points = lines[geos[index].route], group = groups[g];
      count++;
      if (index === selected) { halo = points; } else if (until && until[index] < muted) { continue; }
      // a line many events travel is painted once in its group: the same pixels, a fraction of the work
      if (!group.seen.has(points)) { group.seen.add(points); group.lines.push(points); }
    }
    var plain = count > ROUTE_DETAIL_LIMIT;
    var view = this._mutedView = { lines: lines, shift: shift, skip: selected, plain: plain, key: [canvas.width, canvas.height, shift, window.devicePixelRatio].join() };
    if (this._muted.later) { this._keepMutedLater(); }
    this._muted.draw(ctx, this._day, view);
    if (halo) {
      ctx.save(); tracePath(ctx, halo, shift); ctx.strokeStyle = HALO; ctx.lineWidth = 12;
      ctx.lineCap = 'round'; ctx.lineJoin = 'round'; ctx.globalAlpha = 0.8; ctx.stroke(); ctx.restore();
    }
    routeGroups.painted.forEach(function (g) {
      var style = routeGroups.styles[g];
      if (groups[g].lines.length) { drawRouteLines(ctx, groups[g].lines, style.mode, style.alpha, plain, style.approximate, shift); }
    });
  },

  // After the first drawing (MutedRoutes.later): the kept canvas made when the page is idle.
  _keepMutedLater: function () {
    var self = this, opened = this._day;
    whenLongIdle(function () {
      if (self._ctx && self._mutedView) { self._muted.keep(self._ctx, Math.max(opened, self._day), self._mutedView); }
    });
  },

  _drawPlaces: function () {
    var story = this._story, ctx = this._ctx, self = this;
    story.places.kind.forEach(function (kind, i) {
      var xy = self._toCanvas(self._projected.places[i]);
      // the largest (base's star) reaches 9 px with its edge
      stamp(ctx, 'place ' + kind, xy[0], xy[1]);
      self._hits.push({ place: i, x: xy[0], y: xy[1], r: 8 });
      self._boxes.push(around(xy, 8));
    });
  },

  // Event points, drawn style by style, muted ones first. Several events at
  // one spot are spread on a small ring; spots that would overlap at this
  // zoom (or too many at one) become one marker with their count.
  _drawPoints: function () {
    var ctx = this._ctx, self = this, styles = [], halo = null, projected = this._projected, shift = this._shift();
    var drawn = this._drawn, kinds = this._kindOf, levels = this._levelOf, ranks = this._styleRanks, spots;
    if (this._drawnBefore >= 0 && projected.groups) {
      // cumulative mode: the events before _drawnBefore, of all grouped once a zoom (spots.js)
      spots = projected.groups.day(this._drawnBefore, this._mutedBefore, shift, this._selected);
    } else {
      spots = new SpotGroups(projected, drawn, this._mutedUntil).day(Infinity, this._mutedBefore, shift, this._selected);
      // all grouped when the page is idle (a long idle period), not in the drawing the reader waits for
      if (this._drawnBefore >= 0 && !projected.groupsLater) {
        projected.groupsLater = whenLongIdle(function () {
          if (self._projected === projected) { projected.groups = new SpotGroups(projected, self._located, self._mutedUntil); }
        });
      }
    }
    spots.singles.forEach(function (spot) {
      var n = spot.members.length, ring = n > 1 ? 7 + 2 * n : 0;
      self._boxes.push(around([spot.x, spot.y], ring + 8));
      if (projected.atPlace[spot.s]) { self._reach.set(spot.s, ring + 8); }
      spot.members.forEach(function (index, k) {
        var angle = 2 * Math.PI * k / n - Math.PI / 2;
        var x = n > 1 ? spot.x + ring * Math.cos(angle) : spot.x, y = n > 1 ? spot.y + ring * Math.sin(angle) : spot.y;
        var rank = ranks.of[((self._isPast(index) ? 0 : 1) * ranks.kinds + kinds[index]) * ranks.levels + levels[index]];
        (styles[rank] = styles[rank] || []).push(x, y);
        if (index === self._selected) { halo = [x, y]; }
        self._hits.push({ index: index, x: x, y: y, r: 9 });
      });
    });
    if (halo) { circle(ctx, halo[0], halo[1], 12, null, HALO, 5); }
    var plain = drawn.length > POINT_DETAIL_LIMIT;
    // in the order of the styles' names (ranks.styles)
    styles.forEach(function (points, rank) {
      var style = ranks.styles[rank];
      ctx.globalAlpha = style.past ? STYLES.past.opacity : 1;
      drawEventPoints(ctx, points, style.kind, isHollow(style.level), plain);
    });
    ctx.globalAlpha = 1;
    if (spots.crowds.length) { this._drawCrowds(spots.crowds); }
  },

  // Overlapping spots (or too many events at one): one circle with their number
  // at their middle, coloured by the latest event's kind. A click zooms in to
  // part them, or opens the latest event when they share one spot.
  _drawCrowds: function (crowds) {
    var ctx = this._ctx, radius = STYLES.point.crowdRadius, self = this, min = this._bounds.min.clone();
    ctx.font = '700 11px ' + FONT_FAMILY;
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    crowds.forEach(function (crowd) {
      var x = crowd.x, y = crowd.y;
      ctx.globalAlpha = 1;
      if (crowd.selected) { circle(ctx, x, y, 16, null, HALO, 5); }
      var alpha = crowd.past ? STYLES.past.opacity : 1;
      stamp(ctx, 'crowd ' + self._story.events.kind[crowd.last] + ' ' + alpha, x, y);
      ctx.globalAlpha = alpha;
      ctx.fillStyle = '#fff';
      ctx.fillText(crowd.count > 99 ? '99+' : String(crowd.count), x, y + 0.5);
      self._boxes.push(around([x, y], radius + 3));
      // one name per group, at it
      var reach = { r: radius + 4, at: [x, y], group: self._groups.length };
      crowd.places.forEach(function (s) { self._reach.set(s, reach); });
      self._groups.push({ x: x, y: y, count: crowd.count, muted: crowd.past });
      // expand (the bounds to zoom to) is worked out when the marker is hit: few ever are.
      self._hits.push({ index: crowd.selected ? self._selected : crowd.last, x: x, y: y, r: 13, expand: null, spots: crowd.spots, min: min });
    });
    ctx.textAlign = 'start'; ctx.textBaseline = 'alphabetic'; ctx.globalAlpha = 1;
  },

  // Place names by priority (places.order), each at a side of its symbol where it
  // overlaps no other name nor symbol and stays in view (placeLabels); else left out.
  _drawLabels: function () {
    var ctx = this._ctx, story = this._story, self = this, taken = new BoxGrid(this._boxes), shown = [];
    var min = this._bounds.min, offset = this._map.layerPointToContainerPoint(min), size = this._map.getSize();
    var view = [-offset.x, -offset.y, size.x - offset.x, size.y - offset.y], named = {}, frame = this._map.getContainer().getBoundingClientRect();
    var controls = this._map.getContainer().querySelectorAll('.leaflet-control');
    // the legend, buttons and credits hide what is under them
    for (var c = 0; c < controls.length; c++) {
      var rect = controls[c].getBoundingClientRect(), left = rect.left - frame.left - offset.x, top = rect.top - frame.top - offset.y;
      if (rect.width) { taken.add([left, top, left + rect.width, top + rect.height]); }
    }
    ctx.save();
    ctx.font = '600 12px ' + FONT_FAMILY;
    ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.fillStyle = '#222';
    var labels = [], widths = this._nameWidths = this._nameWidths || [];
    this._labelOrder.forEach(function (i) {
      var xy = self._toCanvas(self._projected.places[i]), text = story.places.name[i];
      var reach = self._reach.get(self._projected.placeSpot[i]), r = 10;
      if (typeof reach === 'number') { r = Math.max(r, reach + 1); } else if (reach) {
        if (named[reach.group]) { return; }
        named[reach.group] = 1; xy = reach.at; r = reach.r;
      }
      var inView = inside(around(xy, 0), view), x = xy[0], y = xy[1];
      // A side is taken, whatever the name's width, when a point every box on it holds is: its
      // anchor, and the symbol's column where it may slide. Names with no side left (most, on a
      // crowded map) are not measured: a name's first measuring is its costliest part.
      var blocked = function (px, top) { var b = [px, top, px, top + 15]; return taken.overlaps(b) || (inView && !inside(b, view)); };
      var free = [[x + r, y - 8], [x - r, y - 8], [x, y - r - 15], [x, y + r], [x - 4, y + r], [x - 4, y - r - 15], [x + 4, y + r]].some(function (p) {
        return !blocked(p[0], p[1]) || (inView && !blocked(x, p[1]));
      });
      if (!free) { labels.push({ text: text, options: [] }); return; }
      // Measured once: the font never changes.
      var w = widths[i] = widths[i] || ctx.measureText(text).width;
      // Right, left, above, below, then above and below reaching right or left.
      var options = [[x + r, y - 8], [x - r - w, y - 8], [x - w / 2, y - r - 15], [x - w / 2, y + r], [x - 4, y + r], [x - 4, y - r - 15], [x + 4 - w, y + r]].map(function (c) {
        return [c[0], c[1], c[0] + w, c[1] + 15];
      }).map(function (b) {  // a name above or below slides into view while it still spans its symbol
        var slide = b[0] < view[0] ? view[0] - b[0] : b[2] > view[2] ? view[2] - b[2] : 0;
        return inView && slide && b[0] + slide <= x && x <= b[2] + slide ? [b[0] + slide, b[1], b[2] + slide, b[3]] : b;
      }).filter(function (b) {
        return !taken.overlaps(b) && (!inView || inside(b, view));
      });
      labels.push({ text: text, options: options });
    });
    placeLabels(labels).forEach(function (label) {
      var box = label.box;
      ctx.strokeText(label.text, box[0], box[1] + 12);
      ctx.fillText(label.text, box[0], box[1] + 12);
      shown.push({ text: label.text, box: [box[0] + offset.x, box[1] + offset.y, box[2] + offset.x, box[3] + offset.y] });
    });
    ctx.restore();
    this._layoutParts = { labels: shown, symbols: this._boxes, groups: this._groups, offset: offset };
    if (!this._layoutAsked) { this._askLayout(); }
  },

  // What was drawn where, in container px, read-only: for tests and for anyone debugging.
  // Written out when read, not on every drawing: a jump does not pay for it.
  _askLayout: function () {
    var self = this, made = null;
    this._layoutAsked = true;
    Object.defineProperty(this._container, 'storymapLayout', { configurable: true, get: function () {
      var parts = self._layoutParts, offset = parts.offset;
      if (made && made.parts === parts) { return made.layout; }
      var move = function (b) { return [b[0] + offset.x, b[1] + offset.y, b[2] + offset.x, b[3] + offset.y]; };
      made = { parts: parts, layout: deepFreeze({ labels: parts.labels, symbols: parts.symbols.map(move),
        groups: parts.groups.map(function (g) { return { x: g.x + offset.x, y: g.y + offset.y, count: g.count, muted: g.muted }; }) }) };
      return made.layout;
    } });
  },

  // What is under a container point: {index} for an event (with expand, the
  // bounds to zoom to, for a group), {place} for a place.
  hitTest: function (containerPoint) {
    var layerPoint = this._map.containerPointToLayerPoint(containerPoint), map = this._map;
    var x = layerPoint.x - this._bounds.min.x, y = layerPoint.y - this._bounds.min.y, shift = this._shift(), geos = this._story.events.geo;
    // topmost first: points and places, then routes (beneath them), the latest first
    for (var i = this._hits.length - 1; i >= 0; i--) {
      var hit = this._hits[i];
      if (Math.hypot(hit.x - x, hit.y - y) <= hit.r) {
        if (hit.spots && !hit.expand) {
          hit.expand = L.latLngBounds(hit.spots().map(function (spot) { return map.layerPointToLatLng([spot.x + hit.min.x, spot.y + hit.min.y]); }));
        }
        return hit;
      }
    }
    for (var d = this._drawn.length - 1; d >= 0 && this._lines; d--) {
      var geo = geos[this._drawn[d]], line = geo && geo.route !== undefined && this._lines[geo.route];
      if (line && distanceToLine(x + shift[0], y + shift[1], line) <= 7) { return { index: this._drawn[d], line: line }; }
    }
    return null;
  }
});

// A grid cell as one number (cells span at most 2^22 rows either side of 0).
function cellKey(cx, cy) { return cx * 8388608 + cy; }

// An item filed under a key of a Map of lists.
function fileIn(cells, key, item) { (cells.get(key) || cells.set(key, []).get(key)).push(item); }

// Boxes filed by the 64 px cells they cover: does a box overlap any of them,
// asked of thousands of symbols without comparing it with each.
function BoxGrid(boxes) { this.cells = new Map(); boxes.forEach(this.add, this); }

BoxGrid.prototype.each = function (b, visit) {
  for (var cx = Math.floor(b[0] / 64); cx <= Math.floor(b[2] / 64); cx++) {
    for (var cy = Math.floor(b[1] / 64); cy <= Math.floor(b[3] / 64); cy++) { if (visit(cellKey(cx, cy))) { return true; } }
  }
  return false;
};

BoxGrid.prototype.add = function (box) {
  var cells = this.cells;
  this.each(box, function (key) { fileIn(cells, key, box); });
};

BoxGrid.prototype.overlaps = function (b) {
  var cells = this.cells;
  return this.each(b, function (key) { return (cells.get(key) || []).some(function (t) { return boxesOverlap(b, t); }); });
};

// Point styles (muted or not, kind, confidence) in the order their names sort:
// the order they are painted in, muted first. of[(past ? 0 : 1) * kinds ... ]: a style's rank.
function styleRanks(story) {
  var all = [];
  [0, 1].forEach(function (on) {
    story.kinds.forEach(function (kind, k) {
      story.confidences.forEach(function (level, c) {
        all.push({ name: on + ' ' + kind + ' ' + level, past: !on, kind: kind, level: level, at: (on * story.kinds.length + k) * story.confidences.length + c });
      });
    });
  });
  all.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
  var of = new Int32Array(all.length);
  all.forEach(function (style, rank) { of[style.at] = rank; });
  return { of: of, styles: all, kinds: story.kinds.length, levels: story.confidences.length };
}

// Names in priority order, each at the first of its free sides that costs the
// names after it least: one that would leave a later name no side at all is
// avoided where another side will do (so a name with one free side keeps it),
// then one that takes a later name's first choice. A name is left out only when
// the names before it leave it no side. [{text, options}] -> [{text, box}].
function placeLabels(labels) {
  var placed = [], taken = new BoxGrid([]), reach = labels.map(function (label) { return label.options.reduce(unionBox, null); });
  var free = function (b) { return !taken.overlaps(b); };
  labels.forEach(function (label, n) {
    var mine = label.options.filter(free), best = null, least = Infinity;
    mine.forEach(function (b) {
      var harm = 0;
      for (var m = n + 1; m < labels.length && harm < least; m++) {
        // too far apart to meet
        if (!reach[m] || !boxesOverlap(b, reach[m])) { continue; }
        var left = labels[m].options.filter(free);
        if (left.length && left.every(function (o) { return boxesOverlap(b, o); })) { harm += 1000; }
        else if (left.length && boxesOverlap(b, left[0])) { harm += 1; }
      }
      if (harm < least) { best = b; least = harm; }
    });
    if (best) { placed.push({ text: label.text, box: best }); taken.add(best); }
  });
  return placed;
}

function unionBox(a, b) { return a ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])] : b; }

// Each of values as its position among names (a few), for 10,000 values a lookup each.
function numbered(values, names) {
  var position = new Map(names.map(function (name, n) { return [name, n]; })), out = new Uint8Array(values.length);
  for (var i = 0; i < values.length; i++) { var n = position.get(values[i]); out[i] = n === undefined ? -1 : n; }
  return out;
}

function around(xy, r) { return [xy[0] - r, xy[1] - r, xy[0] + r, xy[1] + r]; }
function inside(b, view) { return b[0] >= view[0] && b[1] >= view[1] && b[2] <= view[2] && b[3] <= view[3]; }
function boxesOverlap(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

function distanceToLine(x, y, points) {
  var best = Infinity;
  for (var i = 1; i < points.length; i++) {
    var ax = points[i - 1][0], ay = points[i - 1][1], dx = points[i][0] - ax, dy = points[i][1] - ay;
    var share = dx || dy ? clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1) : 0;
    best = Math.min(best, Math.hypot(ax + share * dx - x, ay + share * dy - y));
  }
  return best;
}

// One legend symbol, drawn by the same code as the map, as a picture: all drawn on one
// canvas, not a canvas each, which the browser would keep and composite as a layer of its own
// (17 of them took about 100 ms of a 10,000-event page's start).
var legendSketch = null;
function legendSymbol(draw) {
  var ratio = window.devicePixelRatio || 1, canvas = legendSketch || (legendSketch = document.createElement('canvas'));
  // sizing it clears it
  canvas.width = 28 * ratio;
  canvas.height = 18 * ratio;
  var ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  draw(ctx);
  return el('img', { className: 'sm-symbol', src: canvas.toDataURL(), width: 28, height: 18, alt: '', 'aria-hidden': 'true' });
}

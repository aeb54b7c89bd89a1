// The built-in base: Natural Earth's land, coasts and borders from files in the
// story's folder (render/basefiles.py says their form), beneath any tiles, so the
// map is never an empty box; with basemap: natural-earth it is the whole base.
// Each level of detail has a pane under the tiles (tilePane is at 200), finer
// above coarser: a level's cells are drawn on their own sea, which hides the
// coarser land beneath them. Coarser levels are drawn only where the finer
// one ends, and no level finer than the zoom: below zoom 3 the coarse world
// level alone, from zoom 3 the finer world level in its place.
//
// Each level is one canvas. A cell's lines are kept as Path2D objects in the
// file's own units, which are Web Mercator: to the page's pixels is a scale and a
// shift, so a redraw after a pan or zoom is a few native calls, where Leaflet's
// SVG paths projected every one of the finer world level's 26,000 points again.

// A world level is one turn of the globe round the story: drawn a turn east and west too, like tiles.
var WORLD_TURNS = [-360, 0, 360];

function BaseMap(map, index) {
  this.map = map;
  this.levels = index.levels.map(gridLevel);
  // by file address: the cell's drawing, or true while it loads
  this.cells = {};
  this.canvases = this.levels.map(function (level, k) {
    map.createPane('smBase' + k).style.zIndex = 150 + k;
    return new BaseCanvas({ pane: 'smBase' + k }).addTo(map);
  });
  map.getContainer().style.background = STYLES.basemap.water;
  if (map.attributionControl) { map.attributionControl.addAttribution(index.attribution); }
  // after every pan and zoom
  map.on('moveend', this.update, this);
  this.update();
}

// The levels from the finest the zoom allows to the first that covers the whole view (a world
// level counts as covering any: it is drawn a turn east and west too). Coarser ones are not fetched; one
// already drawn is shown beneath while a finer cell loads, so the land does not blink out.
BaseMap.prototype.update = function () {
  var map = this.map, zoom = map.getZoom(), view = map.getBounds(), wanted = {}, spare = {}, levels = this.levels;
  var into = wanted;
  for (var k = levels.length - 1; k >= 0; k--) {
    if (levels[k].minZoom > zoom) { continue; }
    levels[k].files.forEach(function (cell) {
      if (levels[k].shifts.some(function (shift) { return shifted(cell.bounds, shift).intersects(view); })) {
        into[cell.file || k + ':' + cell.bounds] = [k, cell];
      }
    });
    if (levels[k].wrap || L.latLngBounds(levels[k].bounds).contains(view)) { into = spare; }
  }
  var shown = this.canvases.map(function () { return []; }), waiting = false, name, drawing;
  for (name in wanted) {
    drawing = this.cells[name];
    // an all-sea cell is drawn at once
    if (!drawing) { this.load(name, wanted[name][0], wanted[name][1]); drawing = this.cells[name]; }
    if (drawing && drawing !== true) { shown[drawing.level].push(drawing); } else { waiting = true; }
  }
  for (name in spare) {
    drawing = this.cells[name];
    if (waiting && drawing && drawing !== true) { shown[drawing.level].push(drawing); }
  }
  this.canvases.forEach(function (canvas, k) { canvas.setCells(shown[k]); });
};

BaseMap.prototype.load = function (key, k, cell) {
  var self = this;
  // all sea
  if (!cell.file) { this.draw(key, k, cell, null); return; }
  this.cells[key] = true;
  fetch(cell.file).then(function (response) {
    if (!response.ok) { throw new Error(response.status); }
    return response.json();
  }).then(function (data) { self.draw(key, k, cell, data); }, function () {
    // e.g. opened from disk, where the page cannot fetch: tried again on the next move
    delete self.cells[key];
  });
};

BaseMap.prototype.draw = function (key, k, cell, data) {
  var land = null, coast = null, borders = null;
  // Paths are made from SVG path text: the files' steps are its relative line-tos, and one
  // native parse beats a lineTo call per point (the finer world level has 26,000).
  if (data && data.land.length) {
    land = new Path2D(data.land.map(function (flat) { return stepsPath(flat) + 'z'; }).join(''));
    var runs = [];
    data.land.forEach(function (flat) { runs.push.apply(runs, coastOf(points(flat), data.clip)); });
    coast = new Path2D(runs.map(function (run) { return 'M' + run.join('L'); }).join(''));
  }
  if (data && data.borders.length) {
    borders = new Path2D(data.borders.map(stepsPath).join(''));
  }
  this.cells[key] = {
    level: k, scale: data ? data.scale : 1, bounds: cell.bounds,
    shifts: this.levels[k].shifts,
    // a finer level's own sea hides the coarser land under it
    sea: k > 0, land: land, coast: coast, borders: borders
  };
  // An all-sea cell is drawn by the update that asked for it. A fetched one is drawn at the
  // next frame if still in view, with the others come by then: files arrive one by one,
  // and each update redraws every cell in view.
  if (data && !this.frame) {
    var self = this;
    this.frame = requestAnimationFrame(function () { self.frame = 0; self.update(); });
  }
};

// A level's canvas: Leaflet's renderer machinery keeps it placed during pans and
// zoom animations (as StoryCanvas's); it draws the cells BaseMap gives it.
var BaseCanvas = L.Renderer.extend({
  options: { padding: 0.3 },
  includes: BareCanvas,
  canvasClass: 'sm-base',

  initialize: function (options) {
    L.Renderer.prototype.initialize.call(this, options);
    this._cells = [];
  },

  setCells: function (cells) {
    var was = this._cells.length;
    this._cells = cells;
    if (cells.length && !was) { this._update(); } else { this.redraw(); }
  },

  // A level with nothing in view keeps a 0x0 canvas: sizing one costs a few milliseconds at
  // every pan and zoom, and at the world's zoom the finer levels have nothing to draw.
  _update: function () {
    if (this._map._animatingZoom && this._bounds) { return; }
    L.Renderer.prototype._update.call(this);
    fitCanvas(this, !this._cells.length);
    this.redraw();
  },

  redraw: function () {
    if (!this._map || !this._ctx || !this._bounds || !this._container.width) { return; }
    var map = this._map, ctx = this._ctx, style = STYLES.basemap, ratio = window.devicePixelRatio || 1;
    var size = this._bounds.getSize(), zoom = map.getZoom(), origin = map.getPixelOrigin(), min = this._bounds.min;
    // world pixels per degree, and what to subtract from a world pixel for a canvas one
    var k = 256 * Math.pow(2, zoom) / 360, sx = origin.x + min.x, sy = origin.y + min.y;
    var area = L.latLngBounds(map.unproject(this._bounds.min.add(origin), zoom), map.unproject(this._bounds.max.add(origin), zoom));
    var shown = [];
    this._cells.forEach(function (cell) {
      cell.shifts.forEach(function (shift) {
        var bounds = shifted(cell.bounds, shift);
        if (!bounds.intersects(area)) { return; }
        // file units (x: degrees east, y: Mercator degrees north, both times scale) to canvas pixels
        var toCanvas = new DOMMatrix([k / cell.scale, 0, 0, -k / cell.scale, (180 + shift) * k - sx, 180 * k - sy]);
        shown.push({ cell: cell, bounds: bounds, paths: {}, toCanvas: toCanvas });
      });
    });
    var path = function (piece, name) {
      return piece.paths[name] || (piece.paths[name] = movedPath(piece.cell[name], piece.toCanvas));
    };
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    // In passes, each over every cell: the seas first (in whole pixels, a cell's sea covering
    // no neighbour's land), then the land, outlined in its own colour so that two cells' land
    // meets without a hairline of water, then the coasts and borders over both.
    ctx.fillStyle = style.water;
    shown.forEach(function (piece) {
      if (!piece.cell.sea) { return; }
      var a = map.project(piece.bounds.getNorthWest(), zoom), b = map.project(piece.bounds.getSouthEast(), zoom);
      var x = Math.round(a.x - sx), y = Math.round(a.y - sy);
      ctx.fillRect(x, y, Math.round(b.x - sx) - x, Math.round(b.y - sy) - y);
    });
    shown.forEach(function (piece) {
      if (!piece.cell.land) { return; }
      ctx.fillStyle = style.land;
      ctx.fill(path(piece, 'land'), 'evenodd');
      strokeBase(ctx, path(piece, 'land'), style.land, 1);
    });
    shown.forEach(function (piece) { if (piece.cell.coast) { strokeBase(ctx, path(piece, 'coast'), style.coast, style.coastWidth); } });
    shown.forEach(function (piece) { if (piece.cell.borders) { strokeBase(ctx, path(piece, 'borders'), style.border, style.borderWidth); } });
  }
});

// A level of the index (render/basefiles.py says its form) with its bounds and cells: cells of
// `cell` degrees from the area's west and south edges, the last cut short by the area; counted
// from the north-west, row by row, each with its file's address, or null if it has none. The
// world levels are drawn a turn east and west too.
function gridLevel(level, k) {
  var a = level.area, d = level.cell, has = level.files, n = 0, x, y, cells = [];
  for (y = a[1] + Math.ceil((a[3] - a[1]) / d) * d - d; y >= a[1]; y -= d) {
    for (x = a[0]; x < a[2]; x += d) {
      cells.push({
        file: has[n++] > 0 ? 'basemap-' + k + (has.length > 1 ? '-' + n : '') + '.json?v=' + level.v : null,
        bounds: latLngs(x, y, Math.min(x + d, a[2]), Math.min(y + d, a[3]))
      });
    }
  }
  return Object.assign({}, level, { shifts: level.wrap ? WORLD_TURNS : [0], bounds: latLngs.apply(null, a), files: cells });
}

// Mercator degrees to [[south, west], [north, east]], the latitudes to 6 places as the index once had them.
function latLngs(x0, y0, x1, y1) {
  var lat = function (y) { return Math.round(Math.atan(Math.exp(y * Math.PI / 180)) * 360e6 / Math.PI - 90e6) / 1e6; };
  return [[lat(y0), x0], [lat(y1), x1]];
}

// [[south, west], [north, east]] moved east by shift degrees.
function shifted(bounds, shift) {
  return L.latLngBounds([bounds[0][0], bounds[0][1] + shift], [bounds[1][0], bounds[1][1] + shift]);
}

// A path moved into canvas pixels, so that line widths stay in pixels.
function movedPath(path, matrix) {
  var moved = new Path2D();
  moved.addPath(path, matrix);
  return moved;
}

function strokeBase(ctx, path, colour, width) {
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.stroke(path);
}

// [x, y, dx, dy, ...] as SVG path text: a move, then relative line-tos.
function stepsPath(flat) {
  return 'M' + flat[0] + ' ' + flat[1] + (flat.length > 2 ? 'l' + flat.slice(2).join(' ') : '');
}

// [x, y, dx, dy, ...] in file units to [[x, y], ...].
function points(flat) {
  var out = [], x = 0, y = 0;
  for (var i = 0; i < flat.length; i += 2) {
    x += flat[i];
    y += flat[i + 1];
    out.push([x, y]);
  }
  return out;
}

// A ring's coast: its edges, less those along the cell's clip rectangle (cuts, not shore).
function coastOf(ring, clip) {
  var n = ring.length, start = 0, runs = [], run = null;
  var cut = function (a, b) {
    return (a[0] === b[0] && (a[0] === clip[0] || a[0] === clip[2])) || (a[1] === b[1] && (a[1] === clip[1] || a[1] === clip[3]));
  };
  for (var i = 0; i < n; i++) {
    if (cut(ring[i], ring[(i + 1) % n])) { start = i + 1; break; }
  }
  for (var j = 0; j < n; j++) {
    var a = ring[(start + j) % n], b = ring[(start + j + 1) % n];
    if (cut(a, b)) { run = null; continue; }
    if (!run) { run = [a]; runs.push(run); }
    run.push(b);
  }
  return runs;
}

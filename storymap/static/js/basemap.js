// The built-in base: Natural Earth's land, coasts and borders from files in the
// story's folder (render/basefiles.py says their form), beneath any tiles, so the
// map is never an empty box; with basemap: natural-earth it is the whole base.
// Each level of detail has a pane under the tiles (tilePane is at 200), finer
// above coarser: a level's cells are drawn on their own sea, which hides the
// coarser land beneath them. Coarser levels are drawn only where the finer
// one ends, and no level finer than the zoom.

function BaseMap(map, index) {
  this.map = map;
  this.index = index;
  // by file address: the drawn layer, or true while it loads
  this.cells = {};
  this.renderers = index.levels.map(function (level, k) {
    map.createPane('smBase' + k).style.zIndex = 150 + k;
    return L.svg({ pane: 'smBase' + k });
  });
  map.getContainer().style.background = STYLES.basemap.water;
  if (map.attributionControl) { map.attributionControl.addAttribution(index.attribution); }
  // after every pan and zoom
  map.on('moveend', this.update, this);
  this.update();
}

BaseMap.prototype.update = function () {
  var map = this.map, zoom = map.getZoom(), view = map.getBounds(), wanted = {}, levels = this.index.levels;
  for (var k = levels.length - 1; k >= 0; k--) {
    if (levels[k].minZoom > zoom) { continue; }
    levels[k].files.forEach(function (cell) {
      if (L.latLngBounds(cell.bounds).intersects(view)) { wanted[cell.file || k + ':' + cell.bounds] = [k, cell]; }
    });
    if (L.latLngBounds(levels[k].bounds).contains(view)) { break; }
  }
  for (var key in this.cells) {
    var drawn = this.cells[key];
    if (drawn !== true && !wanted[key] && map.hasLayer(drawn)) { map.removeLayer(drawn); }
  }
  for (var name in wanted) {
    if (!this.cells[name]) { this.load(name, wanted[name][0], wanted[name][1]); }
    else if (this.cells[name] !== true) { this.cells[name].addTo(map); }
  }
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
  var style = STYLES.basemap, renderer = this.renderers[k], layers = [];
  if (k > 0) {
    layers.push(L.rectangle(cell.bounds, { renderer: renderer, stroke: false, fillColor: style.water, fillOpacity: 1, interactive: false }));
  }
  if (data) {
    var land = data.land.map(function (ring) { return points(ring); });
    var coast = [];
    land.forEach(function (ring) { coast.push.apply(coast, coastOf(ring, data.clip)); });
    var borders = data.borders.map(points), base = { renderer: renderer, interactive: false };
    // The world level is one turn of the globe round the story: drawn a turn east and west too, like tiles.
    (this.index.levels[k].wrap ? [-360, 0, 360] : [0]).forEach(function (shift) {
      var toLatLng = function (line) { return line.map(function (p) { return mercatorLatLng(p, data.scale, shift); }); };
      if (land.length) {
        layers.push(L.polygon(land.map(toLatLng), L.extend({ stroke: false, fillColor: style.land, fillOpacity: 1 }, base)));
        layers.push(L.polyline(coast.map(toLatLng), L.extend({ color: style.coast, weight: style.coastWidth, opacity: 1 }, base)));
      }
      if (borders.length) {
        layers.push(L.polyline(borders.map(toLatLng), L.extend({ color: style.border, weight: style.borderWidth, opacity: 1 }, base)));
      }
    });
  }
  var group = L.layerGroup(layers);
  this.cells[key] = group;
  // drawn now if still in view
  this.update();
};

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

function mercatorLatLng(p, scale, shift) {
  return [Math.atan(Math.exp(p[1] / scale * Math.PI / 180)) * 360 / Math.PI - 90, p[0] / scale + shift];
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

// The page's data as every component gets it (storymap/render/pagedata.py writes it
// compactly; its docstring has the format): kinds, confidence levels and modes by name,
// events.geo[i] null | place index | [lat, lon] | {route: n}, routes[n] {mode,
// approximate, path: [[lat, lon], ...]} (routes along one line share its path),
// events.until counted from the timeline's start; frozen through and through. No
// component writes to it; each keeps its own state.
function readPageData(node) {
  var data = JSON.parse(node.textContent), ev = data.events, routes = readRoutes(data);
  var points = ev.points, place = 0, point = 0, route = 0;
  var named = function (names) { return function (digit) { return names[digit]; }; };
  ev.id = readIds(ev.id);
  ev.kind = Array.from(ev.kind, named(data.kinds));
  ev.confidence = Array.from(ev.confidence, named(data.confidences));
  ev.span = Array.from(ev.span, Number);
  ev.until = ev.until.map(function (days, i) { return days === null ? null : ev.from[i] + days; });
  // 0: not on the map, 1: the next place number, 2: the next point, 3: the next route
  // (pagedata.NOWHERE, PLACE, POINT, ROUTE)
  ev.geo = Array.from(ev.geo, function (digit) {
    if (digit === '1') { return ev.place[place++]; }
    if (digit === '2') { return Object.freeze([points.lat[point], points.lon[point++]]); }
    return digit === '3' ? Object.freeze({ route: route++ }) : null;
  });
  data.routes = routes;
  // The long columns hold numbers, strings and the points and routes frozen above: frozen as
  // they are, not walked again (deepFreeze skips what is frozen).
  [ev.id, ev.from, ev.until, ev.place, ev.kind, ev.confidence, ev.span, ev.geo, points.lat, points.lon,
    data.paths.vertices, data.paths.sizes, data.paths.lat, data.paths.lon].forEach(Object.freeze);
  return deepFreeze(data);
}

// Each id is written as the count of characters it shares with the one before (a base-36
// digit), then the rest of it (pagedata.shared_start_ids).
function readIds(written) {
  var before = '';
  return written.map(function (text) {
    before = before.slice(0, parseInt(text[0], 36)) + text.slice(1);
    return before;
  });
}

// routes[n] from the tables routes and paths: -1 is the next entry of the table referred to
// (pagedata.NEXT), a vertex n >= 0 is places[n].
function readRoutes(data) {
  var paths = data.paths, places = data.places, lines = [], vertex = 0, coordinate = 0;
  // a place's point made once, shared by the lines through it (most vertices are places)
  var placePoints = [];
  paths.sizes.forEach(function (size) {
    var line = [];
    for (var end = vertex + size; vertex < end; vertex++) {
      var n = paths.vertices[vertex];
      line.push(n === -1 ? Object.freeze([paths.lat[coordinate], paths.lon[coordinate++]])
        : placePoints[n] || (placePoints[n] = Object.freeze([places.lat[n], places.lon[n]])));
    }
    lines.push(Object.freeze(line));
  });
  var table = data.routes, made = 0;
  return table.path.map(function (n, i) {
    if (n === -1) { n = made++; }
    return Object.freeze({ mode: data.modes[table.mode[i]], approximate: table.approximate[i] === '1',
      path: lines[n] });
  });
}

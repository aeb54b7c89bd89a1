// The guided walk: next() and previous() select an event in timeline order,
// move the date to it, show it on the map with its surroundings and name it
// in the caption under the map. Play (timelinebar.js) is a walk with pauses.

// a point's surroundings: its region, with the nearest towns named
var WALK_POINT_ZOOM = 7;
var WALK_MAX_ZOOM = 8;
var WALK_FLY_SECONDS = 1.2;

function GuidedWalk(app) {
  this.app = app;
  this.caption = new Caption(document.querySelector('.timeline-caption'), app.data, app.list);
  var self = this;
  app.selection.on('select', function (e) { self.caption.show(e.index); app.bar.setSteps(); });
  app.bar.walk = this;
  // Any move of the reader's on the map, the list or the bar pauses Play
  // (the Play button itself excepted); N and P step there too.
  var bar = app.bar, list = document.querySelector('.event-list');
  var onMove = function (e) {
    if (!bar.playButton.contains(e.target)) { bar.stop(); }
    var tag = e.target.tagName, key = String(e.key).toLowerCase(), direction = key === 'n' ? 1 : key === 'p' ? -1 : 0;
    if (e.type !== 'keydown' || !direction || e.altKey || e.ctrlKey || e.metaKey ||
        tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && e.target.type !== 'range')) { return; }
    e.preventDefault();
    self.step(direction);
  };
  [app.map.getContainer(), list, document.getElementById('timeline')].forEach(function (node) {
    if (!node) { return; }
    ['pointerdown', 'keydown', 'wheel'].forEach(function (type) { node.addEventListener(type, onMove, type === 'wheel' ? { passive: true } : false); });
  });
}

// The event the next step would select (1 forwards, -1 back), -1 for none:
// the neighbour of the selected event, else the first (last) starting on or
// after (before) the date shown. On the last day with nothing selected (the
// overview the page opens on) the walk forwards starts at the first event.
GuidedWalk.prototype.peek = function (direction) {
  var timeline = this.app.timeline, count = timeline.ids.length, selected = this.app.selection.get();
  if (selected >= 0) { return selected + direction >= 0 && selected + direction < count ? selected + direction : -1; }
  var day = timeline.getDay(), found = -1;
  if (direction > 0 && day === timeline.days && count) { return 0; }
  for (var i = 0; i < count; i++) {
    var from = timeline.eventDay(i);
    if (direction > 0 && from >= day) { return i; }
    if (direction < 0 && from <= day) { found = i; }
  }
  return found;
};

// One step; returns the id of the event selected, null at either end (nothing changes then).
GuidedWalk.prototype.step = function (direction) {
  var index = this.peek(direction);
  if (index < 0) { return null; }
  this.go(index);
  return this.app.timeline.ids[index];
};

// Select the event without opening its details: the caption names it.
GuidedWalk.prototype.go = function (index) {
  var app = this.app, id = app.timeline.ids[index];
  app.map.closePopup(app.popup);
  app.timeline.setDay(app.timeline.eventDay(index), 'walk');
  app.select(index, false);
  this.fly(index);
  app.hash.write('#event=' + encodeURIComponent(id));
};

// The event with its surroundings: a route's whole line, padded, or its place at
// a regional zoom (never further in than it already is beyond WALK_MAX_ZOOM).
GuidedWalk.prototype.fly = function (index) {
  var app = this.app, map = app.map, geo = app.data.events.geo[index];
  if (geo === null) { return; }
  var animate = !prefersReducedMotion(), right = legendRoom(map, app.legend.getContainer(), 40);
  var options = { paddingTopLeft: [50, 40], paddingBottomRight: [right, 40], maxZoom: WALK_MAX_ZOOM };
  var bounds = geo.route !== undefined ? L.latLngBounds(app.data.routes[geo.route].path) : null;
  if (!bounds) {
    var at = L.latLng(app.anchorOf(index)), zoom = clamp(map.getZoom(), WALK_POINT_ZOOM, WALK_MAX_ZOOM);
    // Centred in the room the legend leaves, as fitBounds would.
    var shift = L.point((right - 50) / 2, 0), centre = map.unproject(map.project(at, zoom).add(shift), zoom);
    if (animate) { map.flyTo(centre, zoom, { duration: WALK_FLY_SECONDS }); } else { map.setView(centre, zoom, { animate: false }); }
    return;
  }
  if (animate) { options.duration = WALK_FLY_SECONDS; map.flyToBounds(bounds, options); }
  else { options.animate = false; map.fitBounds(bounds, options); }
};

// The caption: a polite live region naming the selected event, its date as
// precisely as it is known and how sure the story is of it.
function Caption(node, data, list) {
  this.node = node;
  this.data = data;
  // titles come from the list's pages: one not seen yet is filled in when its page comes
  this.list = list;
  this.shown = -1;
  this.labels = new DateLabels(data.formats, data.strings);
  this.startMs = parseIsoDay(data.timeline.start);
}

Caption.prototype.show = function (index) {
  var node = this.node;
  if (!node) { return; }
  while (node.firstChild) { node.removeChild(node.firstChild); }
  this.shown = index;
  if (index < 0) { return; }
  var events = this.data.events, strings = this.data.strings, self = this, known = this.list.titleOf(index);
  var title = node.appendChild(el('strong', { className: 'timeline-caption-title', text: known || '' }));
  if (known === null) {
    this.list.loadTitle(index).then(function (text) { if (self.shown === index) { title.textContent = text; } });
  }
  node.appendChild(el('span', { text: ' — ' + this.dateOf(index) + '. ' }));
  node.appendChild(el('span', { className: 'timeline-caption-confidence', text: strings['confidence_' + events.confidence[index]] + '.' }));
};

// "5 Oct 2023", "Oct 2023", "c. 5 Oct 2023", "10 – 20 Oct 2023", "since 1 Oct 2023".
Caption.prototype.dateOf = function (index) {
  var events = this.data.events, letter = events.precision.charAt(index);
  var from = this.startMs + events.from[index] * DAY_MS, text = this.labels.honest(from, letter);
  if (!events.span[index]) { return text; }
  if (events.until[index] === null) { return fillIn(this.data.strings.since, { date: text }); }
  var until = this.startMs + events.until[index] * DAY_MS;
  return letter === 'd' ? this.labels.range(from, until) : fillIn(this.data.strings.span, { start: text, end: this.labels.honest(until, letter) });
};

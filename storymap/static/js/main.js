// Start: read the page's data, attach to folium's map, wire everything up.

function StoryApp(map, data) {
  this.map = map;
  this.data = data;
  this.strings = data.strings;
  this.timeline = new Timeline(data);
  this.selection = new Selection(this.timeline.ids);
  this.hash = new HashWriter();
  this.canvas = new StoryCanvas(data, this.timeline, this.selection);
  this.motion = new RouteMotion(data, this.selection);
  var listNode = document.querySelector('.event-list'), panel = listNode ? listNode.parentNode : null;
  this.list = new EventList(panel, this.timeline, this.selection, data.listPageSize);
  this.bar = new TimelineBar(document.getElementById('timeline'), this.timeline, this.selection, data, this.list);
  var self = this;
  // Leaflet's bar is half to all of maxWidth: 110 px keeps an 11 px "1000 km" inside a half bar.
  L.control.scale({ maxWidth: 110 }).addTo(map);
  this.legend = buildLegend(data, this.strings).addTo(map);
  this.placeless = new PlacelessPanel(map, this.strings);
  // Kept clear of the zoom buttons at the top left.
  this.popup = L.popup({ maxWidth: 320, className: 'sm-popup', autoPanPadding: [16, 16], autoPanPaddingTopLeft: [60, 16] });
  map.on('movestart', function () { self.moving = true; });
  map.on('moveend', function () { self.moving = false; });
  map.on('click', this.onMapClick, this);
  map.on('mousemove', this.onMapHover, this);
  map.on('popupclose', function (e) { if (e.popup === self.popup && !self.movingDetails) { self.select(-1); } });
  map.on('popupopen moveend', this.foldLegendUnderDetails, this);
  map.on('popupclose', this.unfoldLegend, this);
  this.timeline.on('datechange', this.onDateChange, this);
  if (panel) { panel.addEventListener('click', function (e) { self.onListClick(e); }); }
  window.addEventListener('hashchange', function () { self.openHash(location.hash, 'reader'); });
  // next(), previous(), Play and the caption
  this.walk = new GuidedWalk(this);
  applyView(map, data.view, this.legend.getContainer());
  // On the map at the opening view, placed and sized once (added at folium's fit, the canvas was
  // sized for it and again for this); above the story, the selected route's movement.
  this.canvas.addTo(map);
  this.motion.addTo(map);
  // The tiles map.js made (render/map.py), added at the opening view: added at folium's fit,
  // a fit at another zoom would drop the tiles asked for and ask for others.
  (map.storymapTiles || []).forEach(function (tiles) { tiles.addTo(map); });
  watchTiles(map, this.strings);
  // Beneath the tiles, or the whole base. Made once the view is the opening one: at folium's
  // first fit, often a quarter zoom closer, it would fetch a world file the page never shows.
  this.base = new BaseMap(map, data.base);
}

// The map, the list and the bar follow the date themselves; here a selected
// event the new day hides is let go, and the address says the date.
StoryApp.prototype.onDateChange = function (e) {
  var selected = this.selection.get();
  if (selected >= 0 && !this.timeline.isVisible(selected, e.day)) { this.map.closePopup(this.popup); this.select(-1); }
  if (e.cause !== 'start') { this.hash.write('#date=' + e.iso); }
};

StoryApp.prototype.focus = function (id, cause) {
  var index = this.timeline.indexOf(id);
  if (index < 0) { return false; }
  this.timeline.setDay(this.timeline.eventDay(index), cause);
  // one move at a time: to the event, then (if need be) to fit its details
  this.popup.options.autoPan = false;
  this.select(index, true);
  var self = this, place = function () { if (self.selection.get() === index && !self.panTo(index)) { self.keepDetailsInView(); } };
  // A flight under way (a step of the walk, the reading line's) ends first: moves measured mid-flight go astray.
  if (this.moving) { this.map.once('moveend', place); } else { place(); }
  this.hash.write('#event=' + encodeURIComponent(id));
  return true;
};

StoryApp.prototype.select = function (index, openDetails) {
  // the canvas, the route's movement and the list follow
  this.selection.set(index, openDetails);
  if (!openDetails || index < 0) { return; }
  var id = this.timeline.ids[index], item = this.list.item(id), self = this;
  var confidence = this.data.events.confidence[index];
  if (item) { this.showDetails(index, detailsNode(item, confidence)); return; }
  // The event is on another page of the list: its title if known, then the rest once that page is in.
  this.showDetails(index, el('div', { className: 'sm-details' }, [
    el('h3', { className: 'event-title', text: this.list.titleOf(index) || '' }),
    el('p', { text: this.strings.loading })]));
  this.list.showPage(this.list.pageOf(index)).then(function () {
    if (self.selection.get() !== index) { return; }
    self.list.select(id, true);
    var loaded = self.list.item(id);
    if (loaded) { self.showDetails(index, detailsNode(loaded, confidence)); }
  }, function () { /* e.g. opened from disk, where pages cannot be fetched: the title stays */ });
};

// Details go in a popup at the event, or in a panel for an event without a place.
StoryApp.prototype.showDetails = function (index, details) {
  var where = this.anchorOf(index);
  if (where) {
    this.placeless.hide();
    // fits a phone's map beside the buttons, its close button in view
    this.popup.options.maxWidth = clamp(this.map.getSize().x - 140, 150, 320);
    this.popup.setLatLng(where).setContent(details);
    if (!this.map.hasLayer(this.popup)) { this.popup.openOn(this.map); }
    var popup = this.popup, pictures = details.querySelectorAll('img');
    // a picture that arrives later makes the popup taller
    for (var i = 0; i < pictures.length; i++) {
      pictures[i].addEventListener('load', function () { if (popup.getContent() === details) { popup.update(); } });
    }
  } else {
    // the popup closes because the details move, not because the reader closed them
    this.movingDetails = true;
    this.map.closePopup(this.popup);
    this.movingDetails = false;
    this.placeless.show(details);
  }
};

// Where an event's popup points: its place or point, or the northernmost point
// of its route, so that the popup (which opens upwards) leaves the route and
// its movement in sight.
StoryApp.prototype.anchorOf = function (index) {
  var geo = this.data.events.geo[index];
  if (geo === null) { return null; }
  if (typeof geo === 'number') { return [this.data.places.lat[geo], this.data.places.lon[geo]]; }
  if (Array.isArray(geo)) { return geo; }
  return this.data.routes[geo.route].path.reduce(function (top, p) { return p[0] > top[0] ? p : top; });
};

// Pans (and zooms) only when needed: not for a point already well inside the
// view, nor for a route already in view at a readable size. True when it moves.
StoryApp.prototype.panTo = function (index) {
  var geo = this.data.events.geo[index], map = this.map, animate = !prefersReducedMotion(), view = map.getBounds();
  if (geo === null) { return false; }
  if (geo.route !== undefined) {
    var bounds = L.latLngBounds(this.data.routes[geo.route].path), size = map.getSize();
    var span = map.latLngToContainerPoint(bounds.getSouthEast()).subtract(map.latLngToContainerPoint(bounds.getNorthWest()));
    if (view.contains(bounds) && (span.x > size.x / 3 || span.y > size.y / 3)) { return false; }
    // room above the route
    var popup = map.hasLayer(this.popup) ? this.popup.getElement().offsetHeight + 20 : 0;
    // before moving: an unanimated move ends at once
    map.once('moveend', this.keepDetailsInView, this);
    map.fitBounds(bounds, { paddingTopLeft: [40, popup < size.y / 2 ? 40 + popup : 40],
      paddingBottomRight: [legendRoom(map, this.legend.getContainer(), 40), 40], animate: animate });
    return true;
  }
  var at = L.latLng(this.anchorOf(index));
  if (map.getZoom() >= 6 && view.pad(-0.15).contains(at)) { return false; }
  map.once('moveend', this.keepDetailsInView, this);
  map.setView(at, Math.max(map.getZoom(), 6), { animate: animate });
  return true;
};

// Once the map has moved to an event, move it again if its details stick out.
StoryApp.prototype.keepDetailsInView = function () {
  this.popup.options.autoPan = true;
  if (this.map.hasLayer(this.popup)) { this.popup.update(); }
};

StoryApp.prototype.onMapClick = function (e) {
  var hit = this.canvas.hitTest(e.containerPoint);
  if (!hit) { return; }
  // markers grouped at this zoom: part them
  if (hit.expand && this.map.getZoom() < this.map.getMaxZoom()) {
    this.map.fitBounds(hit.expand, { padding: [60, 60] });
    return;
  }
  if (hit.index !== undefined) {
    this.select(hit.index, true);
    this.popup.setLatLng(e.latlng);
    this.hash.write('#event=' + encodeURIComponent(this.timeline.ids[hit.index]));
  } else {
    var places = this.data.places, label = this.data.legendLabels.places[places.kind[hit.place]];
    L.popup({ className: 'sm-popup' }).setLatLng([places.lat[hit.place], places.lon[hit.place]])
      .setContent(el('div', { className: 'sm-place' }, [el('strong', { text: places.name[hit.place] }), el('br'), label]))
      .openOn(this.map);
  }
};

StoryApp.prototype.onMapHover = function (e) {
  if (this.hoverFrame) { return; }
  var self = this;
  this.hoverFrame = requestAnimationFrame(function () {
    self.hoverFrame = null;
    self.map.getContainer().style.cursor = self.canvas.hitTest(e.containerPoint) ? 'pointer' : '';
  });
};

StoryApp.prototype.onListClick = function (e) {
  var link = e.target.closest && e.target.closest('.event-title a');
  if (!link) { return; }
  // focus stays on the link: the reader can go on down the list
  e.preventDefault();
  var item = link.closest('li.event');
  this.focus(item.getAttribute('data-id'), 'reader');
  revealMap(this.map.getContainer().closest('.map-frame'), item);
};

StoryApp.prototype.openHash = function (hash, cause) {
  var state = readHash(hash);
  if (state && state.event !== undefined && this.focus(state.event, cause)) { return true; }
  if (state && state.date !== undefined) {
    var day = this.timeline.dayOf(state.date);
    if (!isNaN(day)) { this.timeline.setDay(day, cause); return true; }
  }
  return false;
};

// folium opens the map at the story's center and zoom, or fits everything;
// when fitting, fit again leaving room for the zoom buttons, the scale and the
// legend now that its size is known (place names pick a side of their symbol
// that is in view), and when only one of center and zoom is given, keep the fitted other.
function applyView(map, view, legend) {
  if (!view) { return; }
  if (view.bounds && (!view.center || view.zoom === null)) {
    map.fitBounds(view.bounds, {
      paddingTopLeft: [56, 30],
      paddingBottomRight: [legendRoom(map, legend, 30), 44],
      maxZoom: 10, animate: false
    });
  }
  if (view.center && view.zoom === null) { map.setView(view.center, map.getZoom(), { animate: false }); }
  if (!view.center && view.zoom !== null) { map.setZoom(view.zoom, { animate: false }); }
}

// Details opened on the map come first: a legend that would hide part of them
// folds while they are open and unfolds when they close.
StoryApp.prototype.foldLegendUnderDetails = function () {
  var legend = this.legend.getContainer(), popup = this.map.hasLayer(this.popup) ? this.popup.getElement() : null;
  if (!popup || !legend.open) { return; }
  if (overlaps(legend.getBoundingClientRect(), popup.getBoundingClientRect())) {
    legend.open = false;
    this.legendFolded = true;
  }
};

StoryApp.prototype.unfoldLegend = function (e) {
  if (e.popup === this.popup && this.legendFolded) {
    this.legendFolded = false;
    this.legend.getContainer().open = true;
  }
};

// Room to keep clear at the map's right for the legend (open or folded), so
// fitted routes and opened details sit beside it rather than under it; on a
// narrow map the legend is folded over the map instead.
function legendRoom(map, legend, least) {
  var room = legend ? legend.offsetWidth + 20 : 0;
  return room > least && room < map.getSize().x / 2 ? room : least;
}

// Offline or blocked tiles: say so once, quietly, instead of a blank grey map.
// The map's set-up (map.js) runs before this script and starts the first
// tiles, so some may have failed already: a broken image is complete with no width.
function watchTiles(map, strings) {
  var shown = false;
  var show = function () {
    if (shown) { return; }
    shown = true;
    // the one corner no other control uses
    var note = L.control({ position: 'topright' });
    note.onAdd = function () { return el('p', { className: 'sm-tiles-failed', text: strings.tiles_failed }); };
    note.addTo(map);
  };
  map.eachLayer(function (layer) {
    if (!(layer instanceof L.TileLayer)) { return; }
    layer.once('tileerror', show);
    var tiles = layer.getContainer() ? layer.getContainer().querySelectorAll('img.leaflet-tile') : [];
    for (var i = 0; i < tiles.length; i++) {
      if (tiles[i].complete && !tiles[i].naturalWidth) { show(); }
    }
  });
}

// Arrays by index: a 10,000-event column is frozen without copying it. What is frozen already
// was frozen through when it was made (pagedata.js freezes each point and route as it reads
// it): not walked again.
function deepFreeze(value) {
  if (Object.isFrozen(value)) { return value; }
  var parts = Array.isArray(value) ? value : Object.values(value);
  Object.freeze(value);
  for (var i = 0; i < parts.length; i++) {
    if (parts[i] && typeof parts[i] === 'object') { deepFreeze(parts[i]); }
  }
  return value;
}

function start() {
  var dataNode = document.getElementById('storymap-data');
  // the Leaflet map folium created (render.MAP_NAME)
  var map = window['map_' + 'storymap'];
  if (!dataNode || !map) { return; }
  // head.js's switch, in case the async head script has not run yet: the layout is measured next
  document.documentElement.classList.remove('no-js');
  document.documentElement.classList.add('js');
  var app = new StoryApp(map, readPageData(dataNode));
  if (!app.openHash(location.hash, 'start')) { app.timeline.setDay(app.timeline.dayOf(app.data.timeline.open) || 0, 'start'); }
  app.hash.flush();
  window.storymap = createApi(app);
  connectFrame(app);
  // layout.js: the summary fold, the reading position on phones, Escape
  arrangeLayout(app);
  document.documentElement.classList.add('storymap-ready');
  document.dispatchEvent(new CustomEvent('storymap:ready'));
}

start();

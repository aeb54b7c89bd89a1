// The controls around the map: legend, event list and details.

function buildLegend(data, strings) {
  var items = [], seen = {};
  var labels = data.legendLabels;
  data.places.kind.forEach(function (kind) {
    if (seen['p' + kind]) { return; }
    seen['p' + kind] = 1;
    items.push([labels.places[kind], function (ctx) { drawPlace(ctx, kind, 14, 9); }]);
  });
  data.routes.forEach(function (route) {
    var approximate = !!route.approximate, key = 'r' + route.mode + approximate;
    if (seen[key]) { return; }
    seen[key] = 1;
    var label = labels.modes[route.mode] + (approximate ? ' (' + strings.approximate_route + ')' : '');
    items.push([label, function (ctx) { drawRouteLine(ctx, [[2, 9], [24, 9]], route.mode, 1, approximate); }]);
  });
  // One pass over the events: the kinds drawn as points (a route is drawn by its mode), in
  // the order they first come, and whether low confidence (the levels styles.json draws
  // hollow, their routes faded) is drawn as a point, as a route, or both.
  var ev = data.events, hollow = {}, lowPoint = false, lowRoute = false;
  data.confidences.forEach(function (level) { hollow[level] = isHollow(level); });
  for (var i = 0; i < ev.geo.length; i++) {
    var geo = ev.geo[i], point = geo !== null && geo.route === undefined, kind = ev.kind[i];
    if (geo === null) { continue; }
    if (point && !seen['k' + kind]) {
      seen['k' + kind] = 1;
      items.push([labels.kinds[kind], pointSymbol(kind)]);
    }
    if (hollow[ev.confidence[i]]) { if (point) { lowPoint = true; } else { lowRoute = true; } }
  }
  // a hollow point if one is drawn; a faded line if a route is
  if (lowPoint || lowRoute) {
    var fade = routeOpacity(data.confidences.filter(isHollow)[0]);
    items.push([strings.confidence_low_legend, function (ctx) {
      if (lowRoute) {
        ctx.globalAlpha = fade; tracePath(ctx, [[2, 9], [26, 9]]);
        ctx.lineWidth = 3; ctx.strokeStyle = STYLES.muted; ctx.stroke(); ctx.globalAlpha = 1;
      }
      if (lowPoint) { drawEventPoint(ctx, 14, 9, null, true); }
    }]);
  }
  // what has passed, drawn muted (cumulative mode)
  if (canPass(data)) {
    items.push([strings.past_legend, function (ctx) {
      ctx.globalAlpha = STYLES.past.routeOpacity; tracePath(ctx, [[2, 9], [26, 9]]);
      ctx.lineWidth = 3; ctx.strokeStyle = STYLES.muted; ctx.stroke();
      ctx.globalAlpha = STYLES.past.opacity; drawEventPoint(ctx, 14, 9, null, false); ctx.globalAlpha = 1;
    }]);
  }
  var list = el('ul', { className: 'sm-legend-list' }, items.map(function (item) {
    return el('li', {}, [legendSymbol(item[1]), el('span', { text: item[0] })]);
  }));
  var details = el('details', { className: 'sm-legend' }, [el('summary', { text: strings.legend }), list]);
  if (window.matchMedia && window.matchMedia('(min-width: 700px)').matches) { details.open = true; }
  var control = L.control({ position: 'bottomright' });
  control.onAdd = function () {
    L.DomEvent.disableClickPropagation(details);
    L.DomEvent.disableScrollPropagation(details);
    return details;
  };
  return control;
}

function pointSymbol(kind) { return function (ctx) { drawEventPoint(ctx, 14, 9, kind, false); }; }

// Whether the map can draw something muted: in cumulative mode, a located
// event whose time passes before the timeline's last day (as StoryCanvas decides).
function canPass(data) {
  var ev = data.events, t = data.timeline;
  return t.mode === 'cumulative' && ev.geo.some(function (geo, i) {
    var until = ev.span[i] ? ev.until[i] : ev.from[i] + t.windowDays - 1;
    return geo !== null && until !== null && until < t.days;
  });
}

// The server-rendered event list, one page of it at a time: selection, and a
// marker where the map's date falls. Other pages (events-<n>.html) are
// fetched and swapped in place; without the script their links just work.
// The list follows the timeline's date and the selection.
function EventList(panel, timeline, selection, pageSize) {
  this.panel = panel;
  this.timeline = timeline;
  this.pageSize = pageSize || timeline.ids.length || 1;
  // page number -> its <ol>, once seen; and those being fetched
  this.pages = {};
  this.fetching = {};
  // event id -> title, from the list pages seen: the page data carries no titles (they come with the pages)
  this.titles = new Map();
  this.ended = {};
  // The is-ended state still to be applied to items whose content the browser skips
  // (content-visibility: auto, off screen; head.js notes which): restyling hundreds of
  // unseen items delayed the frame that shows a new date.
  this.pending = new Map();
  this.selectedId = null;
  this.marker = el('li', { className: 'event-now', 'aria-hidden': 'true' });
  this.list = panel ? panel.querySelector('.event-list') : null;
  this.page = this.list ? +(this.list.getAttribute('data-page') || 1) : 1;
  if (this.list) { this.pages[this.page] = { list: this.list, pager: panel.querySelector('.event-pager') }; }
  this.indexItems();
  var self = this;
  timeline.on('datechange', function (e) { self.show(e.day); });
  selection.on('select', function (e) { self.select(e.id, e.reveal); });
  if (panel) {
    // The event does not bubble: caught on its way down to each item.
    panel.addEventListener('contentvisibilityautostatechange', function (e) {
      if (!e.skipped) { self.applyPending(e.target); }
    }, true);
    window.addEventListener('beforeprint', function () { self.applyPending(); });
    panel.addEventListener('click', function (e) {
      var link = e.target.closest && e.target.closest('.event-pager a[data-page]');
      if (!link) { return; }
      e.preventDefault();
      self.showPage(+link.getAttribute('data-page')).then(function () { self.list.focus(); });
    });
  }
}

// By id in a Map: select() gets ids from outside (the hash, messages, the API).
EventList.prototype.indexItems = function () {
  this.items = new Map();
  var nodes = this.list ? this.list.querySelectorAll('li.event') : [];
  for (var i = 0; i < nodes.length; i++) { this.items.set(nodes[i].getAttribute('data-id'), nodes[i]); }
  this.learnTitles(this.list);
  this.ended = {};
  this.pending.clear();
  // e.g. the reading position watches the new page's items
  if (this.onItems) { this.onItems(); }
};

EventList.prototype.item = function (id) { return this.items.get(id) || null; };

EventList.prototype.learnTitles = function (list) {
  var nodes = list ? list.querySelectorAll('li.event') : [];
  for (var i = 0; i < nodes.length; i++) {
    var title = nodes[i].querySelector('.event-title');
    this.titles.set(nodes[i].getAttribute('data-id'), title ? title.textContent : '');
  }
};

// The event's title once a list page holding it has been seen, else null.
EventList.prototype.titleOf = function (index) {
  var title = this.titles.get(this.timeline.ids[index]);
  return title === undefined ? null : title;
};

// The event's title, its list page fetched (not shown) when need be; '' when it cannot be.
EventList.prototype.loadTitle = function (index) {
  var self = this, known = this.titleOf(index);
  if (known !== null || !this.list) { return Promise.resolve(known || ''); }
  return this.fetchPage(this.pageOf(index)).then(function () { return self.titleOf(index) || ''; },
    function () { return ''; });
};

// A list page's parts, fetched once (and its titles learnt).
EventList.prototype.fetchPage = function (number) {
  var self = this;
  if (this.pages[number]) { return Promise.resolve(this.pages[number]); }
  if (!this.fetching[number]) {
    this.fetching[number] = fetchListPage(number).then(function (parts) {
      self.pages[number] = parts;
      self.learnTitles(parts.list);
      return parts;
    }, function (error) { delete self.fetching[number]; throw error; });
  }
  return this.fetching[number];
};

EventList.prototype.pageOf = function (index) { return Math.floor(index / this.pageSize) + 1; };

// Resolves once the list shows the page (fetched the first time it is needed).
EventList.prototype.showPage = function (number) {
  var self = this;
  if (!this.list || number === this.page) { return Promise.resolve(); }
  return this.fetchPage(number).then(function (parts) {
    var oldPager = self.panel.querySelector('.event-pager');
    self.list.replaceWith(parts.list);
    if (oldPager && parts.pager) { oldPager.replaceWith(parts.pager); }
    self.list = parts.list;
    self.list.setAttribute('tabindex', '-1');
    self.page = number;
    self.indexItems();
    self.show(self.timeline.getDay());
    self.select(self.selectedId, false);
  });
};

// A list page is our own build output: parsed as an inert document (its
// scripts never run) and its nodes adopted, never assigned as HTML strings.
function fetchListPage(number) {
  var url = number === 1 ? 'index.html' : 'events-' + number + '.html';
  return fetch(url).then(function (response) {
    if (!response.ok) { throw new Error('list page ' + url + ': ' + response.status); }
    return response.text();
  }).then(function (text) {
    var doc = new DOMParser().parseFromString(text, 'text/html');
    var list = doc.querySelector('.event-list'), pager = doc.querySelector('.event-pager');
    return { list: document.adoptNode(list), pager: pager ? document.adoptNode(pager) : null };
  });
}

// Events after the marker have not happened yet at the map's date; ended
// spans and window events get a class. Only this page's items are touched.
EventList.prototype.show = function (day) {
  if (!this.list) { return; }
  var timeline = this.timeline, first = (this.page - 1) * this.pageSize;
  var last = Math.min(timeline.ids.length, first + this.pageSize), next = -1;
  for (var i = first; i < last; i++) {
    if (next < 0 && timeline.from[i] > day) { next = i; }
    var ended = timeline.from[i] <= day && !timeline.isVisible(i, day);
    if (!!this.ended[i] !== ended) {
      this.ended[i] = ended;
      var node = this.item(timeline.ids[i]);
      if (node && node.storymapSkipped) { this.pending.set(node, ended); } else if (node) { this.pending.delete(node); node.classList.toggle('is-ended', ended); }
    }
  }
  if (this.pending.size && !this.pendingCall) {
    var self = this;
    this.pendingCall = whenIdle(function () { self.pendingCall = null; self.applyPending(); });
  }
  var before = next < 0 ? null : this.item(timeline.ids[next]);
  if (this.marker.parentNode !== this.list || this.marker.nextSibling !== before) {
    this.list.insertBefore(this.marker, before);
  }
};

// The is-ended state held back for one item coming into view, or for all.
EventList.prototype.applyPending = function (node) {
  var apply = function (ended, item) { item.classList.toggle('is-ended', ended); };
  if (node) {
    if (this.pending.has(node)) { apply(this.pending.get(node), node); this.pending.delete(node); }
    return;
  }
  this.pending.forEach(apply);
  this.pending.clear();
};

// Mark the item of the selected event; reveal brings it into view (see revealItem).
EventList.prototype.select = function (id, reveal) {
  var old = this.item(this.selectedId), node = this.item(id);
  if (old) { markSelected(old, false); }
  this.selectedId = id;
  if (!node) { return; }
  markSelected(node, true);
  if (reveal) { revealItem(node); }
};

// Selected for the eye (a class) and for assistive technology: aria-current on
// the item and on its title link, the part keyboard and screen-reader users land on.
function markSelected(node, on) {
  [node, node.querySelector('.event-title a')].forEach(function (target) {
    if (!target) { return; }
    if (on) { target.setAttribute('aria-current', 'true'); } else { target.removeAttribute('aria-current'); }
  });
  node.classList.toggle('is-selected', on);
}

// Bring a list item into view without losing the map: inside the list's own
// scrolling box (the embed's list), or by scrolling the page when the map sits
// beside the list (wide screens, where the map is sticky). Where the list is
// below the map (phones) the page stays put: the reader is looking at the map.
function revealItem(node) {
  var box = scrollingBox(node), item = node.getBoundingClientRect();
  if (box) {
    var edges = box.getBoundingClientRect();
    box.scrollTop += scrollNeeded(item, edges.top, edges.bottom);
    return;
  }
  var map = document.querySelector('.map-frame'), beside = map && !overlapsAcross(map.getBoundingClientRect(), item);
  var delta = beside ? scrollNeeded(item, 0, window.innerHeight) : 0;
  if (delta) { window.scrollBy({ top: delta, behavior: prefersReducedMotion() ? 'auto' : 'smooth' }); }
}

// After a choice in the list, bring the whole map into view (on a phone the
// list is below the map; on a wide screen the page may still show its header),
// keeping the chosen item on screen where the two sit side by side.
function revealMap(mapNode, itemNode) {
  if (!mapNode) { return; }
  var map = mapNode.getBoundingClientRect(), delta = map.top;
  if (map.top >= 0 && map.bottom <= window.innerHeight) { return; }
  var item = itemNode ? itemNode.getBoundingClientRect() : null;
  if (item && !overlapsAcross(map, item)) { delta = Math.min(delta, item.top - 16); }
  if (delta) { window.scrollBy({ top: delta, behavior: prefersReducedMotion() ? 'auto' : 'smooth' }); }
}

// How far to scroll so that a box shows between top and bottom (0 when it does).
function scrollNeeded(rect, top, bottom) {
  var margin = 12;
  if (rect.top < top + margin) { return rect.top - top - margin; }
  if (rect.bottom > bottom - margin) { return Math.min(rect.top - top - margin, rect.bottom - bottom + margin); }
  return 0;
}

function overlapsAcross(a, b) { return a.left < b.right && b.left < a.right; }
function overlaps(a, b) { return overlapsAcross(a, b) && a.top < b.bottom && b.top < a.bottom; }

// The nearest ancestor that scrolls on its own (not the page), or null.
function scrollingBox(node) {
  for (var box = node.parentElement; box && box !== document.body; box = box.parentElement) {
    var overflow = getComputedStyle(box).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight) { return box; }
  }
  return null;
}

// An event's details as a copy of its list entry: the text was rendered
// (and escaped) by the build, so the script never turns text into HTML.
function detailsNode(listItem, confidence) {
  var box = el('div', { className: 'sm-details' });
  if (!listItem) { return box; }
  var copy = listItem.cloneNode(true);
  // styles the confidence words as in the list
  box.classList.add('confidence-' + confidence);
  var current = copy.querySelectorAll('[aria-current]');
  for (var i = 0; i < current.length; i++) { current[i].removeAttribute('aria-current'); }
  while (copy.firstChild) { box.appendChild(copy.firstChild); }
  return box;
}

// A panel on the map for events that have no place (they cannot have a popup).
function PlacelessPanel(map, strings) {
  var box = el('div', { className: 'sm-placeless', role: 'region', 'aria-label': strings.not_on_map });
  var close = el('button', { type: 'button', className: 'sm-placeless-close', 'aria-label': strings.close, text: '×' });
  var body = el('div');
  box.appendChild(close);
  box.appendChild(body);
  this.box = box;
  this.body = body;
  this.map = map;
  var control = L.control({ position: 'topright' }), self = this;
  control.onAdd = function () { L.DomEvent.disableClickPropagation(box); return box; };
  control.addTo(map);
  close.addEventListener('click', function () { self.hide(); });
  this.hide();
}

PlacelessPanel.prototype.show = function (node) {
  this.body.textContent = '';
  this.body.appendChild(node);
  this.box.hidden = false;
  // e.g. the legend makes room (layout.js)
  this.map.fire('placelesschange');
};

PlacelessPanel.prototype.hide = function () {
  if (this.box.hidden) { return; }
  this.box.hidden = true;
  this.map.fire('placelesschange');
};

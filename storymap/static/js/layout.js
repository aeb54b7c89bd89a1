// The page around the map: the summary's "Read more", the reading position on
// phones (the event under the map is the one shown), Escape, and the address
// printed at the foot. story.css and wide.css lay the page out; this only
// measures it.

// the map sticks at the top (story.css)
var READING_QUERY = '(width < 900px) and (height >= 500px)';

function arrangeLayout(app) {
  foldSummary(document.querySelector('.story-header'));
  closeDetailsOnEscape(app);
  keepLegendClear(app);
  var address = document.querySelector('.print-address');
  if (address && !address.getAttribute('data-url')) { address.setAttribute('data-url', location.href.split('#')[0]); }
  var panel = document.querySelector('.page-story .map-panel');
  if (panel && app.list.panel && window.IntersectionObserver) { new ReadingPosition(app, panel); }
}

// Details (a popup, the "Not on the map" panel) come before the legend: where
// they would meet it folds, and on a map too small for both it steps aside
// until they close; so does the note that the tiles did not load.
function keepLegendClear(app) {
  var legend = app.legend.getContainer(), folded = false;
  var covers = function (node) {
    var popup = app.map.hasLayer(app.popup) ? app.popup.getElement() : null, box = node.getBoundingClientRect();
    return [popup, app.placeless.box.hidden ? null : app.placeless.box].some(function (d) {
      return d && overlaps(box, d.getBoundingClientRect());
    });
  };
  var check = function () {
    legend.style.visibility = '';
    if (folded && !legend.open) { legend.open = true; folded = false; }
    if (covers(legend) && legend.open) { legend.open = false; folded = true; }
    if (covers(legend)) { legend.style.visibility = 'hidden'; }
    var note = app.map.getContainer().querySelector('.sm-tiles-failed');  // offline: the tiles note steps aside too
    if (note) { note.style.visibility = ''; note.style.visibility = covers(note) ? 'hidden' : ''; }
  };
  app.map.on('popupopen popupclose moveend placelesschange', check);
}

// On a phone the summary shows two lines; the button appears only when that cuts it short.
function foldSummary(header) {
  var button = header && header.querySelector('.summary-toggle');
  if (!button) { return; }
  var summary = header.querySelector('.story-summary');
  var update = function () {
    if (button.getAttribute('aria-expanded') === 'true') { return; }
    button.hidden = summary.scrollHeight <= summary.clientHeight + 1;
  };
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    header.classList.toggle('is-open', open);
  });
  // measured once laid out (the observer's first call), not by forcing a layout at the start
  if (window.ResizeObserver) { new ResizeObserver(update).observe(summary); }
  else { window.addEventListener('resize', update); update(); }
}

// Escape closes the details (popup or the "Not on the map" panel) from anywhere
// on the page, unless a widget used the key already. Focus that was inside the
// details goes back to the event's entry in the list.
function closeDetailsOnEscape(app) {
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || e.defaultPrevented) { return; }
    var popup = app.map.hasLayer(app.popup) ? app.popup.getElement() : null, panel = app.placeless.box;
    if (!popup && panel.hidden) { return; }
    var inside = (popup && popup.contains(document.activeElement)) || panel.contains(document.activeElement);
    var item = app.list.item(app.timeline.ids[app.selection.get()]);
    app.map.closePopup(app.popup);
    app.placeless.hide();
    app.select(-1);
    if (inside) {
      var link = item && item.querySelector('.event-title a');
      (link || app.map.getContainer()).focus({ preventScroll: true });
    }
  });
}

// Where the map stays at the top of the screen, the event whose entry crosses
// the line just under the map (and its timeline bar) is the one shown: the
// reader scrolls, the map follows, and the list itself never moves.
function ReadingPosition(app, panel) {
  this.app = app;
  this.panel = panel;
  this.query = window.matchMedia(READING_QUERY);
  // read at the first watch(), once laid out: reading it now would force a layout mid-start
  this.lastY = null;
  var self = this;
  // A tap or a key in the list chooses by itself: the line waits for the next scroll.
  app.list.panel.addEventListener('click', function () { self.lastY = window.scrollY; });
  // Focus moved to the map or the timeline can scroll the page: that is not reading on.
  document.addEventListener('focusin', function (e) {
    if (!app.list.panel.contains(e.target)) { self.settleUntil = Date.now() + 500; }
  });
  app.list.onItems = function () { self.room = -1; self.watch(); };
  new ResizeObserver(function () { self.watch(); }).observe(panel);
  window.addEventListener('resize', function () { self.watch(); });
}

ReadingPosition.prototype.watch = function () {
  var room = Math.round(this.panel.getBoundingClientRect().height), self = this;
  if (this.lastY === null) { this.lastY = window.scrollY; }
  if (room === this.room && this.observer) { return; }
  if (room !== this.room) { document.documentElement.style.setProperty('--sticky-room', (room + 16) + 'px'); }
  this.room = room;
  if (this.observer) { this.observer.disconnect(); this.observer = null; }
  if (!this.query.matches || room >= window.innerHeight - 60) { return; }
  // a thin band 24 px under the map: the reading position
  var line = room + 24;
  this.observer = new IntersectionObserver(function (entries) { self.onCross(entries); },
    { rootMargin: -line + 'px 0px ' + (line + 2 - window.innerHeight) + 'px 0px' });
  var items = this.app.list.panel.querySelectorAll('li.event');
  for (var i = 0; i < items.length; i++) { this.observer.observe(items[i]); }
};

ReadingPosition.prototype.onCross = function (entries) {
  // the page did not scroll: a tap, a resize
  if (Math.abs(window.scrollY - this.lastY) < 8) { return; }
  if (Date.now() < (this.settleUntil || 0)) { this.lastY = window.scrollY; return; }
  var hit = entries.filter(function (e) { return e.isIntersecting; }).pop();
  if (!hit) { return; }
  var app = this.app, index = app.timeline.indexOf(hit.target.getAttribute('data-id'));
  if (index < 0 || index === app.selection.get()) { return; }
  this.lastY = window.scrollY;
  // the guided walk's step: date, map and caption
  if (app.walk) { app.walk.go(index); return; }
  app.map.closePopup(app.popup);
  app.timeline.setDay(app.timeline.eventDay(index), 'reader');
  app.select(index, false);
  app.panTo(index);
};

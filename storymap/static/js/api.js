// The page's scripting interface: window.storymap, the URL hash and, inside
// an iframe, postMessage in both directions (see the story-format spec).

function createApi(app) {
  return Object.freeze({
    version: 1,
    // Move the timeline; returns the date moved to (kept within the timeline).
    setDate: function (date) {
      var day = app.timeline.dayOf(date);
      if (isNaN(day)) { throw new RangeError('storymap.setDate: not a date: ' + date); }
      app.timeline.setDay(day, 'api');
      return app.timeline.iso(app.timeline.getDay());
    },
    date: function () { return app.timeline.iso(app.timeline.getDay()); },
    // Ids of the events drawn on the map for the current date, in timeline order.
    visibleEvents: function () {
      return app.canvas.getVisible().map(function (index) { return app.timeline.ids[index]; });
    },
    // ... and those drawn muted too, having passed (cumulative mode).
    drawnEvents: function () { return app.canvas.getDrawn().map(function (index) { return app.timeline.ids[index]; }); },
    // Move to an event, pan to it and open its details; false for an unknown id
    // (or anything not a string: nothing moves).
    focus: function (id) { return app.focus(id, 'api'); },
    // The guided walk: select the next (previous) event in timeline order, move the
    // date and the map to it; its id, or null at either end (nothing changes then).
    next: function () { return app.walk.step(1); },
    previous: function () { return app.walk.step(-1); },
    // What the map shows: plain numbers, for a host page or a test.
    view: function () {
      var map = app.map, centre = map.getCenter(), box = map.getBounds();
      return { center: { lat: centre.lat, lon: centre.lng }, zoom: map.getZoom(),
        bounds: { south: box.getSouth(), west: box.getWest(), north: box.getNorth(), east: box.getEast() } };
    }
  });
}

// "#date=2023-10-05" or "#event=<id>" -> {date} / {event}; null for anything else.
// The hash is whatever a link says: a malformed escape ("%E0%A4%A") is ignored
// like any other value that names no date or event, never an error.
function readHash(hash) {
  var match = /^#(date|event)=(.+)$/.exec(hash || ''), value;
  if (!match) { return null; }
  try { value = decodeURIComponent(match[2]); } catch (err) { return null; }
  return match[1] === 'date' ? { date: value } : { event: value };
}

// Keeps the address bar in step with the reader's moves, without adding
// history entries; writes at most every 250 ms (browsers throttle bursts).
function HashWriter() {
  this.pending = null;
  this.timer = null;
}

HashWriter.prototype.write = function (hash) {
  this.pending = hash;
  if (this.timer) { return; }
  var self = this;
  this.timer = setTimeout(function () {
    self.timer = null;
    if (self.pending && location.hash !== self.pending) {
      history.replaceState(history.state, '', self.pending);
    }
  }, 250);
};

HashWriter.prototype.flush = function () {
  if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  if (this.pending && location.hash !== this.pending) { history.replaceState(history.state, '', this.pending); }
};

function inFrame() {
  try { return window.parent !== window; } catch (err) { return true; }
}

// postMessage: the host may send storymap:setDate / storymap:focus /
// storymap:next / storymap:previous; the frame
// reports its date and its content height so the host can size the iframe.
function connectFrame(app) {
  if (!inFrame()) { return; }
  window.addEventListener('message', function (event) {
    var message = event.data;
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') { return; }
    if (message.type === 'storymap:setDate' && typeof message.date === 'string') {
      var day = app.timeline.dayOf(message.date);
      if (!isNaN(day)) { app.timeline.setDay(day, 'message'); }
    } else if (message.type === 'storymap:focus' && typeof message.id === 'string') {
      app.focus(message.id, 'message');
    } else if (message.type === 'storymap:next' || message.type === 'storymap:previous') {
      app.bar.stop();
      app.walk.step(message.type === 'storymap:next' ? 1 : -1);
    }
  });
  var postDate = function (iso) { window.parent.postMessage({ type: 'storymap:date', date: iso }, '*'); };
  app.timeline.on('datechange', function (e) { if (e.changed) { postDate(e.iso); } });
  // the opening date, so a host knows where the frame is
  postDate(app.timeline.iso(app.timeline.getDay()));
  var lastHeight = -1;
  var report = function () {
    // The body's own height, not the window's (scrollHeight is at least the frame's
    // height): so the frame shrinks when the content does, and grows with it.
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      window.parent.postMessage({ type: 'storymap:height', height: height }, '*');
    }
  };
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.body); }
  window.addEventListener('load', report);
  // the events list opening or closing
  document.addEventListener('toggle', report, true);
  report();
}

// The embed code on the story page. A build without --base-url knows only the
// relative address of embed.html, which is useless pasted into another site,
// so the page puts in the absolute one it is served from. A click on the code
// selects all of it (story.css); the button copies it, or selects it if refused.
function prepareEmbedCode() {
  var box = document.getElementById('embed-code');
  if (!box) { return; }
  var relative = 'src="embed.html"';
  if (box.textContent.indexOf(relative) !== -1) {
    box.textContent = box.textContent.replace(relative, 'src="' + new URL('embed.html', location.href).href + '"');
  }
  var button = box.parentNode.querySelector('.embed-copy');
  // the clipboard needs https (or localhost)
  if (!button || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener('click', function () {
    navigator.clipboard.writeText(box.textContent).then(function () {
      button.textContent = button.getAttribute('data-done');
    }, function () { window.getSelection().selectAllChildren(box); });
  });
}
prepareEmbedCode();

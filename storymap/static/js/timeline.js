// The timeline: the story's days and the one the page shows, which it owns:
// setDay() moves it and fires 'datechange', and the map, the list, the bar and
// the page's address follow. The visibility rules themselves live in the build
// (storymap/timeline.py): each event arrives with the first and last day it
// is visible, counted from the timeline's start, and this only compares.
var Timeline = L.Evented.extend({
  initialize: function (data) {
    var events = data.events;
    this.startMs = parseIsoDay(data.timeline.start);
    this.days = data.timeline.days;
    this.ids = events.id;
    this.from = events.from;
    this.until = events.until;
    this.located = events.geo.map(function (geo) { return geo !== null; });
    // for setDay: each event's first and last day on the map (Infinity: open-ended, or never)
    this._onMapFrom = new Float64Array(this.ids.length);
    this._onMapUntil = new Float64Array(this.ids.length);
    // by id, made when first asked for (indexOf): most pages open on a date, not an event
    this.indexById = null;
    for (var i = 0; i < this.ids.length; i++) {
      this._onMapFrom[i] = events.geo[i] === null ? Infinity : this.from[i];
      this._onMapUntil[i] = this.until[i] === null ? Infinity : this.until[i];
    }
    this.locatedTotal = this.located.filter(Boolean).length;
    // none until the page opens at one
    this._day = -1;
  }
});

Timeline.prototype.getDay = function () { return this._day; };

// Moves to the day (kept within the timeline) and fires 'datechange' with day,
// iso, cause (who moved it: 'start', 'reader', 'api', 'message'), changed (a
// different day from the last) and shown: the events drawn on the map that day,
// as indexes in timeline order. Setting the same day fires too: the bar says the
// date again and the address is written again.
Timeline.prototype.setDay = function (day, cause) {
  var shown = [], from = this._onMapFrom, until = this._onMapUntil;
  day = clamp(Math.round(day), 0, this.days);
  // isVisible for the located, inlined
  for (var i = 0; i < from.length; i++) {
    if (from[i] <= day && day <= until[i]) { shown.push(i); }
  }
  var changed = day !== this._day;
  this._day = day;
  this.fire('datechange', { day: day, iso: this.iso(day), cause: cause, changed: changed, shown: Object.freeze(shown) });
};

Timeline.prototype.isVisible = function (index, day) {
  var until = this.until[index];
  return this.from[index] <= day && (until === null || day <= until);
};

Timeline.prototype.iso = function (day) {
  return isoFromMs(this.startMs + day * DAY_MS);
};

// A date (YYYY-MM-DD, YYYY-MM or YYYY) as a day on this timeline, kept within
// its range; NaN when the text is not a date.
Timeline.prototype.dayOf = function (text) {
  var ms = parseIsoDay(text);
  if (isNaN(ms)) { return NaN; }
  return clamp(Math.round((ms - this.startMs) / DAY_MS), 0, this.days);
};

// The position of the event with this id; -1 for an unknown id or anything not a string.
Timeline.prototype.indexOf = function (id) {
  if (!this.indexById) {
    // A Map, not an object: ids come from outside (the hash, messages, the API), and
    // "constructor" or "__proto__" must not find Object.prototype's members.
    this.indexById = new Map();
    for (var i = 0; i < this.ids.length; i++) { this.indexById.set(this.ids[i], i); }
  }
  var index = typeof id === 'string' ? this.indexById.get(id) : undefined;
  return index === undefined ? -1 : index;
};

// The day an event starts on this timeline, for focus().
Timeline.prototype.eventDay = function (index) {
  return clamp(this.from[index], 0, this.days);
};

// The selected event (an index, -1 for none), owned here: set() fires 'select'
// with index, id (null for none) and reveal (bring it into view), and the
// canvas, the route's movement and the list follow. Choosing the selected
// event again fires only to reveal it.
var Selection = L.Evented.extend({
  initialize: function (ids) {
    this._ids = ids;
    this._index = -1;
  },

  get: function () { return this._index; },

  set: function (index, reveal) {
    if (index === this._index && !reveal) { return; }
    this._index = index;
    this.fire('select', { index: index, id: index < 0 ? null : this._ids[index], reveal: !!reveal });
  }
});

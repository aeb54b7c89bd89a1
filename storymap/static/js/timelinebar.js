// The timeline bar under the map: the slider, play/pause at three speeds,
// steps to the previous and next event (the guided walk, walk.js), the date
// label, the count and the announcements for screen readers.

// the pauses between events, divided by this
var PLAY_SPEEDS = [1, 2, 4];
// per event: a base, per character of its title, at most
var PLAY_PAUSE_MS = [2500, 40, 6500];
// a title's length, for the pause, while its list page has not come
var PLAY_UNKNOWN_TITLE_CHARS = 50;
var ANNOUNCE_DELAY_MS = 600;
// PageUp/PageDown: a week on shorter timelines, a month on longer
var PAGE_STEP_WEEK_MAX_DAYS = 120;

// The reader's moves go to the timeline (setDay), and the bar shows whatever
// date the timeline fires ('datechange'), whoever moved it. data is the page's
// data (strings, the events' precision column); list the event list, which knows titles.
function TimelineBar(root, timeline, selection, data, list) {
  var find = function (name) { return root.querySelector('.timeline-' + name); };
  this.timeline = timeline;
  this.selection = selection;
  this.strings = data.strings;
  this.labels = new DateLabels(data.formats, data.strings);
  this.precision = data.events.precision || '';
  this.windowDays = data.timeline.mode === 'window' ? data.timeline.windowDays : 0;
  this.slider = find('slider');
  this.playButton = find('play');
  this.playText = find('play-text');
  this.prevButton = find('prev');
  this.nextButton = find('next');
  this.speedButton = find('speed');
  this.speedValue = find('speed-value');
  this.dateLabel = find('date');
  this.countLabel = find('count');
  this.windowLabel = find('window');
  this.announcer = find('announce');
  this.timer = null;
  this.playing = false;
  this.announceTimer = null;
  // index in PLAY_SPEEDS
  this.speed = 0;
  this.day = 0;
  this.shown = 0;
  // how many dates have been shown; the first is the page opening
  this.shows = 0;
  // why the next show happens: -1 the reader's slider
  this.cause = null;
  // the guided walk (walk.js), which sets itself here
  this.walk = null;
  // the event whose date precision the label follows; -1: a plain day
  this.labelEvent = -1;
  this.ticks = new TimelineTicks(find('ticks'), timeline, data, this.labels, list);
  this.listen();
}

TimelineBar.prototype.listen = function () {
  var self = this;
  this.timeline.on('datechange', function (e) { self.show(e.day, e.shown.length); });
  this.slider.addEventListener('input', function () { self.move(+self.slider.value); });
  this.slider.addEventListener('keydown', function (e) { self.onKey(e); });
  this.slider.addEventListener('focus', function () { self.tipFocus(); });
  this.slider.addEventListener('blur', function () { self.ticks.showTip(-1); });
  this.playButton.addEventListener('click', function () { if (self.playing) { self.stop(); } else { self.play(); } });
  this.prevButton.addEventListener('click', function () { self.step(-1); });
  this.nextButton.addEventListener('click', function () { self.step(1); });
  this.speedButton.addEventListener('click', function () { self.cycleSpeed(); });
};

// The reader moves the date (slider, keys, play): the label shows a plain day.
TimelineBar.prototype.move = function (day, playing) {
  if (!playing) { this.stop(); }
  this.cause = -1;
  this.timeline.setDay(day, 'reader');
};

// The slider's keys, handled here so that every browser moves the same way.
TimelineBar.prototype.onKey = function (e) {
  var day = this.day, targets = {
    ArrowLeft: day - 1, ArrowDown: day - 1, ArrowRight: day + 1, ArrowUp: day + 1,
    PageDown: this.pageStep(day, -1), PageUp: this.pageStep(day, 1), Home: 0, End: this.timeline.days
  };
  if (e.altKey || e.ctrlKey || e.metaKey || !Object.prototype.hasOwnProperty.call(targets, e.key)) { return; }
  e.preventDefault();
  this.move(targets[e.key]);
};

// A week, or on long timelines the same day of the next/previous month (31 Jan -> 28 Feb).
TimelineBar.prototype.pageStep = function (day, direction) {
  if (this.timeline.days <= PAGE_STEP_WEEK_MAX_DAYS) { return day + 7 * direction; }
  var ms = shiftMonths(this.timeline.startMs + day * DAY_MS, direction);
  return Math.round((ms - this.timeline.startMs) / DAY_MS);
};

// To the next (1) or previous (-1) event: the walk selects it and shows it.
TimelineBar.prototype.step = function (direction) {
  this.stop();
  this.walk.step(direction);
};

// Play walks from event to event, from the first when there is no next one
// or the page rests on its last day (where it opens) with none selected.
TimelineBar.prototype.play = function () {
  if (this.walk.peek(1) < 0 || (this.selection.get() < 0 && this.day >= this.timeline.days)) { this.selection.set(-1); this.move(0, true); }
  this.playing = true;
  this.setPlaying(true);
  this.advance();
};

// One step of play, then a pause long enough to read the caption.
TimelineBar.prototype.advance = function () {
  var self = this, id = this.walk.step(1);
  if (id === null) { this.stop(); return; }
  var title = this.walk.app.list.titleOf(this.selection.get());
  var chars = title === null ? PLAY_UNKNOWN_TITLE_CHARS : title.length;
  var pause = Math.min(PLAY_PAUSE_MS[0] + PLAY_PAUSE_MS[1] * chars, PLAY_PAUSE_MS[2]);
  this.timer = setTimeout(function () { self.advance(); }, pause / PLAY_SPEEDS[this.speed]);
};

TimelineBar.prototype.stop = function () {
  if (!this.playing) { return; }
  clearTimeout(this.timer);
  this.timer = null;
  this.playing = false;
  this.setPlaying(false);
  // says where play stopped
  this.render();
};

TimelineBar.prototype.setPlaying = function (playing) {
  this.playText.textContent = playing ? this.strings.pause : this.strings.play;
  // The name says what a press will do (Play, Pause); no aria-pressed on top of it,
  // which would make screen readers say "Pause, pressed".
  this.playButton.setAttribute('data-playing', String(playing));
};

TimelineBar.prototype.cycleSpeed = function () {
  this.speed = (this.speed + 1) % PLAY_SPEEDS.length;
  var speed = PLAY_SPEEDS[this.speed], value = fillIn(this.strings.speed_value, { speed: speed });
  this.speedValue.textContent = value;
  this.speedButton.setAttribute('data-speed', String(speed));
  // the button's new name, said at once
  this.announce(this.strings.play_speed + ' ' + value, 0);
};

// Whenever the timeline's date is set, whoever set it.
TimelineBar.prototype.show = function (day, shownCount) {
  var cause = this.cause;
  this.cause = null;
  this.day = day;
  this.shown = shownCount;
  this.shows++;
  this.labelEvent = cause !== null && cause >= 0 && this.timeline.from[cause] === day ? cause : -1;
  if (cause === null) { this.followFocus(); }
  this.render();
};

// focus() moves the date and then selects the event: once it has, the label
// follows the precision of the event focused on that day ("Aug 2023").
TimelineBar.prototype.followFocus = function () {
  var self = this, shows = this.shows;
  Promise.resolve().then(function () {
    var selected = self.selection.get();
    if (shows !== self.shows || selected < 0 || self.timeline.from[selected] !== self.day) { return; }
    self.labelEvent = selected;
    self.render();
    // the caption names the event
    clearTimeout(self.announceTimer);
  });
};

TimelineBar.prototype.render = function () {
  var day = this.day, text = this.dateText();
  var count = fillIn(this.strings.events_shown, {
    shown: this.labels.number(this.shown), total: this.labels.number(this.timeline.locatedTotal) });
  this.slider.value = day;
  // the events starting on this day, said with it
  var names = this.ticks.names(day);
  this.slider.setAttribute('aria-valuetext', names ? text + ': ' + names : text);
  if (document.activeElement === this.slider) { this.tipFocus(); }
  this.dateLabel.textContent = text;
  this.countLabel.textContent = count;
  this.windowLabel.textContent = this.windowText();
  this.setSteps();
  this.setFill();
  // Not the page opening, and not every step while playing: only where the date rests.
  if (this.playing) { clearTimeout(this.announceTimer); }
  else if (this.shows > 1) { this.announce(text + ': ' + count, ANNOUNCE_DELAY_MS); }
};

// The focused slider's tip names the events of its day, unless the caption already names one.
// On the slider: the tip, and the day's title fetched with its list page when not known yet
// (the slider's value text then says it).
TimelineBar.prototype.tipFocus = function () {
  var selected = this.selection.get(), self = this, day = this.day;
  this.ticks.showTip(selected >= 0 && this.timeline.from[selected] === day ? -1 : day);
  this.ticks.whenNamed(day, function () { if (self.day === day) { self.render(); } });
};

TimelineBar.prototype.setSteps = function () {
  if (!this.walk) { return; }
  this.prevButton.setAttribute('aria-disabled', String(this.walk.peek(-1) < 0));
  this.nextButton.setAttribute('aria-disabled', String(this.walk.peek(1) < 0));
};

TimelineBar.prototype.dateText = function () {
  var ms = this.timeline.startMs + this.day * DAY_MS;
  if (this.labelEvent < 0) { return this.labels.day(ms); }
  return this.labels.honest(ms, this.precision.charAt(this.labelEvent));
};

// In window mode, the days whose dated events are on the map.
TimelineBar.prototype.windowText = function () {
  if (!this.windowDays) { return ''; }
  var last = this.timeline.startMs + this.day * DAY_MS, first = last - (this.windowDays - 1) * DAY_MS;
  return fillIn(this.strings.window_range, { days: this.windowDays, range: this.labels.range(first, last) });
};

// The rail's filled part (timeline.css): all days so far, or in window mode the window.
TimelineBar.prototype.setFill = function () {
  var days = this.timeline.days || 1, first = this.windowDays ? Math.max(0, this.day - this.windowDays + 1) : 0;
  this.slider.style.setProperty('--sm-fill-from', String(first / days));
  this.slider.style.setProperty('--sm-fill-to', String(this.day / days));
};

TimelineBar.prototype.announce = function (text, delay) {
  var announcer = this.announcer;
  clearTimeout(this.announceTimer);
  if (!delay) { announcer.textContent = text; return; }
  this.announceTimer = setTimeout(function () { announcer.textContent = text; }, delay);
};

// Dates as the event list writes them: "5 Oct 2023", "Oct 2023", "2023", "c. 5 Oct 2023",
// from the CLDR patterns and month names the build took from Babel for the story's language
// (pagedata: formats). No Intl: a page's first formatter costs it tens of milliseconds.
function DateLabels(formats, strings) {
  this.formats = formats;
  this.approximately = strings.approximately;
}

// A CLDR pattern written for a UTC day: d, M or L (a number, or the month names sent), y;
// 'quoted' text and other characters as they are ('' is a quote).
DateLabels.prototype.write = function (pattern, ms) {
  var date = new Date(ms), months = this.formats.months;
  return pattern.replace(/''/g, '\0').replace(/'([^']*)'|([A-Za-z])\2*/g, function (run, quoted, letter) {
    if (quoted !== undefined) { return quoted; }
    var n = run.length, value = letter === 'd' ? date.getUTCDate() : letter === 'y' || letter === 'Y' ? date.getUTCFullYear() : -1;
    if ((letter === 'M' || letter === 'L') && n > 2) { return months[run][date.getUTCMonth()]; }
    if (letter === 'M' || letter === 'L') { value = date.getUTCMonth() + 1; }
    if (value < 0) { return run; }
    return String(n === 2 ? value % 100 : value).padStart(n, '0');
  }).replace(/\0/g, "'");
};

// key: a precision letter (d, m, y) or t, a month alone (the rail's labels).
DateLabels.prototype.format = function (key, ms) { return this.write(this.formats.patterns[key], ms); };

DateLabels.prototype.day = function (ms) { return this.format('d', ms); };

// A date at the precision of the event's letter (pagedata: d, m, y; upper case: approximate).
DateLabels.prototype.honest = function (ms, letter) {
  var lower = letter.toLowerCase(), text = this.format(/^[dmy]$/.test(lower) ? lower : 'd', ms);
  return lower !== letter ? fillIn(this.approximately, { date: text }) : text;
};

// Two days as one range, shortened as CLDR says by the greatest field that differs: "3–20 Oct 2023".
DateLabels.prototype.range = function (firstMs, lastMs) {
  var first = new Date(firstMs), last = new Date(lastMs);
  var field = first.getUTCFullYear() !== last.getUTCFullYear() ? 'y' : first.getUTCMonth() !== last.getUTCMonth() ? 'M' : 'd';
  var parts = firstMs !== lastMs && this.formats.range[field];
  return parts ? this.write(parts[0], firstMs) + this.write(parts[1], lastMs) : this.day(firstMs);
};

// A whole number with the language's digit groups: "12,345", "1,23,456" (Hindi), "12 345".
DateLabels.prototype.number = function (n) {
  var digits = String(Math.round(n)), size = this.formats.grouping[0], text = '';
  for (; digits.length > size; size = this.formats.grouping[1]) {
    text = this.formats.group + digits.slice(-size) + text;
    digits = digits.slice(0, -size);
  }
  return digits + text;
};

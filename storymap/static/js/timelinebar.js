// The timeline bar under the map.

var PLAY_TICK_MS = 120;

// The timeline bar: slider, play/pause, date label, count and announcements.
function TimelineBar(root, timeline, strings, locale, onInput) {
  this.root = root;
  this.timeline = timeline;
  this.strings = strings;
  this.format = dayFormatter(locale);
  this.slider = root.querySelector('.timeline-slider');
  this.playButton = root.querySelector('.timeline-play');
  this.dateLabel = root.querySelector('.timeline-date');
  this.countLabel = root.querySelector('.timeline-count');
  this.announcer = root.querySelector('.timeline-announce');
  this.timer = null;
  this.announceTimer = null;
  var self = this;
  this.slider.addEventListener('input', function () { self.stop(); onInput(+self.slider.value); });
  this.playButton.addEventListener('click', function () { if (self.timer) { self.stop(); } else { self.play(onInput); } });
}

TimelineBar.prototype.label = function (day) {
  return this.format.format(new Date(this.timeline.startMs + day * DAY_MS));
};

TimelineBar.prototype.show = function (day, shownCount) {
  var text = this.label(day);
  var count = fillIn(this.strings.events_shown, { shown: shownCount, total: this.timeline.locatedTotal });
  this.slider.value = day;
  this.slider.setAttribute('aria-valuetext', text);
  this.dateLabel.textContent = text;
  this.countLabel.textContent = count;
  var announcer = this.announcer, playing = !!this.timer;
  clearTimeout(this.announceTimer);
  if (!playing) {
    this.announceTimer = setTimeout(function () { announcer.textContent = text + ': ' + count; }, 600);
  }
};

TimelineBar.prototype.play = function (onInput) {
  var timeline = this.timeline, self = this;
  var step = Math.max(1, Math.ceil(timeline.days / 240));  // a whole play takes at most ~30 s
  if (+this.slider.value >= timeline.days) { onInput(0); }
  this.playButton.textContent = this.strings.pause;
  this.playButton.setAttribute('aria-pressed', 'true');
  this.timer = setInterval(function () {
    var next = Math.min(timeline.days, +self.slider.value + step);
    onInput(next);
    if (next >= timeline.days) { self.stop(); }
  }, PLAY_TICK_MS);
};

TimelineBar.prototype.stop = function () {
  if (!this.timer) { return; }
  clearInterval(this.timer);
  this.timer = null;
  this.playButton.textContent = this.strings.play;
  this.playButton.setAttribute('aria-pressed', 'false');
};

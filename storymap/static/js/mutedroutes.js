// The muted routes of cumulative mode (docs/timeline.md), drawn beneath the rest
// of the story canvas. A route event turns muted on one day (its threshold: the
// day after its end, and not before its start) and stays so on every later day,
// so the muted routes of a day are a prefix of the route events sorted by that
// threshold. A crowded map (hairlines: more routes drawn than ROUTE_DETAIL_LIMIT)
// draws that prefix in fixed chunks of at least MUTED_CHUNK routes (one ends with
// the last day's muted), the whole chunks onto a kept canvas: a later day draws
// onto it only the chunks muted since, and a jump back to an earlier day leaves it for the jump forward again
// (the earlier day draws its own routes directly, in the same chunks). The
// chunks and their order depend on the story alone, and both canvases start
// clear with the same size and transform, so the copy is the very pixels drawing
// them all afresh makes. At 100,000 events the muted routes are 20,000 lines,
// about 20 million pixels painted: most of a jump's time before the kept canvas.

var MUTED_CHUNK = 256;

function MutedRoutes(story) {
  var ev = story.events, t = story.timeline, at = [], order = [], keys = [], styles = {}, ends = this.ends = [];
  ev.geo.forEach(function (geo, i) {
    var until = ev.span[i] ? ev.until[i] : ev.from[i] + t.windowDays - 1, route = geo && story.routes[geo.route];
    if (t.mode !== 'cumulative' || !route || until === null) { return; }
    var alpha = routeOpacity(ev.confidence[i]) * STYLES.past.routeOpacity;
    // named as the painting order sorts them: mode, opacity, precision
    styles[keys[i] = route.mode + ' ' + alpha + ' ' + !!route.approximate] = { mode: route.mode, alpha: alpha, approximate: route.approximate };
    at[i] = Math.max(until + 1, ev.from[i]);
    order.push(i);
  });
  // by threshold, then in timeline order (a stable sort)
  order.sort(function (a, b) { return at[a] - at[b]; });
  var names = Object.keys(styles).sort();
  this.styles = names.map(function (name) { return styles[name]; });
  this.order = order;
  // by position in order: its threshold, style and route
  this.at = order.map(function (i, p) {
    // chunks end at least MUTED_CHUNK routes after the last, never within a day, and at the last day's end
    var gap = p - (ends[ends.length - 1] || 0), before = p ? at[order[p - 1]] : at[i];
    if (p && before !== at[i] && (gap >= MUTED_CHUNK || (gap && before <= t.days && at[i] > t.days))) { ends.push(p); }
    return at[i];
  });
  ends.push(order.length);
  this.group = order.map(function (i) { return names.indexOf(keys[i]); });
  this.route = order.map(function (i) { return ev.geo[i].route; });
  this.kept = null;
  // The page's first drawing paints them directly, in the same chunks; the kept canvas comes later (keep).
  this.later = true;
}

// Paints the muted routes from position a to b, group by group (their names' order), each
// line once a group (seen, base: the lines painted already); view.skip: the selected event.
MutedRoutes.prototype.paint = function (ctx, a, b, view, seen, base) {
  var lines = this.styles.map(function () { return []; });
  for (var p = a; p < b; p++) {
    var g = this.group[p], line = view.lines[this.route[p]];
    if (this.order[p] === view.skip || seen[g].has(line) || (base && base[g].has(line))) { continue; }
    seen[g].add(line); lines[g].push(line);
  }
  this.styles.forEach(function (s, g) {
    if (lines[g].length) { drawRouteLines(ctx, lines[g], s.mode, s.alpha, view.plain, s.approximate, view.shift); }
  });
};

// The day's muted routes onto ctx, a cleared canvas; view: {lines, shift, skip, plain, key}.
MutedRoutes.prototype.draw = function (ctx, day, view) {
  // a map with no size (hidden, say, in a host's folded tab): nothing to draw, nor to copy
  if (!ctx.canvas.width || !ctx.canvas.height) { return; }
  var self = this, kept = this.kept, reach = this.reach(day), end = reach[0], whole = reach[1], seen = this.sets(), later = this.later;
  this.later = false;
  // plain lines only: the kept canvas waits, untouched, for a crowded day
  if (!view.plain) { this.paint(ctx, 0, end, view, seen); return; }
  // the selected route is left out: of the kept chunks it must be the one left out of them
  var within = function (i) { var p = i < 0 ? -1 : self.order.indexOf(i); return p >= 0 && p < kept.to ? i : -1; };
  var fresh = !kept || kept.lines !== view.lines || kept.key !== view.key || within(kept.skip) !== within(view.skip);
  if ((later && !kept) || (!fresh && kept.to > whole)) {
    // the first drawing, or a day earlier than the kept canvas: drawn here, in the same chunks
    this.chunks(ctx, 0, whole, view, seen);
  } else {
    kept = this.fill(ctx.canvas, whole, view, fresh);
    if (kept) {
      ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.globalCompositeOperation = 'copy';
      ctx.drawImage(kept.canvas, 0, 0); ctx.restore();
    }
  }
  this.paint(ctx, whole, end, view, seen, kept && kept.to <= whole && kept.seen);
};

// [end, whole]: the day's muted are those before end; whole: the end of the last chunk they fill.
MutedRoutes.prototype.reach = function (day) {
  var end = firstAbove(this.at, day), whole = 0;
  this.ends.forEach(function (e) { if (e <= end) { whole = e; } });
  return [end, whole];
};

MutedRoutes.prototype.sets = function () { return this.styles.map(function () { return new Set(); }); };

MutedRoutes.prototype.chunks = function (target, from, to, view, seen) {
  var self = this, ends = this.ends;
  ends.forEach(function (e, k) { if (e > from && e <= to) { self.paint(target, k ? ends[k - 1] : 0, e, view, seen); } });
};

// The kept canvas with the chunks before whole, made or added to (sized as canvas); null if none.
MutedRoutes.prototype.fill = function (canvas, whole, view, fresh) {
  var kept = this.kept;
  if (fresh) {
    kept = this.kept = whole ? { canvas: kept ? kept.canvas : document.createElement('canvas'), lines: view.lines, key: view.key, to: 0, seen: this.sets() } : null;
  }
  if (kept && whole > kept.to) {
    if (!kept.to) {
      // cleared and scaled as the story's
      kept.canvas.width = canvas.width; kept.canvas.height = canvas.height;
      kept.canvas.getContext('2d').setTransform(canvas.getContext('2d').getTransform());
    }
    this.chunks(kept.canvas.getContext('2d'), kept.to, whole, view, kept.seen);
    kept.to = whole; kept.skip = view.skip;
  }
  return kept;
};

// Once the page is idle after its first drawing, unless a drawing since made it: the kept canvas,
// painted (as copying it would), for a jump to the day or later (an earlier one draws directly).
MutedRoutes.prototype.keep = function (ctx, day, view) {
  if (this.kept || !view.plain || !ctx.canvas.width || !ctx.canvas.height) { return; }
  var kept = this.fill(ctx.canvas, this.reach(day)[1], view, true);
  if (kept) { kept.canvas.getContext('2d').getImageData(0, 0, 1, 1); }
};

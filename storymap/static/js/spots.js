// Event points in groups: events on one whole pixel share a spot, and spots closer than
// STYLES.limits.group px join one group (groupSpots), drawn as one marker with their count
// when there are several spots or more than RING_LIMIT events at one. A day's groups
// come as {singles: [{x, y, s, members}], crowds: [{x, y, count, last, selected, past,
// spots, places}]}, in canvas px; spots() the crowd's spots (null for one), for the zoom a click asks;
// places: the spots of places among the crowd's (a place's name goes by its marker).

// The spots of the events given (indexes in timeline order) and their groups, in world
// px: the same groups at any pan. until[i]: the last day an event is drawn unmuted (none
// in window mode). In cumulative mode the events drawn on a day are those before the
// first one starting later (timeline order is by first day), so the spots drawn are the
// first of the spots ordered by their first event, and groupSpots, greedy in that order,
// groups them as it groups all spots: the groups of all located events, worked out once a
// zoom, give any day's with a binary search each (day): a jump costs what its hundred
// markers do, not what its 10,000 events would.
function SpotGroups(projected, events, until) {
  var spotOf = projected.spot, xy = projected.xy, position = new Int32Array(projected.spotCount).fill(-1), spots = [], i, e;
  for (e = 0; e < events.length; e++) {
    i = events[e];
    var s = spotOf[i];
    if (s < 0 || position[s] >= 0) { continue; }
    position[s] = spots.length;
    spots.push({ x: xy[2 * i], y: xy[2 * i + 1], s: s, first: i });
  }
  var groups = groupSpots(spots, STYLES.limits.group), groupAt = new Int32Array(spots.length), sizes = new Int32Array(groups.length + 1);
  groups.forEach(function (group, g) { group.forEach(function (spot) { groupAt[position[spot.s]] = g; }); });
  var groupOf = this.groupOfEvent = new Int32Array(spotOf.length).fill(-1);
  for (e = 0; e < events.length; e++) {
    if (spotOf[i = events[e]] >= 0) { sizes[1 + (groupOf[i] = groupAt[position[spotOf[i]]])]++; }
  }
  for (i = 1; i < sizes.length; i++) { sizes[i] += sizes[i - 1]; }
  // each group's events in timeline order (one array, a group's run at sizes[g]), and the
  // latest day any of the first m of them is drawn unmuted
  var members = new Int32Array(sizes[groups.length]), latest = new Float64Array(members.length), filled = sizes.slice(0, groups.length);
  for (e = 0; e < events.length; e++) {
    var g = groupOf[i = events[e]];
    if (g < 0) { continue; }
    var at = filled[g]++, last = until ? until[i] : Infinity;
    members[at] = i;
    latest[at] = at > sizes[g] ? Math.max(latest[at - 1], last) : last;
  }
  this.groups = groups.map(function (group, g) {
    var sumX = new Float64Array(group.length), sumY = new Float64Array(group.length), places = [];
    group.forEach(function (spot, k) {
      sumX[k] = (k ? sumX[k - 1] : 0) + spot.x; sumY[k] = (k ? sumY[k - 1] : 0) + spot.y;
      if (projected.atPlace[spot.s]) { places.push(k); }
    });
    return { spots: group, members: members.subarray(sizes[g], sizes[g + 1]), latest: latest.subarray(sizes[g], sizes[g + 1]), sumX: sumX, sumY: sumY, places: places };
  });
}

// The day's groups when the events drawn are those given before end (Infinity: all of
// them); day: the timeline's day (muted: unmuted until before it); shift: world to canvas px.
SpotGroups.prototype.day = function (end, day, shift, selected) {
  var singles = [], crowds = [], mine = selected >= 0 && selected < end ? this.groupOfEvent[selected] : -1;
  for (var g = 0; g < this.groups.length; g++) {
    var group = this.groups[g], spots = group.spots;
    // groups are founded in the order of their first spot's first event
    if (spots[0].first >= end) { break; }
    var count = below(group.members, end), shown = 1;
    while (shown < spots.length && spots[shown].first < end) { shown++; }
    if (shown < 2 && count <= RING_LIMIT) {
      singles.push({ x: spots[0].x - shift[0], y: spots[0].y - shift[1], s: spots[0].s, members: Array.from(group.members.subarray(0, count)) });
      continue;
    }
    crowds.push({ x: group.sumX[shown - 1] / shown - shift[0], y: group.sumY[shown - 1] / shown - shift[1], count: count,
      last: group.members[count - 1], selected: mine === g, past: mine !== g && group.latest[count - 1] < day,
      spots: shown < 2 ? null : shownSpots(spots, shown, shift),
      places: group.places.filter(function (k) { return k < shown; }).map(function (k) { return spots[k].s; }) });
  }
  return { singles: singles, crowds: crowds };
};

// The first shown spots in canvas px, worked out when asked for.
function shownSpots(spots, shown, shift) {
  return function () { return spots.slice(0, shown).map(function (spot) { return { x: spot.x - shift[0], y: spot.y - shift[1] }; }); };
}

// How many of the sorted whole numbers are below end.
function below(sorted, end) { return firstAbove(sorted, end - 1); }

// The position of the first of the sorted numbers above value (their count when none is).
function firstAbove(sorted, value) {
  var lo = 0, hi = sorted.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (sorted[mid] <= value) { lo = mid + 1; } else { hi = mid; } }
  return lo;
}

// Spots closer than gap px join one group (greedily, in timeline order; a grid
// of gap-sized cells keeps it linear): markers that would overlap at this zoom.
function groupSpots(spots, gap) {
  var cells = new Map(), groups = [];
  for (var s = 0; s < spots.length; s++) {
    var spot = spots[s], cx = Math.floor(spot.x / gap), cy = Math.floor(spot.y / gap), found = null;
    // the cell and the eight round it, looked in directly: thousands of spots a date at 100,000 events
    for (var d = 0; d < 9 && !found; d++) {
      var items = cells.get(cellKey(cx + d % 3 - 1, cy + Math.floor(d / 3) - 1)) || [];
      for (var k = 0; k < items.length; k++) {
        var dx = items[k][0].x - spot.x, dy = items[k][0].y - spot.y;
        // hypot is never below either side
        if (Math.abs(dx) < gap && Math.abs(dy) < gap && Math.hypot(dx, dy) < gap) { found = items[k]; break; }
      }
    }
    if (found) { found.push(spot); continue; }
    groups.push(found = [spot]);
    fileIn(cells, cellKey(cx, cy), found);
  }
  return groups;
}

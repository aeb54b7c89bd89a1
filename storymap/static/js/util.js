// Small helpers shared by the page's modules. Text always goes in through
// textContent or attributes, never as HTML.
var DAY_MS = 86400000;
// The page's fonts (base.css's --font), for what the canvases write: the same faces as the page's text.
var FONT_FAMILY = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
var ISO_DAY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function el(tag, attrs, children) {
  var node = document.createElement(tag);
  var name;
  for (name in attrs || {}) {
    if (attrs[name] === null || attrs[name] === undefined) { continue; }
    if (name === 'text') { node.textContent = attrs[name]; }
    else if (name === 'className') { node.className = attrs[name]; }
    else { node.setAttribute(name, attrs[name]); }
  }
  (children || []).forEach(function (child) {
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  });
  return node;
}

// The UTC midnight of a day; month counts from 0 and may run over (13, or day 0 for the
// last of the month before), as with Date.UTC. Date.UTC itself reads years 0-99 as
// 1900-1999; setUTCFullYear takes every year as written.
function utcDay(year, month, day) {
  var date = new Date(0);
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}

// "2023-10-05", "2023-10" or "2023" to a UTC time at the first day of the period.
function parseIsoDay(text) {
  var match = ISO_DAY.exec(String(text || '').trim());
  if (!match) { return NaN; }
  var year = +match[1], month = match[2] ? +match[2] : 1, day = match[3] ? +match[3] : 1;
  var ms = utcDay(year, month - 1, day);
  var check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) { return NaN; }
  return ms;
}

// The same day of the month some months later (or earlier), kept within the
// shorter month: 31 Jan + 1 month -> 28 Feb.
function shiftMonths(ms, months) {
  var date = new Date(ms), year = date.getUTCFullYear(), month = date.getUTCMonth() + months;
  var lastOfMonth = new Date(utcDay(year, month + 1, 0)).getUTCDate();
  return utcDay(year, month, Math.min(date.getUTCDate(), lastOfMonth));
}

// "2023-10-05"; years beyond 0-9999 in ISO's expanded form ("+010000-01-01").
function isoFromMs(ms) {
  var text = new Date(ms).toISOString();
  return text.slice(0, text.indexOf('T'));
}

function clamp(value, low, high) {
  return Math.min(Math.max(value, low), high);
}

function fillIn(template, values) {
  return template.replace(/\{(\w+)\}/g, function (whole, key) {
    return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
  });
}

function prefersReducedMotion() {
  return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
}

// f when the page is idle (within a second): work that can wait for the drawing on screen.
function whenIdle(f) {
  return window.requestIdleCallback ? window.requestIdleCallback(f, { timeout: 1000 }) : setTimeout(f, 100);
}

// f in a long idle period, one with no frame due (the browser's idle periods last up to 50 ms):
// for work that takes tens of milliseconds (a hundred at 100,000 events), which in the short
// periods between the frames of a scroll or a pan would make one frame that long. While the
// page keeps drawing frames it waits; what it prepares is only ever a shortcut.
function whenLongIdle(f) {
  if (!window.requestIdleCallback) { return setTimeout(f, 100); }
  var ask = function () {
    window.requestIdleCallback(function (deadline) { if (deadline.timeRemaining() < 40) { ask(); } else { f(); } });
  };
  ask();
  return true;
}

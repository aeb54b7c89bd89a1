// Loaded in every page's head, before anything is drawn: styles for readers
// with JavaScript (html.js) apply from the first paint. A file, not an inline
// script, so that the pages' Content-Security-Policy allows scripts from the
// site's own files only (render.CSP_DIRECTIVES).
document.documentElement.className = 'js';
// Which of the event list's items the browser skips drawing (content-visibility: auto, out
// of view), noted from the first layout on: the list (controls.js) restyles those later.
document.addEventListener('contentvisibilityautostatechange', function (e) { e.target.storymapSkipped = e.skipped; }, true);

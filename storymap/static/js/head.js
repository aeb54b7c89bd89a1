// Loaded in every page's head, render-blocking but async (base.html), so it runs
// before anything is drawn: styles for readers with JavaScript (html.js) apply
// from the first paint. A file, not an inline
// script, so that the pages' Content-Security-Policy allows scripts from the
// site's own files only (render.CSP_DIRECTIVES).
// classList, not className: were it ever to come after the page script, it would keep that
// script's classes.
document.documentElement.classList.remove('no-js');
document.documentElement.classList.add('js');
// Which of the event list's items the browser skips drawing (content-visibility: auto, out
// of view), noted from the first layout on: the list (controls.js) restyles those later.
document.addEventListener('contentvisibilityautostatechange', function (e) { e.target.storymapSkipped = e.skipped; }, true);

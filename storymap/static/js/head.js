// Loaded in every page's head, before anything is drawn: styles for readers
// with JavaScript (html.js) apply from the first paint. A file, not an inline
// script, so that the pages' Content-Security-Policy allows scripts from the
// site's own files only (render.CSP_DIRECTIVES).
document.documentElement.className = 'js';

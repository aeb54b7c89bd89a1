// Live reload for `build.py serve`; never part of a built site.
// Loaded as a file (never inline), so pages keep working under a CSP of script-src 'self'.
(function () {
  'use strict';
  var STYLE = '/__storymap/reload.css';
  var me = document.currentScript;
  var build = Number(me && me.getAttribute('data-build'));
  var overlay = null, shown = '', dismissed = '';

  function addStyle() {
    if (document.querySelector('link[href="' + STYLE + '"]')) { return; }
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLE;
    document.head.appendChild(link);
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function listOf(lines) {
    var list = document.createElement('ul');
    lines.forEach(function (line) {
      var item = document.createElement('li');
      item.textContent = line;
      list.appendChild(item);
    });
    return list;
  }

  function count(number, word) { return number + ' ' + word + (number === 1 ? '' : 's'); }

  // Problems stop a build: the page is the last good one. Warnings do not: the page is built,
  // but the map may mislead where they point. Messages quote the journalist's text: nodes and
  // textContent only.
  function buildOverlay(problems, warnings, text) {
    var box = document.createElement('div');
    box.id = 'storymap-problems';
    box.setAttribute('role', problems.length ? 'alert' : 'status');
    if (!problems.length) { box.className = 'storymap-warnings-only'; }
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.addEventListener('click', function () { dismissed = text; hide(); });
    box.appendChild(close);
    if (problems.length) {
      var heading = document.createElement('strong');
      heading.textContent = count(problems.length, 'problem') +
        ': the page shows the last good build. Fix and save; it reloads by itself.';
      box.appendChild(heading);
      box.appendChild(listOf(problems));
    }
    if (warnings.length) {
      var warned = document.createElement('strong');
      warned.className = 'storymap-warnings-heading';
      warned.textContent = count(warnings.length, 'warning') +
        ': the page is built, but the map may mislead at these lines.';
      box.appendChild(warned);
      var list = listOf(warnings);
      list.className = 'storymap-warnings';
      box.appendChild(list);
    }
    return box;
  }

  function showProblems(problems, warnings) {
    var text = problems.join('\n') + '\n\n' + warnings.join('\n');
    if (text === shown) { return; }
    shown = text;
    hide();
    if ((!problems.length && !warnings.length) || text === dismissed) { return; }
    overlay = buildOverlay(problems, warnings, text);
    document.body.appendChild(overlay);
  }

  function poll() {
    fetch('/__storymap/status', { cache: 'no-store' }).then(function (response) {
      return response.json();
    }).then(function (status) {
      if (status.build !== build) { location.reload(); return; }
      showProblems(status.problems || [], status.warnings || []);
      setTimeout(poll, 500);
    }, function () { setTimeout(poll, 1000); });  // stopped or restarting: keep asking
  }
  addStyle();
  poll();
})();

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

  // Problem messages quote the journalist's text: nodes and textContent only.
  function buildOverlay(problems, text) {
    var box = document.createElement('div');
    box.id = 'storymap-problems';
    box.setAttribute('role', 'alert');
    var close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Hide';
    close.addEventListener('click', function () { dismissed = text; hide(); });
    var heading = document.createElement('strong');
    heading.textContent = problems.length + (problems.length === 1 ? ' problem' : ' problems') +
      ': the page shows the last good build. Fix and save; it reloads by itself.';
    var list = document.createElement('ul');
    problems.forEach(function (problem) {
      var item = document.createElement('li');
      item.textContent = problem;
      list.appendChild(item);
    });
    box.appendChild(close);
    box.appendChild(heading);
    box.appendChild(list);
    return box;
  }

  function showProblems(problems) {
    var text = problems.join('\n');
    if (text === shown) { return; }
    shown = text;
    hide();
    if (!problems.length || text === dismissed) { return; }
    overlay = buildOverlay(problems, text);
    document.body.appendChild(overlay);
  }

  function poll() {
    fetch('/__storymap/status', { cache: 'no-store' }).then(function (response) {
      return response.json();
    }).then(function (status) {
      if (status.build !== build) { location.reload(); return; }
      showProblems(status.problems);
      setTimeout(poll, 500);
    }, function () { setTimeout(poll, 1000); });  // stopped or restarting: keep asking
  }
  addStyle();
  poll();
})();

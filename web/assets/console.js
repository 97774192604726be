// The console's small client side: live updates from /events, keyboard
// shortcuts. Everything else is plain forms and htmx attributes on the pages.
(function () {
  'use strict';

  // Live: one EventSource per tab. The server says which tickets changed; each
  // live region of this page refreshes itself (htmx) when its ticket is among
  // them, or on '*' (the server's feed restarted: anything may have changed).
  // On reconnect the browser sends Last-Event-ID and the server replays.
  function connectLive() {
    var url = document.body.getAttribute('data-live');
    if (!url || !window.EventSource) return;
    var source = new EventSource(url);
    var connectedOnce = false;
    source.addEventListener('hello', function () {
      // After a reconnect the replay covers what was missed; refreshing once more is cheap insurance.
      if (connectedOnce) refresh(['*']);
      connectedOnce = true;
    });
    source.addEventListener('changed', function (event) {
      var numbers = [];
      try { numbers = JSON.parse(event.data); } catch (e) { numbers = ['*']; }
      refresh(numbers);
    });
  }

  function refresh(numbers) {
    var any = numbers.indexOf('*') >= 0;
    document.querySelectorAll('[data-live-ticket]').forEach(function (el) {
      if (any || numbers.indexOf(el.getAttribute('data-live-ticket')) >= 0) fire(el);
    });
    document.querySelectorAll('[data-live-any]').forEach(fire);
    refreshCounts();
  }

  function fire(el) {
    // Never swap a form away under someone typing in it.
    if (el.contains(document.activeElement) && /^(TEXTAREA|INPUT|SELECT)$/.test(document.activeElement.tagName)) {
      el.setAttribute('data-stale', 'true');
      return;
    }
    var key = regionKey(el);
    if (key && isBusy(key)) {
      pending[key] = true;
      return;
    }
    if (window.htmx) window.htmx.trigger(el, 'desk:changed');
  }

  // One request at a time per live region. A region is replaced whole (outerHTML),
  // and htmx swaps an answer into the element it aimed at even when another answer
  // has replaced that element meanwhile: the later answer is then lost, and htmx
  // throws away the fields it preserves (hx-preserve), such as the memo being
  // written. So a refresh asked for while a request for its region is in flight
  // waits for it and then runs on the region as it then is; an action sent while a
  // refresh is in flight aborts that refresh (the action's answer is newer).
  var busy = {};
  var busySince = {};
  var pending = {};
  var requestKeys = new WeakMap();
  function regionKey(el) {
    if (!el || el.nodeType !== 1) return null;
    if (el.hasAttribute('data-live-ticket')) return 'ticket:' + el.getAttribute('data-live-ticket');
    return el.hasAttribute('data-live-any') ? 'any' : null;
  }
  function isBusy(key) {
    // A request whose end we never heard of (a script error in a swap) must not stop live updates for good.
    return busy[key] > 0 && Date.now() - busySince[key] < 20000;
  }
  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail.target;
    var key = regionKey(target);
    if (!key) return;
    var refreshInFlight = isBusy(key) && event.detail.elt !== target;
    busy[key] = isBusy(key) ? busy[key] + 1 : 1;
    if (busy[key] === 1) busySince[key] = Date.now();
    requestKeys.set(event.detail.xhr, key);
    if (refreshInFlight && window.htmx) {
      window.htmx.trigger(target, 'htmx:abort');
      pending[key] = true;
    }
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    var key = requestKeys.get(event.detail.xhr);
    if (!key) return;
    requestKeys.delete(event.detail.xhr);
    busy[key] = Math.max(0, (busy[key] || 0) - 1);
    if (busy[key] === 0 && pending[key]) {
      pending[key] = false;
      var selector = key === 'any' ? '[data-live-any]' : '[data-live-ticket="' + CSS.escape(key.slice('ticket:'.length)) + '"]';
      document.querySelectorAll(selector).forEach(fire);
    }
  });

  var countsTimer;
  function refreshCounts() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(function () {
      fetch('/tickets/counts', { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : null; }).then(function (counts) {
        if (!counts) return;
        Object.keys(counts).forEach(function (list) {
          var el = document.querySelector('[data-count="' + list + '"]');
          if (el) el.textContent = counts[list];
        });
      });
    }, 200);
  }

  document.addEventListener('focusout', function (event) {
    var region = event.target.closest && event.target.closest('[data-stale]');
    if (region && !region.contains(event.relatedTarget)) {
      region.removeAttribute('data-stale');
      fire(region);
    }
  });

  // Keyboard: j/k move in a list, Enter opens, m starts a memo, Ctrl+Enter submits, ? lists them.
  var selected = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll('tr[data-href]')); }
  function select(index) {
    var all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) { row.classList.toggle('selected', i === selected); });
    all[selected].scrollIntoView({ block: 'nearest' });
  }
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = /^(TEXTAREA|INPUT|SELECT)$/.test(target.tagName) || target.isContentEditable;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'j') select(selected + 1);
    else if (event.key === 'k') select(selected - 1);
    else if (event.key === 'Enter' && selected >= 0) window.location.href = rows()[selected].getAttribute('data-href');
    else if (event.key === 'm') {
      var editor = document.querySelector('[data-memo-editor]');
      if (editor) { event.preventDefault(); editor.focus(); }
    } else if (event.key === '?') {
      var dialog = document.getElementById('shortcuts');
      if (dialog && dialog.showModal) dialog.showModal();
    } else return;
  });
  document.addEventListener('click', function (event) {
    var row = event.target.closest && event.target.closest('tr[data-href]');
    if (row && !event.target.closest('a')) window.location.href = row.getAttribute('data-href');
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', connectLive);
  else connectLive();
})();

// matchday notifications for a signed-in user's favourite teams and leagues: kick-off, goals, red cards, final
// score. While a page is open it listens on the user's private WebSocket channel (user:{id}) and shows each event
// the user chose with the browser's Notification API; Web Push (the service worker /sw.js) covers the time no page
// is open. Permission is asked only when the user presses the profile page's button, never on load.
(function () {
  "use strict";
  var userId = document.body.dataset.userId;
  if (!userId || !("Notification" in window)) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var status = document.querySelector('[data-role="notify-status"]');
  var button = document.querySelector('[data-role="notify-enable"]');
  var settings = null;
  var t = (window.matchday && window.matchday.t) || function (text) { return text; };

  function say(text) { if (status) status.textContent = text; }
  function api(method, path, body) {
    return fetch(path, { method: method, credentials: "same-origin",
      headers: Object.assign({ "X-CSRF-Token": csrf }, body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined }).then(function (r) {
      if (!r.ok) throw new Error(method + " " + path + ": " + r.status);
      return r.status === 204 ? null : r.json();
    });
  }

  function show(note) {
    if (Notification.permission !== "granted" || !settings || settings.kinds.indexOf(note.kind) < 0) return;
    var options = { body: note.body, tag: note.tag, data: { url: note.url }, icon: "/favicon.ico" };
    try {
      var shown = new Notification(note.title, options);
      shown.onclick = function () { window.focus(); location.href = note.url; };
    } catch (e) {  // phones allow notifications only through the service worker
      if (navigator.serviceWorker) navigator.serviceWorker.ready.then(function (reg) { reg.showNotification(note.title, options); });
    }
  }

  // ---- in-page: the private channel --------------------------------------------------------------------------
  var seen = {}, attempt = 0, listening = false;
  function listen() {
    if (listening) return;
    listening = true;
    fetch("/account/ws-token", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("ws-token " + r.status);
      return r.json();
    }).then(function (auth) {
      var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
      var ping = null;
      ws.onopen = function () {
        attempt = 0;
        ws.send(JSON.stringify({ action: "auth", token: auth.token }));
        ws.send(JSON.stringify({ action: "subscribe", channels: ["user:" + auth.user_id] }));
        ping = setInterval(function () { if (ws.readyState === 1) ws.send('{"action":"ping"}'); }, 30000);
        document.body.dataset.notify = "listening";
      };
      ws.onmessage = function (event) {
        var msg = JSON.parse(event.data);
        if (!msg.data || !msg.data.notification || (msg.id && seen[msg.id])) return;
        if (msg.id) seen[msg.id] = true;
        show(msg.data.notification);
      };
      ws.onclose = function () { clearInterval(ping); retry(); };
    }).catch(retry);
  }
  function retry() {
    listening = false;
    document.body.dataset.notify = "reconnecting";
    setTimeout(listen, Math.min(30000, 1000 * Math.pow(2, attempt++)));
  }

  // ---- Web Push: the service worker and this browser's subscription -------------------------------------------
  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((base64url.length + 3) % 4));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  function subscribePush() {
    if (!settings.push_public_key || !("serviceWorker" in navigator) || !("PushManager" in window)) {
      return Promise.resolve("no-push");
    }
    return navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      document.body.dataset.serviceWorker = reg.scope;
      return reg.pushManager.getSubscription().then(function (found) {
        return found || reg.pushManager.subscribe({ userVisibleOnly: true,
          applicationServerKey: keyBytes(settings.push_public_key) });
      });
    }).then(function (subscription) {
      return api("POST", "/api/v1/users/push-subscriptions", subscription.toJSON()).then(function () { return "push"; });
    });
  }

  function start() {
    listen();
    subscribePush().then(function (how) {
      say(how === "push" ? t("Notifications are on in this browser, also when no matchday page is open.")
        : t("Notifications are on while a matchday page is open (this browser offers no Web Push)."));
    }).catch(function (e) {
      say(t("Notifications are on while a matchday page is open; Web Push failed here:") + " " + e.message);
    });
  }

  api("GET", "/api/v1/users/notifications").then(function (found) {
    settings = found;
    if (Notification.permission === "granted") start();
    else if (Notification.permission === "denied") say(t("This browser blocks notifications from this site."));
    if (button) {
      button.hidden = Notification.permission === "granted";
      button.addEventListener("click", function () {  // the user's gesture: only here is permission asked
        Notification.requestPermission().then(function (answer) {
          if (answer === "granted") { button.hidden = true; start(); }
          else say(t("Notifications were not allowed."));
        });
      });
    }
  }).catch(function () { /* signed out meanwhile: nothing to do */ });
})();

// matchday's service worker (served at /sw.js, scope /): shows the Web Push notifications the server sends for a
// user's favourite teams (kick-off, goals, red cards, final score) when no page of the site is open, and opens the
// match when one is clicked. A page that is open shows the same event under the same tag: one notification.
/* eslint-env serviceworker */
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data ? event.data.text() : "" }; }
  var url = typeof data.url === "string" && data.url.charAt(0) === "/" ? data.url : "/";
  var options = { body: data.body || "", data: { url: url }, icon: "/favicon.ico" };
  if (data.tag) options.tag = data.tag;
  event.waitUntil(self.registration.showNotification(data.title || "matchday", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (open) {
    for (var i = 0; i < open.length; i++) {
      if (open[i].url === target.href && "focus" in open[i]) return open[i].focus();
    }
    return self.clients.openWindow(target.href);
  }));
});

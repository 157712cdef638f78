// matchday: local times and the theme switch. Small, no dependencies.
(function () {
  "use strict";
  var fmt = {
    time: { hour: "2-digit", minute: "2-digit" },
    date: { day: "numeric", month: "short", year: "numeric" },
    day: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
    datetime: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }
  };
  // the page's language (html lang) formats dates; a signed-in user's profile time zone, else the browser's
  var lang = document.documentElement.lang || undefined;
  var zone = document.documentElement.dataset.timezone;
  if (zone) Object.keys(fmt).forEach(function (k) { fmt[k] = Object.assign({ timeZone: zone }, fmt[k]); });
  function localise(root) {
    (root || document).querySelectorAll("time[datetime][data-format]").forEach(function (el) {
      var value = el.getAttribute("datetime");
      var when = new Date(value.length === 10 ? value + "T12:00:00" : value);
      if (!isNaN(when)) el.textContent = when.toLocaleString(lang, fmt[el.dataset.format] || fmt.datetime);
    });
  }
  // the scripts' strings in the page's language: a JSON block the server renders (base.html, web/i18n.py)
  var messages = {};
  try { messages = JSON.parse(document.getElementById("messages").textContent); } catch (e) { /* English */ }
  function t(text) { return messages[text] || text; }
  window.matchday = { localise: localise, t: t };
  // a new account starts in the browser's time zone (changeable on the profile page)
  document.querySelectorAll('[data-role="browser-timezone"]').forEach(function (input) {
    try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  });
  localise();
  // a picker (season, round, date, league) shows its choice at once; the "Show" button is for pages without
  // JavaScript, so it stays in the markup and is hidden only here (no inline handlers: the page's CSP refuses them)
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select, input:not([type=hidden])").forEach(function (field) {
      field.addEventListener("change", function () { form.submit(); });
    });
    form.querySelectorAll('[data-role="show"]').forEach(function (button) { button.hidden = true; });
  });
  var toggle = document.querySelector(".theme-toggle");
  if (toggle) toggle.addEventListener("click", function () {
    var root = document.documentElement;
    var dark = root.dataset.theme === "dark" ||
      (root.dataset.theme !== "light" && matchMedia("(prefers-color-scheme: dark)").matches);
    root.dataset.theme = dark ? "light" : "dark";
    localStorage.setItem("matchday-theme", root.dataset.theme);
  });
})();

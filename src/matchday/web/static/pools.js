// matchday accounts: forms that talk to the API, favorites stars, the prediction form that locks each match at
// kick-off without a reload, and the leaderboard kept live over the WebSocket. No dependencies.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var t = (window.matchday && window.matchday.t) || function (text) { return text; };

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (response) {
      if (response.status === 204) return { ok: true, status: 204, data: null };
      return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    });
  }
  function detail(data) {
    if (!data) return t("failed");
    if (Array.isArray(data.detail)) return data.detail.map(function (d) { return d.field + ": " + d.message; }).join("; ");
    return data.detail || t("failed");
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // forms with data-api="METHOD /path": JSON body from their fields; data-then: where to go ({id} filled in)
  document.querySelectorAll("form[data-api]").forEach(function (form) {
    var season = form.querySelector('[data-role="season"]');
    var competition = form.querySelector('[data-role="competition"]');
    if (season && competition) competition.addEventListener("change", function () {
      season.value = competition.selectedOptions[0].dataset.season;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var parts = form.dataset.api.split(" "), body = {};
      new FormData(form).forEach(function (value, key) {  // "scoring.lock" → body.scoring.lock
        var path = key.split("."), target = body;
        while (path.length > 1) { var name = path.shift(); target = target[name] = target[name] || {}; }
        target[path[0]] = value;
      });
      var error = form.querySelector('[data-role="form-error"]');
      api(parts[0], parts[1], body).then(function (result) {
        if (result.ok) { window.location = (form.dataset.then || "/").replace("{id}", result.data.id); return; }
        if (error) { error.textContent = detail(result.data); error.hidden = false; }
      });
    });
  });

  // favorites: a star on team and league pages
  var stars = document.querySelectorAll("[data-favorite-type]");
  if (stars.length && document.documentElement.dataset.timezone) {
    api("GET", "/api/v1/users/favorites").then(function (result) {
      if (!result.ok) return;
      var known = {};
      result.data.teams.forEach(function (f) { known["team:" + f.team_id] = f.id; });
      result.data.leagues.forEach(function (f) { known["league:" + f.league_id] = f.id; });
      stars.forEach(function (star) {
        var key = star.dataset.favoriteType + ":" + star.dataset.favoriteId;
        function show() {
          star.hidden = false;
          star.setAttribute("aria-pressed", known[key] ? "true" : "false");
          star.textContent = known[key] ? t("★ Favorite") : t("☆ Add to favorites");
        }
        show();
        star.addEventListener("click", function () {
          var call = known[key] ? api("DELETE", "/api/v1/users/favorites/" + known[key])
            : api("POST", "/api/v1/users/favorites", { entity_type: star.dataset.favoriteType,
                                                       entity_id: Number(star.dataset.favoriteId) });
          call.then(function (r) { if (r.ok) { known[key] = r.data ? r.data.id : undefined; show(); } });
        });
      });
    });
  }

  // a prediction league's page
  var pool = document.getElementById("pool");
  if (!pool) return;
  var leagueId = pool.dataset.leagueId, round = pool.dataset.round;
  var fixtures = document.querySelector('[data-role="fixtures"]');
  var board = document.querySelector('[data-role="leaderboard"] tbody');
  var rows = {};

  function lock(row, why) {
    if (row.dataset.locked === "true") return;
    row.dataset.locked = "true";
    row.querySelectorAll("input, button").forEach(function (input) { input.disabled = true; });
    row.querySelector('[data-role="lock"]').textContent = why || t("locked");
  }
  function fixtureRow(f) {
    var row = el("div", { "class": "match-row prediction", "data-match-id": f.match_id, "data-kickoff": f.locks_at || f.kickoff_utc || "" });
    var when = el("time", { datetime: f.kickoff_utc || "", "data-format": "datetime" }, f.kickoff_utc || "");
    row.appendChild(when);
    row.appendChild(el("span", { "class": "teams" }, f.home + " – " + f.away));
    row.appendChild(el("span", { "data-role": "score", "class": "score" },
      f.home_goals === null ? "" : f.home_goals + " – " + f.away_goals));
    var home = el("input", { type: "number", min: "0", max: "99", "aria-label": t("home goals"), "data-role": "home" });
    var away = el("input", { type: "number", min: "0", max: "99", "aria-label": t("away goals"), "data-role": "away" });
    if (f.my_prediction) { home.value = f.my_prediction.home; away.value = f.my_prediction.away; }
    var save = el("button", { type: "button", "data-role": "save" }, t("Save"));
    var state = el("span", { "class": "muted small", "data-role": "lock" },
      f.my_prediction && f.my_prediction.points !== null ? f.my_prediction.points + " " + t("pts") : "");
    [home, away, save, state].forEach(function (n) { row.appendChild(n); });
    save.addEventListener("click", function () {
      api("PUT", "/api/v1/prediction-leagues/" + leagueId + "/predictions/" + f.match_id,
          { home: Number(home.value), away: Number(away.value) }).then(function (r) {
        if (r.ok) { state.textContent = t("saved") + " " + r.data.home + ":" + r.data.away; return; }
        if (r.data && r.data.error_code === "PREDICTION_LOCKED") { lock(row, t("locked: kicked off")); return; }
        state.textContent = detail(r.data);
      });
    });
    if (f.locked) lock(row, f.my_prediction ? t("locked") : t("locked: no prediction"));
    rows[f.match_id] = row;
    return row;
  }
  function renderBoard(data) {
    if (!data || !data.items) return;
    board.textContent = "";
    data.items.forEach(function (r) {
      var tr = el("tr", { "data-user-id": r.user_id });
      [r.rank, r.username, r.points, r.exact, r.differences, r.tendencies].forEach(function (v) { tr.appendChild(el("td", {}, String(v))); });
      if (r.provisional_points) tr.classList.add("provisional");
      board.appendChild(tr);
    });
    var flag = document.querySelector('[data-role="live-flag"]');
    if (flag) flag.hidden = !data.live;
    var status = document.querySelector('[data-role="scores-status"]');
    if (status && data.participants_scores_status) status.textContent = t(data.participants_scores_status);
  }

  api("GET", "/api/v1/prediction-leagues/" + leagueId + "/fixtures?round=" + round).then(function (r) {
    fixtures.textContent = "";
    fixtures.setAttribute("aria-busy", "false");
    if (!r.ok) { fixtures.appendChild(el("p", { "class": "error" }, detail(r.data))); return; }
    if (!r.data.length) fixtures.appendChild(el("p", { "class": "empty" }, t("No matches in this round.")));
    r.data.forEach(function (f) { fixtures.appendChild(fixtureRow(f)); });
    if (window.matchday) window.matchday.localise(fixtures);
    connect();
  });
  api("GET", "/api/v1/prediction-leagues/" + leagueId + "/leaderboard").then(function (r) { if (r.ok) renderBoard(r.data); });

  // the lock (at kick-off, or the prediction league's earlier lock time) by the clock, without a reload
  setInterval(function () {
    var now = Date.now();
    Object.keys(rows).forEach(function (id) {
      var kickoff = Date.parse(rows[id].dataset.kickoff);
      if (!isNaN(kickoff) && kickoff <= now) lock(rows[id], t("locked"));
    });
  }, 1000);

  var attempt = 0;
  function onMessage(msg) {
    var channel = msg.channel || "";
    if (channel.indexOf("prediction-league:") === 0) { renderBoard(msg.data); return; }
    if (channel.indexOf("match:") !== 0 || !msg.data) return;
    var row = rows[msg.data.match_id];
    if (!row) return;
    var status = msg.data.status;
    if (status && status !== "scheduled" && status !== "postponed") lock(row, t("locked: kicked off"));
    var score = msg.data.score;
    if (score && score.home !== null && score.home !== undefined) row.querySelector('[data-role="score"]').textContent = score.home + " – " + score.away;
  }
  function connect() {
    if (!("WebSocket" in window)) return;
    fetch("/account/ws-token", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (auth) {
      var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
      ws.onopen = function () {
        attempt = 0;
        ws.send(JSON.stringify({ action: "auth", token: auth.token }));
        var channels = ["prediction-league:" + leagueId].concat(Object.keys(rows).slice(0, 40).map(function (id) { return "match:" + id; }));
        ws.send(JSON.stringify({ action: "subscribe", channels: channels }));
      };
      ws.onmessage = function (event) { onMessage(JSON.parse(event.data)); };
      ws.onclose = function () { attempt += 1; setTimeout(connect, Math.min(15000, 500 * Math.pow(2, attempt))); };
    }).catch(function () { attempt += 1; setTimeout(connect, Math.min(15000, 500 * Math.pow(2, attempt))); });
  }
})();

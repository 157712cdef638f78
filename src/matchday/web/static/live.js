// matchday live: subscribes to the page's channels over WebSocket and updates scores, minutes, statuses,
// the match timeline and the league table in place. Reconnects with backoff and resynchronises from the
// snapshot the server sends on every (re)subscription.
(function () {
  "use strict";
  var body = document.body;
  var channels = (body.dataset.channels || "").split(" ").filter(Boolean);
  if (!channels.length || !("WebSocket" in window)) return;
  var attempt = 0;
  var t = (window.matchday && window.matchday.t) || function (text) { return text; };

  function each(selector, fn) { document.querySelectorAll(selector).forEach(fn); }
  function scoreText(score) { return score && score.home !== null && score.home !== undefined ? score.home + " – " + score.away : "–"; }
  function flash(el) { el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash"); }

  function setMatch(id, state, goal) {
    each('[data-match-id="' + id + '"]', function (root) {
      var score = root.querySelector('[data-role="score"]') || (root.matches('[data-role="score"]') ? root : null);
      if (score && state.score) {
        var text = scoreText(state.score);
        if (score.textContent.trim() !== text) { score.textContent = text; if (goal) flash(score); }
      }
      var status = root.querySelector('[data-role="status"]');
      if (status && state.status) {
        status.className = "badge" + (state.status === "live" || state.status === "halftime" ? " live" : "");
        status.textContent = state.status === "halftime" ? t("HT") : state.status === "live" ? (state.minute || "") + "'"
          : state.status === "finished" ? t("FT") : status.textContent;
      }
    });
    syncLiveNow(id, state.status);
  }

  // the home page's "Live now": a match joins it at kick-off (a copy of its row) and leaves at full time
  function syncLiveNow(id, status) {
    var section = document.querySelector('[data-role="live-now"]');
    if (!section || !status) return;
    var row = section.querySelector('[data-match-id="' + id + '"]');
    var playing = status === "live" || status === "halftime";
    var empty = section.querySelector(".empty");
    if (playing && !row) {
      var source = document.querySelector('a.match-row[data-match-id="' + id + '"]');
      if (!source) return;
      section.insertBefore(source.cloneNode(true), empty);
    } else if (!playing && row) {
      row.remove();
    }
    if (empty) empty.hidden = !!section.querySelector("[data-match-id]");
  }

  function addTimeline(msg) {
    var list = document.querySelector('.scoreboard[data-match-id="' + msg.data.match_id + '"]') &&
      document.querySelector('[data-role="timeline"]');
    if (!list) return;
    var empty = list.querySelector(".empty"); if (empty) empty.remove();
    var kind = msg.type === "goal" ? msg.data.detail : msg.type === "yellow_card" ? "yellow" : "red";
    var li = document.createElement("li");
    li.className = "event " + msg.data.side + " " + kind + " flash";
    li.innerHTML = '<span class="minute"></span><span class="icon ' + kind + '" role="img"></span><span class="who"></span>';
    li.querySelector(".minute").textContent = msg.data.minute + (msg.data.added_minute ? "+" + msg.data.added_minute : "") + "'";
    li.querySelector(".who").textContent = msg.data.player || (msg.type === "goal" ? t("Goal") : t("Card"));
    list.appendChild(li);
  }

  function setTable(data) {
    var table = document.querySelector('table.standings[data-league="' + data.league_id + '"]');
    if (!table || !data.standings || (table.dataset.season && data.season && table.dataset.season !== data.season)) return;
    var tbody = table.querySelector("tbody");
    var rows = {};
    tbody.querySelectorAll("tr[data-team-id]").forEach(function (tr) { rows[tr.dataset.teamId] = tr; });
    var heads = {}, group = null;  // a season in parallel groups: each group's heading goes before its rows
    tbody.querySelectorAll("tr[data-group]").forEach(function (tr) { heads[tr.dataset.group] = tr; });
    data.standings.forEach(function (r) {
      var part = r.group || r.split;  // a season in groups, or a split league's part
      if (part && part !== group && heads[part]) tbody.appendChild(heads[part]);
      group = part;
      var tr = rows[r.team_id]; if (!tr) return;
      var cells = tr.children;
      var moved = cells[0].firstChild.textContent.trim() !== String(r.position);
      cells[0].firstChild.textContent = r.position + " ";
      cells[2].textContent = r.played; cells[3].textContent = r.won; cells[4].textContent = r.drawn;
      cells[5].textContent = r.lost; cells[6].textContent = r.goals_for; cells[7].textContent = r.goals_against;
      cells[8].textContent = r.goal_difference > 0 ? "+" + r.goal_difference : r.goal_difference;
      if (cells[9].textContent !== String(r.points)) { cells[9].textContent = r.points; flash(tr); }
      tr.className = "zone-" + (r.zone || "none") + (moved ? " flash" : "");
      tbody.appendChild(tr);  // re-append in the new order
    });
    table.classList.add("live-table");
  }

  var seen = {};  // a page subscribed to match:1 and live:all gets each event twice: act once per feed id
  function onMessage(event) {
    var msg = JSON.parse(event.data);
    if (msg.id && msg.type !== "snapshot") { if (seen[msg.id]) return; seen[msg.id] = true; }
    if (msg.type === "snapshot") {
      var d = msg.data;
      (d.live_matches || []).forEach(function (m) { setMatch(m.match_id, m, false); });
      if (d.match_id) setMatch(d.match_id, d, false);
      if (d.standings && d.standings.length) setTable(d);
    } else if (msg.type === "match_update" || msg.type === "match_status") {
      setMatch(msg.data.match_id, msg.data, false);
    } else if (msg.type === "goal") {
      setMatch(msg.data.match_id, { score: msg.data.score }, true);
      addTimeline(msg);
    } else if (msg.type === "yellow_card" || msg.type === "red_card") {
      addTimeline(msg);
    } else if (msg.type === "table_update") {
      setTable(msg.data);
    } else if (msg.type === "reconnect") {
      attempt = 0;
    }
  }

  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onopen = function () { attempt = 0; body.dataset.live = "connected"; ws.send(JSON.stringify({ action: "subscribe", channels: channels })); };
    ws.onmessage = onMessage;
    ws.onclose = function () {
      body.dataset.live = "reconnecting";
      var delay = Math.min(30000, 500 * Math.pow(2, attempt++)) * (0.75 + Math.random() / 2);
      setTimeout(connect, delay);
    };
    setInterval(function () { if (ws.readyState === 1) ws.send('{"action":"ping"}'); }, 30000);
  }
  connect();
})();

// The operations centre's page: log in, read the dashboard, follow iocFeed and dashboardCounters,
// acknowledge alarms. Plain DOM, no build step; every request goes to this app's /graphql.
"use strict";

const endpoint = new URL("graphql", window.location.href.replace(/\/ioc\/?(\?.*)?(#.*)?$/, "/"));
const socketUrl = new URL(endpoint);
socketUrl.protocol = endpoint.protocol === "https:" ? "wss:" : "ws:";

const TALLY = "key label count";
const DASHBOARD = `
  people { residents houses occupiedHouses byCareTag { ${TALLY} } }
  devices { online offline byType { type online offline } }
  alarms { active unacknowledged bySeverity { ${TALLY} } }
  events { open overdue byStatus { ${TALLY} } }
  energy { utility thisMonth lastMonth thisMonthFen lastMonthFen }
  points { issued byKind { ${TALLY} } }
  ordersToday { placed revenueFen }
  parking { name total occupied free }`;
const FEED = `subscription Feed($c: ID!, $after: String) { iocFeed(communityId: $c, after: $after) {
  cursor source kind
  alarm { id type severity acknowledged active house { number } }
  event { id status category description }
  device { deviceId name online }
  order { id status totalFen } } }`;
const COUNTERS = `subscription Counters($c: ID!) { dashboardCounters(communityId: $c) { changed dashboard { ${DASHBOARD} } } }`;

const state = { token: null, community: null, cursor: null, client: null, counterMessages: 0 };
const $ = (id) => document.getElementById(id);

async function gql(query, variables = {}) {
  const headers = { "Content-Type": "application/json" };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const result = await response.json();
  if (result.errors && result.errors.length) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

function panel(id, title, figure, unit, lines) {
  const body = el("div", { class: "figure" }, el("span", { id: `count-${id}` }, String(figure)));
  if (unit) body.append(" ", el("small", {}, unit));
  return el("div", { class: "panel", id: `panel-${id}` }, el("h3", {}, title), body, el("ul", {}, ...lines.map((l) => el("li", {}, l))));
}

const tallies = (rows) => rows.map((r) => `${r.label || r.key}: ${r.count}`);

function render(board, changed = []) {
  const usage = (u) => `${u.utility}: ${u.thisMonth} this month, ${u.lastMonth} last` + (u.thisMonthFen === null ? "" : ` (¥${(u.thisMonthFen / 100).toFixed(2)})`);
  const panels = [
    panel("residents", "Residents", board.people.residents, `in ${board.people.occupiedHouses}/${board.people.houses} houses`, tallies(board.people.byCareTag)),
    panel("devices-online", "Devices online", board.devices.online, `${board.devices.offline} offline`, board.devices.byType.map((t) => `${t.type}: ${t.online}↑ ${t.offline}↓`)),
    panel("alarms-active", "Active alarms", board.alarms.active, `${board.alarms.unacknowledged} unacknowledged`, tallies(board.alarms.bySeverity)),
    panel("events-open", "Open events", board.events.open, `${board.events.overdue} overdue`, tallies(board.events.byStatus)),
    panel("energy", "Energy and water", board.energy.length, "meters' utilities", board.energy.map(usage)),
    panel("points-issued", "Points this month", board.points.issued, "", tallies(board.points.byKind)),
    panel("orders-today", "Orders today", board.ordersToday.placed, `¥${(board.ordersToday.revenueFen / 100).toFixed(2)}`, []),
    panel("parking-free", "Parking free", board.parking.reduce((n, lot) => n + lot.free, 0), `of ${board.parking.reduce((n, lot) => n + lot.total, 0)} spaces`, board.parking.map((lot) => `${lot.name}: ${lot.free}/${lot.total} free`)),
  ];
  $("panels").replaceChildren(...panels);
  const flashed = { people: "residents", devices: "devices-online", alarms: "alarms-active", events: "events-open", points: "points-issued", orders_today: "orders-today", energy: "energy", parking: "parking-free" };
  for (const name of changed) if (flashed[name] && $(`panel-${flashed[name]}`)) $(`panel-${flashed[name]}`).classList.add("flash");
}

function feedItem(item) {
  if (item.source === "ALARM") {
    const a = item.alarm;
    const existing = document.querySelector(`#feed li[data-alarm-id="${a.id}"]`);
    const row = el("li", { "data-alarm-id": a.id, class: `${a.severity}${a.acknowledged ? " acknowledged" : ""}` },
      el("span", { class: "source" }, a.severity), `${a.type} ${a.house ? "at " + a.house.number : ""}`,
      el("span", { class: "state" }, a.acknowledged ? "acknowledged" : a.active ? "active" : "cleared"));
    if (!a.acknowledged && a.active) {
      const button = el("button", { class: "ack", type: "button" }, "Acknowledge");
      button.onclick = () => acknowledge(a.id, button);
      row.append(button);
    }
    if (existing) existing.replaceWith(row);
    else $("feed").prepend(row);
  } else if (item.source === "EVENT") {
    const e = item.event;
    const existing = document.querySelector(`#feed li[data-event-id="${e.id}"]`);
    const row = el("li", { "data-event-id": e.id }, el("span", { class: "source" }, "EVENT"), `${e.category}: ${e.description}`, el("span", { class: "state" }, e.status));
    if (existing) existing.replaceWith(row);
    else $("feed").prepend(row);
  } else if (item.source === "DEVICE") {
    $("feed").prepend(el("li", { class: "device" }, el("span", { class: "source" }, "DEVICE"), item.device.name, el("span", { class: "state" }, item.device.online ? "online" : "offline")));
  } else if (item.source === "ORDER") {
    $("feed").prepend(el("li", { class: "order" }, el("span", { class: "source" }, "ORDER"), `#${item.order.id} ¥${(item.order.totalFen / 100).toFixed(2)}`, el("span", { class: "state" }, item.order.status)));
  }
  while ($("feed").children.length > 200) $("feed").lastChild.remove();
}

async function acknowledge(id, button) {
  button.disabled = true;
  try {
    await gql("mutation Ack($id: ID!) { alarmAcknowledge(id: $id) { id acknowledged } }", { id });
  } catch (error) {
    button.disabled = false;
    $("status").textContent = error.message;
  }
}

async function start() {
  const { communities } = await gql("query { communities(first: 20) { nodes { id name } } }");
  const community = communities.nodes[0];
  if (!community) throw new Error("You operate no community");
  state.community = community.id;
  $("community").textContent = `· ${community.name}`;
  const { dashboard } = await gql(`query D($c: ID!) { dashboard(communityId: $c) { ${DASHBOARD} } }`, { c: state.community });
  render(dashboard);
  $("login").hidden = true;
  $("board").hidden = false;
  const client = new GqlWs(socketUrl.toString(), () => ({ Authorization: `Bearer ${state.token}` }));
  client.onstate = (s) => ($("status").textContent = s);
  state.client = client;
  const fail = (errors) => ($("status").textContent = errors.map((e) => e.message).join("; "));
  const follow = () =>
    client.subscribe(FEED, () => ({ c: state.community, after: state.cursor }), {
      next: ({ data }) => {
        state.cursor = data.iocFeed.cursor;
        $("feed-cursor").textContent = `cursor ${state.cursor}`;
        feedItem(data.iocFeed);
      },
      error: (errors) => {
        const extensions = (errors[0] && errors[0].extensions) || {};
        if (extensions.code !== "RESUME_REQUIRED") return fail(errors);
        state.cursor = extensions.cursor || state.cursor; // the server's database blinked: go on from there
        setTimeout(follow, 1000);
      },
      complete: () => {},
    });
  follow();
  client.subscribe(COUNTERS, () => ({ c: state.community }), {
    next: ({ data }) => {
      state.counterMessages += 1;
      render(data.dashboardCounters.dashboard, state.counterMessages > 1 ? data.dashboardCounters.changed : []);
    },
    error: fail,
    complete: () => {},
  });
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const { authLogin } = await gql(
      "mutation Login($phone: String!, $password: String!) { authLogin(phone: $phone, password: $password) { accessToken person { name } } }",
      { phone: $("login-phone").value, password: $("login-password").value },
    );
    state.token = authLogin.accessToken; // in memory only: a reload logs out
    await start();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

window.ioc = state; // for a look from the console

// The fan-out driver of ../shared/bench/fanout (raw `ws`, cheaper per socket than a Python client,
// so it measures the server, not itself), with what bench/fanout.py needs on top:
//   --tokens-file F   one access token a line, subscriber i uses line i % lines (many viewers)
//   --events 0        only connect, subscribe and wait: the server's memory per idle connection
//   every subscriber's own count: `exact` subscribers got every event once, `short` fewer, `over` more
//   (a duplicate), `foreign` frames that failed --reject (a message for someone else)
// Prints one JSON line. NODE_PATH must hold a node_modules with `ws`.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const args = { variables: '{}', token: '', 'trigger-body': '{}', n: '1000', events: '20', interval: '500', settle: '2000', drain: '3000', 'trigger-header': [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, ''), v = process.argv[i + 1];
  if (k === 'trigger-header') args[k].push(v); else args[k] = v;
}
const n = +args.n, events = +args.events;
const tokens = args['tokens-file'] ? readFileSync(args['tokens-file'], 'utf8').split('\n').filter(Boolean) : [args.token];
const received = Array.from({ length: n }, () => []);
const sockets = [];
let ready = 0, errors = 0, foreign = 0;

function open(i) {
  return new Promise((resolve, reject) => {
    const token = tokens[i % tokens.length];
    const ws = new WebSocket(args.ws, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(ws);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { token, authToken: token } : {} })));
    ws.on('message', (raw) => {
      const text = String(raw);
      const m = JSON.parse(text);
      if (m.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: args.query, variables: JSON.parse(args.variables) } }));
        ready++; resolve();
      } else if (m.type === 'next') {
        if (args.reject && text.includes(args.reject.replaceAll('{i}', String(i % tokens.length)))) foreign++;
        if (!args.match || text.includes(args.match)) received[i].push(performance.now());
      }
      else if (m.type === 'ping') ws.send('{"type":"pong"}');
      else if (m.type === 'error') { if (errors++ < 3) console.error('subscription error', JSON.stringify(m.payload)); }
    });
    ws.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => open(i + j)));
await sleep(+args.settle);
const rssOf = (pid) => { try { return Math.round(+readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1] / 1024); } catch { return null; } };
const rss_mb = args['rss-pid'] ? rssOf(args['rss-pid']) : null;
const headers = { 'content-type': 'application/json' };
for (const h of args['trigger-header']) { const at = h.indexOf(':'); headers[h.slice(0, at).trim()] = h.slice(at + 1).trim(); }
const sent = [];
console.error('triggering');  // bench/fanout.py --profile starts sampling here
for (let e = 0; e < events; e++) {
  const t0 = performance.now();
  const r = await fetch(args['trigger-url'], { method: 'POST', headers, body: args['trigger-body'].replaceAll('{i}', String(e)) });
  if (!r.ok) { console.error('trigger failed', r.status, await r.text()); process.exit(2); }
  await r.arrayBuffer();
  sent.push(t0);
  await sleep(+args.interval);
}
if (events) await sleep(+args.drain);
const lat = [];
let delivered = 0, exact = 0, short = 0, over = 0;
for (const got of received) {
  delivered += got.length;
  if (got.length === events) exact++; else if (got.length < events) short++; else over++;
  got.slice(0, sent.length).forEach((t, k) => lat.push(t - sent[k]));
}
lat.sort((a, b) => a - b);
const q = (p) => (lat.length ? +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1) : null);
console.log(JSON.stringify({ n, events, ready, rss_mb, delivered, expected: n * events, exact, short, over, foreign, errors,
  p50_ms: q(0.5), p99_ms: q(0.99), max_ms: lat.length ? +lat.at(-1).toFixed(1) : null }));
for (const ws of sockets) ws.terminate();
process.exit(0);

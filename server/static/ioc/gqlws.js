// A small graphql-transport-ws client (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md):
// connection_init with the access token in its payload, subscribe / next / error / complete,
// ping answered with pong, and a reconnect (with back-off) that subscribes each running
// subscription again with the variables it gives at that moment (its last cursor).
"use strict";

class GqlWs {
  constructor(url, payload) {
    this.url = url;
    this.payload = payload; // () => connection_init's payload, read at each (re)connect
    this.subscriptions = new Map(); // id -> {query, variables: () => object, sink}
    this.nextId = 1;
    this.backoff = 250;
    this.closed = false;
    this.onstate = () => {};
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const socket = new WebSocket(this.url, "graphql-transport-ws");
    this.socket = socket;
    this.acked = false;
    this.onstate("connecting");
    socket.onopen = () => this.send({ type: "connection_init", payload: this.payload() });
    socket.onmessage = (message) => this.receive(JSON.parse(message.data));
    socket.onclose = (event) => {
      this.acked = false;
      this.onstate(`closed ${event.code}`);
      if (this.closed || event.code === 4403 || event.code === 4401) {
        for (const s of this.subscriptions.values()) s.sink.error([{ message: `socket closed ${event.code}` }]);
        return;
      }
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 8000);
    };
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(message) {
    const s = this.subscriptions.get(message.id);
    switch (message.type) {
      case "connection_ack":
        this.acked = true;
        this.backoff = 250;
        this.onstate("live");
        for (const [id, sub] of this.subscriptions) this.start(id, sub);
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "next":
        if (s) s.sink.next(message.payload);
        break;
      case "error":
        if (s) {
          this.subscriptions.delete(message.id);
          s.sink.error(message.payload);
        }
        break;
      case "complete":
        if (s) {
          this.subscriptions.delete(message.id);
          s.sink.complete();
        }
        break;
    }
  }

  start(id, sub) {
    this.send({ id, type: "subscribe", payload: { query: sub.query, variables: sub.variables() } });
  }

  // sink: {next(payload), error(errors), complete()}; returns a function that stops it.
  subscribe(query, variables, sink) {
    const id = String(this.nextId++);
    const sub = { query, variables, sink };
    this.subscriptions.set(id, sub);
    if (this.acked) this.start(id, sub);
    return () => {
      if (this.subscriptions.delete(id)) this.send({ id, type: "complete" });
    };
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close(1000);
  }
}

window.GqlWs = GqlWs;

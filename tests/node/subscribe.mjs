// Subscribe with graphql-ws (the graphql-transport-ws reference client), print each message as one
// JSON line, exit after COUNT messages. The Python test reads the lines.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { URL, TOKEN, QUERY, VARIABLES = "{}", COUNT = "1" } = process.env;
const client = createClient({
  url: URL,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${TOKEN}` },
  retryAttempts: 0,
});
let seen = 0;
const timer = setTimeout(() => { console.error("timeout"); process.exit(2); }, 20000);
client.subscribe(
  { query: QUERY, variables: JSON.parse(VARIABLES) },
  {
    next: (message) => {
      console.log(JSON.stringify(message));
      seen += 1;
      if (seen >= Number(COUNT)) { clearTimeout(timer); client.dispose(); process.exit(0); }
    },
    error: (error) => { console.log(JSON.stringify({ error: String(error?.reason ?? error?.message ?? error), code: error?.code })); process.exit(0); },
    complete: () => { process.exit(0); },
  },
);

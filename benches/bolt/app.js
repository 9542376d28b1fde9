// The peer planbot is measured against in `cargo bench --bench plan_add`:
// Bolt for JavaScript verifying the same signed `/plan add` requests and
// answering each after one plain insert (the least a Slack app that writes
// something does). Versions are pinned in package.json and package-lock.json.
//
//   DATABASE_URL=... SLACK_SIGNING_SECRET=... PORT=... node app.js
//
// Prints "ready" once it listens.
const { App, LogLevel } = require('@slack/bolt');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE || 32) });

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-bench',
  // No Slack to ask who the token belongs to: say it here (Bolt would
  // otherwise call auth.test).
  botId: 'B0BENCH',
  botUserId: 'U0BENCH',
  tokenVerificationEnabled: false,
  logLevel: process.env.BOLT_DEBUG ? LogLevel.DEBUG : LogLevel.ERROR,
});

app.command('/plan', async ({ command, ack }) => {
  const text = command.text.replace(/^add\s+/, '');
  await pool.query('insert into bolt_item (payload) values ($1)', [text]);
  await ack(`Added: ${text}`);
});

(async () => {
  await pool.query('create table if not exists bolt_item (id bigint generated always as identity primary key, payload text not null)');
  await app.start(Number(process.env.PORT));
  console.log('ready');
})();

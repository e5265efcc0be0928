'use strict';
// Load driver: embeds the fake Telegram Bot API, plays U simulated users
// against a bot's webhook, matches every sendMessage to the user waiting for
// it, and prints one RESULT line (plus one JSON line to --out).
//
// Model (what Telegram does, see README): updates are POSTed to the webhook
// over at most --conns keep-alive connections (Telegram's default
// max_connections is 40), one update per connection at a time. A user sends
// the next message of the dialog only after (a) the bot's sendMessage for the
// previous one reached the fake API and (b) the webhook POST for it was
// answered; with --think-ms it then waits that long ("fixed pacing").
// Latency = time from writing the webhook POST to the matching sendMessage
// arriving at the fake API, in the same process and clock.

const fs = require('fs');
const os = require('os');
const http = require('http');
const net = require('net');
const { performance } = require('perf_hooks');
const { createFakeApi, BOT_ID, BOT_USERNAME } = require('./fake-telegram-api');
const { LeanClient } = require('./lib/http-lean');

// ---------------------------------------------------------------- options ---

const SCENARIOS = {
  // closed loop, all users start at once: saturation throughput
  'signup-1k': { workload: 'signup', users: 1000, thinkMs: 0, rampMs: 0 },
  'signup-10k': { workload: 'signup', users: 10000, thinkMs: 0, rampMs: 0 },
  'help-10k': { workload: 'help', users: 10000, thinkMs: 0, rampMs: 0 },
  // fixed pacing: 1,000 users, starts spread over 2 s, 2 s think time
  // between messages: about 500 updates/s offered, latency below saturation
  'paced-1k': { workload: 'signup', users: 1000, thinkMs: 2000, rampMs: 2000 },
  // Linli's own sign-up dialog (bench/linli/README.md): 7 updates per user,
  // private chats only, the same user counts and pacing as the presets above
  'linli-signup-1k': { workload: 'linli-signup', users: 1000, thinkMs: 0, rampMs: 0, groupEvery: 0 },
  'linli-signup-10k': { workload: 'linli-signup', users: 10000, thinkMs: 0, rampMs: 0, groupEvery: 0 },
  'linli-paced-1k': { workload: 'linli-signup', users: 1000, thinkMs: 2000, rampMs: 2000, groupEvery: 0 },
  // Linli's help request (求助), walked to the end: 6 updates per user, private chats
  'linli-help-1k': { workload: 'linli-help', users: 1000, thinkMs: 0, rampMs: 0, groupEvery: 0 },
  'linli-help-10k': { workload: 'linli-help', users: 10000, thinkMs: 0, rampMs: 0, groupEvery: 0 },
};

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) o[a.slice(2, eq)] = a.slice(eq + 1);
    else o[a.slice(2)] = argv[++i];
  }
  return o;
}

const A = parseArgs(process.argv.slice(2));
const E = process.env;
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));

const scenarioName = A.scenario || E.SCENARIO || 'signup-1k';
const preset = SCENARIOS[scenarioName] || {};
const opt = {
  scenario: scenarioName,
  label: A.label || E.TARGET_LABEL || 'bot',
  apiPort: num(A['api-port'] || E.API_PORT, 18081),
  token: A.token || E.BOT_TOKEN || '123456:bench',
  webhookPort: num(A['webhook-port'] || E.WEBHOOK_PORT, 18443),
  webhookPath: A['webhook-path'] || E.WEBHOOK_PATH || '/webhook',
  secret: A.secret !== undefined ? A.secret : (E.WEBHOOK_SECRET || ''),
  botPidFile: A['bot-pid-file'] || '',
  workload: A.workload || E.WORKLOAD || preset.workload || 'signup',
  users: num(A.users || E.USERS, preset.users || 1000),
  warmup: num(A.warmup || E.WARMUP_USERS, 300),
  thinkMs: num(A['think-ms'] || E.THINK_MS, preset.thinkMs || 0),
  rampMs: num(A['ramp-ms'] || E.RAMP_MS, preset.rampMs || 0),
  conns: num(A.conns || E.MAX_CONN, 40),
  groupEvery: num(A['group-every'] || E.GROUP_EVERY, preset.groupEvery !== undefined ? preset.groupEvery : 4), // every Nth user talks in a group chat; 0 = none
  replyTimeoutMs: num(A['reply-timeout-ms'] || E.REPLY_TIMEOUT_MS, 10000),
  settleMs: num(A['settle-ms'] || E.SETTLE_MS, 500),
  deadlineS: num(A['deadline-s'] || E.SCENARIO_DEADLINE_S, 240),
  readyTimeoutS: num(A['ready-timeout-s'] || E.READY_TIMEOUT_S, 30),
  out: A.out || E.RESULTS_OUT || '',
  http: A.http || E.HARNESS_HTTP || 'lean', // lean | node (see lib/http-lean.js)
};
if (!['signup', 'help', 'linli-signup', 'linli-help'].includes(opt.workload)) throw new Error(`unknown workload ${opt.workload}`);
const LINLI = opt.workload.startsWith('linli-');
const LINLI_HELP = opt.workload === 'linli-help';
const HELP = opt.workload === 'help' || LINLI_HELP; // what the stored-rows check counts
// Chats that receive messages which answer no user message of the workload
// (Linli: the coordinator's review request after each completed sign-up, the
// task card in the volunteers' group after each submitted help request).
// They are counted apart, checked against completed users x chats, and the
// phase ends only once they have all arrived.
const LINLI_OBSERVER = LINLI_HELP ? (E.LINLI_VOLUNTEERS_CHAT || '-1009000000002') : (E.LINLI_COORDINATOR_ID || '99000777');
opt.observerChats = String(A['observer-chats'] || E.OBSERVER_CHATS || (LINLI ? LINLI_OBSERVER : ''))
  .split(',').map((x) => x.trim()).filter(Boolean).map(Number);
// Where the stored-rows count comes from when the bot serves no GET /stats:
// a SQLite file (relative to BOT_DATA_DIR) read with the sqlite3 CLI.
opt.statsDb = A['stats-db'] || E.STATS_DB || (LINLI ? 'linli.db' : '');
opt.statsSql = A['stats-sql'] || E.STATS_SQL || (LINLI_HELP ? 'SELECT count(*) FROM help_requests'
  : LINLI ? 'SELECT count(*) FROM volunteers' : '');

const log = (...a) => console.error('[loadgen]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const CLK_TCK = 100; // Linux USER_HZ; run.sh checks `getconf CLK_TCK`

// --------------------------------------------------------- /proc reading ---

function readFileQuiet(p) { try { return fs.readFileSync(p, 'utf8'); } catch (_) { return null; } }

function procTree(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    if (!readFileQuiet(`/proc/${p}/stat`)) continue;
    out.push(p);
    let tasks = [];
    try { tasks = fs.readdirSync(`/proc/${p}/task`); } catch (_) { /* gone */ }
    for (const t of tasks) {
      const c = readFileQuiet(`/proc/${p}/task/${t}/children`);
      if (c) for (const x of c.trim().split(/\s+/)) if (x) stack.push(Number(x));
    }
  }
  return out;
}

function cpuTicks(pid) { // [utime, stime]
  const s = readFileQuiet(`/proc/${pid}/stat`);
  if (!s) return [0, 0];
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]), Number(f[12])];
}

function statusKb(pid, field) {
  const s = readFileQuiet(`/proc/${pid}/status`);
  if (!s) return 0;
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(s);
  return m ? Number(m[1]) : 0;
}

function treeCpu(pid) { // { user, sys } seconds for the process tree
  const t = { user: 0, sys: 0 };
  if (!pid) return t;
  for (const p of procTree(pid)) { const [u, s] = cpuTicks(p); t.user += u / CLK_TCK; t.sys += s / CLK_TCK; }
  return t;
}
function treeKb(pid, field) { return pid ? procTree(pid).reduce((a, p) => a + statusKb(p, field), 0) : 0; }

function machineCpu() {
  const l = (readFileQuiet('/proc/stat') || '').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = l;
  const total = l.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  return { total, idle: idle + iowait, steal: steal || 0, busy: user + nice + system + irq + softirq };
}

// ------------------------------------------------------------- the users ---

const NAMES = ['Ada', 'Bob', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivan', 'Júlia', 'Kofi', 'Lena'];
const SKILLS = ['first aid', 'cooking', 'driving', 'translation', 'IT help', 'childcare', 'carpentry'];
const LINLI_FREE = ['weekday evenings', 'weekends', 'any time', 'mornings before 9'];
// What Linli answers to each step of the sign-up (English or Chinese catalogue)
const LINLI_EXPECT = [/[(（]1\/5[)）]/, /[(（]2\/5[)）]/, /[(（]3\/5[)）]/, /[(（]4\/5[)）]/, /[(（]5\/5[)）]/,
  /Please check your sign-up|请确认你的报名信息/, /Submitted!|已提交/];
const LINLI_REVIEW = /New volunteer to review|新志愿者待审核/;
// Linli's help request: /help -> category -> details -> address -> urgency -> confirm
const LINLI_HELP_EXPECT = [/[(（]1\/4[)）]/, /[(（]2\/4[)）]/, /[(（]3\/4[)）]/, /[(（]4\/4[)）]/,
  /Please check your request|请确认你的求助/, /Submitted as #\d+|已提交，编号 #\d+/];
const LINLI_CARD = /^#\d+ /; // the task card posted to the volunteers' group
// Categories whose requests are posted in a group (2 medical and 4 counselling go privately to
// volunteers with the skill instead, issue 11): the workload's card per request in the group.
const LINLI_PUBLIC_CATEGORIES = [1, 3, 5, 6, 7, 8];
const LINLI_NEEDS = ['the kitchen pipe is leaking', 'need medicine picked up', 'groceries for two days',
  'a lift to the clinic', 'someone to talk to'];
const expectFor = LINLI_HELP ? LINLI_HELP_EXPECT : LINLI_EXPECT;
const observerExpect = LINLI_HELP ? LINLI_CARD : LINLI_REVIEW;
const BOT_FROM = `{"id":${BOT_ID},"is_bot":true,"first_name":"Bench Volunteer Bot","username":"${BOT_USERNAME}"}`;

function makeUser(idx, userId, isGroup) {
  const first = NAMES[idx % NAMES.length];
  const last = `V${userId % 100000}`;
  const uname = `vol_${userId}`;
  const chatId = isGroup ? -userId : userId;
  const fromJson = `{"id":${userId},"is_bot":false,"first_name":${JSON.stringify(first)},"last_name":"${last}","username":"${uname}","language_code":"en"}`;
  const chatJson = isGroup
    ? `{"id":${chatId},"title":"Building ${1 + (idx % 120)} helpers","type":"group"}`
    : `{"id":${chatId},"first_name":${JSON.stringify(first)},"last_name":"${last}","username":"${uname}","type":"private"}`;
  let texts;
  if (opt.workload === 'help') {
    texts = [`/help need groceries delivered to building ${1 + (idx % 120)}`];
  } else if (LINLI_HELP) {
    // an address that names its building, as a private chat has no group to take it from
    texts = ['/help', String(LINLI_PUBLIC_CATEGORIES[idx % LINLI_PUBLIC_CATEGORIES.length]), LINLI_NEEDS[idx % LINLI_NEEDS.length],
      `${1 + (idx % 120)}-${1 + (idx % 4)}-${101 + (idx % 30)}`, String(1 + (idx % 2)), 'yes'];
  } else if (LINLI) {
    // /join -> name -> phone -> building -> skills (numbers) -> free time -> confirm
    texts = ['/join', `${first} ${last}`,
      `1${3 + (idx % 7)}${String(userId % 1000000000).padStart(9, '0')}`, // an 11-digit mobile number
      String(1 + (idx % 120)), `${1 + (idx % 8)} ${1 + ((idx + 3) % 8)}`,
      LINLI_FREE[idx % LINLI_FREE.length], 'yes'];
  } else {
    texts = ['/join', `${first} ${last}`, String(1 + (idx % 120)), `${SKILLS[idx % SKILLS.length]}, ${SKILLS[(idx + 3) % SKILLS.length]}`];
  }
  return {
    idx, userId, chatId, isGroup, fromJson, chatJson, texts,
    step: 0, msgSeq: 0,
    awaitingReply: false, awaitingHttp: false, dispatched: false,
    tSent: 0, lastBotMsgId: 0, lastBotText: '', lastBotDate: 0,
    done: false, failed: false,
  };
}

// ------------------------------------------------------------------ main ---

async function waitFor(cond, timeoutMs, stepMs = 50) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (await cond()) return true;
    await sleep(stepMs);
  }
  return false;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(500, () => { s.destroy(); resolve(false); });
  });
}

// One-off requests (pre-flight, /stats) with node:http.
function httpReq(method, url, headers, body, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

// Webhook sender: at most `conns` keep-alive connections, one request each.
function makeSender(wh, onDone) {
  const host = wh.hostname.replace(/^\[|\]$/g, '');
  const port = Number(wh.port || 80);
  const headBlock = 'Content-Type: application/json\r\n' +
    (opt.secret ? `X-Telegram-Bot-Api-Secret-Token: ${opt.secret}\r\n` : '');
  if (opt.http === 'node') {
    const agent = new http.Agent({ keepAlive: true, maxSockets: opt.conns, keepAliveMsecs: 60000 });
    const headers = { 'content-type': 'application/json' };
    if (opt.secret) headers['x-telegram-bot-api-secret-token'] = opt.secret;
    return {
      retries: 0,
      post(p, body, ctx) {
        const req = http.request({ host, port, path: p, method: 'POST', agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => onDone(ctx, res.statusCode));
        });
        req.on('error', (e) => onDone(ctx, 0, e));
        req.end(body);
      },
      close() { agent.destroy(); },
    };
  }
  const c = new LeanClient({ host, port, maxConns: opt.conns, onDone });
  return {
    get retries() { return c.retries; },
    post(p, body, ctx) { c.post(p, headBlock, body, ctx); },
    close() { c.close(); },
  };
}

function isLoopback(host) {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function main() {
  // chatId -> user of the current phase
  const chats = new Map();
  const phase = { active: null };
  const counters = { unknownChat: 0 };
  const observer = { set: new Set(opt.observerChats), count: 0, wrong: 0, tLast: 0 };

  const api = createFakeApi({
    token: opt.token,
    onSendMessage(chatId, text, messageId) {
      if (observer.set.has(chatId)) {
        observer.count++;
        observer.tLast = now();
        if (LINLI && !observerExpect.test(text)) observer.wrong++;
        return;
      }
      const u = chats.get(chatId);
      const ph = phase.active;
      if (!u || !ph) { counters.unknownChat++; return; }
      ph.onReply(u, text, messageId);
    },
  });
  await api.listen(opt.apiPort, '127.0.0.1');
  log(`fake Telegram API on http://127.0.0.1:${opt.apiPort}`);

  // ---- wait for the bot
  let botPid = 0;
  const readyDeadline = opt.readyTimeoutS * 1000;
  if (opt.botPidFile) {
    const ok = await waitFor(() => {
      const s = readFileQuiet(opt.botPidFile);
      if (s && /^\d+/.test(s.trim())) { botPid = Number(s.trim()); return true; }
      return false;
    }, readyDeadline);
    if (!ok) throw new Error('bot pid file never appeared');
  }
  const portOk = await waitFor(() => portOpen(opt.webhookPort), readyDeadline, 100);
  if (!portOk) throw new Error(`bot did not open 127.0.0.1:${opt.webhookPort} within ${opt.readyTimeoutS}s`);
  // Give a bot that registers itself up to 3 s to call setWebhook.
  await waitFor(() => api.state.webhook !== null, 3000, 25);
  let webhookUrl = `http://127.0.0.1:${opt.webhookPort}${opt.webhookPath}`;
  let setWebhook = 'no';
  if (api.state.webhook && api.state.webhook.url) {
    const u = new URL(api.state.webhook.url);
    if (u.protocol === 'http:' && isLoopback(u.hostname)) { webhookUrl = u.href; setWebhook = 'yes'; }
    else log(`setWebhook url ${api.state.webhook.url} is not plain http on loopback; using ${webhookUrl}`);
    if (opt.secret && api.state.webhook.secret_token !== opt.secret) {
      log('warning: setWebhook secret_token differs from WEBHOOK_SECRET');
    }
  }
  const wh = new URL(webhookUrl);
  const whPath = wh.pathname + wh.search;
  log(`bot ready (pid ${botPid || 'n/a'}), webhook ${webhookUrl}, setWebhook=${setWebhook}`);

  const sender = makeSender(wh, (u, status, err) => u.ph.httpDone(u, status, err));

  // ---- pre-flight: a wrong secret must be refused and must not be answered
  let secretCheck = 'skip';
  if (opt.secret) {
    const probe = makeUser(0, 99000001, false);
    chats.set(probe.chatId, probe);
    const before = api.state.counts.sendmessage || 0;
    const body = `{"update_id":1,"message":{"message_id":1,"from":${probe.fromJson},"chat":${probe.chatJson},"date":${Math.floor(Date.now() / 1000)},"text":"/help forged","entities":[{"offset":0,"length":5,"type":"bot_command"}]}}`;
    try {
      const r = await httpReq('POST', webhookUrl, { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'wrong-' + opt.secret }, body);
      await sleep(300);
      const answered = (api.state.counts.sendmessage || 0) !== before;
      secretCheck = r.status >= 400 && r.status < 500 && !answered ? 'ok' : `fail(status=${r.status},answered=${answered})`;
    } catch (e) {
      secretCheck = `fail(${e.code || e.message})`;
    }
    chats.delete(probe.chatId);
  }

  // ---- /stats (optional part of the interface)
  async function botStats() {
    try {
      const r = await httpReq('GET', `http://127.0.0.1:${opt.webhookPort}/stats`, {}, undefined);
      if (r.status !== 200) return dbStats();
      const j = JSON.parse(r.body);
      return typeof j.volunteers === 'number' ? j : dbStats();
    } catch (_) { return dbStats(); }
  }
  // The bot's own SQLite file, read-only, when it serves no /stats.
  function dbStats() {
    if (!opt.statsDb || !opt.statsSql) return null;
    const path = require('path');
    const file = path.isAbsolute(opt.statsDb) ? opt.statsDb : path.join(E.BOT_DATA_DIR || '.', opt.statsDb);
    try {
      const out = require('child_process').execFileSync('sqlite3', ['-readonly', file, opt.statsSql],
        { timeout: 15000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const n = Number(out.trim());
      if (!Number.isFinite(n)) return null;
      return HELP ? { volunteers: NaN, help_requests: n } : { volunteers: n, help_requests: NaN };
    } catch (e) { log(`stats from ${file} failed: ${e.message.split('\n')[0]}`); return null; }
  }

  let updateId = 1000;
  const nowSec = () => Math.floor(Date.now() / 1000);

  function runPhase(name, n, idBase, thinkMs, rampMs) {
    return new Promise((resolvePhase) => {
      const ph = { onReply: null, httpDone: null };
      const users = new Array(n);
      for (let i = 0; i < n; i++) {
        const u = makeUser(i, idBase + i, opt.groupEvery > 0 && i % opt.groupEvery === opt.groupEvery - 1);
        u.ph = ph;
        users[i] = u;
        chats.set(u.chatId, u);
      }
      const stepsPerUser = users[0].texts.length;
      const lat = new Float64Array(n * stepsPerUser);
      let nLat = 0;
      const queue = [];
      let qHead = 0;
      let inflight = 0;
      let finished = 0;
      let completed = 0;
      const st = { lost: 0, dup: 0, late: 0, httpErrors: 0, httpStatus: {}, wrongReply: 0, netErrors: 0, sent: 0 };
      let tFirst = 0;
      let tLast = 0;
      let ended = false;
      const inFlightUsers = new Set();
      const obs0 = observer.count;
      const obsWrong0 = observer.wrong;
      let tLastUser = 0;

      function buildBody(u) {
        const text = u.texts[u.step];
        const isCmd = text.charCodeAt(0) === 47; // '/'
        u.msgSeq += 2;
        let s = `{"update_id":${++updateId},"message":{"message_id":${u.msgSeq},"from":${u.fromJson},"chat":${u.chatJson},"date":${nowSec()}`;
        if (u.isGroup && !isCmd && u.lastBotMsgId) {
          s += `,"reply_to_message":{"message_id":${u.lastBotMsgId},"from":${BOT_FROM},"chat":${u.chatJson},"date":${u.lastBotDate},"text":${JSON.stringify(u.lastBotText)}}`;
        }
        s += `,"text":${JSON.stringify(text)}`;
        if (isCmd) {
          const sp = text.indexOf(' ');
          s += `,"entities":[{"offset":0,"length":${sp < 0 ? text.length : sp},"type":"bot_command"}]`;
        }
        return s + '}}';
      }

      function finishUser(u, ok) {
        if (u.done || u.failed) return;
        if (ok) { u.done = true; completed++; } else { u.failed = true; }
        inFlightUsers.delete(u);
        finished++;
        tLast = now();
        if (finished === n) allFinished();
      }

      // With observer chats, the phase (and its CPU window) ends when their
      // messages for the completed users have arrived too (bounded wait).
      function allFinished() {
        tLastUser = tLast;
        const expected = completed * observer.set.size;
        if (!observer.set.size || observer.count - obs0 >= expected) return endPhase();
        const tWait = now();
        const poll = setInterval(() => {
          if (observer.count - obs0 >= expected || now() - tWait > opt.replyTimeoutMs) {
            clearInterval(poll);
            if (observer.tLast > tLast) tLast = observer.tLast;
            endPhase();
          }
        }, 2);
      }

      function advance(u) {
        if (u.awaitingReply || u.awaitingHttp || u.done || u.failed) return;
        u.step++;
        if (u.step >= u.texts.length) { finishUser(u, true); return; }
        if (thinkMs > 0) setTimeout(() => enqueue(u), thinkMs);
        else enqueue(u);
      }

      function enqueue(u) {
        if (ended || u.failed) return;
        queue.push(u);
        pump();
      }

      function pump() {
        while (inflight < opt.conns && qHead < queue.length) {
          const u = queue[qHead++];
          dispatch(u);
        }
        if (qHead > 4096 && qHead * 2 > queue.length) { queue.splice(0, qHead); qHead = 0; }
      }

      function dispatch(u) {
        const body = buildBody(u);
        inflight++;
        st.sent++;
        u.awaitingReply = true;
        u.awaitingHttp = true;
        u.dispatched = true;
        inFlightUsers.add(u);
        const t = now();
        if (!tFirst) { tFirst = t; phaseStart(); }
        u.tSent = t;
        sender.post(whPath, body, u);
      }

      function httpDone(u, code, err) {
        inflight--;
        if (code === 0) {
          st.netErrors++;
          if (st.netErrors <= 3) log(`webhook POST failed: ${err ? err.code || err.message : 'closed'}`);
        }
        if (code < 200 || code >= 300) {
          st.httpErrors++;
          st.httpStatus[code] = (st.httpStatus[code] || 0) + 1;
        }
        if (!ended && !u.failed) {
          u.awaitingHttp = false;
          advance(u);
        }
        pump();
      }

      function onReply(u, text, messageId) {
        if (u.failed) { st.late++; return; }
        if (!u.awaitingReply) { st.dup++; return; }
        const t = now();
        lat[nLat++] = t - u.tSent;
        u.awaitingReply = false;
        u.lastBotMsgId = messageId;
        u.lastBotText = text;
        u.lastBotDate = nowSec();
        if (opt.workload === 'signup' && u.step === u.texts.length - 1 && !/registered/i.test(text)) st.wrongReply++;
        if (LINLI && !expectFor[u.step].test(text)) {
          if (++st.wrongReply <= 3) log(`unexpected reply at step ${u.step} (${JSON.stringify(u.texts[u.step])}): ${JSON.stringify(text.slice(0, 120))}`);
        }
        advance(u);
      }

      // per-update reply timeout and the phase deadline
      const sweep = setInterval(() => {
        const t = now();
        for (const u of inFlightUsers) {
          if (u.awaitingReply && t - u.tSent > opt.replyTimeoutMs) {
            st.lost++;
            finishUser(u, false);
          }
        }
      }, 200);
      const deadline = setTimeout(() => {
        log(`${name}: deadline of ${opt.deadlineS}s reached with ${n - finished} users unfinished`);
        for (const u of users) {
          if (!u.done && !u.failed) {
            if (u.awaitingReply) st.lost++;
            finishUser(u, false);
          }
        }
      }, opt.deadlineS * 1000);

      // resource sampling for the measured window
      let m0 = null;
      let rssPeakKb = 0;
      let rssTimer = null;
      function phaseStart() {
        m0 = { botCpu: treeCpu(botPid), mach: machineCpu(), drv: process.cpuUsage(), t: now() };
        rssTimer = setInterval(() => { rssPeakKb = Math.max(rssPeakKb, treeKb(botPid, 'VmRSS')); }, 100);
      }

      function endPhase() {
        if (ended) return;
        ended = true;
        const m1 = { botCpu: treeCpu(botPid), mach: machineCpu(), drv: process.cpuUsage(m0 ? m0.drv : undefined), t: now() };
        clearInterval(sweep);
        clearTimeout(deadline);
        if (rssTimer) clearInterval(rssTimer);
        const obsAtEnd = observer.count - obs0;
        rssPeakKb = Math.max(rssPeakKb, treeKb(botPid, 'VmRSS'));
        // late replies / duplicates still arriving are counted during the settle time
        setTimeout(() => {
          const sorted = lat.subarray(0, nLat).sort();
          const pct = (p) => (nLat ? sorted[Math.min(nLat - 1, Math.floor((p / 100) * nLat))] : NaN);
          const wall = (tLast - tFirst) / 1000;
          const dm = m0 ? {
            total: m1.mach.total - m0.mach.total, idle: m1.mach.idle - m0.mach.idle,
            steal: m1.mach.steal - m0.mach.steal, busy: m1.mach.busy - m0.mach.busy,
          } : null;
          for (const u of users) chats.delete(u.chatId);
          resolvePhase({
            extra: observer.count - obs0, extra_at_end: obsAtEnd, extra_expected: completed * observer.set.size,
            extra_wrong: observer.wrong - obsWrong0,
            extra_lag_ms: observer.set.size && tLastUser && observer.tLast > tLastUser ? observer.tLast - tLastUser : 0,
            users: n, completed, updates: st.sent, replies: nLat,
            lost: st.lost, dup: st.dup, late: st.late, wrong_reply: st.wrongReply,
            http_errors: st.httpErrors, http_status: st.httpStatus, net_errors: st.netErrors,
            wall_s: wall,
            p50_ms: pct(50), p90_ms: pct(90), p99_ms: pct(99), max_ms: nLat ? sorted[nLat - 1] : NaN,
            bot_cpu_s: m0 ? m1.botCpu.user + m1.botCpu.sys - m0.botCpu.user - m0.botCpu.sys : NaN,
            bot_sys_s: m0 ? m1.botCpu.sys - m0.botCpu.sys : NaN,
            bot_rss_peak_kb: rssPeakKb,
            driver_cpu_s: m0 ? (m1.drv.user + m1.drv.system) / 1e6 : NaN,
            machine_busy_cores: dm && dm.total ? (dm.busy / dm.total) * os.cpus().length : NaN,
            steal_pct: dm && dm.total ? (100 * dm.steal) / dm.total : NaN,
          });
        }, opt.settleMs);
      }

      ph.onReply = onReply;
      ph.httpDone = httpDone;
      phase.active = ph;
      // start users (spread over rampMs when pacing)
      if (rampMs > 0) {
        for (let i = 0; i < n; i++) setTimeout(() => enqueue(users[i]), (rampMs * i) / n);
      } else {
        for (let i = 0; i < n; i++) queue.push(users[i]);
        pump();
      }
    });
  }

  const rssStartKb = treeKb(botPid, 'VmRSS');
  const apiBefore = { ...api.state.counts };

  let warm = null;
  if (opt.warmup > 0) {
    log(`warm-up: ${opt.warmup} users`);
    warm = await runPhase('warmup', opt.warmup, 200000000, 0, 0); // warm-up is always closed loop
    log(`warm-up done: ${warm.completed}/${opt.warmup} completed, ${warm.lost} lost, ${warm.wall_s.toFixed(2)}s`);
    await sleep(300);
  }

  const apiMid = { ...api.state.counts };
  const apiErrMid = api.state.errors;
  log(`measured: ${opt.scenario} workload=${opt.workload} users=${opt.users} think=${opt.thinkMs}ms ramp=${opt.rampMs}ms conns=${opt.conns}`);
  const r = await runPhase('measured', opt.users, 300000000, opt.thinkMs, opt.rampMs);
  const hwmKb = treeKb(botPid, 'VmHWM');
  const stats = await botStats();
  const apiAfter = { ...api.state.counts };

  const apiDelta = {};
  for (const k of Object.keys(apiAfter)) {
    const d = apiAfter[k] - (apiMid[k] || 0);
    if (d) apiDelta[k] = d;
  }
  const otherCalls = Object.entries(apiDelta).filter(([k]) => k !== 'sendmessage').reduce((a, [, v]) => a + v, 0);
  const totalUsers = opt.users + (warm ? warm.users : 0);
  const storedKey = HELP ? 'help_requests' : 'volunteers';
  const stored = stats ? stats[storedKey] : null;
  const storedOk = stats ? stored === totalUsers : true;
  const warmOk = !warm || (warm.completed === warm.users && warm.lost + warm.dup + warm.late + warm.http_errors + warm.wrong_reply === 0
    && warm.extra === warm.extra_expected && warm.extra_wrong === 0);
  const ok = r.completed === r.users && r.lost === 0 && r.dup === 0 && r.late === 0 && r.wrong_reply === 0
    && r.http_errors === 0 && r.net_errors === 0 && (apiDelta.sendmessage || 0) === r.updates + r.extra && storedOk && warmOk
    && r.extra === r.extra_expected && r.extra_wrong === 0
    && counters.unknownChat === 0 && api.state.errors === apiErrMid && secretCheck !== 'fail' && !secretCheck.startsWith('fail');

  const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'nan');
  const result = {
    target: opt.label, scenario: opt.scenario, workload: opt.workload, users: r.users, conns: opt.conns,
    think_ms: opt.thinkMs, warmup_users: warm ? warm.users : 0,
    completed: r.completed, updates: r.updates, wall_s: +r.wall_s.toFixed(3),
    dialogs_per_s: +(r.completed / r.wall_s).toFixed(1), updates_per_s: +(r.replies / r.wall_s).toFixed(1),
    p50_ms: +r.p50_ms.toFixed(2), p90_ms: +r.p90_ms.toFixed(2), p99_ms: +r.p99_ms.toFixed(2), max_ms: +r.max_ms.toFixed(2),
    bot_cpu_s: +r.bot_cpu_s.toFixed(2), bot_sys_s: +r.bot_sys_s.toFixed(2), bot_cpu_pct: +((100 * r.bot_cpu_s) / r.wall_s).toFixed(0),
    bot_cpu_us_per_update: +((1e6 * r.bot_cpu_s) / Math.max(1, r.updates)).toFixed(0),
    bot_rss_start_mb: +(rssStartKb / 1024).toFixed(1), bot_rss_peak_mb: +(Math.max(hwmKb, r.bot_rss_peak_kb) / 1024).toFixed(1),
    driver_cpu_s: +r.driver_cpu_s.toFixed(2), machine_busy_cores: +r.machine_busy_cores.toFixed(2), steal_pct: +r.steal_pct.toFixed(1),
    send_message: apiDelta.sendmessage || 0, other_api_calls: otherCalls, api_calls: apiDelta,
    lost: r.lost, dup: r.dup, late: r.late, wrong_reply: r.wrong_reply, http_errors: r.http_errors, http_status: r.http_status,
    net_errors: r.net_errors, retries: sender.retries, harness_http: opt.http, unknown_chat: counters.unknownChat, api_errors: api.state.errors - apiErrMid,
    ...(observer.set.size ? {
      steps_per_user: r.updates / Math.max(1, r.users), observer_chats: observer.set.size,
      extra_send_message: r.extra, extra_expected: r.extra_expected, extra_wrong: r.extra_wrong,
      extra_at_phase_end: r.extra_at_end, extra_lag_ms: +r.extra_lag_ms.toFixed(1),
      bot_cpu_us_per_send: +((1e6 * r.bot_cpu_s) / Math.max(1, r.updates + r.extra)).toFixed(0),
    } : {}),
    stored: stats ? stored : 'n/a', stored_expected: totalUsers, secret_check: secretCheck, set_webhook: setWebhook,
    ok,
  };
  const line = `RESULT target=${result.target} scenario=${result.scenario} users=${result.users} ` +
    `dialogs/s=${f(result.dialogs_per_s)} updates/s=${f(result.updates_per_s)} p50_ms=${f(result.p50_ms, 2)} p99_ms=${f(result.p99_ms, 2)} ` +
    `bot_cpu_s=${f(result.bot_cpu_s, 2)} (${result.bot_cpu_pct}%, sys ${f(result.bot_sys_s, 2)}) cpu_us/update=${result.bot_cpu_us_per_update} bot_rss_peak_mb=${f(result.bot_rss_peak_mb)} ` +
    `driver_cpu_s=${f(result.driver_cpu_s, 2)} busy_cores=${f(result.machine_busy_cores, 2)} steal%=${f(result.steal_pct)} ` +
    `wall_s=${f(result.wall_s, 2)} sendMessage=${result.send_message} other_api=${result.other_api_calls} ` +
    `lost=${result.lost} dup=${result.dup} late=${result.late} http_err=${result.http_errors} ` +
    `stored=${result.stored}/${result.stored_expected} secret=${secretCheck}` +
    (observer.set.size ? ` extra_sendMessage=${r.extra}/${r.extra_expected}` : '') + ` ok=${ok ? 1 : 0}`;
  console.log(line);
  if (opt.out) fs.appendFileSync(opt.out, JSON.stringify(result) + '\n');

  sender.close();
  await api.close();
  process.exit(ok ? 0 : 3);
}

const hardStop = setTimeout(() => { log('hard time limit reached'); process.exit(4); },
  (opt.readyTimeoutS + 2 * opt.deadlineS + 60) * 1000);
hardStop.unref();

main().catch((e) => { log('error:', e.message); process.exit(1); });

// Linli playground page: a pretend group-chat platform (see ../API.md).
// Plain ES2020, no build step, no dependencies. All message text goes through textContent.
"use strict";

(() => {
  const API = "/playground/api";
  const PRIVATE = "@private"; // chat selection meaning "the selected person's private chat"
  const FEED_PAGE = 500; // the server's page size; a full page means there is more to read
  // While the service is unreachable, try again after these delays (the last one repeats): a
  // service that comes back is seen within about a second, and a long outage costs one cheap
  // request a second.
  const RETRY_MS = [250, 500, 1000];
  const STATE_THROTTLE_MS = 2000;
  const STORE_KEYS = { person: "linli.playground.person", chat: "linli.playground.chat", howto: "linli.playground.howto" };

  // The order of the person picker's groups: who asks first, who coordinates last.
  const ROLE_ORDER = ["resident", "pending", "volunteer", "coordinator"];
  const ROLE_LABELS = {
    resident: "居民 resident",
    volunteer: "志愿者 volunteer",
    pending: "待审核 pending",
    coordinator: "协调员 coordinator",
  };
  const KIND_LABELS = { residents: "居民群 residents' group", volunteers: "志愿者群 volunteers' group" };

  // Quick commands. `send`: a bare command, sent as is. `reply`: only means something as a
  // reply (to a task card, a review message), so it is sent only when a reply target is set.
  const CHIPS = [
    { text: "求助", send: true, title: "请志愿者帮忙 Ask for help" },
    { text: "报名志愿者", send: true, title: "成为志愿者 Sign up as a volunteer" },
    { text: "我的", send: true, title: "我的求助和任务 My requests and tasks" },
    { text: "菜单", send: true, title: "我能做什么 What the bot can do" },
    { text: "是", send: true, title: "确认 Yes / confirm" },
    { text: "取消", send: true, title: "退出当前对话 Cancel the current dialog" },
    { text: "返回", send: true, title: "回到上一步 Back one step" },
    { text: "接单", reply: true, title: "回复任务卡认领 Reply to a task card to take it" },
    { text: "完成 #", title: "任务完成，填编号 Task done: add its number" },
    { text: "通过", reply: true, title: "回复审核消息 Reply to a review message to approve" },
    { text: "+1", reply: true, title: "回复招募报名 Reply to a recruitment call to join" },
    { text: "确认", reply: true, title: "回复提醒或派单确认 Reply to a reminder or an offer to confirm" },
    { text: "设岗", send: true, title: "协调员：新建岗位 Coordinator: set up a post" },
    { text: "招募 1", send: true, title: "协调员：为岗位 1 招募 Coordinator: call for volunteers for post 1" },
    { text: "统计", send: true, title: "协调员：统计 Coordinator: statistics" },
    { text: "签到", send: true, title: "志愿者：签到 Volunteer: check in" },
    { text: "签退", send: true, title: "志愿者：签退 Volunteer: check out" },
    { text: "/lang en", send: true, title: "English" },
    { text: "/lang zh", send: true, title: "中文" },
  ];

  const $ = (id) => document.getElementById(id);
  const dom = {
    community: $("community"), conn: $("conn"), people: $("people"), howto: $("howto"),
    peopleBar: $("people-bar"), peopleToggle: $("people-toggle"),
    chats: $("chats"), chatTitle: $("chat-title"), chatSub: $("chat-sub"),
    messages: $("messages"), jump: $("jump"), composer: $("composer"), input: $("composer-input"),
    send: $("send"), chips: $("chips"), replyBar: $("reply-bar"), replyWho: $("reply-who"),
    replyText: $("reply-text"), replyCancel: $("reply-cancel"), toasts: $("toasts"),
  };

  const app = {
    state: null, // the last /api/state answer
    personId: load(STORE_KEYS.person),
    chatKey: load(STORE_KEYS.chat), // a group id or PRIVATE
    lastSeq: 0, // feed position: everything up to here has been read
    historyLoaded: false, // false while catching up on the history (no toasts, nothing unread)
    byChat: new Map(), // chat id -> its messages, oldest first
    byKey: new Map(), // messageKey(chat, id) -> message
    seen: new Map(), // chat id -> highest seq the viewer has seen there
    replyTo: null, // {chat, id} of the message the next send replies to
    stickToBottom: true,
    sending: false,
    // Unsent text per person and chat: what one person typed (or failed to send) in one chat
    // never shows up in another person's or another chat's box.
    drafts: new Map(), // messageKey(person, chat) -> text
  };

  // ---------- small helpers ----------

  function load(key) {
    try { return localStorage.getItem(key); } catch { return null; }
  }
  function save(key, value) {
    try { localStorage.setItem(key, value); } catch { /* private mode: just don't remember */ }
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const messageKey = (chat, id) => `${chat}\n${id}`;
  const pad2 = (n) => String(n).padStart(2, "0");

  function formatTime(ms) {
    if (!ms) return "";
    const d = new Date(ms);
    return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  }
  function formatDay(ms) {
    const d = new Date(ms);
    if (d.toDateString() === new Date().toDateString()) return "今天 Today";
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  }
  // First line of a text, shortened: what a quote or a chat-list preview shows.
  function excerpt(text, max = 60) {
    const line = String(text || "").split("\n").find((l) => l.trim()) || "";
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  }
  // A stable, calm colour per name, for avatars.
  function hue(name) {
    let h = 0;
    for (const ch of String(name)) h = (h * 31 + ch.codePointAt(0)) % 360;
    return h;
  }
  function avatar(name, isBot) {
    const a = el("span", isBot ? "avatar avatar-bot" : "avatar", isBot ? "邻" : Array.from(name || "?")[0]);
    if (!isBot) a.style.setProperty("--hue", hue(name));
    a.setAttribute("aria-hidden", "true");
    return a;
  }

  // ---------- model ----------

  const people = () => (app.state ? app.state.people : []);
  const groups = () => (app.state ? app.state.chats : []);
  const personById = (id) => people().find((p) => p.id === id);
  const groupById = (id) => groups().find((c) => c.id === id);
  const currentPerson = () => personById(app.personId);
  const openChatId = () => (app.chatKey === PRIVATE ? app.personId : app.chatKey);
  const botName = () => (app.state ? app.state.bot.name : "邻里 Linli");

  function chatTitle(key) {
    return key === PRIVATE ? `私聊 ${botName()} (private)` : (groupById(key) || { title: key }).title;
  }

  function addMessage(entry) {
    const msg = {
      seq: entry.seq, chat: entry.chat, id: entry.id, at: entry.at,
      from: entry.from || { id: "?", name: "?", bot: false },
      text: entry.text || "", replyTo: entry.reply_to || "",
      buttons: entry.buttons || [], mentions: entry.mentions || [], edited: false,
    };
    if (!app.byChat.has(msg.chat)) app.byChat.set(msg.chat, []);
    app.byChat.get(msg.chat).push(msg);
    app.byKey.set(messageKey(msg.chat, msg.id), msg);
    return msg;
  }

  // Applies feed entries. Returns what the view has to update.
  function ingest(entries, live) {
    const added = [];
    const edited = [];
    for (const e of entries) {
      if (e.seq <= app.lastSeq) continue; // already seen (a retried poll)
      app.lastSeq = e.seq;
      if (e.kind === "message") {
        added.push(addMessage(e));
      } else if (e.kind === "edit") {
        const msg = app.byKey.get(messageKey(e.chat, e.id));
        if (!msg) continue;
        msg.text = e.text || "";
        msg.buttons = e.buttons || [];
        msg.edited = true;
        edited.push(msg);
      } else if (e.kind === "toast") {
        // Old toasts are gone; a live one is the answer to a press, for its presser alone.
        if (live && e.to === app.personId && e.text) showToast(e.text, "bot");
      }
    }
    return { added, edited };
  }

  function resetHistory() {
    app.lastSeq = 0;
    app.historyLoaded = false;
    app.byChat.clear();
    app.byKey.clear();
    app.seen.clear();
    app.replyTo = null;
  }

  // Unread = messages newer than what was seen, not written by the one reading.
  function unreadCount(chatId, viewerId) {
    const seen = app.seen.get(chatId) || 0;
    return (app.byChat.get(chatId) || []).filter((m) => m.seq > seen && m.from.id !== viewerId).length;
  }
  function markSeen(chatId) {
    if (document.visibilityState !== "visible") return;
    const list = app.byChat.get(chatId);
    if (list && list.length) app.seen.set(chatId, list[list.length - 1].seq);
  }
  function markEverythingSeen() {
    for (const [chatId, list] of app.byChat) app.seen.set(chatId, list[list.length - 1].seq);
  }

  // ---------- server ----------

  async function getJSON(path, timeoutMs) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    try {
      const res = await fetch(API + path, { cache: "no-store", signal: ctrl.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return await res.json();
    } finally {
      clearTimeout(timer);
    }
  }

  async function postJSON(path, body) {
    const res = await fetch(API + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await res.json(); } catch { /* not JSON: reported below */ }
    if (!res.ok || !data) throw new Error((data && data.error) || `HTTP ${res.status}`);
    // HTTP 200 with ok:false: the hub took it (a message is in the chat) but the bot's webhook
    // refused it. Worth saying, but it is not a failure to send.
    if (data.ok === false) showToast(`机器人出错了 The bot answered HTTP ${data.status}`, "error");
    return data;
  }

  let stateTimer = null;
  let lastStateFetch = 0;

  async function loadState() {
    lastStateFetch = Date.now();
    const state = await getJSON("/state", 10000);
    app.state = state;
    const before = openChatId();
    if (!personById(app.personId) && people().length) app.personId = people()[0].id;
    if (app.chatKey !== PRIVATE && !groupById(app.chatKey)) app.chatKey = groups().length ? groups()[0].id : PRIVATE;
    renderChrome();
    if (app.historyLoaded && openChatId() !== before) renderMessages(); // the open chat is gone
    return state;
  }

  // Roles change as people sign up and get approved: re-read the state after news, at most
  // once per STATE_THROTTLE_MS.
  function scheduleStateRefresh() {
    if (stateTimer) return;
    const delay = Math.max(0, lastStateFetch + STATE_THROTTLE_MS - Date.now());
    stateTimer = setTimeout(async () => {
      try { await loadState(); } catch { /* the feed loop reports connection trouble */ }
      stateTimer = null;
    }, delay);
  }

  function setConnection(state) {
    dom.conn.dataset.state = state;
    dom.conn.textContent = {
      connecting: "连接中… connecting…",
      online: "已连接 connected",
      offline: "重新连接… reconnecting…",
    }[state];
  }

  // First the whole history (no wait, page by page), then long polls, forever.
  async function feedLoop() {
    let failures = 0;
    for (;;) {
      const wait = app.historyLoaded ? "&wait=25" : "";
      try {
        if (failures) {
          // The server may have restarted with a fresh history (seq numbers start over).
          const state = await loadState();
          if (state.last < app.lastSeq) {
            resetHistory();
            renderAll();
          }
          // The service answers again: say so now, not when the next long poll ends (up to
          // 25 s later when nothing happens).
          failures = 0;
          setConnection("online");
        }
        const data = await getJSON(`/feed?after=${app.lastSeq}${wait}`, 40000);
        setConnection("online");
        const entries = data.entries || [];
        const changes = ingest(entries, app.historyLoaded);
        if (!app.historyLoaded) {
          if (entries.length >= FEED_PAGE) continue; // more history to read
          app.historyLoaded = true;
          markEverythingSeen();
          renderAll();
        } else if (entries.length) {
          showChanges(changes);
          scheduleStateRefresh();
        }
      } catch {
        setConnection("offline");
        await sleep(retryDelay(failures++));
      }
    }
  }

  const retryDelay = (failures) => RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];

  async function sendText(text) {
    text = text.trim();
    if (!text || app.sending || !app.personId) return false;
    const chat = openChatId();
    const body = { chat, user: app.personId, text };
    if (app.replyTo && app.replyTo.chat === chat) body.reply_to = app.replyTo.id;
    setSending(true);
    try {
      await postJSON("/send", body);
      setReplyTarget(null);
      app.stickToBottom = true; // show my own message when it arrives
      return true;
    } catch (err) {
      showToast(`发送失败 Not sent: ${err.message}`, "error");
      return false;
    } finally {
      setSending(false);
    }
  }

  async function pressButton(msg, button, keyboardNode) {
    const buttons = keyboardNode.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await postJSON("/press", { chat: msg.chat, user: app.personId, message_id: msg.id, data: button.data });
    } catch (err) {
      showToast(`按钮没有反应 Button failed: ${err.message}`, "error");
    } finally {
      // An edit may already have replaced this keyboard; re-enabling a detached one is harmless.
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function setSending(on) {
    app.sending = on;
    dom.send.disabled = on;
    dom.send.textContent = on ? "发送中… Sending…" : "发送 Send";
  }

  // ---------- rendering: header, people, chat list ----------

  function renderChrome() {
    if (!app.state) return;
    dom.community.textContent = app.state.community || "";
    renderPeople();
    renderChatList();
    renderChatHeader();
    renderComposerLabels();
  }

  function renderAll() {
    renderChrome();
    renderMessages();
  }

  // Everyone, grouped by role (the role is the group's label, so each button needs only the
  // name): on a wide screen all of them at once, on a phone in the picker.
  let peopleShown = ""; // what the list shows now, to leave it alone when nothing changed
  function renderPeople() {
    // The list is redrawn after every piece of news; replacing buttons that did not change
    // would swallow a click that is under way (press on the old button, release on the new).
    const shown = JSON.stringify([app.personId, people().map((p) =>
      [p.id, p.name, p.role, p.id === app.personId ? 0 : unreadCount(p.id, p.id)])]);
    if (shown !== peopleShown) {
      peopleShown = shown;
      renderPeopleList();
    }
    renderPeopleToggle();
  }

  function renderPeopleList() {
    const byRole = new Map();
    for (const p of people()) {
      const role = ROLE_ORDER.includes(p.role) ? p.role : "resident";
      if (!byRole.has(role)) byRole.set(role, []);
      byRole.get(role).push(p);
    }
    const groupsOut = ROLE_ORDER.filter((role) => byRole.has(role)).map((role) => {
      const g = el("div", `people-group role-group-${role}`);
      g.setAttribute("role", "group");
      const label = el("span", `people-group-label badge role-${role}`, ROLE_LABELS[role]);
      g.setAttribute("aria-label", ROLE_LABELS[role]);
      g.append(label, ...byRole.get(role).map(personButton));
      return g;
    });
    dom.people.replaceChildren(...groupsOut);
  }

  function personButton(p) {
    const selected = p.id === app.personId;
    const b = el("button", `person${selected ? " is-selected" : ""}`);
    b.type = "button";
    b.dataset.person = p.id;
    b.setAttribute("aria-pressed", String(selected));
    b.title = `${p.name} · ${ROLE_LABELS[p.role] || p.role}`;
    b.append(avatar(p.name, false), el("span", "person-name", p.name));
    // Their private chat is hidden while someone else is selected: say that news waits there.
    const unread = selected ? 0 : unreadCount(p.id, p.id);
    if (unread) {
      const u = el("span", "unread", unread);
      u.title = `${unread} 条私聊未读 unread in private chat`;
      b.append(u);
    }
    b.addEventListener("click", () => {
      selectPerson(p.id);
      setPickerOpen(false);
    });
    return b;
  }

  // The picker's button (phones): who I am now, and whether others have private news.
  function renderPeopleToggle() {
    const me = currentPerson();
    const others = people().filter((p) => p.id !== app.personId)
      .reduce((n, p) => n + unreadCount(p.id, p.id), 0);
    const parts = [];
    if (me) {
      parts.push(avatar(me.name, false), el("span", "person-name", me.name),
        el("span", `badge role-${me.role}`, ROLE_LABELS[me.role] || me.role));
    }
    if (others) {
      const u = el("span", "unread", others);
      u.title = `别人的私聊有 ${others} 条未读 unread in others' private chats`;
      parts.push(u);
    }
    parts.push(el("span", "people-toggle-more", `换人 Switch (${people().length}) ▾`));
    dom.peopleToggle.replaceChildren(...parts);
  }

  function setPickerOpen(open) {
    dom.peopleBar.classList.toggle("is-open", open);
    dom.peopleToggle.setAttribute("aria-expanded", String(open));
    if (open) {
      const current = dom.people.querySelector(".person.is-selected") || dom.people.querySelector(".person");
      if (current) current.focus();
    }
  }

  function chatListItem(key, chatId) {
    const selected = key === app.chatKey;
    const li = el("li");
    const b = el("button", `chat-item${selected ? " is-selected" : ""}`);
    b.type = "button";
    if (selected) b.setAttribute("aria-current", "true");
    const group = groupById(key);
    const icon = el("span", `avatar avatar-chat${key === PRIVATE ? " avatar-bot" : ""}`,
      key === PRIVATE ? "私" : (group && group.kind === "volunteers" ? "志" : Array.from(chatTitle(key))[0]));
    icon.setAttribute("aria-hidden", "true");
    const main = el("span", "chat-item-main");
    // Short enough that the three chats fit side by side as a phone's tabs; the chat's own
    // header names the bot.
    main.append(el("span", "chat-item-title", key === PRIVATE ? "私聊 Private" : chatTitle(key)));
    const list = app.byChat.get(chatId) || [];
    const last = list[list.length - 1];
    main.append(el("span", "chat-item-last", last ? `${last.from.name}: ${excerpt(last.text, 40)}` : "还没有消息 No messages yet"));
    const side = el("span", "chat-item-side");
    if (last) side.append(el("time", "chat-item-time", formatTime(last.at)));
    const unread = selected ? 0 : unreadCount(chatId, app.personId);
    if (unread) {
      const u = el("span", "unread", unread);
      u.title = `${unread} 条未读 unread`;
      side.append(u);
    }
    b.append(icon, main, side);
    b.addEventListener("click", () => selectChat(key));
    li.append(b);
    return li;
  }

  function renderChatList() {
    const items = groups().map((g) => chatListItem(g.id, g.id));
    if (app.personId) items.push(chatListItem(PRIVATE, app.personId));
    dom.chats.replaceChildren(...items);
    const visible = [...groups().map((g) => g.id), app.personId].filter((id) => id !== openChatId());
    const total = visible.reduce((n, id) => n + unreadCount(id, app.personId), 0);
    document.title = total ? `(${total}) 邻里 Linli playground` : "邻里 Linli playground";
  }

  function renderChatHeader() {
    const person = currentPerson();
    dom.chatTitle.textContent = chatTitle(app.chatKey);
    if (app.chatKey === PRIVATE) {
      dom.chatSub.textContent = person ? `只有 ${person.name} 和机器人能看到 · only ${person.name} and the bot see this` : "";
    } else {
      const g = groupById(app.chatKey);
      const parts = [];
      if (g && g.building) parts.push(`${g.building}栋 building ${g.building}`);
      if (g && KIND_LABELS[g.kind]) parts.push(KIND_LABELS[g.kind]);
      parts.push("群里的人都能看到 everyone in the group sees this");
      dom.chatSub.textContent = parts.join(" · ");
    }
  }

  function renderComposerLabels() {
    const person = currentPerson();
    dom.input.placeholder = person ? `以 ${person.name} 的身份发言 Type as ${person.name}` : "";
  }

  // ---------- rendering: messages ----------

  function buildQuote(msg) {
    const target = app.byKey.get(messageKey(msg.chat, msg.replyTo));
    const q = el("button", "quote");
    q.type = "button";
    q.append(el("span", "quote-name", target ? target.from.name : `#${msg.replyTo}`),
      el("span", "quote-text", target ? excerpt(target.text) : "原消息不在这里 message not shown"));
    q.setAttribute("aria-label", `回复的消息 Replying to: ${target ? `${target.from.name}: ${excerpt(target.text)}` : msg.replyTo}`);
    q.addEventListener("click", () => revealMessage(msg.chat, msg.replyTo));
    return q;
  }

  function buildKeyboard(msg) {
    const kb = el("div", "keyboard");
    kb.setAttribute("role", "group");
    kb.setAttribute("aria-label", "按钮 Buttons");
    for (const row of msg.buttons) {
      const r = el("div", "keyboard-row");
      for (const button of row) {
        const b = el("button", "keyboard-button", button.label);
        b.type = "button";
        b.addEventListener("click", () => pressButton(msg, button, kb));
        r.append(b);
      }
      kb.append(r);
    }
    return kb;
  }

  function buildMessage(msg) {
    const me = app.personId;
    const mine = !msg.from.bot && msg.from.id === me;
    const li = el("li", `msg ${msg.from.bot ? "from-bot" : mine ? "from-me" : "from-other"}`);
    li.dataset.key = messageKey(msg.chat, msg.id);
    if (msg.mentions.includes(me)) li.classList.add("mentions-me");
    if (app.replyTo && app.replyTo.chat === msg.chat && app.replyTo.id === msg.id) li.classList.add("is-reply-target");
    if (!mine) li.append(avatar(msg.from.name, msg.from.bot));

    const bubble = el("div", "bubble");
    const meta = el("div", "meta");
    meta.append(el("span", "sender", mine ? `${msg.from.name}（我 me）` : msg.from.name));
    if (msg.from.bot) meta.append(el("span", "badge badge-bot", "机器人 bot"));
    const time = el("time", "time", formatTime(msg.at));
    time.dateTime = new Date(msg.at).toISOString();
    meta.append(time);
    if (msg.edited) meta.append(el("span", "edited", "已编辑 edited"));
    bubble.append(meta);

    if (msg.replyTo) bubble.append(buildQuote(msg));
    if (msg.mentions.length) {
      const m = el("div", "mentions");
      for (const id of msg.mentions) {
        const p = personById(id);
        m.append(el("span", `mention${id === me ? " is-me" : ""}`, `@${p ? p.name : id}`));
      }
      bubble.append(m);
    }
    bubble.append(el("div", "text", msg.text));
    if (msg.from.bot && msg.buttons.some((row) => row.length)) bubble.append(buildKeyboard(msg));

    const reply = el("button", "reply-action", "↩ 回复 reply");
    reply.type = "button";
    reply.setAttribute("aria-label", `回复 Reply to ${msg.from.name}: ${excerpt(msg.text, 30)}`);
    reply.addEventListener("click", () => {
      setReplyTarget({ chat: msg.chat, id: msg.id });
      dom.input.focus();
    });
    const body = el("div", "msg-body");
    body.append(bubble, reply);
    li.append(body);
    return li;
  }

  function daySeparator(ms) {
    const li = el("li", "day", formatDay(ms));
    li.setAttribute("role", "separator");
    return li;
  }
  const sameDay = (a, b) => new Date(a).toDateString() === new Date(b).toDateString();

  function renderMessages() {
    const chatId = openChatId();
    const list = app.byChat.get(chatId) || [];
    const nodes = [];
    list.forEach((msg, i) => {
      if (i === 0 || !sameDay(list[i - 1].at, msg.at)) nodes.push(daySeparator(msg.at));
      nodes.push(buildMessage(msg));
    });
    if (!list.length) {
      nodes.push(el("li", "empty", app.historyLoaded
        ? "还没有消息。试试发送「菜单」。 No messages yet — try sending 菜单 (menu)."
        : "加载中… Loading…"));
    }
    dom.messages.replaceChildren(...nodes);
    scrollToBottom();
    markSeen(chatId);
  }

  // New messages and edits from a live poll: patch the open chat in place, refresh counters.
  function showChanges({ added, edited }) {
    const chatId = openChatId();
    let appended = false;
    let mineArrived = false;
    if (added.some((m) => m.chat === chatId) && dom.messages.querySelector(".empty")) {
      renderMessages(); // the first message replaces the "no messages" line
    } else {
      for (const msg of added) {
        if (msg.chat !== chatId) continue;
        const list = app.byChat.get(chatId);
        const prev = list[list.indexOf(msg) - 1];
        if (!prev || !sameDay(prev.at, msg.at)) dom.messages.append(daySeparator(msg.at));
        dom.messages.append(buildMessage(msg));
        appended = true;
        if (msg.from.id === app.personId) mineArrived = true;
      }
      for (const msg of edited) {
        if (msg.chat !== chatId) continue;
        const old = dom.messages.querySelector(`[data-key="${CSS.escape(messageKey(msg.chat, msg.id))}"]`);
        if (old) old.replaceWith(buildMessage(msg));
      }
    }
    if (appended) {
      if (app.stickToBottom || mineArrived) scrollToBottom();
      else dom.jump.hidden = false;
      markSeen(chatId);
    }
    renderPeople();
    renderChatList();
  }

  // ---------- scrolling ----------

  const nearBottom = () => dom.messages.scrollHeight - dom.messages.scrollTop - dom.messages.clientHeight < 48;

  function scrollToBottom() {
    dom.messages.scrollTop = dom.messages.scrollHeight;
    app.stickToBottom = true;
    dom.jump.hidden = true;
  }

  function revealMessage(chat, id) {
    const node = dom.messages.querySelector(`[data-key="${CSS.escape(messageKey(chat, id))}"]`);
    if (!node) return;
    node.scrollIntoView({ block: "center", behavior: "smooth" });
    node.classList.remove("flash");
    void node.offsetWidth; // restart the animation
    node.classList.add("flash");
  }

  // ---------- selection, reply target, composer ----------

  const draftKey = () => messageKey(app.personId, openChatId());

  // Keeps what is in the box for the person and chat it was typed in, and shows the one of
  // the person and chat now open (usually nothing).
  function switchDraft(change) {
    const text = dom.input.value;
    if (text.trim()) app.drafts.set(draftKey(), text);
    else app.drafts.delete(draftKey());
    change();
    dom.input.value = app.drafts.get(draftKey()) || "";
    autoGrow();
  }

  function selectPerson(id) {
    if (id === app.personId) return;
    switchDraft(() => { app.personId = id; });
    save(STORE_KEYS.person, id);
    // A reply target in the previous person's private chat means nothing to the new one.
    if (app.replyTo && app.replyTo.chat !== openChatId()) setReplyTarget(null);
    renderAll();
  }

  function selectChat(key) {
    if (key === app.chatKey) return;
    switchDraft(() => { app.chatKey = key; });
    save(STORE_KEYS.chat, key);
    setReplyTarget(null);
    renderChatList();
    renderChatHeader();
    renderMessages();
  }

  function setReplyTarget(target) {
    for (const n of dom.messages.querySelectorAll(".is-reply-target")) n.classList.remove("is-reply-target");
    const msg = target && app.byKey.get(messageKey(target.chat, target.id));
    app.replyTo = msg ? target : null;
    dom.replyBar.hidden = !msg;
    if (!msg) return;
    dom.replyWho.textContent = `${msg.from.name}:`;
    dom.replyText.textContent = excerpt(msg.text);
    const node = dom.messages.querySelector(`[data-key="${CSS.escape(messageKey(msg.chat, msg.id))}"]`);
    if (node) node.classList.add("is-reply-target");
  }

  function autoGrow() {
    dom.input.style.height = "auto";
    dom.input.style.height = `${Math.min(dom.input.scrollHeight, 160)}px`;
  }

  function putInBox(text) {
    dom.input.value = text;
    autoGrow();
    dom.input.focus();
    dom.input.setSelectionRange(text.length, text.length);
  }

  function onChip(chip) {
    if (chip.reply && !app.replyTo) {
      putInBox(chip.text);
      showToast(`「${chip.text}」要回复一条消息：先点那条消息下的「↩ 回复」。 Reply to a message first (its “↩ 回复” action).`, "hint");
    } else if (chip.send || chip.reply) {
      sendText(chip.text);
    } else {
      putInBox(chip.text);
    }
  }

  function renderChips() {
    dom.chips.replaceChildren(...CHIPS.map((chip) => {
      const b = el("button", `chip${chip.reply ? " chip-reply" : ""}`, chip.reply ? `↩ ${chip.text}` : chip.text);
      b.type = "button";
      b.title = chip.title;
      b.addEventListener("click", () => onChip(chip));
      return b;
    }));
  }

  // ---------- toasts ----------

  function showToast(text, kind) {
    const t = el("div", `toast toast-${kind}`);
    if (kind === "bot") t.append(el("strong", "toast-from", `${botName()}：`));
    t.append(el("span", "", text));
    dom.toasts.append(t);
    while (dom.toasts.children.length > 3) dom.toasts.firstElementChild.remove();
    setTimeout(() => t.remove(), kind === "error" ? 7000 : 4500);
  }

  // ---------- wiring ----------

  function wireEvents() {
    dom.composer.addEventListener("submit", async (e) => {
      e.preventDefault();
      const key = draftKey();
      if (await sendText(dom.input.value)) {
        app.drafts.delete(key);
        // The person or chat may have changed while it was on its way: only then is the box
        // someone else's.
        if (key === draftKey()) {
          dom.input.value = "";
          autoGrow();
        }
      }
      dom.input.focus();
    });
    dom.input.addEventListener("keydown", (e) => {
      // isComposing: Enter also confirms a Chinese input method's candidate; that must not send.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        dom.composer.requestSubmit();
      } else if (e.key === "Escape" && app.replyTo) {
        setReplyTarget(null);
      }
    });
    dom.input.addEventListener("input", autoGrow);
    dom.replyCancel.addEventListener("click", () => { setReplyTarget(null); dom.input.focus(); });
    dom.messages.addEventListener("scroll", () => {
      app.stickToBottom = nearBottom();
      if (app.stickToBottom) dom.jump.hidden = true;
    });
    dom.jump.addEventListener("click", scrollToBottom);
    // The composer growing (reply bar, more lines) shrinks the list: stay at the bottom.
    new ResizeObserver(() => { if (app.stickToBottom) scrollToBottom(); }).observe(dom.messages);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState !== "visible") return;
      markSeen(openChatId());
      renderChatList();
    });
    dom.peopleToggle.addEventListener("click", () => setPickerOpen(!dom.peopleBar.classList.contains("is-open")));
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && dom.peopleBar.classList.contains("is-open")) {
        setPickerOpen(false);
        dom.peopleToggle.focus();
      }
    });
    document.addEventListener("pointerdown", (e) => {
      if (dom.peopleBar.classList.contains("is-open") && !dom.peopleBar.contains(e.target)) setPickerOpen(false);
    });
    wireHowto();
  }

  // The how-to starts open where there is room for it (a first visit on a wide screen), then
  // remembers; it shows one language at a time, Chinese unless the browser prefers otherwise.
  function wireHowto() {
    const stored = load(STORE_KEYS.howto);
    dom.howto.open = stored ? stored === "open" : window.matchMedia("(min-width: 761px)").matches;
    // Only what the person chose is remembered: the default above also fires "toggle", and
    // saving it would open the how-to on a phone because a laptop once had room for it.
    dom.howto.querySelector("summary").addEventListener("click", () => {
      save(STORE_KEYS.howto, dom.howto.open ? "closed" : "open"); // the click is about to toggle it
    });
    const toggles = dom.howto.querySelectorAll(".howto-lang button");
    const showLang = (lang) => {
      toggles.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
      dom.howto.querySelectorAll(".story").forEach((s) => { s.hidden = s.lang !== lang; });
    };
    toggles.forEach((b) => b.addEventListener("click", () => showLang(b.dataset.lang)));
    const langs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "zh"];
    showLang(langs.some((l) => /^zh/i.test(l)) ? "zh-CN" : "en");
  }

  async function start() {
    wireEvents();
    renderChips();
    for (let failures = 0; ; ++failures) {
      try {
        await loadState();
        break;
      } catch {
        setConnection("offline");
        await sleep(retryDelay(failures));
      }
    }
    renderMessages();
    feedLoop();
  }

  start();
})();

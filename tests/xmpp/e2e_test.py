#!/usr/bin/python3
"""Linli on a real Prosody, with real XMPP clients in real rooms.

  1. start Prosody (start_prosody.sh: loopback, free ports, a temp run dir; mod_harness_rest,
     or the upstream mod_rest with REST_MODULE_DIR) with its callback at Linli's webhook;
  2. start the linli binary with an xmpp adapter: it joins residents@ and volunteers@
     conference.localhost as 邻里助手 through POST /rest;
  3. 李秀英 (li@localhost) joins the residents' room, 陈师傅 (chen@localhost) and 赵姐
     (zhao@localhost) the volunteers' room, with slixmpp;
  4. the help-request story: 李秀英 asks for help in her room, answers the category there and
     her address in private messages through the room; the card reaches the volunteers' room
     without the address; 陈师傅 replies 接单 to it (XEP-0461), gets the address privately; the
     card is corrected (XEP-0308); 赵姐's late reply changes nothing; 陈师傅 says 完成 #1;
     李秀英 rates 5 privately.
Every process it starts (Prosody, linli) is stopped by its pid; the run dir is removed unless
--keep. Exit 0 = pass, 1 = fail; prints 'XMPP E2E PASS in N s' or 'XMPP E2E FAIL: reason'.
"""
import argparse
import asyncio
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET

from slixmpp import ClientXMPP

HERE = os.path.dirname(os.path.abspath(__file__))
BOT_NICK = "邻里助手"
CALLBACK_SECRET = "e2e-callback-secret-0001"  # in rest_callback_url: mod_rest signs nothing
STEP = 20  # seconds for any single wait
T0 = time.monotonic()
NS_REPLY = "urn:xmpp:reply:0"
NS_CORRECT = "urn:xmpp:message-correct:0"
NS_FALLBACK = "urn:xmpp:fallback:0"


def log(msg):
    print(f"[{time.monotonic() - T0:6.2f}s] {msg}", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Person(ClientXMPP):
    """A resident or volunteer: one real XMPP client in one room."""

    def __init__(self, jid, password, room, nick):
        # A Chinese speaker's client: xml:lang is how Linli first knows her language.
        super().__init__(jid, password, lang="zh-CN")
        self.room, self.nick = room, nick
        self.bot = f"{room}/{BOT_NICK}"
        self.room_msgs = []   # dicts: id, from, body, replace
        self.private = []     # dicts: id, from, body
        self.occupants = set()
        self.ready = asyncio.Event()
        self.auth_failed = None
        for p in ("xep_0030", "xep_0045", "xep_0199"):
            self.register_plugin(p)
        self.add_event_handler("session_start", self._start)
        self.add_event_handler("failed_auth", self._failed)
        self.add_event_handler("message", self._message)
        self.add_event_handler("groupchat_message", self._groupchat)
        self.add_event_handler(f"muc::{room}::got_online", lambda p: self.occupants.add(p["from"].resource))
        self.add_event_handler(f"muc::{room}::got_offline", lambda p: self.occupants.discard(p["from"].resource))

    async def _start(self, _):
        self.send_presence()
        self.ready.set()

    def _failed(self, event):
        self.auth_failed = str(event)
        self.ready.set()

    def _groupchat(self, msg):
        if not msg["body"]:
            return
        replace = msg.xml.find(f"{{{NS_CORRECT}}}replace")
        self.room_msgs.append({"id": msg["id"], "from": str(msg["from"]), "body": msg["body"],
                               "replace": replace.get("id") if replace is not None else None})

    def _message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.private.append({"id": msg["id"], "from": str(msg["from"]), "body": msg["body"]})
            log(f"{self.nick} <- private {msg['body'][:60]!r}")

    def say(self, text, reply_to=None, quote=""):
        m = self.make_message(mto=self.room, mbody=text, mtype="groupchat")
        if reply_to:
            # XEP-0461 with the quoted fallback (XEP-0428) clients put before the answer.
            m["body"] = f"> {quote}\n{text}"
            m.append(ET.Element(f"{{{NS_REPLY}}}reply", {"id": reply_to, "to": self.bot}))
            fb = ET.Element(f"{{{NS_FALLBACK}}}fallback", {"for": NS_REPLY})
            ET.SubElement(fb, f"{{{NS_FALLBACK}}}body", {"start": "0", "end": str(len(quote) + 3)})
            m.append(fb)
        m.send()
        log(f"{self.nick} -> room {text!r}" + (f" (reply to {reply_to})" if reply_to else ""))

    def tell_bot(self, text):
        self.send_message(mto=self.bot, mbody=text, mtype="chat")
        log(f"{self.nick} -> bot privately {text!r}")

    def from_bot(self, text):
        """The first message of the bot in the room containing `text` (corrections aside)."""
        for m in self.room_msgs:
            if m["from"] == self.bot and not m["replace"] and text in m["body"]:
                return m
        return None

    def private_from_bot(self, text):
        for m in self.private:
            if m["from"] == self.bot and text in m["body"]:
                return m
        return None


async def wait_for(pred, what, timeout=STEP):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def story(env, people):
    li, chen, zhao = people
    for p in people:
        p.connect(address=(env["C2S_HOST"], int(env["C2S_PORT"])), use_ssl=False,
                  force_starttls=False, disable_starttls=True)
    for p in people:
        await asyncio.wait_for(p.ready.wait(), STEP)
        if p.auth_failed:
            raise AssertionError(f"{p.boundjid} could not log in: {p.auth_failed}")
    for p in people:
        await p.plugin["xep_0045"].join_muc_wait(p.room, p.nick, maxstanzas=0, timeout=STEP)
    log("李秀英, 陈师傅 and 赵姐 are in their rooms")
    await wait_for(lambda: all(BOT_NICK in p.occupants for p in people), "the bot in both rooms")
    log("the bot is in both rooms")

    li.say("求助 厨房水管漏水了😭")
    # Not every client says what a message replies to: the dialog goes on privately at once.
    await wait_for(lambda: li.from_bot("我私信你继续"), "the move to the private chat, in the room")
    ask = await wait_for(lambda: li.private_from_bot("需要哪方面的帮助"), "the category question, privately")
    assert "[维修]" in ask["body"], f"no button line in {ask['body']!r}"
    li.tell_bot("维修")
    await wait_for(lambda: li.private_from_bot("具体地址"), "the address question, privately")
    for answer, next_question in (("2单元501", "急吗"), ("1", "请确认你的求助"), ("是", "已提交，编号 #1")):
        li.tell_bot(answer)
        await wait_for(lambda: li.private_from_bot(next_question), repr(next_question))
    card = await wait_for(lambda: chen.from_bot("厨房水管漏水了"), "the card in the volunteers' room")
    assert "#1 维修" in card["body"], card["body"]
    assert "501" not in card["body"], f"the address leaked into the room: {card['body']!r}"
    log(f"card {card['id']} in the volunteers' room")

    chen.say("接单💪", reply_to=card["id"], quote=card["body"].splitlines()[0])
    await wait_for(lambda: chen.private_from_bot("地址：31栋2单元501"), "the address, privately to 陈师傅")
    await wait_for(lambda: li.private_from_bot("陈师傅 接了你的求助 #1"), "李秀英 told who comes")
    await wait_for(lambda: any(m["replace"] == card["id"] and "陈师傅 已接单" in m["body"]
                               for m in chen.room_msgs), "the card corrected in place (XEP-0308)")
    log("claimed by reply; the card was corrected")
    zhao.say("接单", reply_to=card["id"], quote=card["body"].splitlines()[0])
    await wait_for(lambda: zhao.private_from_bot("已经由 陈师傅 接单") or zhao.from_bot("已经由 陈师傅 接单"),
                   "赵姐 told it is taken")

    chen.say("完成 #1 ✅")
    await wait_for(lambda: li.private_from_bot("满意吗"), "the rating question")
    li.tell_bot("5 谢谢陈师傅👍")
    await wait_for(lambda: li.private_from_bot("谢谢你的评价"), "thanks for the rating")
    await wait_for(lambda: chen.private_from_bot("★★★★★"), "陈师傅 told his rating")

    for p in people:
        for m in p.room_msgs:
            if m["from"] == p.bot:
                assert "2单元501" not in m["body"] and "138000" not in m["body"], \
                    f"private data in the room: {m['body']!r}"
    log("no address or phone number in any room")


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                env[k] = v.strip('"')
    return env


def linli_config(run_dir, port, env):
    res, vol = f"residents@{env['MUC_DOMAIN']}", f"volunteers@{env['MUC_DOMAIN']}"
    return {
        "server": {"address": "127.0.0.1", "port": port},
        "database": os.path.join(run_dir, "linli.db"),
        "log_level": "info",
        "adapters": [{"type": "xmpp", "name": "xm", "rest_url": env["REST_URL"],
                      "token": {"env": "LINLI_XMPP_TOKEN"}, "nick": BOT_NICK, "rooms": [res, vol],
                      "callback_secret": CALLBACK_SECRET}],
        "communities": [{
            "id": "sc", "name": "山城花园社区", "coordinators": ["xm:zhou@localhost"],
            "groups": [{"chat": f"xm:{res}", "kind": "residents", "building": "31", "title": "31栋居民群"},
                       {"chat": f"xm:{vol}", "kind": "volunteers", "title": "志愿者群"}],
            "volunteers": [
                {"person": f"xm:{vol}/陈师傅", "name": "陈师傅", "phone": "13800000001",
                 "building": "31", "skills": ["repair"]},
                {"person": f"xm:{vol}/赵姐", "name": "赵姐", "phone": "13800000003",
                 "building": "31", "skills": ["shopping"]}]}],
    }


def stop_pid(proc, name):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        log(f"{name} (pid {proc.pid}) ignored TERM: KILL")
        proc.kill()
        proc.wait(timeout=5)


def tail(path, n=40):
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            print(f"---- tail of {os.path.basename(path)} ----\n" + "".join(f.readlines()[-n:]), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--linli", required=True, help="the linli binary")
    ap.add_argument("--keep", action="store_true", help="keep the run dir (logs) afterwards")
    ap.add_argument("--timeout", type=float, default=150, help="overall limit in seconds")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)

    run_dir = tempfile.mkdtemp(prefix="linli-xmpp-e2e-")
    port = free_port()
    linli = None
    started_prosody = False
    ok, reason = False, ""
    people = []
    try:
        # Prosody first: the bot joins its rooms when Linli starts (and again on mod_rest's
        # OPTIONS probe, had Linli been there first).
        prosody_env = dict(os.environ, WEBHOOK_URL=f"http://127.0.0.1:{port}/xmpp/xm?secret={CALLBACK_SECRET}",
                           HARNESS_USERS="li:li-pw chen:chen-pw zhao:zhao-pw",
                           LOG_LEVEL=os.environ.get("PROSODY_LOG_LEVEL", "info"))
        started_prosody = True
        proc = subprocess.run([os.path.join(HERE, "start_prosody.sh"), run_dir], env=prosody_env,
                              capture_output=True, text=True, timeout=90)
        if proc.returncode != 0:
            raise AssertionError(f"start_prosody.sh failed ({proc.returncode}): {proc.stderr.strip()}")
        env = read_env(proc.stdout.strip().splitlines()[-1])
        log(f"prosody pid {env['PROSODY_PID']} ({env['REST_MODULE']}), c2s {env['C2S_PORT']}, http {env['HTTP_PORT']}")

        cfg = os.path.join(run_dir, "linli.json")
        with open(cfg, "w", encoding="utf-8") as f:
            json.dump(linli_config(run_dir, port, env), f, ensure_ascii=False)
        with open(os.path.join(run_dir, "linli.log"), "wb") as out:
            linli = subprocess.Popen([args.linli, "serve", "--config", cfg], stdout=out, stderr=out,
                                     env=dict(os.environ, LINLI_XMPP_TOKEN=env["REST_TOKEN"]))
        log(f"linli pid {linli.pid} on 127.0.0.1:{port}")
        deadline = time.monotonic() + STEP
        while True:
            if linli.poll() is not None:
                raise AssertionError(f"linli exited with {linli.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("linli did not answer /healthz")
            time.sleep(0.1)

        res, vol = f"residents@{env['MUC_DOMAIN']}", f"volunteers@{env['MUC_DOMAIN']}"
        people = [Person(f"li@{env['XMPP_DOMAIN']}", "li-pw", res, "李秀英"),
                  Person(f"chen@{env['XMPP_DOMAIN']}", "chen-pw", vol, "陈师傅"),
                  Person(f"zhao@{env['XMPP_DOMAIN']}", "zhao-pw", vol, "赵姐")]
        remaining = max(10.0, args.timeout - (time.monotonic() - T0))

        async def run():
            try:
                await asyncio.wait_for(story(env, people), remaining)
            finally:
                for p in people:
                    try:
                        p.disconnect(wait=1.0)
                    except Exception:  # noqa: BLE001 - best effort on the way out
                        pass
                await asyncio.sleep(0.3)

        asyncio.run(run())
        ok = True
    except Exception as e:  # noqa: BLE001 - every failure is reported, then cleaned up
        reason = f"{type(e).__name__}: {e}"
    finally:
        elapsed = time.monotonic() - T0
        stop_pid(linli, "linli")
        if not ok:
            tail(os.path.join(run_dir, "linli.log"))
            tail(os.path.join(run_dir, "prosody.log"))
        if started_prosody:
            subprocess.run([os.path.join(HERE, "stop_prosody.sh"), run_dir, "--keep"], timeout=30)
        if args.keep:
            print(f"run dir kept: {run_dir}", flush=True)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    if ok:
        print(f"XMPP E2E PASS in {elapsed:.2f}s", flush=True)
        return 0
    print(f"XMPP E2E FAIL: {reason}", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())

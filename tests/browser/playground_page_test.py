#!/usr/bin/python3
"""The playground page in a real headless Chromium, against the real linli binary.

  tests/browser/playground_page_test.py --linli build/linli --config config/example.json
                                        [--screenshots DIR]

Starts `linli serve` on a free 127.0.0.1 port with a copy of the config and a fresh database,
drives Debian's chromium through chromium-driver (python3-selenium) and checks, on a
1366x768 laptop and a 390x844 phone:
  - every person of the config can be picked: all visible at once on the laptop, one tap away
    in the picker on the phone; the chat log and the composer stay on screen;
  - the page itself never scrolls (its scrollHeight fits the viewport);
  - a message typed in a group gets the bot's answer (one round trip through the service);
  - a draft that could not be sent stays with its person: switching person empties the box;
  - after the service is killed and started again (by pid), the page says it is connected
    within 2 s of the service answering again.
Screenshots of both sizes go to --screenshots (default: the temp dir, removed at the end).
Exit 0 = pass, 1 = fail, 77 = chromium is not installed (with chromium but without
chromium-driver or python3-selenium it fails: that install is broken).
Every wait is bounded; every process started here is stopped by its pid.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
STEP = 15  # seconds for any single wait
RECONNECT_LIMIT_S = 2.0
T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.2f}s] {msg}", flush=True)


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)
    log(f"ok: {what}")


def wait_for(what, probe, timeout=STEP, interval=0.05):
    """Polls probe() until it returns something truthy; returns it, or fails after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Service:
    """The linli binary, started and stopped by its pid."""

    def __init__(self, binary, config_path, log_path):
        self.binary, self.config_path, self.log_path = binary, config_path, log_path
        self.proc = None

    def start(self, port):
        out = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve", "--config", self.config_path],
                                     stdout=out, stderr=out)
        out.close()
        url = f"http://127.0.0.1:{port}/healthz"

        def healthy():
            if self.proc.poll() is not None:
                raise Failed(f"linli exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    return r.status == 200
            except OSError:
                return False

        wait_for("linli to answer /healthz", healthy)
        return time.monotonic()

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=STEP)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=STEP)
        self.proc = None


def require_browser():
    """Skips (77) where there is no chromium at all; with chromium but without its driver or
    selenium the install is broken, and that fails."""
    if not os.access(CHROMIUM, os.X_OK):
        print(f"SKIP browser test: {CHROMIUM} is not installed "
              "(apt-get install chromium chromium-driver python3-selenium)")
        sys.exit(77)
    missing = [] if os.access(CHROMEDRIVER, os.X_OK) else ["chromium-driver"]
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        missing.append("python3-selenium")
    if missing:
        print(f"BROWSER TEST FAIL: chromium is installed but not {', '.join(missing)} "
              "(apt-get install chromium-driver python3-selenium)")
        sys.exit(1)


def make_driver(profile_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service as DriverService

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", f"--user-data-dir={profile_dir}",
                "--lang=zh-CN"):
        options.add_argument(arg)
    return webdriver.Chrome(service=DriverService(CHROMEDRIVER), options=options)


class Page:
    """The playground page in one browser tab, at one viewport size."""

    def __init__(self, driver, base):
        self.d, self.base = driver, base

    def open(self, width, height):
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})
        self.d.get(self.base + "/playground")
        self.d.execute_script("localStorage.clear()")  # each size starts as a first visit
        self.d.get(self.base + "/playground")
        wait_for("the page to be connected", lambda: self.conn_state() == "online")
        wait_for("the people to be listed", lambda: self.js(
            "return document.querySelectorAll('#people .person').length"))

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def conn_state(self):
        return self.js("return document.getElementById('conn').dataset.state")

    def viewport(self):
        return self.js("return [innerWidth, innerHeight]")

    def page_fits(self):
        """The document is no taller than the window, and the window does not scroll."""
        return self.js("""
            const h = innerHeight;
            scrollTo(0, 10000);
            const moved = scrollY;
            scrollTo(0, 0);
            return {scroll: document.documentElement.scrollHeight,
                    body: document.body.scrollHeight, h, moved};""")

    def on_screen(self, element):
        """The element is displayed inside the viewport, and its centre is not covered or
        clipped away by a scrolling parent (what a click would hit is the element)."""
        return self.js("""
            const el = arguments[0];
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) return false;
            if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return hit !== null && (hit === el || el.contains(hit));""", element)

    def rect(self, selector):
        return self.js("""const r = document.querySelector(arguments[0]).getBoundingClientRect();
                          return {top: r.top, bottom: r.bottom, height: r.height};""", selector)

    def person_buttons(self):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, "#people .person")

    def click(self, selector):
        """Clicks what the selector names, finding it again if the page redrew it meanwhile
        (the list of people is redrawn when news changes an unread count or a role)."""
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.common.by import By

        def clicked():
            try:
                self.d.find_element(By.CSS_SELECTOR, selector).click()
                return True
            except StaleElementReferenceException:
                return False

        wait_for(f"a click on {selector}", clicked)

    def pick(self, person_id):
        """Picks a person as a user would: through the picker when there is one."""
        from selenium.webdriver.common.by import By
        if self.d.find_element(By.ID, "people-toggle").is_displayed():
            self.click("#people-toggle")
        self.click(f'#people .person[data-person="{person_id}"]')
        wait_for(f"{person_id} to be selected", lambda: self.js(
            "return document.querySelector('#people .person.is-selected')?.dataset.person") == person_id)

    def open_group(self, title):
        from selenium.webdriver.common.by import By
        index = self.js("""return [...document.querySelectorAll('#chats .chat-item')]
                               .findIndex(b => b.textContent.includes(arguments[0]));""", title)
        if index < 0:
            raise Failed(f"no chat {title}")
        self.click(f"#chats li:nth-child({index + 1}) .chat-item")
        wait_for(f"chat {title}", lambda: title in self.d.find_element(By.ID, "chat-title").text)

    def type_and_send(self, text):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        box = self.d.find_element(By.ID, "composer-input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def box(self):
        return self.js("return document.getElementById('composer-input').value")

    def messages(self):
        return self.js("""return [...document.querySelectorAll('#messages .msg')].map(m => ({
            bot: m.classList.contains('from-bot'), me: m.classList.contains('from-me'),
            text: m.querySelector('.text').textContent}));""")

    def shot(self, path):
        self.d.save_screenshot(path)
        log(f"screenshot {path}")


def check_laptop(page, people, shots):
    page.open(1366, 768)
    check(page.viewport() == [1366, 768], "the laptop viewport is 1366x768")
    buttons = page.person_buttons()
    check(len(buttons) == len(people), f"all {len(people)} people are in the picker")
    hidden = [b.text for b in buttons if not page.on_screen(b)]
    check(not hidden, f"every person is visible at once at 1366x768 (not visible: {hidden})")
    fits = page.page_fits()
    check(fits["scroll"] <= fits["h"] and fits["body"] <= fits["h"] and fits["moved"] == 0,
          f"the page does not scroll at 1366x768 ({fits})")
    log_rect = page.rect("#messages")
    check(log_rect["top"] >= 0 and log_rect["bottom"] <= 768 and log_rect["height"] >= 300,
          f"the chat log is on screen at 1366x768 ({log_rect})")
    page.shot(os.path.join(shots, "playground-1366x768.png"))


def check_phone(page, people, shots):
    from selenium.webdriver.common.by import By
    page.open(390, 844)
    check(page.viewport() == [390, 844], "the phone viewport is 390x844")
    toggle = page.d.find_element(By.ID, "people-toggle")
    check(page.on_screen(toggle), "the person picker's button is on screen at 390x844")
    fits = page.page_fits()
    check(fits["scroll"] <= fits["h"] and fits["body"] <= fits["h"] and fits["moved"] == 0,
          f"the page does not scroll at 390x844 ({fits})")
    log_rect = page.rect("#messages")
    box_rect = page.rect("#composer-input")
    check(log_rect["top"] >= 0 and log_rect["height"] >= 844 * 0.5,
          f"the chat log has at least half of the phone's height ({log_rect})")
    check(box_rect["bottom"] <= 844, f"the message box is on screen at 390x844 ({box_rect})")
    page.shot(os.path.join(shots, "playground-390x844.png"))

    toggle.click()
    wait_for("the picker to open", lambda: toggle.get_attribute("aria-expanded") == "true")
    buttons = page.person_buttons()
    check(len(buttons) == len(people), f"all {len(people)} people are in the picker")
    hidden = []
    for b in buttons:
        page.js("arguments[0].scrollIntoView({block: 'nearest'})", b)
        if not page.on_screen(b):
            hidden.append(b.text)
    check(not hidden, f"every person is one tap away in the phone's picker (not reachable: {hidden})")
    fits = page.page_fits()
    check(fits["scroll"] <= fits["h"] and fits["moved"] == 0,
          f"the open picker does not make the page scroll ({fits})")
    page.shot(os.path.join(shots, "playground-390x844-picker.png"))
    last = people[-1]
    page.click(f'#people .person[data-person="{last["id"]}"]')
    wait_for("the picker to close", lambda: toggle.get_attribute("aria-expanded") == "false")
    check(last["name"] in toggle.text, f"the picker's button names {last['name']} once picked")


def round_trip(page, text, expect):
    before = len(page.messages())
    page.type_and_send(text)

    def answered():
        msgs = page.messages()[before:]
        mine = next((i for i, m in enumerate(msgs) if m["me"] and m["text"] == text), None)
        return mine is not None and any(m["bot"] and expect in m["text"] for m in msgs[mine + 1:])

    wait_for(f"the bot's answer to {text}", answered)
    check(page.box() == "", f"the box is empty after {text} was sent")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--linli", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--screenshots")
    args = ap.parse_args()
    require_browser()

    tmp = tempfile.mkdtemp(prefix="linli-browser-")
    shots = args.screenshots or tmp
    os.makedirs(shots, exist_ok=True)
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    port = free_port()
    config.setdefault("server", {})["port"] = port
    config["server"]["address"] = "127.0.0.1"
    config["database"] = os.path.join(tmp, "linli.db")
    config_path = os.path.join(tmp, "config.json")
    with open(config_path, "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False)
    playground = next(a for a in config["adapters"] if a["type"] == "playground")
    people = playground["people"]
    service = Service(args.linli, config_path, os.path.join(tmp, "linli.log"))
    driver = None
    try:
        service.start(port)
        log(f"linli pid {service.proc.pid} on 127.0.0.1:{port}")
        driver = make_driver(os.path.join(tmp, "profile"))
        page = Page(driver, f"http://127.0.0.1:{port}")

        check_laptop(page, people, shots)
        check_phone(page, people, shots)

        page.open(1366, 768)
        page.pick("zhang")
        page.open_group("31栋居民群")
        round_trip(page, "菜单", "报名志愿者")

        # A draft stays with the person (and chat) it was typed for.
        from selenium.webdriver.common.by import By
        page.d.find_element(By.ID, "composer-input").send_keys("张大爷的草稿")
        page.pick("li")
        check(page.box() == "", "switching person empties the box")
        page.pick("zhang")
        check(page.box() == "张大爷的草稿", "switching back shows that person's draft again")
        page.js("document.getElementById('composer-input').value = ''")

        # The service is killed: sending fails and the draft stays; it is not 李阿姨's.
        pid = service.proc.pid
        service.stop(signal.SIGKILL)
        log(f"killed linli pid {pid}")
        wait_for("the page to say it is reconnecting", lambda: page.conn_state() == "offline")
        page.type_and_send("没发出去的话")
        wait_for("the 'not sent' note", lambda: page.js(
            "return [...document.querySelectorAll('#toasts .toast-error')].some(t => t.textContent.includes('Not sent'))"))
        check(page.box() == "没发出去的话", "a message that failed to send stays in the box")
        page.pick("li")
        check(page.box() == "", "the failed draft does not follow to another person")
        page.open_group("志愿者群")
        check(page.box() == "", "nor to another chat")

        came_back = service.start(port)
        log(f"linli restarted as pid {service.proc.pid}")
        wait_for("the page to reconnect", lambda: page.conn_state() == "online",
                 timeout=RECONNECT_LIMIT_S + STEP)
        took = time.monotonic() - came_back
        log(f"reconnected {took:.2f} s after the service answered again")
        check(took <= RECONNECT_LIMIT_S, f"the page reconnects within {RECONNECT_LIMIT_S} s ({took:.2f} s)")

        page.pick("zhang")
        page.open_group("31栋居民群")
        check(page.box() == "没发出去的话", "张大爷's unsent message waits in his box in his chat")
        page.js("document.getElementById('composer-input').value = ''")
        round_trip(page, "/menu", "报名志愿者")
        print("BROWSER TEST PASS", flush=True)
        return 0
    except Exception as e:  # a Failed check, or the browser refusing something
        print(f"BROWSER TEST FAIL: {type(e).__name__}: {e}", flush=True)
        with open(os.path.join(tmp, "linli.log"), encoding="utf-8", errors="replace") as f:
            print("last lines of linli's log:\n" + "".join(f.readlines()[-20:]), flush=True)
        if driver:
            try:
                driver.save_screenshot(os.path.join(shots, "playground-failure.png"))
            except Exception:  # the browser may be what failed
                pass
        return 1
    finally:
        if driver:
            driver.quit()
        service.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""The HTML report in a real browser: headless Chromium, driven over the DevTools protocol.

Chromium is started with ``--remote-debugging-pipe`` (the protocol on file descriptors
3 and 4, as Puppeteer does), so no port, no websocket library and no driver are
needed. The page is opened from a ``file://`` URL; the test asserts that it logs no
console error, makes no request besides itself (and ``data:`` images), shows the
matrix and a failure card, and that the filters work. Skipped, with the reason, where
Chromium is not installed (``apt-get install chromium``; ``.ci/run`` does it).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time

import pytest

from test_reports import SWAPPED_FANS, suite_report

CHROMIUM = next((path for path in map(shutil.which, ("chromium", "chromium-browser",
                                                     "google-chrome", "chrome")) if path), None)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--remote-debugging-pipe")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium; "
                             ".ci/run installs it where apt-get is available)")


class Chromium:
    """A headless Chromium and one page, over the DevTools protocol on a pipe."""

    def __init__(self, user_data_dir, timeout: float = 30.0):
        self.timeout, self.next_id, self.events, self.buffer = timeout, 0, [], b""
        to_child, self._write = os.pipe()  # we write commands, the child reads fd 3
        self._read, from_child = os.pipe()  # the child writes fd 4, we read

        def fds():  # in the child: the protocol's pipes on fds 3 and 4
            high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child)]
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child)
        os.close(from_child)
        target = next(t for t in self.send("Target.getTargets")["targetInfos"]
                      if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=target["targetId"],
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)

    def send(self, method: str, session: bool = False, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            if "method" in reply:
                self.events.append(reply)

    def _receive(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method: str, since: int):
        """The first ``method`` event after the first ``since`` events."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for event in self.events[since:]:
                if event["method"] == method:
                    return event
            self.events.append(self._receive())
        raise TimeoutError(f"no {method} event")

    def open(self, url: str) -> None:
        """Load ``url`` afresh (about:blank first, so that a new hash is a new load)."""
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=1280, height=1600,
                  deviceScaleFactor=1, mobile=False)
        for address in ("about:blank", url):
            since = len(self.events)
            self.send("Page.navigate", session=True, url=address)
            self.wait_for("Page.loadEventFired", since)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path) -> None:
        data = self.send("Page.captureScreenshot", session=True, format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def console_errors(self) -> list[str]:
        errors = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                errors.append(details.get("exception", {}).get("description") or details["text"])
            elif event["method"] == "Runtime.consoleAPICalled" and params["type"] in (
                    "error", "assert", "warning"):
                errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                       for a in params["args"]))
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in (
                    "error", "warning"):
                errors.append(params["entry"]["text"])
        return errors

    def requests(self) -> list[str]:
        return [event["params"]["request"]["url"] for event in self.events
                if event["method"] == "Network.requestWillBeSent"]

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


@pytest.fixture(scope="module")
def failing_page(tmp_path_factory):
    """The page of a SwappedFans run: one failure card, one passing plot (the run is
    shared with tests/test_reports.py when both run in one process)."""
    result, out = suite_report(tmp_path_factory, "swapped-report", *SWAPPED_FANS)
    assert result.returncode == 1, result.stdout[-3000:]
    return out / "page.html"


@pytest.fixture
def browser(tmp_path):
    chromium = Chromium(tmp_path / "profile")
    yield chromium
    chromium.close()


VISIBLE = """(function (selector) {
  var nodes = document.querySelectorAll(selector), shown = 0;
  for (var i = 0; i < nodes.length; i++) {
    var box = nodes[i].getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && getComputedStyle(nodes[i]).visibility !== "hidden") {
      shown += 1;
    }
  }
  return shown;
})(%s)"""


def visible(browser, selector: str) -> int:
    return browser.evaluate(VISIBLE % json.dumps(selector))


def test_page_in_headless_chromium(failing_page, browser, tmp_path):
    url = failing_page.resolve().as_uri()
    browser.open(url)

    assert browser.evaluate("document.title").startswith("mutant:SwappedFans")
    assert visible(browser, "table.matrix") == 1
    assert visible(browser, "table.matrix tbody tr") == 2  # he_normal, glorot_uniform
    assert visible(browser, "article.card") == 1
    card = browser.evaluate("document.querySelector('article.card').innerText")
    assert "test_fans[he_normal]" in card and "Likely cause" in card and "pytest " in card
    assert browser.evaluate("document.querySelector('#verdict').innerText") == "1 deviation"
    # the plots are images that really decoded (data: PNGs)
    assert browser.evaluate(
        "Array.from(document.images).every(function (i) { return i.complete && "
        "i.naturalWidth > 100; })")
    assert visible(browser, "article.card img.plot") == 1
    browser.screenshot(tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 10_000

    # filters: "failed only" hides passing rows and plots; an initializer hides the others
    browser.evaluate("document.getElementById('f-failed').click()")
    assert visible(browser, "table.matrix tbody tr") == 1
    assert visible(browser, "figure.thumb") == 0
    assert visible(browser, "article.card") == 1
    browser.evaluate("document.getElementById('f-failed').click();"
                     "var s = document.getElementById('f-initializer'); s.value = 'glorot_uniform';"
                     "s.dispatchEvent(new Event('change'))")
    assert visible(browser, "article.card") == 0
    assert visible(browser, "table.matrix tbody tr") == 1
    assert "0 of 1 failure cards shown" in browser.evaluate(
        "document.getElementById('f-status').innerText")
    # the index page links here as PAGE#initializer=NAME: the filter follows the hash
    browser.open(url + "#initializer=he_normal")
    assert browser.evaluate("document.getElementById('f-initializer').value") == "he_normal"
    assert visible(browser, "figure.thumb") == 0 and visible(browser, "article.card") == 1

    assert browser.console_errors() == []
    others = [u for u in browser.requests() if u.split("#")[0] != url and not u.startswith("data:")]
    assert others == [], f"the page loads other resources: {others}"
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0


def test_the_browser_checks_see_requests_and_console_errors(browser, tmp_path):
    """The checks above are not vacuous: a page that loads a resource and logs an error
    is caught by them."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
                    '<img src="http://127.0.0.1:9/x.png"><img src="other.png">'
                    '<script>console.error("broken"); undefinedFunction();</script></body></html>')
    browser.open(page.as_uri())
    requests = browser.requests()
    assert "http://127.0.0.1:9/x.png" in requests
    assert (tmp_path / "other.png").as_uri() in requests
    errors = " ".join(browser.console_errors())
    assert "broken" in errors and "undefinedFunction" in errors

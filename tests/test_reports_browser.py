"""The HTML report in a real browser: headless Chromium, driven over the DevTools protocol.

The pages are used as a person would: real mouse clicks on the filters and links, a
jump from the comparison page to a framework page, a 400 px wide window, and printing
to PDF.

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
from pathlib import Path

import pytest

from tests.results_data import SWAPPED_FANS, suite_report

CHROMIUM = next(
    (
        path
        for path in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome"))
        if path
    ),
    None,
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--remote-debugging-pipe",
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install chromium; "
    ".ci/run installs it where apt-get is available)",
)


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
            preexec_fn=fds,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        target = next(
            t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page"
        )
        self.session = self.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )["sessionId"]
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

    def open(self, url: str, width: int = 1280, height: int = 1600) -> None:
        """Load ``url`` afresh (about:blank first, so that a new hash is a new load) in a
        window of ``width`` x ``height`` CSS pixels."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        for address in ("about:blank", url):
            since = len(self.events)
            self.send("Page.navigate", session=True, url=address)
            self.wait_for("Page.loadEventFired", since)

    def evaluate(self, expression: str):
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
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
                "error",
                "assert",
                "warning",
            ):
                errors.append(
                    " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
                )
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in (
                "error",
                "warning",
            ):
                errors.append(params["entry"]["text"])
        return errors

    def requests(self) -> list[str]:
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
        ]

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


def click(browser, selector: str) -> None:
    """A real click (mouse pressed and released) at the middle of the element (of its
    label, for a hidden radio button), scrolled into view first."""
    box = browser.evaluate(
        """(function (s) {
      var e = document.querySelector(s);
      if (e.type === "radio" && e.closest("label")) { e = e.closest("label"); }
      e.scrollIntoView({block: "center"});
      var r = e.getBoundingClientRect();
      return [r.left + r.width / 2, r.top + r.height / 2];
    })(SELECTOR)""".replace("SELECTOR", json.dumps(selector))
    )
    for kind in ("mousePressed", "mouseReleased"):
        browser.send(
            "Input.dispatchMouseEvent",
            session=True,
            type=kind,
            x=box[0],
            y=box[1],
            button="left",
            clickCount=1,
        )


def test_page_in_headless_chromium(failing_page, browser, tmp_path):
    url = failing_page.resolve().as_uri()
    browser.open(url)

    assert browser.evaluate("document.title").startswith("mutant:SwappedFans")
    assert visible(browser, "table.matrix") == 1
    assert visible(browser, "table.matrix tbody tr") == 2  # he_normal, glorot_uniform
    assert visible(browser, "article.card") == 1
    card = browser.evaluate("document.querySelector('article.card').innerText")
    assert "test_fans[he_normal]" in card and "Likely cause" in card and "pytest " in card
    group = browser.evaluate("document.querySelector('section.group header').innerText")
    assert "fans swapped" in group and "fan_in and fan_out swapped" in group
    assert browser.evaluate("document.querySelector('#verdict').innerText").startswith(
        "does not conform: 1 failure, 1 cause; partial run: "
    )
    # the plots are images that really decoded (data: SVGs)
    assert browser.evaluate(
        "Array.from(document.images).every(function (i) { return i.complete && "
        "i.naturalWidth > 100; })"
    )
    assert visible(browser, "article.card img.plot") == 1
    browser.screenshot(tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 10_000

    # filters: "new failures" hides passing rows and plots, and is kept in the URL
    click(browser, "#f-new")
    assert visible(browser, "table.matrix tbody tr") == 1
    assert visible(browser, "figure.thumb") == 0
    assert visible(browser, "article.card") == 1
    assert browser.evaluate("location.hash") == "#show=new"
    click(browser, "#f-all")
    browser.evaluate(
        "var s = document.getElementById('f-initializer'); s.value = 'glorot_uniform';"
        "s.dispatchEvent(new Event('change'))"
    )
    assert visible(browser, "article.card") == 0
    assert visible(browser, "table.matrix tbody tr") == 1
    assert "0 of 1 failure cards shown for glorot_uniform" in browser.evaluate(
        "document.getElementById('f-status').innerText"
    )
    assert browser.evaluate("location.hash") == "#initializer=glorot_uniform"
    # the index page links here as PAGE#initializer=NAME: the filter follows the hash
    browser.open(url + "#initializer=he_normal&show=new")
    assert browser.evaluate("document.getElementById('f-initializer').value") == "he_normal"
    assert browser.evaluate("document.getElementById('f-new').checked") is True
    assert visible(browser, "figure.thumb") == 0 and visible(browser, "article.card") == 1

    assert browser.console_errors() == []
    others = [u for u in browser.requests() if u.split("#")[0] != url and not u.startswith("data:")]
    assert others == [], f"the page loads other resources: {others}"
    assert browser.evaluate("performance.getEntriesByType('resource').length") == 0


def test_the_browser_checks_see_requests_and_console_errors(browser, tmp_path):
    """The checks above are not vacuous: a page that loads a resource and logs an error
    is caught by them."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        '<img src="http://127.0.0.1:9/x.png"><img src="other.png">'
        '<script>console.error("broken"); undefinedFunction();</script></body></html>'
    )
    browser.open(page.as_uri())
    requests = browser.requests()
    assert "http://127.0.0.1:9/x.png" in requests
    assert (tmp_path / "other.png").as_uri() in requests
    errors = " ".join(browser.console_errors())
    assert "broken" in errors and "undefinedFunction" in errors


# -- the committed framework reports, re-rendered: the comparison page and torch's page ------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """torch's page and the comparison page of every committed run, rendered by this code
    into one directory (as CI's merge job lays them out)."""
    from initializer_conformance.reports import __main__ as cli

    out = tmp_path_factory.mktemp("site")
    frameworks = Path(__file__).resolve().parent / "data" / "frameworks"
    for path in frameworks.glob("*.json"):
        shutil.copy(path, out / path.name)
    assert cli.main(["render", str(out / "torch.json")]) == 0
    assert (
        cli.main(
            [
                "merge",
                *map(str, sorted(out.glob("*.json"))),
                "-o",
                str(out / "index.html"),
                "--spec",
                "SPEC.md",
            ]
        )
        == 0
    )
    return out


HEADERS_SHOWN = """(function () {
  var heads = document.querySelectorAll("table.matrix thead th.init"), shown = 0;
  for (var i = 0; i < heads.length; i++) {
    var r = heads[i].getBoundingClientRect();
    if (r.left >= 0 && r.right <= window.innerWidth + 0.5 && r.width > 20) { shown += 1; }
  }
  return [shown, heads.length];
})()"""


def test_the_comparison_page_shows_every_initializer_at_1280_px(site, browser, tmp_path):
    browser.open((site / "index.html").as_uri(), 1280, 900)
    assert browser.evaluate(HEADERS_SHOWN) == [16, 16]
    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280
    # each cell names its cause, with a legend
    cell = browser.evaluate(
        "document.querySelector('tr[data-framework=torch] "
        "td[data-initializer=he_normal]').innerText"
    )
    assert "fans rank 0/1" in cell and "untruncated" in cell
    assert browser.evaluate(
        "document.querySelector('tr[data-framework=torch] td[data-initializer=Identity]').innerText"
    ).endswith("rectangular eye")
    assert visible(browser, "#causes span.cause") >= 10
    # the initializer headers link to the spec's sections
    assert (
        browser.evaluate("document.querySelector('th.init a').getAttribute('href')")
        == "SPEC.md#zeros"
    )
    browser.screenshot(tmp_path / "index.png")
    assert browser.console_errors() == []


def test_the_comparison_page_at_400_px(site, browser):
    browser.open((site / "index.html").as_uri(), 400, 800)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 400  # the table scrolls
    shown, total = browser.evaluate(HEADERS_SHOWN)
    assert total == 16 and shown >= 3
    # the run column stays while the initializers scroll under it
    before = browser.evaluate(
        "document.querySelector('tr[data-framework=torch] th.row').getBoundingClientRect().left"
    )
    browser.evaluate("document.querySelector('.matrix-wrap').scrollLeft = 400")
    after = browser.evaluate(
        "document.querySelector('tr[data-framework=torch] th.row').getBoundingClientRect().left"
    )
    assert after == pytest.approx(before, abs=1)
    assert browser.evaluate(HEADERS_SHOWN)[0] >= 3
    assert browser.evaluate("document.querySelector('.matrix-wrap').scrollLeft") == 400


def test_printing_the_comparison_page_keeps_the_whole_matrix(site, browser, tmp_path):
    browser.open((site / "index.html").as_uri(), 1047, 700)  # A4 landscape less margins
    browser.send("Emulation.setEmulatedMedia", session=True, media="print")
    assert browser.evaluate(HEADERS_SHOWN) == [16, 16]
    assert (
        browser.evaluate("document.querySelector('table.matrix').getBoundingClientRect().right")
        <= 1047
    )
    pdf = base64.b64decode(
        browser.send(
            "Page.printToPDF",
            session=True,
            landscape=True,
            paperWidth=8.27,
            paperHeight=11.69,
            printBackground=True,
        )["data"]
    )
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    (tmp_path / "index.pdf").write_bytes(pdf)
    browser.send("Emulation.setEmulatedMedia", session=True, media="")


CARD_TOPS = """(function (initializer) {
  var bar = document.getElementById("filters").getBoundingClientRect();
  var cards = Array.from(document.querySelectorAll("article.card")).filter(function (c) {
    return !c.hidden && c.getBoundingClientRect().height > 0; });
  return {bar: bar.bottom, first: cards.length ? cards[0].getBoundingClientRect().top : null,
          shown: cards.length,
          others: cards.filter(function (c) {
            return c.getAttribute("data-initializer") !== initializer; }).length};
})(%s)"""


def test_from_the_index_to_a_framework_filtered_and_scrolled(site, browser):
    browser.open((site / "index.html").as_uri(), 1280, 900)
    since = len(browser.events)
    click(browser, "tr[data-framework=torch] td[data-initializer=Identity] a")
    browser.wait_for("Page.loadEventFired", since)
    assert browser.evaluate("location.href").endswith("torch.html#initializer=Identity")
    assert browser.evaluate("document.getElementById('f-initializer').value") == "Identity"
    state = browser.evaluate(CARD_TOPS % '"Identity"')
    assert state["shown"] == 3 and state["others"] == 0
    # the first of its cards is in view with its cause's heading, not under the sticky bar
    assert state["bar"] - 1 <= state["first"] <= state["bar"] + 120, state
    heading = browser.evaluate(
        "document.querySelector('article.card:not([hidden])')"
        ".closest('section.group').getBoundingClientRect().top"
    )
    assert state["bar"] - 1 <= heading < state["first"]
    assert browser.evaluate("scrollY") > 500
    assert browser.console_errors() == []


def test_the_framework_page_filters(site, browser):
    url = (site / "torch.html").as_uri()
    browser.open(url, 1280, 900)
    # the verdict leads, with the profile and the unsupported count
    assert (
        browser.evaluate("document.getElementById('verdict').innerText")
        == "conforms except 34 known deviations (1 unsupported)"
    )
    assert "profile ci" in browser.evaluate("document.getElementById('summary').innerText")
    assert visible(browser, "#deviations tbody tr") == 3  # one row per reason
    assert browser.evaluate("document.getElementById('matrix').getBoundingClientRect().top") < 900
    status = "document.getElementById('f-status').innerText"
    click(browser, "#f-new")  # nothing new: an empty list, not a page of known deviations
    assert visible(browser, "article.card") == 0 and browser.evaluate(status).startswith("0 of 40")
    assert visible(browser, "#deviations") == 0 and visible(browser, "figure.thumb") == 0
    click(browser, "#f-known")
    assert visible(browser, "article.card") == 40 and visible(browser, "#unsupported") == 0
    assert visible(browser, "section.group") == 3
    click(browser, "#f-unsupported")
    assert visible(browser, "article.card") == 0 and visible(browser, "#unsupported li") == 1
    assert visible(browser, "table.matrix tbody tr") == 1  # Orthogonal
    assert browser.evaluate("location.hash") == "#show=unsupported"
    # the state is in the URL: a reload (or a shared link) shows the same
    browser.open(browser.evaluate("location.href"), 1280, 900)
    assert browser.evaluate("document.getElementById('f-unsupported').checked") is True
    assert visible(browser, "#unsupported li") == 1 and visible(browser, "article.card") == 0
    click(browser, "#f-all")
    assert browser.evaluate("location.hash") == ""
    assert visible(browser, "article.card") == 40
    assert browser.console_errors() == []


def test_an_anchor_lands_below_the_sticky_bar(site, browser):
    browser.open((site / "torch.html").as_uri(), 1280, 900)
    click(browser, "#deviations a[href='#t-test_probes.py-test_probe-he_normal']")
    state = browser.evaluate("""(function () {
      var bar = document.getElementById("filters").getBoundingClientRect();
      var card = document.getElementById("t-test_probes.py-test_probe-he_normal")
        .getBoundingClientRect();
      return [bar.top, bar.bottom, card.top];
    })()""")
    assert state[0] == 0  # the bar is stuck at the top
    assert state[1] <= state[2] <= state[1] + 40, state  # the card starts just below it
    # a link to a card a filter hides shows everything and still lands there
    click(browser, "#f-new")
    browser.evaluate("location.hash = '#t-test_identity.py-test_identity_shape-1-4'")
    time.sleep(0.2)
    top = browser.evaluate(
        "document.getElementById('t-test_identity.py-test_identity_shape-1-4')"
        ".getBoundingClientRect().top"
    )
    assert browser.evaluate("document.getElementById('f-all').checked") is True
    assert 0 < top < 200


def test_the_framework_page_at_400_px(site, browser, tmp_path):
    browser.open((site / "torch.html").as_uri() + "#initializer=he_normal", 400, 800)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 400
    assert visible(browser, "#filters") == 1
    state = browser.evaluate(CARD_TOPS % '"he_normal"')
    assert state["others"] == 0 and state["shown"] == 7  # 4 fans rank 0/1, 3 untruncated
    assert browser.evaluate(
        "Array.from(document.querySelectorAll('article.card')).every("
        "function (c) { return c.hidden || c.getBoundingClientRect().right"
        " <= 400.5; })"
    )
    browser.screenshot(tmp_path / "narrow.png")
    assert browser.console_errors() == []

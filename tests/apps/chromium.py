"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe), with the
standard library only: load a page, collect its console messages, exceptions and network requests,
read its text, take a screenshot and print it to PDF."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time

# The flags that keep a headless Chromium from reaching any network on its own.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def binary() -> str | None:
    """Debian's chromium (scripts/install-deps.sh installs it), or None."""
    return shutil.which("chromium")


class Page:
    """What loading one page gave: console and log messages, exceptions, request URLs, text, images."""

    def __init__(self):
        self.console, self.exceptions, self.log, self.requests = [], [], [], []
        self.text = ""
        self.screenshot = b""
        self.pdf = b""


class _Pipe:
    def __init__(self, profile: str, width: int, height: int):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        command = (f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}')
        self.process = subprocess.Popen(
            ["bash", "-c", command, binary(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe",
             f"--window-size={width},{height}", "about:blank"],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events = []

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0):
        """Sends one command and returns its result; events that arrive meanwhile are kept in order."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict:
        """Returns the first event `method` (kept or still to come)."""
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def load(url: str, profile: str, width: int = 1200, height: int = 1600) -> Page:
    """Loads url in a fresh headless Chromium (profile: an empty folder) and returns what it saw."""
    pipe = _Pipe(profile, width, height)
    page = Page()
    try:
        target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.call(f"{domain}.enable", session=session)
        pipe.events.clear()  # what about:blank did is not the page's
        pipe.call("Page.navigate", {"url": url}, session=session)
        pipe.wait_for("Page.loadEventFired")
        page.text = pipe.call("Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True},
                              session=session)["result"]["value"]
        page.screenshot = base64.b64decode(
            pipe.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False},
                      session=session)["data"])
        page.pdf = base64.b64decode(pipe.call("Page.printToPDF", {"preferCSSPageSize": True}, session=session)["data"])
        for event in pipe.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                page.console.append((params.get("type"), params.get("args")))
            elif method == "Runtime.exceptionThrown":
                page.exceptions.append(params)
            elif method == "Log.entryAdded":
                page.log.append((params["entry"].get("level"), params["entry"].get("text")))
            elif method == "Network.requestWillBeSent":
                page.requests.append(params["request"]["url"])
    finally:
        pipe.close()
    return page

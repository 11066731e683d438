"""`checker serve` as it runs: a real uvicorn server in a subprocess, on a free loopback port.

What is checked here only shows in the real server: its log lines (formatted by uvicorn's own
formatters), its limits on connections, its warnings, and that a broken matters/ folder cannot
hang it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest

from checker.privacy import MaskIds
from conftest import REPO

IB = "individual-business-registration"
ID = "11010519491231002X"
MASKED = "110***********002X"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


class Server:
    def __init__(self, proc: subprocess.Popen, log: Path, base: str):
        self.proc, self.log, self.base = proc, log, base

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def stop(self) -> str:
        """Stop the server (SIGTERM, as a service manager does) and return all it wrote."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                pytest.fail("the server ignored SIGTERM")
        return self.output()


@contextmanager
def serve(tmp_path: Path, *args: str, root: Path = REPO) -> Iterator[Server]:
    """`checker serve --port 0 ...` in a subprocess; the address comes from uvicorn's start line.
    Its output (uvicorn writes the access log to stdout, everything else to stderr) goes to one file."""
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--root", str(root), "--port", "0", *args],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = None
    try:
        for _ in range(600):  # up to a minute on a slow machine
            found = re.search(r"Uvicorn running on (http://[^ ]+)", log.read_text("utf-8", errors="replace"))
            if found:
                server = Server(proc, log, found.group(1))
                break
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log.read_text('utf-8', errors='replace')}")
            time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield server
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def request(url: str, data: bytes | None = None, content_type: str = "", timeout: float = 30) -> tuple[int, str]:
    headers = {"Content-Type": content_type} if content_type else {}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    try:
        with OPENER.open(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


# --- the log ----------------------------------------------------------------------------------------

def test_the_access_log_has_a_line_per_request_and_no_answers(tmp_path):
    answers = {"date": "2026-03-02", "premises_tenure": "leased", "operator_id_number": ID}
    with serve(tmp_path) as server:
        assert request(server.base + "/")[0] == 200
        # answers sent the old way, in the query string, and the new way, as a form
        assert request(f"{server.base}/matters/{IB}?lang=en&" + urlencode(answers))[0] == 200
        status, html = request(f"{server.base}/matters/{IB}?lang=en", urlencode(answers).encode(),
                               "application/x-www-form-urlencoded")
        assert status == 200 and ID in html  # the page shows the answer back, the log must not
        body = json.dumps({"date": "2026-03-02", "facts": {"operator_id_number": ID}}).encode()
        assert request(f"{server.base}/api/matters/{IB}/check?lang=en", body, "application/json")[0] == 200
        assert request(server.base + "/no-such-page?operator_id_number=" + ID)[0] == 404
        log = server.stop()
    port = server.base.rsplit(":", 1)[1]
    for line in (f'"GET / HTTP/1.1" 200', f'"GET /matters/{IB} HTTP/1.1" 200', f'"POST /matters/{IB} HTTP/1.1" 200',
                 f'"POST /api/matters/{IB}/check HTTP/1.1" 200', '"GET /no-such-page HTTP/1.1" 404'):
        assert re.search(rf'^INFO: +127\.0\.0\.1:\d+ - {re.escape(line)}', log, re.M), (line, log)
    assert "Traceback" not in log and "Logging error" not in log
    for secret in (ID, MASKED, "operator_id_number", "premises_tenure", "leased", "?", "lang="):
        assert secret not in log.replace(f"http://127.0.0.1:{port} (Press CTRL+C to quit)", ""), secret
    assert len(log) < 2000  # a handful of lines, not the request dumped


def _record(msg: str, args, exc_info=None, name: str = "uvicorn.access") -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, exc_info)


def test_masking_keeps_the_arguments_formatters_read():
    # uvicorn's access formatter unpacks exactly these five arguments
    record = _record('%s - "%s %s HTTP/%s" %d', ("127.0.0.1:5000", "GET", f"/m?id={ID}", "1.1", 200))
    assert MaskIds().filter(record)
    assert record.args == ("127.0.0.1:5000", "GET", f"/m?id={MASKED}", "1.1", 200)
    from uvicorn.logging import AccessFormatter
    line = AccessFormatter("%(client_addr)s - %(request_line)s %(status_code)s", use_colors=False).format(record)
    assert line == f"127.0.0.1:5000 - GET /m?id={MASKED} HTTP/1.1 200 OK"
    named = _record("%(who)s asked", ({"who": ID},), name="checker")
    MaskIds().filter(named)
    assert named.args == {"who": MASKED} and named.getMessage() == f"{MASKED} asked"
    # a number argument that is an ID cannot stay a number: the message is kept, masked
    number = _record("id %d", (110105194912310021,), name="checker")
    MaskIds().filter(number)
    assert number.getMessage() == "id 110***********0021"
    # an ID split across two arguments
    split = _record("%s%s", ("110105194912", "31002X"), name="checker")
    MaskIds().filter(split)
    assert split.getMessage() == MASKED
    plain = _record("%s of %d", ("one", 3), name="checker")
    MaskIds().filter(plain)
    assert plain.args == ("one", 3)


def test_a_traceback_is_masked_and_still_printed():
    try:
        raise ValueError(f"cannot use {ID} here")
    except ValueError:
        record = _record("engine error on %s", ("x",), sys.exc_info(), name="checker.web")
    MaskIds().filter(record)
    text = logging.Formatter().format(record)
    assert text.startswith("engine error on x\nTraceback (most recent call last):")
    assert f"ValueError: cannot use {MASKED} here" in text and ID not in text

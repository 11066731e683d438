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

from checker.shells.privacy import MaskIds
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
def serve(tmp_path: Path, *args: str, root: Path = REPO, open_files: int | None = None) -> Iterator[Server]:
    """`checker serve --port 0 ...` in a subprocess; the address comes from uvicorn's start line.
    Its output (uvicorn writes the access log to stdout, everything else to stderr) goes to one file.
    `open_files` sets the server's limit on open files (soft and hard), as a small system has."""
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--root", str(root), "--port", "0", *args],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=limit if open_files else None)
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


# --- limits: idle connections, slow requests -------------------------------------------------------

def closed_by_server(socks: list[socket.socket], wanted: int) -> int:
    """How many of the sockets the server has closed (each reads as end of file), waiting until
    `wanted` are or, at most, 20 seconds."""
    import selectors
    closed: set[socket.socket] = set()
    with selectors.DefaultSelector() as sel:
        for s in socks:
            sel.register(s, selectors.EVENT_READ)
        deadline = time.monotonic() + 20
        while len(closed) < wanted and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.5):
                try:
                    data = key.fileobj.recv(1)
                except OSError:
                    data = b""
                if data == b"":
                    closed.add(key.fileobj)
                    sel.unregister(key.fileobj)
    return len(closed)


def test_idle_connections_cannot_keep_a_real_client_out(tmp_path):
    # a server allowed 256 open files (a small system's limit; the checker cannot raise it):
    # 300 idle connections would use them all up, and the next client would wait for ever
    socks: list[socket.socket] = []
    with serve(tmp_path, "--request-timeout", "60", open_files=256) as server:
        host, port = server.base.removeprefix("http://").split(":")
        try:
            for _ in range(300):
                socks.append(socket.create_connection((host, int(port)), timeout=10))
            status, html = request(server.base + "/", timeout=15)
            assert status == 200 and 'data-matter="individual-business-registration"' in html
            # the cap is 256 - 128 (a burst asyncio accepts at once) - 64 (kept for files): the
            # longest-idle connections were closed to make room
            cap = 256 - 128 - 64
            assert closed_by_server(socks, 300 - cap) >= 300 - cap
        finally:
            for s in socks:
                s.close()
        log = server.stop()
    assert "Traceback" not in log and "Too many open files" not in log
    assert log.count("at most 64 connections: the limit on open files allows no more") == 1
    # one line for the flood, not one per connection
    closing = [line for line in log.splitlines() if "closed the longest-idle connection" in line]
    assert len(closing) == 1 and "connections open, the cap" in closing[0], log


def test_a_request_sent_too_slowly_is_cut_off(tmp_path):
    with serve(tmp_path, "--request-timeout", "1") as server:
        host, port = server.base.removeprefix("http://").split(":")
        silent = socket.create_connection((host, int(port)), timeout=30)
        slow = socket.create_connection((host, int(port)), timeout=30)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a head never finished ("slowloris")
        try:
            assert silent.recv(1) == b"" and slow.recv(1) == b""  # closed by the server
        finally:
            silent.close()
            slow.close()
        assert request(server.base + "/")[0] == 200  # a whole request in time is served
        log = server.stop()
    timeouts = [line for line in log.splitlines() if "sent no complete request in 1 s" in line]
    assert len(timeouts) == 1, log  # two closed, one line


# --- a broken matters/ folder, and where the server listens ---------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_a_fifo_in_matters_neither_hangs_nor_deadlocks_the_server(tmp_path):
    import shutil
    from conftest import MATTERS, RULES
    root = tmp_path / "root"
    shutil.copytree(RULES, root / "rules")
    shutil.copytree(REPO / "local", root / "local")
    (root / "matters").mkdir()
    shutil.copy(MATTERS / f"{IB}.yaml", root / "matters")
    pipe = root / "matters" / "zz-broken.yaml"
    os.mkfifo(pipe)
    with serve(tmp_path, root=root) as server:
        status, html = request(server.base + "/", timeout=30)  # every matter loaded under the catalogue's lock
        assert status == 200 and f'data-matter="{IB}"' in html and "zz-broken" not in html
        assert request(server.base + "/matters/zz-broken", timeout=30)[0] == 500  # its files are broken
        assert request(f"{server.base}/matters/{IB}", timeout=30)[0] == 200  # the lock was let go
        log = server.stop()  # and SIGTERM is obeyed
    assert f"{pipe}: E001 cannot-read-file: is a named pipe (FIFO), not a regular file" in log
    assert "Traceback" not in log


@pytest.mark.parametrize("host, warned", [
    ("0.0.0.0", True), ("::", True), ("192.168.1.10", True), ("hall-terminal.example", True),
    ("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("localhost", False),
])
def test_listening_beyond_this_machine_is_warned_about(monkeypatch, host, warned):
    from typer.testing import CliRunner

    import checker.shells.web
    from checker.shells.cli import app
    started = []
    monkeypatch.setattr(checker.shells.web, "serve", lambda *a, **kw: started.append(kw["host"]))  # bind nothing
    r = CliRunner().invoke(app, ["serve", "--host", host, "--root", str(REPO)])
    assert r.exit_code == 0 and started == [host]
    warning = (f"warning: listening on {host}, not only on this machine: the self-check has no login, and anyone "
               "who can reach this address on the network can use it")
    assert (warning in r.stderr) is warned
    assert f"serving http://{f'[{host}]' if ':' in host else host}:8000/" in r.stderr

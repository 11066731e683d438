"""Running the web application with uvicorn: its limits (a connection cap, a request timeout, the
open-files limit), an access log without query strings, and floods of warnings throttled."""

from __future__ import annotations

import logging
import math
import threading
import time
from contextlib import contextmanager
from typing import Iterator



class NoQueryInAccessLog(logging.Filter):
    """Drop the query string from uvicorn's access log: the form's answers are in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


# Limits of the server. A connection that has not sent a whole request (head and body) within
# REQUEST_TIMEOUT seconds is closed (uvicorn has no such timeout: an idle or slow "slowloris"
# connection was kept for ever); at most MAX_CONNECTIONS are open, so a flood of idle sockets
# cannot use up the process's file descriptors: past the cap the longest-idle connection (one
# that has not sent a whole request head) is closed to make room, or, when every one is busy
# with a request, the new one is refused. uvicorn's own limit_concurrency is not used: it counts
# idle connections too and answers 503 to the real client while idle sockets hold the places.
MAX_CONNECTIONS = 1000
REQUEST_TIMEOUT = 10.0  # seconds
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept (uvicorn's timeout_keep_alive)
MAX_HEAD = 16 * 1024  # bytes of a request's head (h11's limit; past it: 400)
# asyncio accepts up to BACKLOG connections at a time, and may do so twice, before the cap can
# act on any of them: the cap leaves twice that many file descriptors free, and FD_RESERVE more
# for everything else (matter files, the thread pool, the log)
BACKLOG = 64
FD_RESERVE = 64

# uvicorn's warnings that a flood of bad requests or connections repeats; one line a minute each
FLOODS = ("Invalid HTTP request received.", "Exceeded concurrency limit.", "Unsupported upgrade request.",
          "closed the longest-idle connection: %d connections open, the cap",
          "refused a connection: %d connections open, the cap, every one busy",
          "closed a connection that sent no complete request in %g s",
          "cannot accept a connection: %s")


class _Throttle(logging.Filter):
    """Let each flood-prone warning (FLOODS, by its message template) through at most once every
    `every` seconds, saying how many like it were held back: a flood of bad connections gives a
    line a minute, not a line per connection."""

    def __init__(self, every: float = 60.0):
        super().__init__()
        self.every = every
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in FLOODS:
            return True
        now = time.monotonic()
        if now - self.last.get(record.msg, -math.inf) < self.every:
            self.held[record.msg] = self.held.get(record.msg, 0) + 1
            return False
        self.last[record.msg] = now
        held = self.held.pop(record.msg, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.every:g} s)"
        return True


def guarded_protocol(max_connections: int = MAX_CONNECTIONS, request_timeout: float = REQUEST_TIMEOUT):
    """uvicorn's h11 protocol with the connection cap and the request timeout described above."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Guarded(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.opened = self.loop.time()
            self.deadline = None
            self._arm()
            if len(self.connections) <= max_connections:
                return
            # one closed a moment ago stays in `connections` until the loop calls connection_lost
            live = [c for c in self.connections if isinstance(c, Guarded) and not c.transport.is_closing()]
            if len(live) <= max_connections:
                return
            idle = [c for c in live if c is not self and c.idle()]
            if idle:
                min(idle, key=lambda c: c.opened).close()
                self.logger.warning(FLOODS[3], len(live))
            else:
                self.logger.warning(FLOODS[4], len(live))
                self.close()

        def idle(self) -> bool:
            """No whole request head received since the connection opened or its last response."""
            return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

        def close(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

        def _arm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = self.loop.call_later(request_timeout, self._expire)

        def _expire(self) -> None:
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                self.logger.warning(FLOODS[5], request_timeout)
                self.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets its own time

        def connection_lost(self, exc) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            super().connection_lost(exc)

    return Guarded


def _config(app, host: str, port: int, max_connections: int = MAX_CONNECTIONS,
            request_timeout: float = REQUEST_TIMEOUT, **kw):
    import uvicorn
    return uvicorn.Config(app, host=host, port=port, lifespan="off", server_header=False, backlog=BACKLOG,
                          http=guarded_protocol(max_connections, request_timeout),
                          timeout_keep_alive=KEEP_ALIVE, h11_max_incomplete_event_size=MAX_HEAD, **kw)


def _server(config):
    """A uvicorn server whose event loop reports a failed accept (out of file descriptors) as one
    throttled warning: asyncio's own report is a traceback per attempt, thousands a second."""
    import asyncio
    import uvicorn

    def loop_errors(loop, context: dict) -> None:
        if context.get("message") == "socket.accept() out of system resource":
            logging.getLogger("uvicorn.error").warning(FLOODS[6], context.get("exception"))
        else:
            loop.default_exception_handler(context)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            asyncio.get_running_loop().set_exception_handler(loop_errors)
            await super().startup(sockets)

    return Server(config)


def raise_fd_limit(max_connections: int) -> int:
    """Raise the soft limit on open files to the hard one, and return the connection cap that
    fits under it (BACKLOG and FD_RESERVE kept free)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return max_connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(1, min(max_connections, soft - FD_RESERVE - 2 * BACKLOG))


def run(app, host: str = "127.0.0.1", port: int = 8000, max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT) -> None:
    """Run a web application with uvicorn, within these limits, until interrupted."""
    cap = raise_fd_limit(max_connections)
    config = _config(app, host, port, cap, request_timeout)
    logging.getLogger("uvicorn.access").addFilter(NoQueryInAccessLog())
    logging.getLogger("uvicorn.error").addFilter(_Throttle())
    if cap < max_connections:
        logging.getLogger("uvicorn.error").warning(
            "at most %d connections: the limit on open files allows no more", cap)
    _server(config).run()


@contextmanager
def running(app, host: str = "127.0.0.1", port: int = 0, timeout: float = 20.0) -> Iterator[str]:
    """Run the app with uvicorn in a background thread (for tests and embedding); yields its
    base URL and stops the server on exit. Port 0 picks a free port."""
    server = _server(_config(app, host, port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="checker-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout)

"""The applicant's self-check on the web (`checker serve`), and a JSON API for other programs.

Pages (Chinese by default, English with `?lang=en`; they work without JavaScript):

* `GET /` — the matters, with a search box (`?q=` matches the id and both names).
* `GET /matters/{id}` — the self-check form, empty; `POST /matters/{id}` with the form's answers
  (`date`, `<fact>=<answer>`..., `application/x-www-form-urlencoded`) — the same form with its
  answers. Its questions are those `checker.shells.interview.step` says can still change the result (the
  same logic as `checker ask`); answers are read by `interview.parse_answer`, a bad one is shown
  again with its message. When nothing more can change the result, the same page shows what to
  bring, or why the application cannot succeed. Answers travel only in POST bodies, never in an
  address: a shared terminal's history and a proxy's log see the path alone. Every control that
  needs the answers (language switch, taking back a "don't know", the notice) is a submit button
  of the form.
* `POST /matters/{id}/notice?format=html|text|markdown|json` with the same answers — the full
  notice for the answers so far (nothing presented yet), to print.

JSON API (described by the OpenAPI document at `GET /api/openapi.json`):

* `GET /api/matters` — the matters.
* `GET /api/matters/{id}/schema` — the JSON Schema of an application (`application_schema`).
* `POST /api/matters/{id}/check` — an application as JSON in, the notice as JSON out (the shape
  of `checker check --format json`); 422 with the problems, each naming its field; 404 for an
  unknown matter; 400 for a body that is not JSON; 413 for a body over 256 KiB.

Privacy: no application data is stored anywhere. There are no sessions, no cookies, no files
and no database; request bodies and answers are never logged (the access log written by
`serve` shows the method and path, never a query string); every response says
`Cache-Control: no-store` and `Referrer-Policy: no-referrer`.

Concurrency: uvicorn runs the synchronous handlers in a thread pool. Requests share nothing
mutable but the workspace's loaded and compiled matters (checker.workspace), built under its lock,
each matter loaded and compiled once; the engine serialises evaluations per rule set itself
(`checker.run.engine`). Everything else a request touches is its own.

Where each part lives: app (the routes), pages (the self-check pages), api (the JSON API),
openapi (its description), jsonbody (strict JSON), answers (reading the form's answers), views
(what the templates draw), library (the matters served), security (headers and body limits),
server (uvicorn, its limits and logs), templates/ (the pages' HTML).
"""

from pathlib import Path

from checker.shells.web.app import create_app
from checker.shells.web.security import MAX_BODY, MAX_FIELDS
from checker.shells.web.server import MAX_CONNECTIONS, REQUEST_TIMEOUT, NoQueryInAccessLog, run, running
from checker.source.local import Office


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, local: Path | str | None = None,
          office: Office | None = None, max_connections: int = MAX_CONNECTIONS,
          request_timeout: float = REQUEST_TIMEOUT, db: str | None = None, secure_cookies: bool = True) -> None:
    """The self-check and the API for the library at `root` (and with `db` the staff console),
    served until interrupted."""
    run(create_app(root, local, office, db, secure_cookies), host, port, max_connections, request_timeout)


__all__ = ["MAX_BODY", "MAX_FIELDS", "NoQueryInAccessLog", "create_app", "running", "serve"]

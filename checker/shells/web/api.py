"""The JSON API: the matters, the JSON Schema of an application, and a check (an application as
JSON in, the notice as JSON out, as `checker check --format json`); its description is openapi.py.

Errors are JSON too: 422 with the problems, each naming its field; 404 for an unknown matter; 400
for a body that is not JSON; 413 for a body over MAX_BODY; 500 for a matter whose files are broken
or an engine failure (logged, the application's values masked)."""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from checker.errors import CheckerError, Location
from checker.notice.render import render
from checker.run.application import application_schema, parse_application
from checker.run.engine import EngineError
from checker.service import check
from checker.shells.web.jsonbody import parse_json
from checker.shells.web.library import Library
from checker.shells.web.openapi import OPENAPI
from checker.shells.web.security import MAX_BODY, BodyError, BodyTooLarge, read_body
from checker.shells.web.views import language
from checker.source.local import Office
from checker.source.model import Matter
from checker.texts import t

log = logging.getLogger("checker.web")


def summary(m: Matter) -> dict:
    """A matter as GET /api/matters lists it."""
    return {"id": m.id, "name": m.name, "code": m.code, "department": m.department, "type": m.type,
            "level": m.level}


class BodyPaths:
    """Stands in for a YAML document in parse_application: a problem's location is the dotted
    path of the field in the JSON body (a body has no lines to point at)."""

    path = "<request body>"

    def where(self, path: tuple, *, key: bool = False) -> Location:
        return Location(".".join(str(p) for p in path))


_REQUIRED = re.compile(r"'([^']+)' is a required property")


def problem_json(p) -> dict:
    """A problem of the application as the API reports it, naming its field."""
    where = p.location.file
    if not where:
        found = _REQUIRED.search(p.message)
        where = found.group(1) if found else None
    return {"code": p.code, "message": p.message, "hint": p.hint, "field": where}


def error(status: int, key: str, lang: str, **values) -> JSONResponse:
    """An error of the API: {"error": the text web.api.<key>}."""
    return JSONResponse({"error": t(f"web.api.{key}", lang, **values)}, status_code=status)


class Broken(Exception):
    """The matter's own files do not load (not the request's fault)."""


class Api:
    """The API's handlers over the served matters (and the office whose notices they are)."""

    def __init__(self, library: Library, office: Office | None = None):
        self.library, self.office = library, office

    def matters(self, request: Request) -> Response:
        return JSONResponse([summary(m) for m in self.library.all()])

    def schema(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        matter_id = request.path_params["matter_id"]
        if not self.library.knows(matter_id):
            return error(404, "unknown_matter", lang, id=matter_id)
        try:
            return JSONResponse(application_schema(self.library.matter(matter_id)))
        except CheckerError:
            return error(500, "broken", lang)

    def _check(self, matter_id: str, data: Any) -> str:
        try:
            compiled = self.library.compiled(matter_id)
        except CheckerError as e:
            raise Broken() from e
        app = parse_application(data, compiled.matter, doc=BodyPaths())  # type: ignore[arg-type]
        return render(check(compiled, app, office=self.office), "json")

    async def check_application(self, request: Request) -> Response:
        """POST an application (JSON): the notice as JSON."""
        return await self._post(request, request.path_params["matter_id"], self.library.knows, "unknown_matter",
                                self._check)

    async def _post(self, request: Request, subject: str, knows, unknown: str, check_fn) -> Response:
        """The answer to a POSTed application for a matter or a bundle: the body read and parsed,
        checked by check_fn(subject, data) in a worker thread, each failure its status."""
        given = request.query_params.get("lang")
        lang = language(given)
        if given not in (None, "zh", "en"):
            return error(400, "bad_lang", lang)
        if not knows(subject):
            return error(404, unknown, lang, id=subject)
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return error(413, "too_large", lang, n=MAX_BODY)
        except BodyError:
            return error(400, "bad_length", lang)
        try:
            data = parse_json(body)
        except BodyError as e:
            return error(400, "not_json", lang, why=str(e))
        try:
            text = await run_in_threadpool(check_fn, subject, data)
        except Broken:
            return error(500, "broken", lang)
        except CheckerError as e:
            return JSONResponse({"problems": [problem_json(p) for p in e.problems]}, status_code=422)
        except EngineError:
            log.exception("engine error on %s", subject)
            return error(500, "engine", lang)
        return Response(text, media_type="application/json; charset=utf-8")

    # --- events (一件事)

    def bundles(self, request: Request) -> Response:
        return JSONResponse([{"id": b.id, "name": b.name, "members": [m.id for m in b.members]}
                             for b in self.library.bundles()])

    def bundle_schema(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        bundle_id = request.path_params["bundle_id"]
        if not self.library.knows_bundle(bundle_id):
            return error(404, "unknown_bundle", lang, id=bundle_id)
        try:
            return JSONResponse(application_schema(self.library.bundle(bundle_id).form))
        except CheckerError:
            return error(500, "broken", lang)

    def _check_event(self, bundle_id: str, data: Any) -> str:
        from checker.run.event import parse_event
        from checker.service import check_bundle
        try:
            bundle = self.library.bundle(bundle_id)
        except CheckerError as e:
            raise Broken() from e
        app = parse_event(bundle, data, doc=BodyPaths())
        try:
            return render(check_bundle(bundle, self.library.compiled, app, office=self.office), "json")
        except CheckerError as e:  # a member's files are broken: not the request's fault
            raise Broken() from e

    async def check_event(self, request: Request) -> Response:
        """POST an event's application (its one form, as JSON): the event's one notice as JSON."""
        return await self._post(request, request.path_params["bundle_id"], self.library.knows_bundle,
                                "unknown_bundle", self._check_event)

    def openapi(self, request: Request) -> Response:
        return JSONResponse(OPENAPI)

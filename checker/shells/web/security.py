"""What every request and response of the web goes through: the security headers (with the one
script the pages may run), and the limits on a request's body; answers are read from a POSTed
form's body only, never from an address."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qsl

from starlette.datastructures import MultiDict, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request

MAX_BODY = 256 * 1024  # bytes of an application sent to the API, or of the form's answers
MAX_FIELDS = 4096  # fields of one form submission (a list fact has one per record field)

# Submit the form as soon as an answer changes (progressive enhancement: the submit button
# does the same without JavaScript). Allowed by the Content-Security-Policy through its hash.
AUTO_SUBMIT = ("document.querySelectorAll('form.auto').forEach(function (f) {"
               " f.addEventListener('change', function (e) {"
               " if (e.target.matches('input, select')) { f.submit(); } }); });")
SCRIPT_HASH = base64.b64encode(hashlib.sha256(AUTO_SUBMIT.encode()).digest()).decode()
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_HASH}'; "
                                "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
}


class SecurityHeaders:
    """Adds HEADERS to every HTTP response (pure ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    if k not in headers:
                        headers[k] = v
            await send(message)

        await self.app(scope, receive, sending)


class BodyError(ValueError):
    """A request body that cannot be read: a bad Content-Length, or not the JSON it should be."""


class BodyTooLarge(Exception):
    """A request body over MAX_BODY bytes."""


async def read_body(request: Request) -> bytes:
    """The request body, at most MAX_BODY bytes (BodyTooLarge past it, BodyError for a bad
    Content-Length); the bytes read are counted, whatever Content-Length says."""
    length = request.headers.get("content-length")
    if length is not None:
        if not re.fullmatch(r"[0-9]{1,18}", length.strip()):
            raise BodyError("invalid Content-Length")
        if int(length) > MAX_BODY:
            raise BodyTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BodyTooLarge()
    return bytes(body)


async def form_answers(request: Request) -> MultiDict:
    """The answers of a POSTed form (an HTML form's urlencoded body); none for a GET, even if the
    address carries some: answers are never taken from an address."""
    if request.method != "POST":
        return MultiDict()
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    try:
        body = await read_body(request)
    except BodyTooLarge:
        raise HTTPException(413, f"the form is larger than {MAX_BODY} bytes") from None
    except BodyError as e:
        raise HTTPException(400, str(e)) from None
    try:
        return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                   max_num_fields=MAX_FIELDS, errors="strict"))
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not UTF-8 text") from None
    except ValueError:
        raise HTTPException(413, f"the form has more than {MAX_FIELDS} fields") from None

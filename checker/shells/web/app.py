"""The web application: its routes, in one list, over the pages and the API."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import Route

from checker.shells.privacy import mask_logs
from checker.shells.web.api import Api
from checker.shells.web.library import Library
from checker.shells.web.pages import Pages, server_error
from checker.shells.web.security import SecurityHeaders
from checker.source.local import Office, choose_locality
from checker.workspace import Workspace


def create_app(root: Path, local: Path | str | None = None, office: Office | None = None,
               db: str | None = None, secure_cookies: bool = True) -> Starlette:
    """The web application over the matters in ROOT/matters (rule sets in ROOT/rules), under a
    locality's rules (the office's, or `local`) and with the office's name and telephones on its
    pages and notices; with `db` (a register database), the staff console under /staff too. Its
    logs (and the server's) never show a full ID number."""
    mask_logs()
    library = Library(Workspace(root), choose_locality(Path(root), office=office, local=local))
    pages, api = Pages(library, office), Api(library, office)
    routes = [
        Route("/", pages.index),
        Route("/matters/{matter_id}", pages.matter, methods=["GET", "POST"]),
        Route("/matters/{matter_id}/notice", pages.notice, methods=["GET", "POST"]),
        Route("/bundles/{bundle_id}", pages.bundle, methods=["GET", "POST"]),
        Route("/bundles/{bundle_id}/notice", pages.bundle_notice, methods=["GET", "POST"]),
        Route("/api/matters", api.matters),
        Route("/api/bundles", api.bundles),
        Route("/api/bundles/{bundle_id}/schema", api.bundle_schema),
        Route("/api/bundles/{bundle_id}/check", api.check_event, methods=["POST"]),
        Route("/api/matters/{matter_id}/schema", api.schema),
        Route("/api/matters/{matter_id}/check", api.check_application, methods=["POST"]),
        Route("/api/openapi.json", api.openapi),
    ]
    if db is not None:
        from checker.shells.web.console import Console
        routes += Console(root, db, secure_cookies).routes()

    async def http_error(request, exc: HTTPException):
        if exc.status_code == 303 and exc.headers and "Location" in exc.headers:  # to the console's login
            return RedirectResponse(exc.headers["Location"], status_code=303)
        return await pages.http_error(request, exc)

    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.library = library
    return app

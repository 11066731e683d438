"""The OpenAPI 3.1 description of the JSON API (served at GET /api/openapi.json), as data."""

from __future__ import annotations

from checker import __version__
from checker.shells.web.security import MAX_BODY

# parts used more than once
MATTER_ID = {"name": "id", "in": "path", "required": True, "description": "matter id, e.g. individual-business-registration",
             "schema": {"type": "string"}}
ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
BUNDLE_ID = {"name": "id", "in": "path", "required": True, "description": "bundle id, e.g. newborn",
             "schema": {"type": "string"}}
TEXT = {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}

# the document; JSONResponse serialises it afresh for each request, nothing changes it
OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {"title": "gov-checker API", "version": __version__,
             "description": "Check an application for a government-service matter (事项) and get the one-time "
                            "notice (一次性告知书). No application data is stored."},
    "paths": {
        "/api/matters": {"get": {
            "summary": "The matters",
            "operationId": "listMatters",
            "responses": {"200": {"description": "every matter",
                                  "content": {"application/json": {"schema": {
                                      "type": "array", "items": {"$ref": "#/components/schemas/Matter"}}}}}}}},
        "/api/matters/{id}/schema": {"get": {
            "summary": "The JSON Schema of an application for the matter",
            "operationId": "applicationSchema",
            "parameters": [MATTER_ID],
            "responses": {"200": {"description": "a JSON Schema (draft 2020-12)",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "404": {"description": "unknown matter", **ERROR}}}},
        "/api/matters/{id}/check": {"post": {
            "summary": "Check an application: the notice",
            "operationId": "checkApplication",
            "parameters": [MATTER_ID, {
                "name": "lang", "in": "query", "required": False,
                "description": "language of error messages; the notice carries both languages",
                "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"}}],
            "requestBody": {"required": True, "description": (
                f"the application (at most {MAX_BODY} bytes of UTF-8 JSON); its schema is given by "
                "GET /api/matters/{id}/schema"),
                "content": {"application/json": {"schema": {"type": "object", "required": ["date"]},
                                                 "example": {"date": "2026-03-02",
                                                             "facts": {"premises_tenure": "leased"},
                                                             "materials": [{"id": "IB-01", "form": "original",
                                                                            "copies": 1, "signed": True}]}}}},
            "responses": {
                "200": {"description": "the notice (schema checker.notice/1, as `checker check --format json`)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notice"}}}},
                "400": {"description": "the body is not JSON (or lang is not zh or en)", **ERROR},
                "404": {"description": "unknown matter", **ERROR},
                "413": {"description": f"the body is larger than {MAX_BODY} bytes", **ERROR},
                "422": {"description": "the application does not fit the matter's schema",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
                "500": {"description": "internal error of the checker", **ERROR}}}},
        "/api/bundles": {"get": {
            "summary": "The bundles (一件事): life and business events served by several matters",
            "operationId": "listBundles",
            "responses": {"200": {"description": "every bundle",
                                  "content": {"application/json": {"schema": {
                                      "type": "array", "items": {"$ref": "#/components/schemas/Bundle"}}}}}}}},
        "/api/bundles/{id}/schema": {"get": {
            "summary": "The JSON Schema of an event's one form (the members' facts, each once; the shared documents)",
            "operationId": "eventSchema",
            "parameters": [BUNDLE_ID],
            "responses": {"200": {"description": "a JSON Schema (draft 2020-12)",
                                  "content": {"application/json": {"schema": {"type": "object"}}}},
                          "404": {"description": "unknown bundle", **ERROR}}}},
        "/api/bundles/{id}/check": {"post": {
            "summary": "Check an event's application: the event's one notice",
            "operationId": "checkEvent",
            "parameters": [BUNDLE_ID, {
                "name": "lang", "in": "query", "required": False,
                "description": "language of error messages; the notice carries both languages",
                "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"}}],
            "requestBody": {"required": True, "description": (
                f"the event's application (at most {MAX_BODY} bytes of UTF-8 JSON); its schema is given by "
                "GET /api/bundles/{id}/schema"),
                "content": {"application/json": {"schema": {"type": "object", "required": ["date"]}}}},
            "responses": {
                "200": {"description": "the event's notice (schema checker.event-notice/1, as `checker check BUNDLE --format json`)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventNotice"}}}},
                "400": {"description": "the body is not JSON (or lang is not zh or en)", **ERROR},
                "404": {"description": "unknown bundle", **ERROR},
                "413": {"description": f"the body is larger than {MAX_BODY} bytes", **ERROR},
                "422": {"description": "the application does not fit the event's form",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
                "500": {"description": "internal error of the checker", **ERROR}}}},
    },
    "components": {"schemas": {
        "Matter": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": TEXT, "code": {"type": "string"}, "department": TEXT,
            "type": {"type": "string"}, "level": {"type": "string"}}},
        "Bundle": {"type": "object", "properties": {
            "id": {"type": "string"}, "name": TEXT, "members": {"type": "array", "items": {"type": "string"}}}},
        "EventNotice": {"type": "object", "description": "see README, 'Bundles'", "properties": {
            "schema": {"const": "checker.event-notice/1"},
            "outcome": {"enum": ["accept", "rongque", "correct", "questions", "partial", "refuse", "not_required"]},
            "members": {"type": "array", "items": {"type": "object", "description": "each member's outcome and notice"}},
            "missing": {"type": "array", "items": {"type": "object", "description": "one item per document, naming every member that needs it"}},
            "produced": {"type": "array", "items": {"type": "object"}},
            "info_needed": {"type": "array", "items": {"type": "object"}}}},
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
        "Problems": {"type": "object", "required": ["problems"], "properties": {"problems": {
            "type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string", "description": "problem code, see `checker rule CODE`"},
                "message": {"type": "string"}, "hint": {"type": "string"},
                "field": {"type": ["string", "null"], "description": "dotted path of the field, e.g. facts.premises_tenure"}}}}}},
        "Notice": {"type": "object", "description": "see README, 'The notice as JSON'", "properties": {
            "schema": {"const": "checker.notice/1"},
            "outcome": {"enum": ["accept", "rongque", "correct", "refuse", "redirect", "not_required"]},
            "missing": {"type": "array", "items": {"type": "object"}},
            "defective": {"type": "array", "items": {"type": "object"}},
            "possibly_required": {"type": "array", "items": {"type": "object"}},
            "reasons": {"type": "array", "items": {"type": "object"}},
            "info_needed": {"type": "array", "items": {"type": "object"}}}},
    }},
}

"""Applications: the generated schema, and clear errors naming the field."""

from __future__ import annotations

import pytest

from checker.run.application import application_schema, parse_application
from checker.errors import CheckerError
from checker.source.yamlsource import load_text
from conftest import complete_test_application as appl


def problems(test_licence, data, text=None):
    with pytest.raises(CheckerError) as e:
        if text is not None:
            doc = load_text(text, "app.yaml")
            parse_application(doc.data, test_licence.matter, doc)
        else:
            parse_application(data, test_licence.matter)
    return e.value.problems


def test_schema_is_generated_from_declared_facts(test_licence):
    s = application_schema(test_licence.matter)
    facts = s["properties"]["facts"]["properties"]
    assert facts["region"]["anyOf"][0] == {"enum": ["local", "other_province"]}
    assert facts["members"]["anyOf"][0]["type"] == "integer"
    assert facts["homes"]["anyOf"][0]["items"]["properties"]["area"]["anyOf"][0]["type"] == "number"
    assert s["properties"]["facts"]["additionalProperties"] is False
    assert "TL-08/lease" in s["properties"]["materials"]["items"]["properties"]["id"]["enum"]
    assert "age" not in facts  # derived facts are computed, never given


def test_misspelt_fact_is_named_with_a_suggestion(test_licence):
    [p] = problems(test_licence, None, 'date: "2026-01-05"\nfacts:\n  has_cars: true\n')
    assert (p.location.line, p.location.column) == (3, 3)
    assert "unknown field 'has_cars'" in p.message and "has_car" in p.hint


def test_wrong_type_says_what_is_expected(test_licence):
    [p] = problems(test_licence, None, 'date: "2026-01-05"\nfacts:\n  members: "3"\n')
    assert p.location.line == 3 and "facts.members" in p.message
    assert "integer" in p.message + p.hint


def test_string_number_is_not_coerced(test_licence):
    # durable-rules would compare '18' >= 18 as true: the schema refuses it first
    [p] = problems(test_licence, appl(members="18"))
    assert "facts.members" in p.message and "integer" in p.message


def test_derived_fact_given_is_refused(test_licence):
    [p] = problems(test_licence, appl(age=30))
    assert "derived" in p.message


def test_impossible_date_is_refused(test_licence):
    [p] = problems(test_licence, appl(birth_date="2023-02-29"))
    assert "not a real date" in p.message


def test_unknown_material_id_gets_a_suggestion(test_licence):
    a = appl()
    a["materials"].append({"id": "TL-99"})
    [p] = problems(test_licence, a)
    assert "TL-99" in p.message


def test_material_listed_twice(test_licence):
    a = appl()
    a["materials"].append({"id": "TL-01"})
    [p] = problems(test_licence, a)
    assert "listed twice" in p.message


def test_date_is_required(test_licence):
    [p] = problems(test_licence, {"facts": {}})
    assert "'date' is a required property" in p.message


def test_null_means_unknown(test_licence):
    app = parse_application(appl(has_car=None), test_licence.matter)
    assert "has_car" not in app.engine_facts()


def test_digest_depends_on_content_only(test_licence):
    a, b = appl(), appl()
    assert parse_application(a, test_licence.matter).digest == parse_application(b, test_licence.matter).digest
    b["facts"]["members"] = 4
    assert parse_application(a, test_licence.matter).digest != parse_application(b, test_licence.matter).digest


def test_nan_in_a_json_body_is_refused(test_licence):
    [p] = problems(test_licence, appl(monthly_income=float("nan")))
    assert "not a finite number" in p.message

"""Every problem code the checker reports, with a name, an explanation and a bad and a good example.

`checker rule CODE` prints an entry; `checker validate --select/--ignore` use the codes;
tests/test_codes.py loads every bad example and asserts that it reports its code, and every good
example and asserts that it does not — the documentation is the test suite, as in ruff.

Families: E input files, S schema, M matter semantics, C conditions, L local settings,
A applications, W lint warnings (legal but almost certainly wrong).

Example contexts: `matter` is a fragment appended to TINY (a small valid matter head);
`matter-file` and `ruleset` are whole files; `local` is a local settings file applied to
tests/fixtures/matters/test-licence.yaml; `application` is an application for that matter;
`special` is tested by its own test (missing or unreadable files).
"""

from __future__ import annotations

from dataclasses import dataclass

def matter_head(matter_id: str, zh: str, en: str) -> str:
    """The smallest valid head of a matter file: identity, basis, time limit, fee and flow."""
    return f"""matter: {matter_id}
name: {{zh: {zh}, en: {en}}}
department: {{zh: 测试局, en: Test bureau}}
level: county
type: licence
basis: [{{zh: 测试条例第一条, en: "Test Regulation, art. 1"}}]
time_limit: {{statutory: {{days: 20}}}}
fee: {{amount: 0}}
flow:
  - {{step: apply, kind: apply, name: {{zh: 申请, en: Application}}}}
  - {{step: decide, kind: decide, name: {{zh: 决定, en: Decision}}}}
"""


TINY = matter_head("tiny", "小事项", "Tiny matter") + """facts:
  age:
    type: integer
    minimum: 0
    question: {zh: 申请人年龄, en: "The applicant's age"}
    from: applicant
    record_only: true
  kind:
    type: enum
    values: [shop, stall]
    value_labels: {shop: {zh: 店铺, en: shop}, stall: {zh: 摊位, en: stall}}
    question: {zh: 经营类别, en: Kind of business}
    from: applicant
    record_only: true
"""

FORM = "  - {id: TM-01, name: {zh: 申请表, en: Application form}, form: original, basis: [{zh: 测试条例第二条, en: \"Test Regulation, art. 2\"}]}\n"


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    severity: str  # error | warning
    summary: str
    explanation: str
    bad: str
    good: str
    context: str = "matter"


CODES: dict[str, Code] = {c.code: c for c in [
    # ------------------------------------------------------------------ E: input files
    Code("E001", "cannot-read-file", "error", "A named file does not exist, is not a regular file, or cannot be read.",
         "The path given on the command line (or an include, or a file in a screened folder) does not name "
         "a readable regular file. Named pipes (FIFOs), devices and sockets are refused rather than read (a "
         "FIFO blocks until a writer comes, a device may never end), and `checker screen` does not follow a "
         "link out of the folder it screens unless given --follow-links.",
         "checker check tiny missing.yaml", "checker check tiny application.yaml", "special"),
    Code("E002", "file-too-large", "error", "A file is larger than the 2 MiB limit.",
         "Rule files and applications are small; a larger file is refused before it is parsed, so a "
         "mistaken or hostile input cannot exhaust memory.", "(a 3 MiB file)", "(a 2 KiB file)", "special"),
    Code("E003", "not-utf8", "error", "A file is not UTF-8 text.",
         "Files must be UTF-8 (a byte-order mark is accepted). Re-save a GBK file as UTF-8.",
         "(GBK-encoded bytes)", "(the same text saved as UTF-8)", "special"),
    Code("E004", "cannot-write", "error", "An output file cannot be written.",
         "`--output` names a folder that does not exist or is not writable.",
         "checker check tiny a.yaml -o /no/such/dir/n.html", "checker check tiny a.yaml -o notice.html", "special"),
    Code("E010", "yaml-syntax", "error", "The file is not valid YAML.",
         "A YAML syntax error, with the line and column where the parser stopped. In flow mappings "
         "`{zh: ..., en: ...}` quote text that contains `,` `:` `?` or `#`.",
         TINY + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E011", "alias", "error", "YAML anchors and aliases are not allowed.",
         "An alias can make a small file expand without bound (a 'billion laughs' file); write values out.",
         TINY + "materials:\n  - &m {id: TM-01, name: {zh: 表, en: Form}, form: original}\n  - *m\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E012", "complex-key", "error", "A mapping key is not a plain string.",
         "Keys must be plain scalars; YAML's complex keys and merge keys (`<<`) are not supported.",
         TINY + "materials:\n  - <<: {id: TM-01}\n    name: {zh: 表, en: Form}\n    form: original\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E013", "duplicate-key", "error", "A key appears twice in one mapping.",
         "YAML loaders usually keep the last value silently, losing the first: the checker refuses.",
         TINY + "materials:\n  - id: TM-01\n    name: {zh: 表, en: Form}\n    form: original\n    form: copy\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E014", "tag", "error", "A YAML tag that would build an object.",
         "Rules are data, never code: tags such as `!!python/object` are refused and never run.",
         TINY + "materials: !!python/object/apply:os.system ['echo']\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E015", "not-finite", "error", "A number is NaN or infinite.",
         "`.nan`, `.inf` and overflowing numbers cannot be compared meaningfully.",
         TINY.replace("    minimum: 0", "    minimum: .nan") + "materials:\n" + FORM,
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("E016", "cannot-format", "error", "`checker fmt` cannot format a file.",
         "The file is not in matters/, rules/ or local/ (so its kind is unknown), or formatting would "
         "change its meaning, which the formatter refuses to do (please report it).",
         "checker fmt notes/todo.yaml", "checker fmt matters/street-stall.yaml", "special"),
    Code("E017", "too-deep", "error", "A file nests mappings or lists more than 64 levels deep.",
         "Rule files and applications nest a few levels; a very deep file is refused before it can "
         "exhaust the stack.", "a: " + "[" * 70 + "]" * 70 + "\n", TINY + "materials:\n" + FORM, "matter-file"),
    Code("E020", "unknown-matter", "error", "No matter with that id.",
         "The id is not the name of a file in matters/; the message suggests the closest one.",
         "checker check individual-busines-registration a.yaml",
         "checker check individual-business-registration a.yaml", "special"),
    Code("E021", "unknown-code", "error", "`checker rule` was given a code that does not exist.",
         "Codes are a letter and three digits; `checker rule` lists them all.",
         "checker rule W999", "checker rule W002", "special"),
    Code("E022", "register-unavailable", "error", "The register of notices cannot be opened or written.",
         "`--db` names a SQLite file in a folder that does not exist, or a PostgreSQL server that cannot "
         "be reached or refuses the login; the message says which (passwords are never shown).",
         "checker screen batch.jsonl --db postgresql://nobody@127.0.0.1:1/none",
         "checker screen batch.jsonl --db register.sqlite", "special"),
    Code("E024", "key-taken", "error", "A record's submission key is taken by another application.",
         "A submission is known by MATTER/REFERENCE (or, without a reference, by the file and line it was "
         "read from). A batch may hold a reference once; and a notice in the register is superseded only "
         "by the same applicant (the same ID number, or else the same name). Otherwise the record is "
         "refused, so that one applicant's notice never closes another's.",
         "two records with reference 2026/001 in one batch", "references 2026/001 and 2026/002", "special"),
    Code("E023", "not-in-register", "error", "The register has no notice with that number or key, or a filter value is wrong.",
         "Document numbers look like 西市监审补〔2026〕第0042号; keys are MATTER/REFERENCE as `checker screen` records them.",
         "checker register show X审补〔2026〕第9999号 --db register.sqlite",
         "checker register show X审补〔2026〕第0001号 --db register.sqlite", "special"),
    Code("E030", "account-refused", "error", "A staff account or office cannot be added or changed that way.",
         "Account names have 2 to 64 small letters, digits, '.', '_' or '-'; passwords at least 10 characters; "
         "a clerk or chief belongs to an office added first (`checker users office`); an office's "
         "abbreviation and name belong to one office.",
         "checker users add wang --role clerk --office no-such-office --db hall.db",
         "checker users add wang --role clerk --office west-amr --db hall.db", "special"),
    Code("E025", "no-matters", "error", "The root folder holds no matter files.",
         "`--root`, `$CHECKER_ROOT` or the nearest folder with a matters/ folder above the current one "
         "names the matter library; it must exist and hold matters/*.yaml. Without any of these, the "
         "library installed with the package is used.",
         "checker list --root /no/such/folder", "checker list --root /path/to/gov-checker", "special"),
    Code("E026", "unknown-locality", "error", "No locality of that id is in the matter library.",
         "`--local ID`, an office's `locality` and an application's `locality` name a file local/ID.yaml "
         "of the library (`checker list --localities` lists them); a path to a local settings file is "
         "accepted too.",
         "checker check food-business-licence app.yaml --local hunnan",
         "checker check food-business-licence app.yaml --local hunan", "special"),
    Code("E027", "locality-conflict", "error", "Two things choose different localities for one check.",
         "An office applies one locality's rules (its `locality`, or the national rules without one): "
         "`--local` is for running without an office, and an application may name its locality only "
         "to say which rules it expects. A notice is never issued under rules its application contradicts.",
         "checker check food-business-licence app.yaml --office examples/office.yaml --local shanghai",
         "checker check food-business-licence app.yaml --office examples/office.yaml", "special"),
    Code("E028", "cannot-make-pdf", "error", "A PDF was asked for where none can be made.",
         "A PDF is binary: it is written to the file `--output` names, never to the terminal. Making one "
         "needs WeasyPrint's system libraries (Pango 1.44 or newer) and the Noto CJK fonts; where they are "
         "missing the message says which packages to install (`make` installs them when run as root).",
         "checker check tiny a.yaml --format pdf", "checker check tiny a.yaml --format pdf --output notice.pdf",
         "special"),
    Code("E029", "unreadable-notice", "error", "A notice kept in the register cannot be read back.",
         "`checker register show NUMBER --format ...` prints a notice again from the JSON the register "
         "stored when it was issued. That JSON is not JSON, is of an unknown schema, or lacks a field or "
         "has one of the wrong type (the message names it): it was changed after it was issued. "
         "`--format json` still prints it as it is stored.",
         "checker register show X审补〔2026〕第0001号 --db edited.sqlite --format html",
         "checker register show X审补〔2026〕第0001号 --db register.sqlite --format html", "special"),
    # ------------------------------------------------------------------ S: schema
    Code("S001", "schema", "error", "The file does not follow the JSON Schema.",
         "A required key is missing, a key is unknown (with a suggestion), or a value has the wrong "
         "type or form. The schema is checker/source/schemas/matter.schema.json (ruleset, local likewise).",
         TINY + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: orignal}\n",
         TINY + "materials:\n" + FORM, "matter-file"),
    Code("S002", "not-a-mapping", "error", "The file is not a mapping of keys to values.",
         "A matter, rule set or local file starts with keys such as `matter:`; a list or a bare value "
         "at the top is not a rule file.", "- matter: tiny\n", TINY + "materials:\n" + FORM, "matter-file"),
    # ------------------------------------------------------------------ M: matter semantics
    Code("M003", "derived-cycle", "error", "A derived fact depends on itself.",
         "Derived facts are computed in dependency order; a cycle has no order.",
         "derived:\n  x: {type: integer, value: y + 1, label: {zh: x, en: x}}\n"
         "  y: {type: integer, value: x + 1, label: {zh: y, en: y}}\nmaterials:\n" + FORM,
         "derived:\n  x: {type: integer, value: age + 1, label: {zh: 年龄加一, en: age plus one}}\nmaterials:\n" + FORM),
    Code("M004", "duplicate-material", "error", "A material ID is used twice.",
         "Each material of a matter has its own reference ID.",
         "materials:\n" + FORM + FORM, "materials:\n" + FORM),
    Code("M005", "duplicate-option", "error", "Two alternatives of a material have the same key.",
         "Each alternative (`option`) of a material needs a key of its own.",
         "materials:\n  - id: TM-01\n    name: {zh: 证明, en: Proof}\n    form: copy\n    alternatives:\n"
         "      - {option: a, name: {zh: 甲, en: A}, parts: [{part: x, name: {zh: 甲, en: A}}]}\n"
         "      - {option: a, name: {zh: 乙, en: B}, parts: [{part: y, name: {zh: 乙, en: B}}]}\n",
         "materials:\n  - id: TM-01\n    name: {zh: 证明, en: Proof}\n    form: copy\n    basis: [{zh: 条例, en: Regulation}]\n    alternatives:\n"
         "      - {option: a, name: {zh: 甲, en: A}, parts: [{part: x, name: {zh: 甲, en: A}}]}\n"
         "      - {option: b, name: {zh: 乙, en: B}, parts: [{part: y, name: {zh: 乙, en: B}}]}\n"),
    Code("M006", "inconsistent-part", "error", "A part used in two alternatives has different forms or copies.",
         "A part that serves several routes is one document: give it one form and one number of copies.",
         "materials:\n  - id: TM-01\n    name: {zh: 证明, en: Proof}\n    form: copy\n    alternatives:\n"
         "      - {option: a, name: {zh: 甲, en: A}, parts: [{part: x, name: {zh: 甲, en: A}}]}\n"
         "      - {option: b, name: {zh: 乙, en: B}, parts: [{part: x, name: {zh: 甲, en: A}, form: original}]}\n",
         "materials:\n  - id: TM-01\n    name: {zh: 证明, en: Proof}\n    form: copy\n    basis: [{zh: 条例, en: Regulation}]\n    alternatives:\n"
         "      - {option: a, name: {zh: 甲, en: A}, parts: [{part: x, name: {zh: 甲, en: A}}]}\n"
         "      - {option: b, name: {zh: 乙, en: B}, parts: [{part: x, name: {zh: 甲, en: A}}]}\n"),
    Code("M007", "impossible-date", "error", "An effective date is not a real date.",
         "Dates are YYYY-MM-DD calendar dates: 2025-02-30 does not exist.",
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, effective_from: "2025-02-30"}\n',
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, effective_from: "2025-03-01", basis: [{zh: 条例, en: Regulation}]}\n'),
    Code("M008", "empty-period", "error", "effective_until is not after effective_from.",
         "effective_from is the first day a material applies and effective_until the first day it "
         "no longer does: the period would be empty.",
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, effective_from: "2025-05-10", effective_until: "2025-05-10"}\n',
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, effective_from: "2025-05-10", effective_until: "2025-05-11", basis: [{zh: 条例, en: Regulation}]}\n'),
    Code("M009", "duplicate-rule", "error", "A rule ID is used twice.",
         "Rule IDs name rules in notices and examples; each is unique.",
         "rules:\n  - {id: young, when: age < 16, outcome: refuse, reason: {zh: 未满16岁, en: under 16}, basis: [{zh: 条例, en: Regulation}]}\n"
         "  - {id: young, when: age > 90, outcome: refuse, reason: {zh: 超过90岁, en: over 90}, basis: [{zh: 条例, en: Regulation}]}\n"
         "materials:\n" + FORM,
         "rules:\n  - {id: young, when: age < 16, outcome: refuse, reason: {zh: 未满16岁, en: under 16}, basis: [{zh: 条例, en: Regulation}]}\n"
         "materials:\n" + FORM),
    Code("M010", "unknown-ruleset", "error", "`include` names a shared rule set that does not exist.",
         "Shared rule sets are files in rules/; the message lists those available.",
         "include: [agnet]\nmaterials:\n" + FORM, "include: [agent]\nmaterials:\n" + FORM),
    Code("M011", "ruleset-name", "error", "A rule set's name differs from its file name.",
         "rules/agent.yaml must say `ruleset: agent`, so that `include: [agent]` finds it.",
         "ruleset: agents\nname: {zh: 代理, en: Agents}\n", "ruleset: sample\nname: {zh: 样例, en: Sample}\n", "ruleset"),
    Code("M012", "unknown-template", "error", "`use` names a material template that does not exist.",
         "`use: ruleset.template` needs the rule set in `include` and a template of that name.",
         "materials:\n  - {id: TM-01, use: agent.authorisation}\n",
         "include: [agent]\nmaterials:\n  - {id: TM-01, use: agent.authorisation, basis: [{zh: 条例, en: Regulation}]}\n"),
    Code("M013", "example-names-nothing", "error", "An example expects a material, fact or rule the matter does not define.",
         "Expectations must name real IDs, or the example could never fail for the right reason.",
         "materials:\n" + FORM + "examples:\n  - {name: x, application: {date: \"2026-01-05\"}, expect: {outcome: correct, missing: [TM-02]}}\n",
         "materials:\n" + FORM + "examples:\n  - {name: x, application: {date: \"2026-01-05\"}, expect: {outcome: correct, missing: [TM-01]}}\n"),
    Code("M014", "changes-out-of-order", "error", "A parameter's dated changes are not in date order.",
         "Each change applies from its date on; list them from the earliest.",
         "parameters:\n  line: {type: integer, value: 1, label: {zh: 线, en: line}, changes: [{from: \"2024-01-01\", value: 3}, {from: \"2023-01-01\", value: 2}]}\nmaterials:\n" + FORM,
         "parameters:\n  line: {type: integer, value: 1, label: {zh: 线, en: line}, changes: [{from: \"2023-01-01\", value: 2}, {from: \"2024-01-01\", value: 3}]}\nmaterials:\n" + FORM),
    Code("M015", "parameter-type", "error", "A parameter value does not fit the parameter's type.",
         "A parameter declared `integer` takes whole numbers; `enum` one of its values; and so on.",
         'parameters:\n  photos: {type: integer, value: "3", label: {zh: 照片, en: photos}}\nmaterials:\n' + FORM,
         "parameters:\n  photos: {type: integer, value: 3, label: {zh: 照片, en: photos}}\nmaterials:\n" + FORM),
    Code("M016", "not-a-parameter", "error", "`copies` or `shared` names something that is not a parameter of the right type.",
         "`copies: NAME` needs an integer parameter; `shared: NAME` a bool parameter.",
         "materials:\n  - {id: TM-01, name: {zh: 照片, en: Photos}, form: original, copies: photos}\n",
         "parameters:\n  photos: {type: integer, value: 3, label: {zh: 照片, en: photos}}\n"
         "materials:\n  - {id: TM-01, name: {zh: 照片, en: Photos}, form: original, copies: photos, basis: [{zh: 条例, en: Regulation}]}\n"),
    Code("M020", "declaration-unknown-material", "error",
         "A fact is declared on a material the matter does not have.",
         "`from: {declaration: ID, value: ...}` names the signed material (or part) that states the fact; "
         "it must be one of the matter's materials.",
         "  signed: {type: bool, question: {zh: 已声明, en: Declared?}, from: {declaration: TM-09, value: true}}\n"
         "materials:\n" + FORM,
         "  signed: {type: bool, question: {zh: 已声明, en: Declared?}, from: {declaration: TM-01, value: true}, record_only: true}\n"
         "materials:\n" + FORM),
    Code("M021", "declaration-value-type", "error",
         "The value a signed material declares is not of the fact's type.",
         "`from: {declaration: ID, value: V}`: V is the value the fact takes when the material is presented "
         "signed, so it must be a value of the fact's type.",
         "  signed: {type: bool, question: {zh: 已声明, en: Declared?}, from: {declaration: TM-01, value: \"yes\"}, record_only: true}\n"
         "materials:\n" + FORM,
         "  signed: {type: bool, question: {zh: 已声明, en: Declared?}, from: {declaration: TM-01, value: true}, record_only: true}\n"
         "materials:\n" + FORM),
    Code("M022", "example-locality", "error", "An example names a locality the library has no file for.",
         "`locality: ID` runs the example with local/ID.yaml applied, as an office of that locality would.",
         "materials:\n" + FORM + "examples:\n  - {name: x, locality: atlantis, application: {date: \"2026-01-05\"}, expect: {outcome: correct}}\n",
         "materials:\n" + FORM + "examples:\n  - {name: x, locality: hunan, application: {date: \"2026-01-05\"}, expect: {outcome: correct}}\n"),
    Code("M017", "example-parameter", "error", "An example sets a parameter the matter does not declare.",
         "An example may set parameters as a local office would; only declared ones.",
         "materials:\n" + FORM + "examples:\n  - {name: x, parameters: {photos: 6}, application: {date: \"2026-01-05\"}, expect: {outcome: correct}}\n",
         "parameters:\n  photos: {type: integer, value: 3, label: {zh: 照片, en: photos}}\nmaterials:\n" + FORM +
         "examples:\n  - {name: x, parameters: {photos: 6}, application: {date: \"2026-01-05\"}, expect: {outcome: correct}}\n"),
    Code("M018", "engine-limit", "error", "The matter compiles to more engine rules than durable-rules takes.",
         "Each condition becomes two engine rules (true and false), each material check one. durable-rules "
         "refuses a ruleset of more than 4,096 rules and allocates about 8 KB per rule for every "
         "application; the checker takes at most 3,500 (engine.LIMITS, measured by bench/limits.py) and "
         "refuses a larger matter before the engine sees it. Its other limits (tests matched at once, "
         "fields of one fact, length of one condition, rules on one condition) are kept by the compiler, "
         "which asserts a large stage as several facts and decides an over-long condition in Python.",
         "(a matter with 1,800 rules: 3,600 engine rules)", "(the same rules split into two matters of 900)",
         "special"),
    # ------------------------------------------------------------------ C: conditions
    Code("C001", "syntax", "error", "A condition is not valid in the condition language.",
         "The column points at the character where parsing stopped; see README, 'The condition language'.",
         "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: age >= 18 and}\n",
         "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: age >= 18, basis: [{zh: 条例, en: Regulation}]}\n"),
    Code("C002", "type", "error", "A condition names an unknown fact, or compares values of different types.",
         "Conditions are type-checked against the declared facts: an unknown name gets a suggestion, "
         "an enum value that cannot occur is named, a date is compared only with a date.",
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: kind == "shops"}\n',
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: kind == "shop", basis: [{zh: 条例, en: Regulation}]}\n'),
    Code("C003", "derived-type", "error", "A derived fact's value does not have its declared type.",
         "`type: integer` with `value: age > 60` (a bool) is a mistake in one or the other.",
         "derived:\n  old: {type: integer, value: age > 60, label: {zh: 老, en: old}}\nmaterials:\n" + FORM,
         "derived:\n  old: {type: bool, value: age > 60, label: {zh: 老, en: old}}\nmaterials:\n" + FORM),
    # ------------------------------------------------------------------ L: local settings
    Code("L001", "local-unknown-parameter", "error", "A local file sets a parameter the matter does not have.",
         "The message suggests the closest parameter name.",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {photo_cnt: 6}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {photo_count: 6}\n", "local"),
    Code("L002", "local-fixed-by-law", "error", "A local file sets a parameter that is fixed by law.",
         "Parameters declared `local: false` (e.g. the age of majority) cannot be changed locally.",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {adult_age: 16}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {income_line: 900}\n", "local"),
    Code("L003", "local-type", "error", "A local value does not fit the parameter's type.",
         "A count of photos is an integer: `six` is not.",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {photo_count: six}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    parameters: {photo_count: 6}\n", "local"),
    Code("L004", "local-unknown-matter", "error", "A local file names a matter that does not exist.",
         "Keys under `matters:` are matter ids (see `checker list`).",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  disabilty-certificate:\n    parameters: {photo_count: 6}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  disability-certificate:\n    parameters: {photo_count: 6}\n", "local-repo"),
    Code("L005", "local-unknown-material", "error", "A local file describes a material the matter does not have.",
         "Keys under `materials:` are the matter's material IDs; a locality may give its own `standard` "
         "and `remark` for one.",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    materials:\n      TL-99: {remark: {zh: 需6张, en: six needed}}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters:\n  test-licence:\n    materials:\n      TL-09: {remark: {zh: 需6张, en: six needed}}\n", "local"),
    Code("L006", "local-part-of", "error", "A locality lies in one that has no file, or in itself.",
         "`part_of: ID` applies local/ID.yaml first (a city's province); it must name another file of local/.",
         "local: x\nname: {zh: 某地, en: X}\npart_of: nowhere\nmatters: {}\n",
         "local: x\nname: {zh: 某地, en: X}\nmatters: {}\n", "local"),
    # ------------------------------------------------------------------ A: applications
    Code("A001", "not-an-application", "error", "An application is not a mapping, or not an application at all.",
         "An application has `date`, `facts` and `materials` keys. A file none of whose top-level keys is "
         "an application's (nor close to one) is some other file: it is refused whole, and its content is "
         "not quoted back.", "- date: \"2026-01-05\"\n",
         "date: \"2026-01-05\"\n", "application"),
    Code("A002", "application-field", "error", "A field of an application is unknown or of the wrong type.",
         "Applications are validated against the schema `checker schema MATTER` prints: unknown facts "
         "get a suggestion, numbers written as text are refused (never coerced), derived facts cannot be given.",
         "date: \"2026-01-05\"\nfacts:\n  members: \"3\"\n", "date: \"2026-01-05\"\nfacts:\n  members: 3\n", "application"),
    Code("A003", "application-date", "error", "A date in an application is not a real calendar date.",
         "2026-02-30 does not exist; dates are YYYY-MM-DD.", "date: \"2026-02-30\"\n", "date: \"2026-02-28\"\n",
         "application"),
    Code("A004", "material-twice", "error", "A material is listed twice in an application.",
         "Merge the two entries into one, with all the attributes presented.",
         "date: \"2026-01-05\"\nmaterials:\n  - {id: TL-01}\n  - {id: TL-01, signed: true}\n",
         "date: \"2026-01-05\"\nmaterials:\n  - {id: TL-01, signed: true}\n", "application"),
    Code("A005", "date-out-of-range", "error", "A date in an application is outside 1900-01-01 to 2199-12-31.",
         "Deadlines are counted from the dates of an application; a date such as 9999-12-31 (a "
         "placeholder for 'permanent') cannot be counted from. Write the real date.",
         "date: \"9999-12-31\"\n", "date: \"2026-03-02\"\n", "application"),
    Code("A006", "unprocessable-value", "error", "A value no field accepts and the checker cannot quote or store.",
         "A number of more than 30 digits, or text holding a lone surrogate (a JSON escape such as "
         "\\ud800 without its pair: not Unicode text) or a NUL character. Every entry point refuses it "
         "with the field named.",
         "date: \"2026-01-05\"\nfacts:\n  members: 1000000000000000000000000000000000\n",
         "date: \"2026-01-05\"\nfacts:\n  members: 3\n", "application"),
    # ------------------------------------------------------------------ W: lint
    Code("W001", "unused-fact", "warning", "A fact is declared but no condition uses it.",
         "Every question costs the applicant time. Use the fact in a rule, a material's `when` or a "
         "derived fact, mark it `record_only: true` if the office records it without a rule, or remove it.",
         "  extra: {type: bool, question: {zh: 多余, en: Extra?}}\nmaterials:\n" + FORM,
         "  extra: {type: bool, question: {zh: 多余, en: Extra?}, record_only: true}\nmaterials:\n" + FORM),
    Code("W010", "fact-source-unsaid", "warning",
         "A rule or material reads a fact without saying where its value comes from.",
         "Every fact a condition reads is one of three kinds, and the notice treats each differently: "
         "`from: applicant` (the applicant states it; unknown until stated, asked by the interview), "
         "`from: {declaration: ID, value: V}` (a signed material states it: presenting the material "
         "signed gives the fact its value, and the notice says so), `from: {agency: {zh, en}}` (the agency "
         "establishes it itself: never asked, never a reason for 补正, listed under what the agency verifies).",
         "  member: {type: bool, question: {zh: 是否会员, en: Member?}}\n"
         "materials:\n  - {id: TM-01, name: {zh: 会员证, en: Card}, form: original, when: member, basis: [{zh: 条例, en: Regulation}]}\n",
         "  member: {type: bool, question: {zh: 是否会员, en: Member?}, from: applicant}\n"
         "materials:\n  - {id: TM-01, name: {zh: 会员证, en: Card}, form: original, when: member, basis: [{zh: 条例, en: Regulation}]}\n"),
    Code("W002", "never-true", "warning", "A condition can never be true.",
         "Given the declared types, enum values, ranges and effective dates, nothing satisfies it: the "
         "rule never applies, the material is never required.",
         "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, basis: [{zh: 条例, en: Regulation}], when: age > 60 and age < 18}\n",
         "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, basis: [{zh: 条例, en: Regulation}], when: age > 60 or age < 18}\n"),
    Code("W003", "always-true", "warning", "A condition is always true.",
         "A rule that always applies refuses (or redirects) everyone; a material `when` that always "
         "holds is redundant. Note `minimum:` and `maximum:` count.",
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, basis: [{zh: 条例, en: Regulation}], when: age >= 0}\n',
         'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, basis: [{zh: 条例, en: Regulation}], when: age >= 18}\n'),
    Code("W004", "duplicate-condition", "warning", "Two rules have the same condition and outcome.",
         "Merge them: one condition, one reason, all the legal bases.",
         "rules:\n  - {id: a, when: age < 16, outcome: refuse, reason: {zh: 未满16岁, en: under 16}, basis: [{zh: 条例, en: Regulation}]}\n"
         "  - {id: b, when: age < 16, outcome: refuse, reason: {zh: 年龄不足, en: too young}, basis: [{zh: 条例, en: Regulation}]}\nmaterials:\n" + FORM,
         "rules:\n  - {id: a, when: age < 16, outcome: refuse, reason: {zh: 未满16岁, en: under 16}, basis: [{zh: 条例, en: Regulation}]}\nmaterials:\n" + FORM),
    Code("W005", "contradictory-rules", "warning", "Two rules have the same condition but different outcomes.",
         "One set of facts cannot lead both to a refusal and to 'no licence needed': one rule is wrong.",
         "rules:\n  - {id: a, when: kind == \"stall\", outcome: refuse, reason: {zh: 摊位, en: stall}, basis: [{zh: 条例, en: Regulation}]}\n"
         "  - {id: b, when: kind == \"stall\", outcome: not_required, reason: {zh: 摊位无需许可, en: no licence for stalls}, basis: [{zh: 条例, en: Regulation}]}\nmaterials:\n" + FORM,
         "rules:\n  - {id: b, when: kind == \"stall\", outcome: not_required, reason: {zh: 摊位无需许可, en: no licence for stalls}, basis: [{zh: 条例, en: Regulation}]}\nmaterials:\n" + FORM),
    Code("W006", "exempt-but-presented", "warning", "A material obtained by data sharing also has presentation rules.",
         "`shared: true` means the applicant never presents it, so `secondary`, `promise_allowed` and "
         "`checks` can never matter.",
         "materials:\n  - {id: TM-01, name: {zh: 执照, en: Licence}, form: copy, shared: true, checks: [unexpired], basis: [{zh: 条例, en: Regulation}]}\n",
         "materials:\n  - {id: TM-01, name: {zh: 执照, en: Licence}, form: copy, shared: true, basis: [{zh: 条例, en: Regulation}]}\n"),
    Code("W007", "replacement-dates", "warning", "A material that replaces another does not start the day the old one ends.",
         "With `replaces:`, the new material's effective_from must equal the old one's effective_until, "
         "or applications between them are asked for both or for neither.",
         'materials:\n  - {id: TM-01, name: {zh: 旧证明, en: Old proof}, form: original, effective_until: "2018-09-28", basis: [{zh: 旧条例, en: Old regulation}]}\n'
         '  - {id: TM-02, name: {zh: 承诺书, en: Promise}, form: original, replaces: TM-01, effective_from: "2018-10-01", basis: [{zh: 新条例, en: New regulation}]}\n',
         'materials:\n  - {id: TM-01, name: {zh: 旧证明, en: Old proof}, form: original, effective_until: "2018-09-28", basis: [{zh: 旧条例, en: Old regulation}]}\n'
         '  - {id: TM-02, name: {zh: 承诺书, en: Promise}, form: original, replaces: TM-01, effective_from: "2018-09-28", basis: [{zh: 新条例, en: New regulation}]}\n'),
    Code("W008", "missing-basis", "warning", "A material has no legal basis.",
         "A notice must say on what legal basis each item is required (and must not ask for materials "
         "unrelated to the licence).",
         "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original}\n", "materials:\n" + FORM),
    Code("W011", "uncited", "warning", "A rule, material, parameter or computed fact does not say where it comes from.",
         "An auditor reads every item against its source. `cite` names the reference's section and the "
         "public source it cites (`{section: \"03 Materials, FB-07\", url: https://...}`, a list if several), "
         "or says why the item is inferred when no source states it (`{inferred: why}`). "
         "`checker show MATTER --sources` prints them.",
         "materials:\n  - {id: TM-01, name: {zh: 申请表, en: Application form}, form: original, basis: [{zh: 条例, en: Regulation}]}\n",
         "materials:\n  - {id: TM-01, name: {zh: 申请表, en: Application form}, form: original, basis: [{zh: 条例, en: Regulation}], "
         "cite: {section: \"01 Materials\", url: \"https://example.gov.cn/guide\"}}\n"),
    Code("W012", "unlabelled-choice", "warning", "A choice is offered without words for one of its values.",
         "The interview and the pages offer an enum fact's (or a list field's) values to a citizen: each needs "
         "`value_labels` in both languages, or the citizen reads an internal name such as `large_farm_machinery`.",
         "  size:\n    type: enum\n    values: [small, large]\n    question: {zh: 规模, en: Size}\n    from: applicant\n    record_only: true\nmaterials:\n" + FORM,
         "  size:\n    type: enum\n    values: [small, large]\n    value_labels: {small: {zh: 小型, en: small}, large: {zh: 大型, en: large}}\n"
         "    question: {zh: 规模, en: Size}\n    from: applicant\n    record_only: true\nmaterials:\n" + FORM),
    Code("W009", "language", "warning", "A Chinese text has no Chinese, or an English text is mostly Chinese.",
         "Notices are printed in either language: each text needs both.",
         "materials:\n  - {id: TM-01, name: {zh: Application form, en: Application form}, form: original, basis: [{zh: 条例, en: Regulation}]}\n",
         "materials:\n" + FORM),
]}

# facts must follow TINY's own facts, so these two fragments start inside `facts:`
CODES["M001"] = Code("M001", "declared-twice", "error", "A fact, parameter or derived fact is declared twice.",
                     "Names are shared by the matter and the rule sets it includes; each is declared once.",
                     "  filed_by_agent: {type: bool, question: {zh: 代理, en: Agent?}}\ninclude: [agent]\nmaterials:\n" + FORM,
                     "include: [agent]\nmaterials:\n" + FORM)
CODES["M002"] = Code("M002", "unknown-enum-label", "error", "value_labels names a value the enum does not have.",
                     "Labels are given only for the declared `values`.",
                     "  size:\n    type: enum\n    values: [small, large]\n    value_labels: {huge: {zh: 巨大, en: huge}}\n"
                     "    question: {zh: 规模, en: Size}\nmaterials:\n" + FORM,
                     "  size:\n    type: enum\n    values: [small, large]\n    value_labels: {small: {zh: 小, en: small}, large: {zh: 大, en: large}}\n"
                     "    question: {zh: 规模, en: Size}\n    record_only: true\nmaterials:\n" + FORM)
CODES = dict(sorted(CODES.items()))


def describe(code: Code) -> str:
    """The documentation of one code, as `checker rule CODE` prints it."""
    return (f"{code.code} {code.name} ({code.severity})\n\n{code.summary}\n\n{code.explanation}\n\n"
            f"Bad:\n{_indent(code.bad)}\nGood:\n{_indent(code.good)}")


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" for line in text.rstrip("\n").splitlines())


# ------------------------------------------------------------------ B: bundles (一件事)
# Examples are whole bundle files (bundles/unemployment-test.yaml) over two matters of the library.

def bundle_head(members: str, extra: str = "") -> str:
    """A small bundle file: identity, basis and the given members (and anything after them)."""
    return f"""bundle: unemployment-test
name: {{zh: 失业一件事, en: Becoming unemployed}}
basis: [{{zh: 国发〔2024〕3号, en: "State Council 2024 No. 3"}}]
members:
{members}{extra}"""


_TWO = """  - matter: unemployment-registration
  - matter: unemployment-benefit
    after: [unemployment-registration]
"""

for _code in [
    Code("B001", "bundle-id-not-file-name", "error", "A bundle's id differs from its file's name.",
         "A bundle is named by its file (bundles/ID.yaml); the `bundle:` key must say the same, so that "
         "`checker check ID` and the file agree.",
         bundle_head(_TWO).replace("bundle: unemployment-test", "bundle: unemployment"), bundle_head(_TWO), "bundle"),
    Code("B002", "bundle-listed-twice", "error", "A member, a shared document or a document's material is listed twice.",
         "Each member matter appears once in a bundle, each shared document once, and a member's material "
         "belongs to one shared document at most.",
         bundle_head(_TWO + "  - matter: unemployment-benefit\n"), bundle_head(_TWO), "bundle"),
    Code("B003", "bundle-member-unknown", "error", "A member matter cannot be loaded.",
         "Every member is a matter of the library (matters/ID.yaml) that loads without errors.",
         bundle_head(_TWO.replace("unemployment-benefit\n", "unemployment-benfit\n")), bundle_head(_TWO), "bundle"),
    Code("B004", "bundle-unknown-fact-or-material", "error", "A bundle names a fact or material its member does not have.",
         "`facts:` renames a member's own facts, `produced:` and `documents:` name the member's own material "
         "IDs (a material with alternatives by its part: ID/part).",
         bundle_head(_TWO, "documents:\n  - id: id-card\n    name: {zh: 居民身份证, en: ID card}\n"
                     "    materials: {unemployment-registration: UR-01/id_card, unemployment-benefit: UB-09}\n"),
         bundle_head(_TWO, "documents:\n  - id: id-card\n    name: {zh: 居民身份证, en: ID card}\n"
                     "    materials: {unemployment-registration: UR-01/id_card, unemployment-benefit: UB-01/id_card}\n"), "bundle"),
    Code("B005", "bundle-fact-types-differ", "error", "Two members' facts meet under one name with different types.",
         "The event asks each fact once: a fact two members share must mean the same thing, with one type. "
         "Rename one under the member's `facts:` to keep two different facts apart.",
         bundle_head(_TWO, "facts:\n  insured_here:\n    type: integer\n    question: {zh: 参保月数, en: Months insured}\n"),
         bundle_head(_TWO, "facts:\n  months_insured:\n    type: integer\n    question: {zh: 参保月数, en: Months insured}\n"),
         "bundle"),
    Code("B006", "bundle-not-a-member", "error", "A bundle refers to a matter that is not one of its members.",
         "`after:`, `produced:` and a document's `materials:` name members of the same bundle.",
         bundle_head(_TWO.replace("after: [unemployment-registration]", "after: [unemployment-registrations]")),
         bundle_head(_TWO), "bundle"),
    Code("B007", "bundle-order", "error", "The members' order is impossible or incomplete.",
         "A member cannot come after itself, the order has no cycle, and a member whose material another "
         "produces lists that member in `after:`.",
         bundle_head(_TWO.replace("  - matter: unemployment-registration\n",
                                  "  - matter: unemployment-registration\n    after: [unemployment-benefit]\n")),
         bundle_head(_TWO), "bundle"),
    Code("B008", "bundle-produced-and-presented", "error", "A material produced within the event is also a shared document.",
         "What one member produces for another is never asked of the applicant, so it cannot be a document "
         "the applicant presents.",
         bundle_head(_TWO.replace("after: [unemployment-registration]\n",
                                  "after: [unemployment-registration]\n    produced: {UB-01/id_card: unemployment-registration}\n"),
                     "documents:\n  - id: id-card\n    name: {zh: 居民身份证, en: ID card}\n"
                     "    materials: {unemployment-registration: UR-01/id_card, unemployment-benefit: UB-01/id_card}\n"),
         bundle_head(_TWO, "documents:\n  - id: id-card\n    name: {zh: 居民身份证, en: ID card}\n"
                     "    materials: {unemployment-registration: UR-01/id_card, unemployment-benefit: UB-01/id_card}\n"), "bundle"),
]:
    CODES[_code.code] = _code

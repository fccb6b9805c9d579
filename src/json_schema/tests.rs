//! The schemas against the readers: over files that vary one rule at a time, a file is valid under the
//! schema exactly when `sqibs-filter` reads it, and every field is described for editors.

use super::*;
use crate::filter::parse_service;
use crate::semantics::{Combine, Semantics, SemanticsLayer};
use crate::suite::{LoadOptions, ServiceCache, load_case_file};
use std::path::{Path, PathBuf};

fn validator(kind: SchemaKind) -> jsonschema::Validator {
    jsonschema::validator_for(&schema(kind)).expect("the schema compiles")
}

/// A TOML text as the JSON an editor validates: taplo converts its document the same way.
fn as_json(text: &str) -> Value {
    let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    serde_json::to_value(value).unwrap()
}

/// The variants on which the schema and the reader disagree, each with what each said.
fn disagreements(
    kind: SchemaKind,
    variants: &[(String, String)],
    mut reads: impl FnMut(&str) -> Result<(), String>,
) -> Vec<String> {
    let validator = validator(kind);
    variants
        .iter()
        .filter_map(|(label, text)| {
            let read = reads(text);
            let valid = validator.is_valid(&as_json(text));
            (read.is_ok() != valid).then(|| {
                let errors: Vec<String> = validator
                    .iter_errors(&as_json(text))
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                format!(
                    "{label}: schema {}, reader {:?}\n{text}",
                    if valid {
                        "accepts".into()
                    } else {
                        format!("refuses ({})", errors.join("; "))
                    },
                    read
                )
            })
        })
        .collect()
}

const FILTER: &str = r#"
service = "svc"
from = "From"

[semantics]
case_sensitive = true
conditions = "any"

[[filter]]
name = "one"
urgency = "high"

[filter.trigger]
conditions = [{ key = "status", contains = ["firing"] }]
title_from = "title"
description_from = "description"
map_with = "id"

[filter.resolve]
conditions = [{ key = "status", contains = ["resolved"] }]
mapped_with = "id"
"#;

/// The filter's block, from `[[filter]]` on.
fn filter_block() -> &'static str {
    &FILTER[FILTER.find("[[filter]]").unwrap()..]
}

fn conditions(n: usize) -> String {
    let list: Vec<String> = (0..n)
        .map(|i| format!("{{ key = \"k{i}\", contains = [\"v\"] }}"))
        .collect();
    format!("conditions = [{}]", list.join(", "))
}

fn filter_variants() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let mut edit = |label: String, from: &str, to: &str| {
        assert!(FILTER.contains(from), "{from}");
        v.push((label, FILTER.replacen(from, to, 1)));
    };
    edit("as written".into(), "", "");
    for word in [
        "high", "HIGH", "hIgH", "low", "Low", "P1", "p2", "P3", "p4", "P5", "P0", "P6", "p10", "",
        "urgent", " high", "high ", "critical",
    ] {
        edit(
            format!("urgency {word:?}"),
            r#"urgency = "high""#,
            &format!("urgency = {word:?}"),
        );
    }
    for other in ["1", "true", "[\"high\"]"] {
        edit(
            format!("urgency {other}"),
            r#"urgency = "high""#,
            &format!("urgency = {other}"),
        );
    }
    let trigger = r#"conditions = [{ key = "status", contains = ["firing"] }]"#;
    let resolve = r#"conditions = [{ key = "status", contains = ["resolved"] }]"#;
    for n in 0..=3 {
        edit(format!("{n} trigger conditions"), trigger, &conditions(n));
        edit(format!("{n} resolve conditions"), resolve, &conditions(n));
    }
    for n in 0..=11 {
        let items: Vec<String> = (0..n).map(|i| format!("\"i{i}\"")).collect();
        edit(
            format!("{n} items"),
            r#"contains = ["firing"]"#,
            &format!("contains = [{}]", items.join(", ")),
        );
    }
    for (label, item) in [
        ("49 letters", "a".repeat(49)),
        ("50 letters", "a".repeat(50)),
        ("51 letters", "a".repeat(51)),
        ("50 two-byte letters", "é".repeat(50)),
        ("51 two-byte letters", "é".repeat(51)),
        ("50 emoji", "🚨".repeat(50)),
        ("25 letters with combining accents", "e\u{301}".repeat(25)),
        ("26 letters with combining accents", "e\u{301}".repeat(26)),
    ] {
        edit(label.into(), r#"["firing"]"#, &format!("['{item}']"));
    }
    // Every control character's neighbours, and the characters near them that are not controls.
    for c in [
        0x00, 0x01, 0x09, 0x0a, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xad, 0x200b,
        0x2028, 0xfeff, 0x1f6a8,
    ] {
        edit(
            format!("item with U+{c:04X}"),
            r#"["firing"]"#,
            &format!(r#"["fir\U{c:08X}ing"]"#),
        );
    }
    for field in [
        r#"service = "svc""#,
        r#"from = "From""#,
        r#"name = "one""#,
        r#"key = "status""#,
        r#"title_from = "title""#,
        r#"description_from = "description""#,
        r#"map_with = "id""#,
        r#"mapped_with = "id""#,
    ] {
        let (key, _) = field.split_once(" = ").unwrap();
        edit(format!("empty {key}"), field, &format!("{key} = \"\""));
        edit(format!("{key} a number"), field, &format!("{key} = 5"));
        if key != "key" {
            edit(format!("no {key}"), field, "");
        }
    }
    edit("no key".into(), r#"{ key = "status", "#, "{ ");
    edit("no urgency".into(), r#"urgency = "high""#, "");
    edit("no trigger conditions".into(), trigger, "");
    edit("no resolve conditions".into(), resolve, "");
    edit("no contains".into(), r#", contains = ["firing"]"#, "");
    edit("contains a string".into(), r#"["firing"]"#, r#""firing""#);
    edit("an item a number".into(), r#"["firing"]"#, "[5]");
    edit(
        "no trigger part".into(),
        &FILTER[FILTER.find("[filter.trigger]").unwrap()..FILTER.find("[filter.resolve]").unwrap()],
        "",
    );
    edit(
        "no resolve part".into(),
        &FILTER[FILTER.find("[filter.resolve]").unwrap()..],
        "",
    );
    edit(
        "no semantics".into(),
        "[semantics]\ncase_sensitive = true\nconditions = \"any\"\n",
        "",
    );
    for (label, from, to) in [
        (
            "conditions all",
            r#"conditions = "any""#,
            r#"conditions = "all""#,
        ),
        (
            "conditions ALL",
            r#"conditions = "any""#,
            r#"conditions = "ALL""#,
        ),
        (
            "conditions some",
            r#"conditions = "any""#,
            r#"conditions = "some""#,
        ),
        (
            "case_sensitive yes",
            "case_sensitive = true",
            r#"case_sensitive = "yes""#,
        ),
        (
            "unknown root field",
            "service = ",
            "colour = \"red\"\nservice = ",
        ),
        (
            "unknown semantics field",
            "case_sensitive",
            "loose = true\ncase_sensitive",
        ),
        (
            "unknown filter field",
            r#"name = "one""#,
            "name = \"one\"\nenabled = true",
        ),
        (
            "unknown trigger field",
            r#"title_from = "title""#,
            "title_from = \"title\"\ntitle = \"x\"",
        ),
        (
            "unknown resolve field",
            r#"mapped_with = "id""#,
            "mapped_with = \"id\"\nmap_with = \"id\"",
        ),
        (
            "unknown condition field",
            r#"contains = ["firing"] }"#,
            r#"contains = ["firing"], op = "eq" }"#,
        ),
    ] {
        edit(label.into(), from, to);
    }
    let head = &FILTER[..FILTER.find("[[filter]]").unwrap()];
    for n in [0, 1, 2, 10, 11] {
        let text = format!("{head}{}", filter_block().repeat(n));
        v.push((format!("{n} filters"), text));
    }
    v.push(("filter = []".into(), format!("{head}filter = []\n")));
    v
}

#[test]
fn filter_files_are_valid_exactly_when_they_are_read() {
    let wrong = disagreements(SchemaKind::Filters, &filter_variants(), |text| {
        parse_service(Path::new("f.toml"), text, SemanticsLayer::default())
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// A folder of its own with a filter file and a payload beside the case files written into it.
fn case_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sqibs-filter-json-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.toml"), FILTER).unwrap();
    std::fs::write(dir.join("p.json"), r#"{"status": "firing"}"#).unwrap();
    dir
}

const CASE: &str = r#"
[[case]]
name = "c"
body = '{"status": "firing"}'

[case.expect]
code = 201
"#;

const SCENARIO: &str = r#"
[[scenario]]
name = "s"
open = []
[[scenario.step]]
body = '{"status": "firing"}'
expect = "created"
"#;

fn case_variants() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    let both = format!("{CASE}{SCENARIO}");
    let mut edit = |label: String, from: &str, to: &str| {
        assert!(both.contains(from), "{from}");
        v.push((label, both.replacen(from, to, 1)));
    };
    edit("as written".into(), "", "");
    // `201.0` is left out: JSON Schema cannot tell it from `201`, so only the reader refuses it.
    let values = [
        "200",
        "201",
        "202",
        "199",
        "203",
        "0",
        "-1",
        "1",
        "2",
        "201.5",
        "\"201\"",
        "true",
        "false",
        "\"x\"",
        "\"\"",
        "\"high\"",
        "\"low\"",
        "\"HIGH\"",
        "\"P1\"",
        "[]",
        "[\"title_fallback\"]",
        "[1]",
        "{}",
        "{ filter = \"a\" }",
        "{ filter = 1 }",
        "{ filter = 0 }",
        "{ filter = false }",
        "{ map_key = false }",
        "{ map_key = true }",
        "{ map_key = \"k\" }",
        "{ filter = \"a\", map_key = \"k\" }",
        "{ x = 1 }",
        "1979-05-27",
    ];
    for field in [
        "code",
        "filter",
        "urgency",
        "title",
        "description",
        "map_key",
        "resolve",
        "warnings",
    ] {
        for value in values {
            let line = match field {
                "code" => format!("code = {value}"),
                _ => format!("code = 201\n{field} = {value}"),
            };
            edit(format!("{field} = {value}"), "code = 201", &line);
        }
    }
    let body = r#"body = '{"status": "firing"}'"#;
    for (label, from, to) in [
        ("case payload", body, r#"payload = "p.json""#),
        (
            "case payload and body",
            body,
            &format!("payload = \"p.json\"\n{body}"),
        ),
        ("case without body", body, ""),
        ("case without name", r#"name = "c""#, ""),
        ("case name a number", r#"name = "c""#, "name = 1"),
        ("case skipped", r#"name = "c""#, "name = \"c\"\nskip = true"),
        (
            "case skip yes",
            r#"name = "c""#,
            "name = \"c\"\nskip = \"yes\"",
        ),
        (
            "case service",
            r#"name = "c""#,
            "name = \"c\"\nservice = \"svc\"",
        ),
        ("case from", r#"name = "c""#, "name = \"c\"\nfrom = \"X\""),
        (
            "unknown case field",
            r#"name = "c""#,
            "name = \"c\"\npayloads = \"p.json\"",
        ),
        (
            "unknown expect field",
            "code = 201",
            "code = 201\nincident = true",
        ),
        (
            "unknown root field",
            "[[case]]",
            "filter = \"f.toml\"\n[[case]]",
        ),
        ("root service", "[[case]]", "service = \"svc\"\n[[case]]"),
        (
            "root from and filters",
            "[[case]]",
            "from = \"X\"\nfilters = \"f.toml\"\n[[case]]",
        ),
        ("scenario without name", r#"name = "s""#, ""),
        (
            "scenario skipped",
            r#"name = "s""#,
            "name = \"s\"\nskip = true",
        ),
        (
            "unknown scenario field",
            r#"name = "s""#,
            "name = \"s\"\nsteps = []",
        ),
        ("open listed", "open = []", "open = [\"a\", \"\"]"),
        ("open a string", "open = []", "open = \"a\""),
        ("open of numbers", "open = []", "open = [1]"),
        (
            "no steps",
            &SCENARIO[SCENARIO.find("[[scenario.step]]").unwrap()..],
            "",
        ),
        (
            "step payload",
            "body = '{\"status\": \"firing\"}'\nexpect",
            "payload = \"p.json\"\nexpect",
        ),
        (
            "step without body",
            "body = '{\"status\": \"firing\"}'\nexpect",
            "expect",
        ),
        (
            "unknown step field",
            "expect = \"created\"",
            "expect = \"created\"\nopen = []",
        ),
    ] {
        edit(label.into(), from, to);
    }
    for action in [
        "created",
        "duplicate",
        "resolved",
        "no-open-incident",
        "discarded",
        "created+resolved",
        "created + resolved",
        " created",
        "created+created+resolved",
        "created+",
        "+created",
        "closed",
        "",
        "Created",
        "created,resolved",
    ] {
        edit(
            format!("step expect {action:?}"),
            "expect = \"created\"",
            &format!("expect = {action:?}"),
        );
    }
    edit(
        "step expect a number".into(),
        "expect = \"created\"",
        "expect = 1",
    );
    v.push(("cases only".into(), CASE.into()));
    v.push(("scenarios only".into(), SCENARIO.into()));
    v.push(("no cases or scenarios".into(), "service = \"svc\"\n".into()));
    v.push(("nothing at all".into(), String::new()));
    v
}

/// Left out, because only reading can tell: a case or step without expectations (allowed while
/// blessing), payload files that do not exist, services the filters do not hold, and an empty
/// `case = []` beside scenarios.
#[test]
fn case_files_are_valid_exactly_when_they_are_read() {
    let dir = case_folder();
    let filters = dir.join("f.toml");
    let options = LoadOptions {
        default_filters: &filters,
        semantics: SemanticsLayer::default(),
        bless: false,
        current_dir: &dir,
        allow_outside: false,
    };
    let mut cache = ServiceCache::default();
    let file = dir.join("cases.toml");
    let wrong = disagreements(SchemaKind::Cases, &case_variants(), |text| {
        std::fs::write(&file, text).unwrap();
        load_case_file(&file, &options, &mut cache)
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    });
    let _ = std::fs::remove_dir_all(&dir);
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Every object schema in `schema`, with the path to it.
fn objects<'a>(schema: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") {
                out.push((path.clone(), schema));
            }
            for (key, value) in object {
                objects(value, format!("{path}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                objects(item, format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_is_described_and_every_table_is_closed() {
    for kind in SchemaKind::ALL {
        let schema = schema(kind);
        let mut tables = Vec::new();
        objects(&schema, String::new(), &mut tables);
        assert!(tables.len() >= 5, "{kind:?}");
        for (path, table) in tables {
            assert_eq!(table["additionalProperties"], false, "{kind:?} {path}");
            for (field, property) in table["properties"].as_object().unwrap() {
                let description = property["description"].as_str().unwrap_or("");
                assert!(
                    description.len() > 10 && !description.contains('\n'),
                    "{kind:?} {path}/{field}: give the field a doc comment, editors show it"
                );
            }
            for required in table["required"].as_array().into_iter().flatten() {
                assert!(
                    table["properties"]
                        .get(required.as_str().unwrap())
                        .is_some(),
                    "{kind:?} {path}: requires unknown {required}"
                );
            }
        }
    }
}

#[test]
fn the_schemas_are_draft_7_schemas() {
    for kind in SchemaKind::ALL {
        let schema = schema(kind);
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        let errors: Vec<String> = jsonschema::draft7::meta::validate(&schema)
            .err()
            .map(|e| e.to_string())
            .into_iter()
            .collect();
        assert!(errors.is_empty(), "{kind:?}: {errors:?}");
        // Field names and descriptions may speak of JSON null (`null_values`); no schema may allow it.
        assert!(
            !text(kind).contains("\"null\""),
            "{kind:?}: TOML has no null"
        );
    }
}

#[test]
fn the_defaults_shown_are_the_readers_defaults() {
    let semantics = &schema(SchemaKind::Filters)["properties"]["semantics"]["properties"];
    let defaults = Semantics::default();
    assert_eq!(
        semantics["case_sensitive"]["default"],
        defaults.case_sensitive
    );
    assert_eq!(defaults.conditions, Combine::All);
    assert_eq!(
        semantics["conditions"]["default"],
        defaults.conditions.to_string()
    );
}

#[test]
fn contains_items_refuse_exactly_the_control_characters() {
    let item = &schema(SchemaKind::Filters)["properties"]["filter"]["items"]["properties"]["trigger"]
        ["properties"]["conditions"]["items"]["properties"]["contains"]["items"];
    let validator = jsonschema::validator_for(item).unwrap();
    // Below U+3000 every character; above it, Unicode has no control characters.
    for c in (0..0x3000).filter_map(char::from_u32) {
        let valid = validator.is_valid(&Value::from(format!("a{c}b")));
        assert_eq!(valid, !c.is_control(), "U+{:04X}", c as u32);
    }
}

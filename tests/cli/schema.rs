//! `schema`: the JSON Schemas printed, shipped under `schema/` and named by every shipped file, which
//! they accept, and broken files they refuse where the mistake is.

use crate::support::Test;
use serde_json::Value;
use snapbox::str;
use std::path::{Path, PathBuf};

const KINDS: [(&str, &str); 2] = [
    ("filters", "schema/filters.schema.json"),
    ("cases", "schema/cases.schema.json"),
];

#[test]
fn the_command_prints_the_shipped_schemas() {
    for (kind, shipped) in KINDS {
        let out = Test::new().args(&["schema", kind]).output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{kind}");
        let file = std::fs::read_to_string(shipped).unwrap();
        assert!(
            out.stdout == file,
            "{shipped} is not what `sqibs-filter schema {kind}` prints: regenerate it with\n  \
             cargo run -- schema {kind} > {shipped}"
        );
        let schema: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}

#[test]
fn an_unknown_or_missing_kind_is_a_usage_error() {
    Test::new().args(&["schema", "filter"]).expect(
        2,
        str![""],
        str![[r#"
error: invalid value 'filter' for '<FILES>'
  [possible values: filters, cases]

  tip: a similar value exists: 'filters'

For more information, try '--help'.

"#]],
    );
    let out = Test::new().args(&["schema"]).output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr
            .starts_with("error: the following required arguments were not provided:\n  <FILES>\n"),
        "{}",
        out.stderr
    );
}

fn validator(shipped: &Path) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// What an editor reports for `text`: each error with the place in the file it points to.
fn errors(shipped: &str, text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(text).unwrap();
    let json = serde_json::to_value(value).unwrap();
    validator(Path::new(shipped))
        .iter_errors(&json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_shipped_file_names_its_schema_and_is_valid_under_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["filters", "samples", "bench/filters"] {
        toml_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 18, "{files:?}");
    for file in files {
        let cases = sqibs_filter::suite::is_case_file(&file);
        let shipped = root.join(KINDS[usize::from(cases)].1);
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or("");
        let named = first.strip_prefix("#:schema ").unwrap_or_else(|| {
            panic!(
                "{}: the first line is not a #:schema directive",
                file.display()
            )
        });
        assert_eq!(
            file.parent().unwrap().join(named).canonicalize().unwrap(),
            shipped.canonicalize().unwrap(),
            "{}",
            file.display()
        );
        let value: toml::Value = toml::from_str(&text).unwrap();
        let json = serde_json::to_value(value).unwrap();
        let errors: Vec<String> = validator(&shipped)
            .iter_errors(&json)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

#[test]
fn broken_filter_files_are_refused_where_the_mistake_is() {
    let tigera = std::fs::read_to_string("filters/tigera.toml").unwrap();
    let broken = |from: &str, to: &str| {
        assert!(tigera.contains(from), "{from}");
        errors("schema/filters.schema.json", &tigera.replacen(from, to, 1))
    };
    assert_eq!(
        broken(r#"urgency = "high""#, r#"urgency = "urgent""#),
        [
            r#"/filter/0/urgency: "urgent" is not valid under any of the schemas listed in the 'anyOf' keyword"#
        ]
    );
    assert_eq!(
        broken("title_from", "titel_from"),
        // `title_from` is optional (the fallback title applies): only the misspelt field is refused.
        [
            r#"/filter/0/trigger: Additional properties are not allowed ('titel_from' was unexpected)"#,
        ]
    );
    let eleven: Vec<String> = (0..11).map(|i| format!("\"i{i}\"")).collect();
    assert_eq!(
        broken(r#"["firing"]"#, &format!("[{}]", eleven.join(", "))),
        [format!(
            "/filter/0/trigger/conditions/0/contains: [{}] has more than 10 items",
            eleven.join(",")
        )]
    );
    assert_eq!(
        broken(r#"["firing"]"#, &format!("[\"{}\"]", "x".repeat(51))),
        [format!(
            "/filter/0/trigger/conditions/0/contains/0: \"{}\" is longer than 50 characters",
            "x".repeat(51)
        )]
    );
}

#[test]
fn broken_case_files_are_refused_where_the_mistake_is() {
    let cases = std::fs::read_to_string("samples/tigera/cases.toml").unwrap();
    let broken = |from: &str, to: &str| {
        assert!(cases.contains(from), "{from}");
        errors("schema/cases.schema.json", &cases.replacen(from, to, 1))
    };
    assert_eq!(
        broken("code = 201", "code = 204"),
        ["/case/0/expect/code: 204 is not one of 201, 200 or 202"]
    );
    assert_eq!(
        broken(r#"expect = "duplicate""#, r#"expect = "duplicated""#),
        [
            r#"/scenario/0/step/1/expect: "duplicated" is not valid under any of the schemas listed in the 'anyOf' keyword"#
        ]
    );
    let both = broken(
        r#"payload = "firing.json""#,
        "body = '{}'\npayload = \"firing.json\"",
    );
    assert!(
        both.len() == 1
            && both[0].starts_with("/case/0: {")
            && both[0].ends_with(
                "is valid under more than one of the schemas listed in the 'oneOf' keyword"
            ),
        "{both:?}"
    );
}

#[test]
fn blessing_keeps_the_schema_directive() {
    let t = Test::in_temp()
        .raw_file(
            "filters/t.toml",
            &std::fs::read("filters/tigera.toml").unwrap(),
        )
        .file(
            "cases.toml",
            r#"
            #:schema ../schema/cases.schema.json
            filters = "filters/t.toml"

            [[case]]
            name = "new"
            body = '{"status": "firing", "alert_name": "A", "alert_id": "a-1"}'
            "#,
        );
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "cases.toml", "--bless"]).output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    assert!(
        blessed.starts_with("#:schema ../schema/cases.schema.json\nfilters = "),
        "{blessed}"
    );
    assert!(blessed.contains("[case.expect]\ncode = 201\n"), "{blessed}");
}

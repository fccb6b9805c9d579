//! The JSON output is parsed into structs defined here, refusing unknown fields: any change to the shape
//! fails these tests.

use crate::support::Test;
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Line {
    input: String,
    index: usize,
    service: String,
    code: u16,
    trigger: Option<Trigger>,
    resolve: Option<Resolve>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Trigger {
    filter: String,
    position: usize,
    urgency: String,
    priority: Option<String>,
    title: String,
    description: String,
    map_key: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Resolve {
    filter: String,
    position: usize,
    map_key: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct Warning {
    kind: String,
    message: String,
}

fn lines(args: &[&str]) -> Vec<Line> {
    let out = Test::new().args(args).output();
    assert_eq!(out.stderr, "");
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn a_trigger_line_has_the_documented_shape() {
    let got = lines(&[
        "check",
        "samples/tigera/firing.json",
        "--service",
        "tigera",
        "--format",
        "json",
    ]);
    assert_eq!(
        got,
        [Line {
            input: "samples/tigera/firing.json".into(),
            index: 1,
            service: "tigera".into(),
            code: 201,
            trigger: Some(Trigger {
                filter: "security alert".into(),
                position: 1,
                urgency: "high".into(),
                priority: None,
                title: "Tigera - Suspicious Lateral Movement".into(),
                description: "Unmatched flow detected from pod 'frontend' to 'db-internal'".into(),
                map_key: Some("tigera-sec-001".into()),
            }),
            resolve: None,
            warnings: vec![],
        }]
    );
}

#[test]
fn a_resolve_line_and_one_line_per_service() {
    let got = lines(&["check", "samples/sedai/resolved.json", "--format", "json"]);
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0].resolve,
        Some(Resolve {
            filter: "open".into(),
            position: 1,
            map_key: Some("evt-839201".into()),
        })
    );
    assert_eq!((got[0].code, got[0].trigger.is_none()), (200, true));
    assert_eq!(got[1].service, "tigera");
    assert_eq!(
        got[1].resolve.as_ref().map(|r| r.map_key.clone()),
        Some(None)
    );
    assert_eq!(got[1].warnings[0].kind, "resolve_key_missing");
}

#[test]
fn every_shipped_sample_gives_valid_lines() {
    let got = lines(&["check", "samples", "--format", "json"]);
    assert!(got.len() >= 4, "{got:?}");
    assert!(got.iter().all(|l| [200, 201, 202].contains(&l.code)));
}

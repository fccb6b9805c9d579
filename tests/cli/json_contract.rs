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

/// An incident `replay --format json` leaves open: one line each, before the summary.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct OpenIncident {
    r#type: String,
    incident: usize,
    service: String,
    title: String,
    map_key: Option<String>,
    created_by: usize,
    duplicates: usize,
    open_ms: Option<i64>,
}

/// The last line of `replay --format json`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ReplaySummary {
    r#type: String,
    requests: usize,
    created: usize,
    duplicates: usize,
    resolved: usize,
    discarded: usize,
    orphan_resolves: usize,
    unmapped_resolves: usize,
    keyless: usize,
    unauthorized: usize,
    forbidden: usize,
    suppressed: usize,
    skipped: usize,
    /// How many `open_incident` lines came before it.
    open: usize,
}

#[test]
fn a_replay_ends_with_one_line_per_open_incident_then_the_summary() {
    let out = Test::new()
        .args(&[
            "replay",
            "samples/replay/lifecycle.jsonl",
            "--format",
            "json",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (summary, rest) = lines.split_last().unwrap();
    let summary: ReplaySummary = serde_json::from_str(summary).unwrap();
    assert_eq!(
        summary,
        ReplaySummary {
            r#type: "summary".into(),
            requests: 5,
            created: 4,
            duplicates: 1,
            resolved: 2,
            discarded: 0,
            orphan_resolves: 0,
            unmapped_resolves: 2,
            keyless: 2,
            unauthorized: 0,
            forbidden: 0,
            suppressed: 0,
            skipped: 0,
            open: 2,
        }
    );
    let open: Vec<OpenIncident> = rest[rest.len() - summary.open..]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let keyless = |incident, created_by, open_ms| OpenIncident {
        r#type: "open_incident".into(),
        incident,
        service: "sedai".into(),
        title: "Incident from Tigera".into(),
        map_key: None,
        created_by,
        duplicates: 0,
        open_ms: Some(open_ms),
    };
    assert_eq!(open, [keyless(1, 1, 900_000), keyless(4, 3, 600_000)]);
    let requests = &rest[..rest.len() - summary.open];
    assert_eq!(requests.len(), summary.requests);
    assert!(
        requests
            .iter()
            .all(|l| l.starts_with(r#"{"type":"request","#))
    );
}

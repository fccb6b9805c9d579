//! The trace agrees with evaluation, and each classic mistake gets the hint that names it.

use super::*;
use crate::eval::evaluate;
use crate::filter::parse_service;
use crate::keypath::Step;
use crate::semantics::SemanticsLayer;
use serde_json::json;
use std::path::Path;

fn service(conditions: &str, extra: &str) -> Service {
    parse_service(
        Path::new("s.toml"),
        &format!(
            r#"
{extra}
[[filter]]
name = "first"
urgency = "high"
[filter.trigger]
conditions = [{conditions}]
title_from = "t"
[filter.resolve]
conditions = [{{ key = "status", contains = ["resolved"] }}]
mapped_with = "id"

[[filter]]
name = "catch-all"
urgency = "low"
[filter.trigger]
conditions = [{{ key = "status", contains = ["fir"] }}]
title_from = "t"
"#
        ),
        SemanticsLayer::default(),
    )
    .unwrap()
}

fn body(value: serde_json::Value) -> Payload {
    Payload::json(value.to_string(), value)
}

fn first_hints(s: &Service, value: serde_json::Value) -> Vec<Hint> {
    trace(s, &body(value)).filters[0].trigger.conditions[0]
        .hints
        .clone()
}

#[test]
fn the_winner_is_used_and_later_matches_are_shadowed() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    let t = trace(&s, &body(json!({"status": "firing"})));
    assert_eq!(t.filters[0].trigger.verdict, Verdict::Used);
    assert_eq!(t.filters[1].trigger.verdict, Verdict::Shadowed);
    let c = &t.filters[0].trigger.conditions[0];
    assert_eq!(
        c.found.as_ref().unwrap().path,
        [crate::keypath::Step::Key("status".into())]
    );
    assert_eq!(c.items[0].at, Some(0..6));
    assert_eq!(
        t.filters[0].resolve.as_ref().unwrap().verdict,
        Verdict::Missed
    );
}

#[test]
fn a_key_at_another_depth_is_found_with_its_full_path() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    let hints = first_hints(&s, json!({"alerts": [{"status": "firing"}]}));
    assert_eq!(
        hints,
        [Hint::KeyMissing {
            key: "status".into(),
            candidates: vec!["alerts.0.status".into()]
        }]
    );
    assert_eq!(
        hints[0].to_string(),
        "the payload has no key `status`; did you mean `alerts.0.status`?"
    );
}

#[test]
fn a_key_in_the_wrong_case_is_named() {
    let s = service(r#"{ key = "eventid", contains = ["evt"] }"#, "");
    assert_eq!(
        first_hints(&s, json!({"eventId": "evt-1", "title": "x"})),
        [Hint::KeyMissing {
            key: "eventid".into(),
            candidates: vec!["eventId".into()]
        }]
    );
}

#[test]
fn a_typo_in_a_key_gets_the_closest_spelling() {
    let s = service(r#"{ key = "alert_nmae", contains = ["x"] }"#, "");
    let hints = first_hints(&s, json!({"alert_name": "x", "status": "y"}));
    assert_eq!(
        hints[0].to_string(),
        "the payload has no key `alert_nmae`; did you mean `alert_name`?"
    );
}

#[test]
fn items_that_differ_only_in_case_under_case_sensitive_matching() {
    let s = service(
        r#"{ key = "status", contains = ["FIRING"] }"#,
        "[semantics]\ncase_sensitive = true",
    );
    assert_eq!(
        first_hints(&s, json!({"status": "firing"})),
        [Hint::CaseOnly {
            items: vec!["FIRING".into()]
        }]
    );
}

#[test]
fn items_that_differ_in_spacing_or_punctuation() {
    let s = service(r#"{ key = "state", contains = ["in progress"] }"#, "");
    assert_eq!(
        first_hints(&s, json!({"state": "IN_PROGRESS"})),
        [Hint::Spacing {
            items: vec!["in progress".into()]
        }]
    );
}

#[test]
fn numbers_and_empty_values_are_named() {
    let s = service(r#"{ key = "code", contains = ["5xx"] }"#, "");
    assert_eq!(
        first_hints(&s, json!({"code": 503})),
        [Hint::NotAString { kind: "number" }]
    );
    assert_eq!(first_hints(&s, json!({"code": ""})), [Hint::EmptyValue]);
}

#[test]
fn alternatives_in_one_anded_list() {
    let s = service(
        r#"{ key = "status", contains = ["OPEN", "FIRING", "CRITICAL"] }"#,
        "",
    );
    let hints = first_hints(&s, json!({"status": "OPEN"}));
    assert_eq!(
        hints,
        [Hint::AndedAlternatives {
            items: vec!["OPEN".into(), "FIRING".into(), "CRITICAL".into()]
        }]
    );
    assert!(hints[0].to_string().contains("give each its own filter"));
}

#[test]
fn a_body_that_is_not_json() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    let payload = Payload {
        raw: "firing".into(),
        json: Err(crate::payload::NotJson {
            line: 1,
            column: 1,
            message: "expected value".into(),
        }),
    };
    assert_eq!(
        trace(&s, &payload).filters[0].trigger.conditions[0].hints,
        [Hint::NotJson]
    );
}

#[test]
fn the_trace_agrees_with_evaluation() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    for value in [
        json!({"status": "firing"}),
        json!({"status": "FIR"}),
        json!({"status": "resolved", "id": 1}),
        json!({"other": 1}),
    ] {
        let payload = body(value);
        let o = evaluate(&s, &payload);
        let t = trace(&s, &payload);
        let used = t
            .filters
            .iter()
            .position(|f| f.trigger.verdict == Verdict::Used)
            .map(|i| i + 1);
        assert_eq!(used, o.trigger.map(|i| i.filter.position));
    }
}

#[test]
fn fragile_results_name_the_reading_they_depend_on() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    let payload = body(json!({"status": "FIRING"}));
    let o = evaluate(&s, &payload);
    assert_eq!(
        fragility(&s, &payload, None, &o),
        [Fragility {
            reading: "case-sensitive matching",
            outcome: "202 discarded".into()
        }]
    );
    let two = parse_service(
        Path::new("s.toml"),
        r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a", contains = ["x"] }, { key = "b", contains = ["y"] }]
title_from = "t"
"#,
        SemanticsLayer::default(),
    )
    .unwrap();
    let payload = body(json!({"a": "x"}));
    let o = evaluate(&two, &payload);
    assert_eq!(
        fragility(&two, &payload, None, &o),
        [Fragility {
            reading: "conditions = \"any\"",
            outcome: "201 via filter #1 \"filter 1\"".into()
        }]
    );
    let sturdy = body(json!({"a": "x", "b": "y"}));
    assert!(fragility(&two, &sturdy, None, &evaluate(&two, &sturdy)).is_empty());
}

#[test]
fn null_and_the_string_null_are_shown_apart() {
    let s = service(r#"{ key = "status", contains = ["firing"] }"#, "");
    let found = |value| {
        trace(&s, &body(value)).filters[0].trigger.conditions[0]
            .found
            .clone()
            .unwrap()
    };
    let null = found(json!({"status": null}));
    assert_eq!((null.kind, null.shown(80)), ("null", "null".to_owned()));
    let text = found(json!({"status": "null"}));
    assert_eq!(
        (text.kind, text.shown(80)),
        ("string", "\"null\"".to_owned())
    );
    let quotes = found(json!({"status": "say \"hi\" \\ bye"}));
    assert_eq!(quotes.shown(8), r#""say \"hi\"""#);
    assert_eq!(
        first_hints(&s, json!({"status": null})),
        [Hint::NotAString { kind: "null" }]
    );
}

#[test]
fn items_with_quotes_are_quoted_unambiguously_in_hints() {
    let hint = Hint::AndedAlternatives {
        items: vec!["a\"b".into(), "c\\".into()],
    };
    assert_eq!(
        hint.to_string(),
        r#"items of one list are ANDed, and "a\"b", "c\\" look like alternatives: give each its own filter"#
    );
}

#[test]
fn a_key_that_reads_two_ways_says_which_it_used() {
    let s = service(r#"{ key = "labels.ns", contains = ["prod"] }"#, "");
    let t = trace(
        &s,
        &body(json!({"labels.ns": "prod", "labels": {"ns": "staging"}, "t": "x"})),
    );
    let found = t.filters[0].trigger.conditions[0].found.as_ref().unwrap();
    assert_eq!(found.path, [Step::Key("labels.ns".into())]);
    let other = found.other.as_ref().unwrap();
    assert_eq!(
        (other.path.as_slice(), other.text.as_str()),
        (
            [Step::Key("labels".into()), Step::Key("ns".into())].as_slice(),
            "staging"
        )
    );
    assert_eq!(
        found.reading_note("labels.ns").unwrap(),
        r#"`labels.ns` fits two keys here; it reads `"labels.ns"` (a key with dots in its name is tried before a path through its parts), not `"labels"."ns"` = "staging"; write the one you mean as shown to choose"#
    );
    // One reading: no note.
    let t = trace(&s, &body(json!({"labels": {"ns": "prod"}})));
    let found = t.filters[0].trigger.conditions[0].found.as_ref().unwrap();
    assert_eq!(
        (found.other.as_ref(), found.reading_note("labels.ns")),
        (None, None)
    );
}

#[test]
fn the_incident_keys_of_a_used_part_that_read_two_ways_are_traced() {
    let s = parse_service(
        Path::new("s.toml"),
        r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "status", contains = ["firing"] }]
title_from = "a.b"
map_with = "id"
[filter.resolve]
conditions = [{ key = "status", contains = ["resolved"] }]
mapped_with = "a.b"
"#,
        SemanticsLayer::default(),
    )
    .unwrap();
    let two_ways = json!({"status": "firing", "a.b": "literal", "a": {"b": "nested"}, "id": "1"});
    let t = trace(&s, &body(two_ways));
    let keys = &t.filters[0].trigger.keys;
    assert_eq!(
        keys.iter()
            .map(|k| (k.field, k.found.text.as_str()))
            .collect::<Vec<_>>(),
        [("title_from", "literal")]
    );
    assert_eq!(t.filters[0].resolve.as_ref().unwrap().keys, []);
    let resolved = json!({"status": "resolved", "a.b": "literal", "a": {"b": "nested"}});
    let t = trace(&s, &body(resolved));
    assert_eq!(t.filters[0].trigger.keys, []);
    assert_eq!(
        t.filters[0].resolve.as_ref().unwrap().keys[0].field,
        "mapped_with"
    );
}

/// A service of one filter with a resolve part, under the readings `semantics` (a `[semantics]` body).
fn alert(semantics: &str) -> Service {
    parse_service(
        Path::new("s.toml"),
        &format!(
            r#"
from = "T"
[[filter]]
name = "alert"
urgency = "high"
[filter.trigger]
conditions = [{{ key = "labels.severity", contains = ["critical"] }}]
title_from = "name"
map_with = "id"
[filter.resolve]
conditions = [{{ key = "status", contains = ["resolved"] }}]
mapped_with = "id"
[semantics]
{semantics}
"#
        ),
        SemanticsLayer::default(),
    )
    .unwrap()
}

fn fragile(s: &Service, value: serde_json::Value) -> Vec<Fragility> {
    let payload = body(value);
    let o = evaluate(s, &payload);
    fragility(s, &payload, s.from.as_deref(), &o)
}

#[test]
fn a_match_that_needs_nested_keys_is_fragile() {
    let nested = json!({"labels": {"severity": "critical"}, "name": "Disk", "id": "1"});
    assert_eq!(
        fragile(&alert(""), nested.clone()),
        [Fragility {
            reading: "nested_keys = false",
            outcome: "202 discarded".into()
        }]
    );
    // The other way round: a flat body read without nesting holds under both readings.
    let flat = json!({"labels.severity": "critical", "name": "Disk", "id": "1"});
    assert_eq!(fragile(&alert(""), flat.clone()), []);
    assert_eq!(fragile(&alert("nested_keys = false"), flat), []);
    assert_eq!(
        fragile(&alert("nested_keys = false"), nested),
        [Fragility {
            reading: "nested_keys = true",
            outcome: "201 via filter #1 \"alert\"".into()
        }]
    );
}

#[test]
fn a_title_or_mapping_value_that_needs_nested_keys_is_fragile_too() {
    let s = parse_service(
        Path::new("s.toml"),
        r#"
from = "T"
[[filter]]
name = "alert"
urgency = "high"
[filter.trigger]
conditions = [{ key = "status", contains = ["firing"] }]
title_from = "labels.alertname"
map_with = "alerts.0.fingerprint"
"#,
        SemanticsLayer::default(),
    )
    .unwrap();
    let body = json!({"status": "firing", "labels": {"alertname": "Disk"}, "alerts": [{"fingerprint": "f"}]});
    assert_eq!(
        fragile(&s, body),
        [Fragility {
            reading: "nested_keys = false",
            outcome: "201 via filter #1 \"alert\" with title \"Incident from T\", no mapping value"
                .into()
        }]
    );
}

#[test]
fn a_result_that_reads_null_as_text_is_fragile() {
    let s = alert("");
    let null_id = json!({"labels.severity": "critical", "name": "Disk", "id": null});
    assert_eq!(
        fragile(&s, null_id.clone()),
        [Fragility {
            reading: "null_values = \"missing\"",
            outcome: "201 via filter #1 \"alert\" with no mapping value".into()
        }]
    );
    let missing = alert("null_values = \"missing\"");
    assert_eq!(
        fragile(&missing, null_id),
        [Fragility {
            reading: "null_values = \"text\"",
            outcome: "201 via filter #1 \"alert\" with mapping value \"null\"".into()
        }]
    );
    // A condition on a null value.
    let null_severity = json!({"labels": {"severity": null}, "status": "resolved", "id": "1"});
    assert_eq!(fragile(&s, null_severity), []);
    let resolve = json!({"status": "resolved", "id": null});
    assert_eq!(
        fragile(&s, resolve),
        [Fragility {
            reading: "null_values = \"missing\"",
            outcome: "200 via the resolve part of filter #1 \"alert\" with no mapping value for the resolve".into()
        }]
    );
}

#[test]
fn a_result_that_maps_an_empty_value_is_fragile() {
    let empty = json!({"labels.severity": "critical", "name": "Disk", "id": ""});
    assert_eq!(
        fragile(&alert(""), empty.clone()),
        [Fragility {
            reading: "empty_map_value = \"none\"",
            outcome: "201 via filter #1 \"alert\" with no mapping value".into()
        }]
    );
    assert_eq!(
        fragile(&alert("empty_map_value = \"none\""), empty),
        [Fragility {
            reading: "empty_map_value = \"key\"",
            outcome: "201 via filter #1 \"alert\" with mapping value \"\"".into()
        }]
    );
    let sturdy = json!({"labels.severity": "critical", "name": "Disk", "id": "1"});
    assert_eq!(fragile(&alert(""), sturdy), []);
}

#[test]
fn fragility_of_a_lazily_read_body_without_nesting_sees_the_nested_values() {
    use crate::document::{KeySet, LazyDoc};
    use crate::payload::Json;
    let s = alert("nested_keys = false");
    let raw = r#"{"labels": {"severity": "critical"}, "name": "Disk", "id": "1"}"#;
    let keys = KeySet::of(std::slice::from_ref(&s), std::iter::empty());
    let lazy = Payload {
        raw: raw.into(),
        json: Ok(Json::Lazy(
            LazyDoc::parse(raw.as_bytes(), &keys).unwrap().unwrap(),
        )),
    };
    let o = evaluate(&s, &lazy);
    assert_eq!(
        fragility(&s, &lazy, None, &o),
        [Fragility {
            reading: "nested_keys = true",
            outcome: "201 via filter #1 \"alert\"".into()
        }]
    );
}

#[test]
fn the_trace_follows_the_readings_and_says_why_a_key_is_not_read() {
    let s = alert("nested_keys = false");
    let nested = json!({"labels": {"severity": "critical"}, "name": "Disk"});
    let t = trace(&s, &body(nested));
    let c = &t.filters[0].trigger.conditions[0];
    assert!(!c.holds && c.found.is_none());
    assert_eq!(
        c.hints,
        [Hint::NestedKeysOff {
            key: "labels.severity".into(),
            path: r#""labels"."severity""#.into()
        }]
    );
    assert!(c.hints[0].to_string().contains("nested_keys = false"));
    // Without nesting, only top-level keys are offered.
    let t = trace(
        &s,
        &body(json!({"labels.sevrity": "critical", "x": {"labels.severity": 1}})),
    );
    assert_eq!(
        t.filters[0].trigger.conditions[0].hints,
        [Hint::KeyMissing {
            key: "labels.severity".into(),
            candidates: vec!["\"labels.sevrity\"".into()]
        }]
    );

    let s = alert("null_values = \"missing\"");
    let t = trace(&s, &body(json!({"labels": {"severity": null}})));
    let c = &t.filters[0].trigger.conditions[0];
    assert!(c.found.is_none());
    assert_eq!(
        c.hints,
        [Hint::NullIsMissing {
            key: "labels.severity".into()
        }]
    );
    assert_eq!(
        c.hints[0].to_string(),
        "`labels.severity` is JSON null, which reads as a missing key here (null_values = \"missing\")"
    );
}

//! One test per evaluation rule of the reference page, each failing when its rule breaks.

use super::*;
use crate::filter::parse_service;
use crate::outcome::{Code, Description};
use crate::payload::NotJson;
use crate::semantics::{Combine, SemanticsLayer};
use serde_json::json;
use std::path::Path;

const TIGERA: &str = r#"
from = "Tigera"

[[filter]]
name = "security alert"
urgency = "high"
[filter.trigger]
conditions = [{ key = "status", contains = ["firing"] }]
title_from = "alert_name"
description_from = "description"
map_with = "alert_id"
[filter.resolve]
conditions = [{ key = "status", contains = ["resolved"] }]
mapped_with = "alert_id"
"#;

fn service(toml: &str) -> Service {
    service_with(toml, SemanticsLayer::default())
}

fn service_with(toml: &str, cli: SemanticsLayer) -> Service {
    parse_service(Path::new("test.toml"), toml, cli).unwrap()
}

fn eval(service: &Service, body: serde_json::Value) -> Outcome {
    evaluate(service, &Payload::json(body.to_string(), body))
}

/// A two-filter service: each filter's single condition is given as `key`/`contains` pairs.
fn two_filters(first: &str, second: &str) -> Service {
    service(&format!(
        r#"
[[filter]]
name = "first"
urgency = "high"
[filter.trigger]
conditions = [{first}]
title_from = "t"
map_with = "id"

[[filter]]
name = "second"
urgency = "low"
[filter.trigger]
conditions = [{second}]
title_from = "t"
map_with = "id"
"#
    ))
}

fn fired(outcome: &Outcome) -> Option<&str> {
    outcome.trigger.as_ref().map(|i| i.filter.name.as_str())
}

#[test]
fn the_first_filter_that_holds_wins() {
    let s = two_filters(
        r#"{ key = "status", contains = ["fir"] }"#,
        r#"{ key = "status", contains = ["firing"] }"#,
    );
    let o = eval(&s, json!({"status": "firing", "t": "x", "id": "1"}));
    assert_eq!(fired(&o), Some("first"));
    assert_eq!(o.trigger.unwrap().filter.position, 1);
}

#[test]
fn filters_are_or_ed() {
    let s = two_filters(
        r#"{ key = "status", contains = ["open"] }"#,
        r#"{ key = "status", contains = ["firing"] }"#,
    );
    let o = eval(&s, json!({"status": "firing", "t": "x", "id": "1"}));
    assert_eq!(fired(&o), Some("second"));
    let i = o.trigger.unwrap();
    assert_eq!((i.filter.position, i.urgency.as_str()), (2, "low"));
}

#[test]
fn nothing_matched_is_discarded_with_202() {
    let o = eval(&service(TIGERA), json!({"status": "pending"}));
    assert_eq!(
        (o.code, o.trigger, o.resolve),
        (Code::Discarded, None, None)
    );
    assert_eq!(Code::Discarded.status(), 202);
}

#[test]
fn trigger_creates_with_201_and_extracts_everything() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_name": "Lateral", "alert_id": "a-1", "description": "flow"}),
    );
    assert_eq!(o.code.status(), 201);
    let i = o.trigger.unwrap();
    assert_eq!(i.title, "Tigera - Lateral");
    assert_eq!(i.description, Description::Value("flow".into()));
    assert_eq!(i.map_key.as_deref(), Some("a-1"));
    assert!(o.warnings.is_empty(), "{:?}", o.warnings);
}

#[test]
fn resolve_alone_answers_200_with_the_mapping_value() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "resolved", "alert_id": "a-1"}),
    );
    assert_eq!((o.code.status(), o.trigger.is_none()), (200, true));
    let r = o.resolve.unwrap();
    assert_eq!((r.filter.position, r.map_key.as_deref()), (1, Some("a-1")));
}

#[test]
fn one_request_can_create_and_resolve() {
    let s = service(
        r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "new", contains = ["x"] }]
title_from = "t"
map_with = "new"
[filter.resolve]
conditions = [{ key = "old", contains = ["y"] }]
mapped_with = "old"
"#,
    );
    let o = eval(&s, json!({"new": "x-2", "old": "y-1"}));
    assert_eq!(o.code, Code::Created);
    assert_eq!(o.trigger.unwrap().filter.name, "filter 1");
    assert_eq!(o.resolve.unwrap().map_key.as_deref(), Some("y-1"));
}

#[test]
fn the_first_resolve_part_that_matches_is_reported() {
    let s = service(
        r#"
[[filter]]
name = "a"
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["open"] }]
title_from = "t"
[filter.resolve]
conditions = [{ key = "s", contains = ["closed"] }]
mapped_with = "id"

[[filter]]
name = "b"
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["firing"] }]
title_from = "t"
[filter.resolve]
conditions = [{ key = "s", contains = ["clo"] }]
mapped_with = "other"
"#,
    );
    let r = eval(&s, json!({"s": "closed", "id": "1", "other": "2"}))
        .resolve
        .unwrap();
    assert_eq!(
        (r.filter.name.as_str(), r.map_key.as_deref()),
        ("a", Some("1"))
    );
}

#[test]
fn items_of_one_list_are_anded() {
    let s = two_filters(
        r#"{ key = "status", contains = ["OPEN", "FIRING", "CRITICAL"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(fired(&eval(&s, json!({"status": "OPEN"}))), None);
    assert_eq!(
        fired(&eval(&s, json!({"status": "OPEN FIRING CRITICAL"}))),
        Some("first")
    );
}

#[test]
fn contains_is_a_substring_test() {
    let s = two_filters(
        r#"{ key = "msg", contains = ["is cont"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(
        fired(&eval(&s, json!({"msg": "this is content"}))),
        Some("first")
    );
    assert_eq!(fired(&eval(&s, json!({"msg": "is_content"}))), None);
}

#[test]
fn contains_is_case_insensitive_by_default_like_the_documented_example() {
    let s = two_filters(
        r#"{ key = "msg", contains = ["this is content", "this"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(
        fired(&eval(&s, json!({"msg": "This is content"}))),
        Some("first")
    );
}

#[test]
fn case_sensitive_from_the_file() {
    let mut toml = TIGERA.to_owned();
    toml.push_str("[semantics]\ncase_sensitive = true\n");
    let s = service(&toml);
    assert_eq!(eval(&s, json!({"status": "FIRING"})).code, Code::Discarded);
    assert_eq!(eval(&s, json!({"status": "firing"})).code, Code::Created);
}

#[test]
fn the_command_line_wins_over_the_file() {
    let mut toml = TIGERA.to_owned();
    toml.push_str("[semantics]\ncase_sensitive = true\n");
    let cli = SemanticsLayer {
        case_sensitive: Some(false),
        ..SemanticsLayer::default()
    };
    let s = service_with(&toml, cli);
    assert_eq!(eval(&s, json!({"status": "FIRING"})).code, Code::Created);
    let cli = SemanticsLayer {
        case_sensitive: Some(true),
        ..SemanticsLayer::default()
    };
    let s = service_with(TIGERA, cli);
    assert_eq!(eval(&s, json!({"status": "FIRING"})).code, Code::Discarded);
}

const TWO_CONDITIONS: &str = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [
  { key = "status", contains = ["firing"] },
  { key = "labels.namespace", contains = ["prod"] },
]
title_from = "t"
"#;

#[test]
fn both_trigger_conditions_must_hold_by_default() {
    let s = service(TWO_CONDITIONS);
    let one = json!({"status": "firing", "labels": {"namespace": "staging"}});
    let both = json!({"status": "firing", "labels": {"namespace": "production"}});
    assert_eq!(eval(&s, one).code, Code::Discarded);
    assert_eq!(eval(&s, both).code, Code::Created);
}

#[test]
fn conditions_any_needs_only_one() {
    let any = SemanticsLayer {
        conditions: Some(Combine::Any),
        ..SemanticsLayer::default()
    };
    let s = service_with(TWO_CONDITIONS, any);
    let one = json!({"status": "resolved", "labels": {"namespace": "production"}});
    assert_eq!(eval(&s, one).code, Code::Created);
    assert_eq!(eval(&s, json!({"status": "ok"})).code, Code::Discarded);

    let mut toml = TWO_CONDITIONS.to_owned();
    toml.push_str("[semantics]\nconditions = \"any\"\n");
    let s = service(&toml);
    assert_eq!(eval(&s, json!({"status": "firing"})).code, Code::Created);
}

#[test]
fn a_missing_key_fails_the_condition_even_for_an_empty_item() {
    let s = two_filters(
        r#"{ key = "status", contains = [""] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(eval(&s, json!({"state": "firing"})).code, Code::Discarded);
    assert_eq!(eval(&s, json!({"status": "anything"})).code, Code::Created);
}

#[test]
fn keys_are_case_sensitive_even_when_values_are_not() {
    let s = two_filters(
        r#"{ key = "eventid", contains = ["evt"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(eval(&s, json!({"eventId": "evt-1"})).code, Code::Discarded);
}

#[test]
fn numbers_booleans_and_objects_compare_as_json_text() {
    let s = two_filters(
        r#"{ key = "code", contains = ["50"] }"#,
        r#"{ key = "flag", contains = ["true"] }"#,
    );
    assert_eq!(fired(&eval(&s, json!({"code": 503}))), Some("first"));
    assert_eq!(fired(&eval(&s, json!({"flag": true}))), Some("second"));
    let s = two_filters(
        r#"{ key = "labels", contains = ["\"team\":\"db\""] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(
        fired(&eval(&s, json!({"labels": {"team": "db", "env": "prod"}}))),
        Some("first")
    );
}

#[test]
fn nested_keys_reach_into_alertmanager_groups() {
    let s = two_filters(
        r#"{ key = "alerts[0].labels.alertname", contains = ["DiskFull"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    let body = json!({"alerts": [{"labels": {"alertname": "DiskFull"}}]});
    assert_eq!(fired(&eval(&s, body)), Some("first"));
}

#[test]
fn title_without_from_is_the_bare_value() {
    let s = service(&TIGERA.replace("from = \"Tigera\"", ""));
    let o = eval(&s, json!({"status": "firing", "alert_name": "Lateral"}));
    assert_eq!(o.trigger.unwrap().title, "Lateral");
}

#[test]
fn missing_title_key_falls_back_to_the_source() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_id": "1"}),
    );
    assert_eq!(o.trigger.unwrap().title, "Incident from Tigera");
    assert!(o.warnings.contains(&Warning::TitleFallback {
        key: "alert_name".into(),
        title: "Incident from Tigera".into()
    }));
    let s = service(&TIGERA.replace("from = \"Tigera\"", ""));
    let o = eval(&s, json!({"status": "firing"}));
    assert_eq!(o.trigger.unwrap().title, "Incident from unknown source");
}

#[test]
fn title_and_description_of_objects_and_numbers_are_json_text() {
    let s = service(&TIGERA.replace("from = \"Tigera\"", ""));
    let o = eval(
        &s,
        json!({"status": "firing", "alert_name": 42, "description": {"b": 1, "a": [2]}}),
    );
    let i = o.trigger.unwrap();
    assert_eq!(
        (i.title.as_str(), i.description.text("")),
        ("42", r#"{"b":1,"a":[2]}"#)
    );
}

#[test]
fn description_falls_back_to_the_whole_payload_as_received() {
    let raw = "{\n  \"status\": \"firing\",  \"alert_id\": \"1\"\n}";
    let body = serde_json::from_str(raw).unwrap();
    let o = evaluate(&service(TIGERA), &Payload::json(raw, body));
    assert_eq!(o.trigger.unwrap().description, Description::WholePayload);
    assert!(o.warnings.contains(&Warning::DescriptionFallback {
        key: "description".into()
    }));

    let s = service(&TIGERA.replace("description_from = \"description\"", ""));
    let raw = r#"{"status":"firing","description":"ignored"}"#;
    let o = evaluate(&s, &Payload::json(raw, serde_json::from_str(raw).unwrap()));
    assert_eq!(o.trigger.unwrap().description, Description::WholePayload);
    assert!(
        !o.warnings
            .iter()
            .any(|w| w.kind() == "description_fallback")
    );
}

#[test]
fn mapping_key_absent_or_unconfigured_is_none_with_a_warning() {
    let o = eval(&service(TIGERA), json!({"status": "firing"}));
    assert_eq!(o.trigger.unwrap().map_key, None);
    assert!(o.warnings.contains(&Warning::MapKeyMissing {
        key: "alert_id".into()
    }));

    let s = service(&TIGERA.replace("map_with = \"alert_id\"", ""));
    let o = eval(&s, json!({"status": "firing", "alert_id": "1"}));
    assert_eq!(o.trigger.unwrap().map_key, None);
    assert!(o.warnings.contains(&Warning::NoMapWith {
        filter: "security alert".into()
    }));
}

#[test]
fn empty_titles_and_mapping_values_are_kept_but_reported() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_name": "", "alert_id": " ", "description": "d"}),
    );
    let i = o.trigger.unwrap();
    assert_eq!(
        (i.title.as_str(), i.map_key.as_deref()),
        ("Tigera - ", Some(" "))
    );
    let kinds: Vec<_> = o.warnings.iter().map(Warning::kind).collect();
    assert_eq!(kinds, ["empty_title", "empty_map_key"]);
}

#[test]
fn resolve_without_its_mapping_value_is_reported() {
    let o = eval(&service(TIGERA), json!({"status": "resolved"}));
    assert_eq!(o.code, Code::Resolved);
    assert_eq!(o.resolve.unwrap().map_key, None);
    assert_eq!(o.warnings[0].kind(), "resolve_key_missing");
}

#[test]
fn a_body_that_is_not_json_matches_nothing_and_says_why() {
    let payload = Payload {
        raw: "status: firing".into(),
        json: Err(NotJson {
            line: 1,
            column: 1,
            message: "expected value".into(),
        }),
    };
    let o = evaluate(&service(TIGERA), &payload);
    assert_eq!(o.code, Code::Discarded);
    assert_eq!(o.warnings[0].kind(), "not_json");
}

#[test]
fn an_empty_description_is_kept_but_reported() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_name": "A", "alert_id": "1", "description": " "}),
    );
    assert_eq!(
        o.trigger.unwrap().description,
        Description::Value(" ".into())
    );
    assert_eq!(
        o.warnings,
        [Warning::EmptyDescription {
            key: "description".into()
        }]
    );
}

#[test]
fn null_title_description_and_mapping_key_are_the_text_null_and_reported() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_name": null, "description": null, "alert_id": null}),
    );
    let i = o.trigger.unwrap();
    assert_eq!(
        (
            i.title.as_str(),
            i.description.text(""),
            i.map_key.as_deref()
        ),
        ("Tigera - null", "null", Some("null"))
    );
    let kinds: Vec<_> = o.warnings.iter().map(Warning::kind).collect();
    assert_eq!(kinds, ["null_title", "null_description", "null_map_key"]);
}

#[test]
fn the_string_null_is_not_reported_as_null() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "firing", "alert_name": "null", "description": "null", "alert_id": "null"}),
    );
    assert_eq!(o.warnings, []);
}

#[test]
fn a_resolve_on_a_null_or_empty_mapping_value_is_reported_once() {
    let o = eval(
        &service(TIGERA),
        json!({"status": "resolved", "alert_id": null}),
    );
    assert_eq!(o.code, Code::Resolved);
    assert_eq!(o.resolve.unwrap().map_key.as_deref(), Some("null"));
    assert_eq!(
        o.warnings,
        [Warning::NullMapKey {
            key: "alert_id".into()
        }]
    );

    // Trigger and resolve both hold on one body and map on one key: one warning, not two.
    let s = service(&TIGERA.replace(r#"contains = ["resolved"]"#, r#"contains = ["fir"]"#));
    let o = eval(
        &s,
        json!({"status": "firing", "alert_name": "A", "description": "d", "alert_id": ""}),
    );
    assert_eq!(o.code, Code::Created);
    assert_eq!(
        o.warnings,
        [Warning::EmptyMapKey {
            key: "alert_id".into(),
            no_key: false
        }]
    );
}

#[test]
fn null_values_read_lazily_are_reported_as_in_a_full_read() {
    use crate::document::{KeySet, LazyDoc};
    let s = service(TIGERA);
    let raw = r#"{"status": "firing", "alert_name": "A", "description": "d", "alert_id": null}"#;
    let keys = KeySet::of(std::slice::from_ref(&s), std::iter::empty());
    let lazy = Payload {
        raw: raw.into(),
        json: Ok(crate::payload::Json::Lazy(
            LazyDoc::parse(raw.as_bytes(), &keys).unwrap().unwrap(),
        )),
    };
    let full = Payload::json(raw, serde_json::from_str(raw).unwrap());
    assert_eq!(evaluate(&s, &lazy), evaluate(&s, &full));
    assert_eq!(evaluate(&s, &lazy).warnings[0].kind(), "null_map_key");
}

/// The layer that forces one reading.
fn layer(toml: &str) -> SemanticsLayer {
    toml::from_str(toml).unwrap()
}

const NESTED: &str = r#"
[[filter]]
name = "nested"
urgency = "high"
[filter.trigger]
conditions = [{ key = "labels.namespace", contains = ["prod"] }]
title_from = "commonLabels.alertname"
map_with = "alerts.0.fingerprint"
"#;

#[test]
fn nested_keys_reach_into_objects_and_arrays_by_default() {
    let s = service(NESTED);
    let body = json!({"labels": {"namespace": "prod"}, "commonLabels": {"alertname": "Disk"}, "alerts": [{"fingerprint": "f1"}]});
    let o = eval(&s, body);
    let i = o.trigger.unwrap();
    assert_eq!(
        (i.title.as_str(), i.map_key.as_deref()),
        ("Disk", Some("f1"))
    );
}

#[test]
fn without_nested_keys_only_a_top_level_key_of_that_exact_name_exists() {
    for s in [
        service_with(NESTED, layer("nested_keys = false")),
        service(&format!("{NESTED}\n[semantics]\nnested_keys = false\n")),
    ] {
        let nested = json!({"labels": {"namespace": "prod"}, "alerts": [{"fingerprint": "f1"}]});
        assert_eq!(eval(&s, nested).code, Code::Discarded);
        // A flattened body, as Callgoose's guides tell senders to send, is read by the same keys.
        let flat = json!({"labels.namespace": "prod", "commonLabels.alertname": "Disk", "alerts.0.fingerprint": "f1"});
        let i = eval(&s, flat).trigger.unwrap();
        assert_eq!(
            (i.title.as_str(), i.map_key.as_deref()),
            ("Disk", Some("f1"))
        );
        // The title and mapping keys follow the same reading.
        let mixed = json!({"labels.namespace": "prod", "commonLabels": {"alertname": "Disk"}});
        let o = eval(&s, mixed);
        let i = o.trigger.as_ref().unwrap();
        assert_eq!(
            (i.title.as_str(), i.map_key.as_deref()),
            ("Incident from unknown source", None)
        );
        let kinds: Vec<&str> = o.warnings.iter().map(Warning::kind).collect();
        assert_eq!(kinds, ["title_fallback", "map_key_missing"]);
    }
}

#[test]
fn nested_keys_off_reads_alike_lazily_and_in_full() {
    use crate::document::{KeySet, LazyDoc};
    let s = service_with(NESTED, layer("nested_keys = false"));
    let keys = KeySet::of(std::slice::from_ref(&s), std::iter::empty());
    for raw in [
        r#"{"labels.namespace": "prod", "commonLabels.alertname": "Disk", "alerts.0.fingerprint": "f1"}"#,
        r#"{"labels": {"namespace": "prod"}, "labels.namespace": "prod-2", "alerts": [{"fingerprint": "f1"}]}"#,
    ] {
        let lazy = Payload {
            raw: raw.into(),
            json: Ok(crate::payload::Json::Lazy(
                LazyDoc::parse(raw.as_bytes(), &keys).unwrap().unwrap(),
            )),
        };
        let full = Payload::json(raw, serde_json::from_str(raw).unwrap());
        assert_eq!(evaluate(&s, &lazy), evaluate(&s, &full), "{raw}");
    }
}

#[test]
fn null_is_the_text_null_by_default_and_a_missing_key_under_null_values_missing() {
    let body =
        || json!({"status": "firing", "alert_name": null, "description": null, "alert_id": null});
    let text = eval(&service(TIGERA), body());
    let i = text.trigger.unwrap();
    assert_eq!(
        (i.title.as_str(), i.map_key.as_deref()),
        ("Tigera - null", Some("null"))
    );
    assert_eq!(i.description, Description::Value("null".into()));

    let s = service_with(TIGERA, layer(r#"null_values = "missing""#));
    let o = eval(&s, body());
    let i = o.trigger.as_ref().unwrap();
    assert_eq!(
        (i.title.as_str(), i.map_key.as_deref()),
        ("Incident from Tigera", None)
    );
    assert_eq!(i.description, Description::WholePayload);
    let kinds: Vec<&str> = o.warnings.iter().map(Warning::kind).collect();
    assert_eq!(
        kinds,
        ["title_fallback", "description_fallback", "map_key_missing"]
    );

    // A condition on a null key fails, as on a missing one; the string "null" is still text.
    let cond = two_filters(
        r#"{ key = "v", contains = ["nul"] }"#,
        r#"{ key = "never", contains = ["x"] }"#,
    );
    assert_eq!(eval(&cond, json!({"v": null})).code, Code::Created);
    let cond = service_with(
        &TIGERA.replace(
            r#"key = "status", contains = ["firing"]"#,
            r#"key = "v", contains = ["nul"]"#,
        ),
        layer(r#"null_values = "missing""#),
    );
    assert_eq!(eval(&cond, json!({"v": null})).code, Code::Discarded);
    assert_eq!(eval(&cond, json!({"v": "null"})).code, Code::Created);
    // A resolve's mapping value too.
    let o = eval(&s, json!({"status": "resolved", "alert_id": null}));
    assert_eq!(o.resolve.unwrap().map_key, None);
    assert_eq!(o.warnings[0].kind(), "resolve_key_missing");
}

#[test]
fn an_empty_mapping_value_maps_by_default_and_is_no_key_under_empty_map_value_none() {
    let body =
        || json!({"status": "firing", "alert_name": "A", "description": "d", "alert_id": " "});
    let o = eval(&service(TIGERA), body());
    assert_eq!(o.trigger.unwrap().map_key.as_deref(), Some(" "));
    assert_eq!(
        o.warnings,
        [Warning::EmptyMapKey {
            key: "alert_id".into(),
            no_key: false
        }]
    );

    let s = service_with(TIGERA, layer(r#"empty_map_value = "none""#));
    let o = eval(&s, body());
    assert_eq!(o.trigger.unwrap().map_key, None);
    assert_eq!(
        o.warnings,
        [Warning::EmptyMapKey {
            key: "alert_id".into(),
            no_key: true
        }]
    );
    assert!(o.warnings[0].to_string().contains("no mapping value here"));
    let o = eval(&s, json!({"status": "resolved", "alert_id": ""}));
    assert_eq!(o.resolve.unwrap().map_key, None);
    // A real value is untouched.
    let o = eval(&s, json!({"status": "resolved", "alert_id": "k"}));
    assert_eq!(o.resolve.unwrap().map_key.as_deref(), Some("k"));
}

/// Callgoose's documented example: a content condition ANDing two items, no title key, `map_with`.
const DOCUMENTED: &str = r#"
from = "Example"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "content", contains = ["this is content", "this"] }]
title_from = ""
map_with = "id"
[filter.resolve]
conditions = [{ key = "title", contains = ["complete"] }]
mapped_with = "id"
"#;

#[test]
fn a_title_key_not_set_gives_the_fallback_title_without_a_warning() {
    let raw = r#"{"id": "7", "content": "This is content"}"#;
    let body: serde_json::Value = serde_json::from_str(raw).unwrap();
    for toml in [
        DOCUMENTED.to_owned(),
        DOCUMENTED.replace("title_from = \"\"\n", ""),
    ] {
        let o = evaluate(&service(&toml), &Payload::json(raw, body.clone()));
        let i = o.trigger.unwrap();
        assert_eq!(
            (
                i.title.as_str(),
                i.description.text(raw),
                i.map_key.as_deref()
            ),
            ("Incident from Example", raw, Some("7"))
        );
        assert_eq!(o.warnings, []);
    }
}

#[test]
fn an_empty_from_is_no_from() {
    let s = service(&TIGERA.replace("from = \"Tigera\"", "from = \"\""));
    let o = eval(&s, json!({"status": "firing", "alert_name": "Lateral"}));
    assert_eq!(o.trigger.unwrap().title, "Lateral");
}

fn text_body(raw: &str) -> Payload {
    Payload {
        raw: raw.into(),
        json: Err(NotJson {
            line: 1,
            column: 1,
            message: "expected value".into(),
        }),
    }
}

const CATCH_ALL: &str = r#"
from = "Nagios"
[[filter]]
name = "everything"
priority = "P4"
[filter.trigger]
title_from = "summary"
"#;

#[test]
fn a_trigger_without_conditions_holds_for_every_request_under_every_reading() {
    for toml in [
        CATCH_ALL.to_owned(),
        CATCH_ALL.replace("[filter.trigger]\n", "[filter.trigger]\nconditions = []\n"),
    ] {
        for combine in [Combine::All, Combine::Any] {
            let s = service_with(
                &toml,
                SemanticsLayer {
                    conditions: Some(combine),
                    ..SemanticsLayer::default()
                },
            );
            for body in [
                json!({}),
                json!({"summary": "disk"}),
                json!([1]),
                json!(null),
            ] {
                assert_eq!(
                    eval(&s, body.clone()).code,
                    Code::Created,
                    "{body} {combine}"
                );
            }
        }
    }
}

#[test]
fn a_text_body_through_a_catch_all_gets_the_fallback_title_and_itself_as_description() {
    let payload = text_body("PROBLEM: disk full on web-1");
    let o = evaluate(&service(CATCH_ALL), &payload);
    assert_eq!(o.code, Code::Created);
    let i = o.trigger.unwrap();
    assert_eq!(
        (i.title.as_str(), i.description.text(&payload.raw)),
        ("Incident from Nagios", "PROBLEM: disk full on web-1")
    );
    let kinds: Vec<_> = o.warnings.iter().map(Warning::kind).collect();
    assert_eq!(kinds, ["not_json", "title_fallback", "no_map_with"]);
    // Filters with conditions still take nothing from it.
    assert_eq!(evaluate(&service(TIGERA), &payload).code, Code::Discarded);
}

#[test]
fn the_priority_of_the_filter_is_the_incidents() {
    let i = eval(&service(CATCH_ALL), json!({})).trigger.unwrap();
    assert_eq!(
        (i.urgency, i.priority.map(crate::filter::Priority::as_str)),
        (crate::filter::Urgency::Low, Some("P4"))
    );
    let i = eval(&service(TIGERA), json!({"status": "firing"}))
        .trigger
        .unwrap();
    assert_eq!(i.priority, None);
}

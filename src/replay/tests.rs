//! One test per replay rule.

use super::*;
use crate::filter::parse_service;
use crate::payload::Payload;
use crate::semantics::SemanticsLayer;
use serde_json::json;
use std::path::Path;

fn tigera(map_with: bool) -> Vec<Service> {
    let toml = std::fs::read_to_string("filters/tigera.toml").unwrap();
    let toml = if map_with {
        toml
    } else {
        toml.replace("map_with = \"alert_id\"", "")
    };
    vec![parse_service(Path::new("tigera.toml"), &toml, SemanticsLayer::default()).unwrap()]
}

fn request(body: serde_json::Value, token: Option<&str>, at: Option<Millis>) -> Request {
    Request {
        payload: Payload::json(body.to_string(), body),
        from: None,
        token: token.map(str::to_owned),
        received_at: at,
    }
}

fn firing(id: &str) -> serde_json::Value {
    json!({"status": "firing", "alert_id": id, "alert_name": "Lateral", "description": "d"})
}

fn resolved(id: &str) -> serde_json::Value {
    json!({"status": "resolved", "alert_id": id})
}

/// The response flags of a record: created, duplicate, resolved, resolve duplicate.
fn flags(r: &Record) -> (u16, bool, bool, bool, bool) {
    (
        r.code,
        r.created,
        r.duplicate,
        r.resolved,
        r.resolve_duplicate,
    )
}

#[test]
fn a_lifecycle_creates_folds_and_resolves_one_incident() {
    let services = tigera(true);
    let mut r = Replayer::new(&services, ReplayOptions::default());
    let minute = 60_000;
    assert_eq!(
        flags(&r.apply("a", &request(firing("k"), None, Some(0)))),
        (201, true, false, false, false)
    );
    assert_eq!(
        flags(&r.apply("b", &request(firing("k"), None, Some(minute)))),
        (201, false, true, false, false)
    );
    assert_eq!(r.open()[0].1, Some(minute));
    let done = r.apply("c", &request(resolved("k"), None, Some(10 * minute)));
    assert_eq!(flags(&done), (200, false, false, true, false));
    let Some(ResolveAction::Closed(closed)) = &done.actions[0].resolve else {
        panic!("{done:?}")
    };
    assert_eq!((closed[0].0.id, closed[0].1), (1, Some(10 * minute)));
    let orphan = r.apply("d", &request(resolved("k"), None, None));
    assert_eq!(
        orphan.actions[0].resolve,
        Some(ResolveAction::NoOpenIncident(Some("k".into())))
    );
    r.apply("e", &request(json!({"status": "pending"}), None, None));
    assert_eq!(
        r.counts(),
        &Counts {
            requests: 5,
            created: 1,
            duplicates: 1,
            resolved: 1,
            discarded: 1,
            orphan_resolves: 1,
            keyless: 0,
            unauthorized: 0,
        }
    );
    assert!(r.open().is_empty());
}

#[test]
fn another_token_or_none_is_refused_and_changes_nothing() {
    let services = tigera(true);
    let options = ReplayOptions {
        token: Some("right".into()),
        ..ReplayOptions::default()
    };
    let mut r = Replayer::new(&services, options);
    assert_eq!(
        r.apply("a", &request(firing("k"), Some("wrong"), None))
            .code,
        401
    );
    assert_eq!(r.apply("b", &request(firing("k"), None, None)).code, 401);
    assert!(r.open().is_empty());
    assert_eq!(
        r.apply("c", &request(firing("k"), Some("right"), None))
            .code,
        201
    );
    assert_eq!((r.counts().unauthorized, r.counts().created), (2, 1));
}

#[test]
fn without_a_mapping_key_every_repeat_is_a_new_incident() {
    let services = tigera(false);
    let mut r = Replayer::new(&services, ReplayOptions::default());
    r.apply("a", &request(firing("k"), None, None));
    r.apply("b", &request(firing("k"), None, None));
    r.apply("c", &request(resolved("k"), None, None));
    let c = r.counts();
    assert_eq!((c.created, c.keyless, c.orphan_resolves), (2, 2, 1));
    assert_eq!(r.open().len(), 2);
}

#[test]
fn the_duplicate_window_folds_exact_repeats_even_without_a_mapping_key() {
    let services = tigera(false);
    let options = ReplayOptions {
        dedup_window: Some(5 * 60_000),
        time_key: Some("timestamp".into()),
        ..ReplayOptions::default()
    };
    let mut r = Replayer::new(&services, options);
    let at = |minutes: i64| {
        let mut body = firing("k");
        body["timestamp"] = json!(format!("2026-04-17T12:{minutes:02}:00Z"));
        body
    };
    let same = |minutes: i64| {
        // The same body each time: the window folds exact repeats.
        let mut req = request(firing("k"), None, None);
        req.received_at = Some(minutes * 60_000);
        req
    };
    assert!(r.apply("a", &same(0)).created);
    let again = r.apply("b", &same(4));
    assert_eq!(flags(&again), (201, false, true, false, false));
    // The window runs from the latest repeat: 4 + 5 minutes.
    assert!(r.apply("c", &same(8)).duplicate);
    assert!(r.apply("d", &same(20)).created);
    // Times can come from a payload key too; different bodies are not repeats.
    assert!(r.apply("e", &request(at(30), None, None)).created);
    assert!(r.apply("f", &request(at(31), None, None)).created);
    assert_eq!(r.counts().duplicates, 2);
}

#[test]
fn a_captured_from_wins_over_the_filter_file() {
    let services = tigera(true);
    let mut r = Replayer::new(&services, ReplayOptions::default());
    let mut req = request(firing("k"), None, None);
    req.from = Some("Calico".into());
    let record = r.apply("a", &req);
    let Some(TriggerAction::Created(i)) = &record.actions[0].trigger else {
        panic!("{record:?}")
    };
    assert_eq!(i.title, "Calico - Lateral");
}

/// Two filters that map on one key: "page" opens incidents, "ack" only resolves them.
fn two_filters(scope: &str) -> Vec<Service> {
    let toml = format!(
        r#"
[[filter]]
name = "page"
urgency = "high"
[filter.trigger]
conditions = [{{ key = "status", contains = ["firing"] }}]
title_from = "alert_name"
map_with = "alert_id"

[[filter]]
name = "ack"
urgency = "low"
[filter.trigger]
conditions = [{{ key = "status", contains = ["never"] }}]
title_from = "alert_name"
map_with = "alert_id"
[filter.resolve]
conditions = [{{ key = "status", contains = ["resolved"] }}]
mapped_with = "alert_id"

[semantics]
resolve_scope = "{scope}"
"#
    );
    vec![parse_service(Path::new("s.toml"), &toml, SemanticsLayer::default()).unwrap()]
}

#[test]
fn a_resolve_that_another_filter_opened_is_fragile_under_either_scope() {
    let services = two_filters("service");
    let mut r = Replayer::new(&services, ReplayOptions::default());
    r.apply("a", &request(firing("k"), None, None));
    let done = r.apply("b", &request(resolved("k"), None, None));
    assert!(done.resolved);
    assert_eq!(
        done.actions[0].fragile,
        [Fragility {
            reading: "resolve_scope = \"filter\"",
            outcome: "close no incident".into()
        }]
    );

    let services = two_filters("filter");
    let mut r = Replayer::new(&services, ReplayOptions::default());
    r.apply("a", &request(firing("k"), None, None));
    let kept = r.apply("b", &request(resolved("k"), None, None));
    assert_eq!(flags(&kept), (200, false, false, false, false));
    assert_eq!(
        kept.actions[0].fragile,
        [Fragility {
            reading: "resolve_scope = \"service\"",
            outcome: "close incident #1".into()
        }]
    );
    assert_eq!(r.open().len(), 1);
}

#[test]
fn a_repeat_the_dedup_window_folds_is_fragile_when_it_would_otherwise_act() {
    let services = tigera(false);
    let options = ReplayOptions {
        dedup_window: Some(300_000),
        ..ReplayOptions::default()
    };
    let mut r = Replayer::new(&services, options);
    let first = r.apply("a", &request(firing("k"), None, Some(0)));
    assert!(first.actions[0].fragile.is_empty());
    // Without a mapping value, only the window folds the repeat: without it, a new incident.
    let again = r.apply("b", &request(firing("k"), None, Some(1_000)));
    assert!(again.duplicate);
    assert_eq!(
        again.actions[0].fragile,
        [Fragility {
            reading: "no --dedup-window",
            outcome: "create a new incident".into()
        }]
    );

    // With a mapping value, the repeat is a duplicate of the same incident either way.
    let services = tigera(true);
    let options = ReplayOptions {
        dedup_window: Some(300_000),
        ..ReplayOptions::default()
    };
    let mut r = Replayer::new(&services, options);
    r.apply("a", &request(firing("k"), None, Some(0)));
    let again = r.apply("b", &request(firing("k"), None, Some(1_000)));
    assert!(again.duplicate && again.actions[0].fragile.is_empty());
    // A repeated resolve: the first closed the incident, so the second would close nothing anyway.
    r.apply("c", &request(resolved("k"), None, Some(2_000)));
    let repeat = r.apply("d", &request(resolved("k"), None, Some(3_000)));
    assert!(repeat.resolve_duplicate && repeat.actions[0].fragile.is_empty());
    // A repeat folded into an incident that is closed by now would otherwise open a new one.
    let reopen = r.apply("e", &request(firing("k"), None, Some(4_000)));
    assert_eq!(
        reopen.actions[0].fragile,
        [Fragility {
            reading: "no --dedup-window",
            outcome: "create a new incident".into()
        }]
    );
    // A resolve repeated once another body opened the mapping value again would have closed it.
    let mut other = firing("k");
    other["alert_name"] = json!("Lateral again");
    r.apply("f", &request(other, None, Some(5_000)));
    let folded = r.apply("g", &request(resolved("k"), None, Some(6_000)));
    assert!(folded.resolve_duplicate);
    assert_eq!(
        folded.actions[0].fragile,
        [Fragility {
            reading: "no --dedup-window",
            outcome: "close incident #2".into()
        }]
    );
}

//! `suggest` on tricky payloads: numeric states, nested status, no resolved sample, states that contain
//! one another, times that look like mapping keys. Each proposal is also written and loaded back.

use super::write::{Names, filter_file};
use super::*;
use crate::filter::parse_service;
use crate::payload::Payload;
use crate::secrets::Mask;
use crate::semantics::SemanticsLayer;
use serde_json::json;
use std::path::Path;

const FOLD: Fold = Fold {
    case_sensitive: false,
};

fn samples(values: &[Value]) -> Vec<Sample> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| Sample::new(format!("s{}.json", i + 1), v, true))
        .collect()
}

fn propose_on(values: &[Value]) -> Proposal {
    propose(&samples(values), FOLD)
}

/// The proposal written, loaded as a filter file, and run on the samples: the codes they get.
fn codes(values: &[Value]) -> Vec<u16> {
    let p = propose_on(values);
    let names = Names {
        service: "s",
        from: None,
        semantics: SemanticsLayer::default(),
    };
    let text = filter_file(&p, names, Mask::SHAPES);
    let service = parse_service(Path::new("s.toml"), &text, SemanticsLayer::default())
        .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    values
        .iter()
        .map(|v| {
            let payload = Payload::json(v.to_string(), v.clone());
            crate::eval::evaluate(&service, &payload).code.status()
        })
        .collect()
}

#[test]
fn a_top_level_status_and_identity_make_a_lifecycle() {
    let firing = json!({"status": "firing", "id": "n-1", "alert_id": "a-1", "alert_name": "CPU high", "startsAt": "2026-12-06T10:00:00Z"});
    let resolved = json!({"status": "resolved", "id": "n-2", "alert_id": "a-1", "alert_name": "CPU high", "startsAt": "2026-12-06T10:00:00Z"});
    let p = propose_on(&[firing.clone(), resolved.clone()]);
    assert_eq!(p.state.as_ref().unwrap().key, "status");
    assert_eq!(p.trigger.as_ref().unwrap().items, ["firing"]);
    assert_eq!(p.resolve.as_ref().unwrap().items, ["resolved"]);
    // `id` differs between the two (a notification id), `startsAt` is a time.
    assert_eq!(p.map_key.as_ref().unwrap().key, "alert_id");
    let refused = &p.map_key.as_ref().unwrap().alternatives;
    assert!(
        refused
            .iter()
            .any(|(k, why)| k.contains("startsAt") && why.contains("timestamp")),
        "{refused:?}"
    );
    assert_eq!(p.title.as_ref().unwrap().key, "alert_name");
    assert!(p.missing.is_empty(), "{:?}", p.missing);
    assert_eq!(codes(&[firing, resolved]), [201, 200]);
}

#[test]
fn numeric_states_are_taken_in_sample_order_and_said_so() {
    let down =
        json!({"heartbeat": {"status": 0, "msg": "timeout"}, "monitor": {"id": 7, "name": "Shop"}});
    let up =
        json!({"heartbeat": {"status": 1, "msg": "200 OK"}, "monitor": {"id": 7, "name": "Shop"}});
    let p = propose_on(&[down.clone(), up.clone()]);
    let state = p.state.as_ref().unwrap();
    assert_eq!(state.key, "heartbeat.status");
    assert!(!state.by_words);
    assert_eq!(p.trigger.as_ref().unwrap().items, ["0"]);
    assert_eq!(p.resolve.as_ref().unwrap().items, ["1"]);
    assert!(
        p.notes.iter().any(|n| n.contains("no state word")),
        "{:?}",
        p.notes
    );
    assert!(
        p.notes.iter().any(|n| n.contains("nested")),
        "{:?}",
        p.notes
    );
    assert_eq!(p.map_key.as_ref().unwrap().key, "monitor.id");
    assert_eq!(codes(&[down, up]), [201, 200]);
}

#[test]
fn a_nested_status_is_used_when_no_top_level_key_says_it_and_top_level_wins_otherwise() {
    let fired = json!({"data": {"essentials": {"monitorCondition": "Fired", "alertId": "/a/1", "alertRule": "cpu"}}});
    let done = json!({"data": {"essentials": {"monitorCondition": "Resolved", "alertId": "/a/1", "alertRule": "cpu"}}});
    let p = propose_on(&[fired, done]);
    assert_eq!(
        p.state.as_ref().unwrap().key,
        "data.essentials.monitorCondition"
    );
    assert!(p.state.as_ref().unwrap().nested);
    let both = |s: &str| json!({"status": s, "alerts": [{"status": s}], "groupKey": "g"});
    let p = propose_on(&[both("firing"), both("resolved")]);
    assert_eq!(p.state.as_ref().unwrap().key, "status");
    assert_eq!(p.state.as_ref().unwrap().alternatives, ["alerts.0.status"]);
}

#[test]
fn without_a_resolved_sample_no_resolve_part_is_proposed() {
    let firing = json!({"action": "triggered", "data": {"issue_id": "99", "title": "TypeError in checkout"}});
    let p = propose_on(std::slice::from_ref(&firing));
    assert_eq!(p.trigger.as_ref().unwrap().items, ["triggered"]);
    assert!(p.resolve.is_none());
    assert!(
        p.notes.iter().any(|n| n.contains("no resolved sample")),
        "{:?}",
        p.notes
    );
    assert_eq!(p.map_key.as_ref().unwrap().key, "data.issue_id");
    assert_eq!(codes(&[firing]), [201]);
}

#[test]
fn a_resolved_state_contained_in_the_firing_one_is_refused() {
    // `OK` is in `BROKEN`: a resolve part on `state` would close incidents as they fire.
    let broken = json!({"state": "BROKEN", "check_id": "c1", "exit_code": 2});
    let ok = json!({"state": "OK", "check_id": "c1", "exit_code": 0});
    let p = propose_on(&[broken.clone(), ok.clone()]);
    assert_eq!(p.trigger.as_ref().unwrap().items, ["BROKEN"]);
    let resolve = p.resolve.as_ref().unwrap();
    assert_eq!(resolve.key, "exit_code", "another key tells them apart");
    assert!(
        resolve
            .refused
            .iter()
            .any(|(item, why)| item == "OK" && why.contains("contained in a firing value"))
    );
    assert_eq!(codes(&[broken, ok]), [201, 200]);
    // With no other key, it is missing, and said so.
    let p = propose_on(&[
        json!({"state": "BROKEN", "id": "c1"}),
        json!({"state": "OK", "id": "c1"}),
    ]);
    assert!(p.resolve.is_none());
    assert!(
        p.missing
            .iter()
            .any(|m| m.contains("contained in a firing value")),
        "{:?}",
        p.missing
    );
}

#[test]
fn unresolved_is_firing_and_resolved_cannot_resolve_it() {
    let open = json!({"status": "unresolved", "issue_id": "1"});
    let closed = json!({"status": "resolved", "issue_id": "1"});
    let p = propose_on(&[open, closed]);
    assert_eq!(p.trigger.as_ref().unwrap().items, ["unresolved"]);
    assert!(p.resolve.is_none(), "{:?}", p.resolve);
    assert!(
        p.missing.iter().any(|m| m.contains("\"resolved\"")),
        "{:?}",
        p.missing
    );
}

#[test]
fn alternatives_that_share_no_item_become_one_filter_each() {
    let s = |status: &str, id: &str| json!({"status": status, "eventId": id, "title": "Errors"});
    let values = [s("OPEN", "e1"), s("FIRING", "e2"), s("RESOLVED", "e1")];
    let p = propose_on(&values);
    assert_eq!(p.trigger.as_ref().unwrap().items, ["OPEN", "FIRING"]);
    assert_eq!(codes(&values), [201, 201, 200]);
    // Triggered and Re-Triggered share one item.
    let d = |t: &str| json!({"alert_transition": t, "alert_cycle_key": "k1", "alert_id": "m1"});
    let p = propose_on(&[d("Triggered"), d("Re-Triggered"), d("Recovered")]);
    assert_eq!(p.trigger.as_ref().unwrap().items, ["Triggered"]);
    assert_eq!(p.map_key.as_ref().unwrap().key, "alert_cycle_key");
}

#[test]
fn the_mapping_key_separates_alerts_and_follows_the_lifecycle() {
    let s = |status: &str, group: &str, receiver: &str| json!({"status": status, "groupKey": group, "receiver": receiver, "notification": format!("{status}{group}")});
    let p = propose_on(&[
        s("firing", "g1", "r"),
        s("firing", "g2", "r"),
        s("resolved", "g1", "r"),
    ]);
    let m = p.map_key.as_ref().unwrap();
    assert_eq!(m.key, "groupKey");
    assert!(
        m.reason
            .contains("2 different values across the 2 firing samples"),
        "{}",
        m.reason
    );
}

#[test]
fn case_sensitive_reading_keeps_items_that_differ_only_in_case() {
    let a = json!({"state": "broken", "id": "1"});
    let b = json!({"state": "OK", "id": "1"});
    let sensitive = Fold {
        case_sensitive: true,
    };
    let p = propose(&samples(&[a.clone(), b.clone()]), sensitive);
    assert_eq!(p.resolve.as_ref().unwrap().items, ["OK"]);
    assert!(propose_on(&[a, b]).resolve.is_none());
}

#[test]
fn top_level_only_reading_offers_no_nested_key() {
    let v = [
        json!({"status": "firing", "labels": {"id": "x"}, "alert_id": "a"}),
        json!({"status": "resolved", "labels": {"id": "x"}, "alert_id": "a"}),
    ];
    let flat: Vec<Sample> = v.iter().map(|v| Sample::new("s", v, false)).collect();
    let p = propose(&flat, FOLD);
    assert_eq!(p.map_key.as_ref().unwrap().key, "alert_id");
    assert!(
        p.map_key
            .as_ref()
            .unwrap()
            .alternatives
            .iter()
            .all(|(k, _)| !k.contains("labels"))
    );
}

#[test]
fn comments_cannot_be_broken_by_sample_text_and_hide_secrets() {
    let nasty = "line\nservice = \"x\"\u{1b}[31m Bearer abcdefghijklmnop1234";
    let firing = json!({"status": "firing", "alert_id": "a", "title": nasty});
    let resolved = json!({"status": "resolved", "alert_id": "a", "title": nasty});
    let p = propose_on(&[firing, resolved]);
    let names = Names {
        service: "s\"\nx",
        from: Some("F\"rom"),
        semantics: SemanticsLayer::default(),
    };
    let text = filter_file(&p, names, Mask::SHAPES);
    let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(doc["service"].as_str(), Some("s\"\nx"));
    assert_eq!(doc["from"].as_str(), Some("F\"rom"));
    assert!(!text.contains("abcdefghijklmnop1234"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
    for line in text.lines() {
        assert!(!line.starts_with("service = \"x\""), "{text}");
    }
}

#[test]
fn no_state_at_all_is_missing() {
    let p = propose_on(&[json!({"a": 1}), json!({"a": 2})]);
    assert!(p.state.is_none());
    assert!(!p.missing.is_empty());
    // Still a file that loads.
    codes(&[json!({"a": 1})]);
}

//! One test per replay rule.

use super::*;
use crate::filter::parse_service;
use crate::payload::Payload;
use crate::semantics::SemanticsLayer;
use crate::timestamp;
use crate::warning::Warning;
use serde_json::json;
use std::path::Path;

fn tigera(map_with: bool) -> Vec<Service> {
    if map_with {
        tigera_edited(&[])
    } else {
        tigera_edited(&[("map_with = \"alert_id\"", "")])
    }
}

/// `filters/tigera.toml` with these replacements.
fn tigera_edited(edits: &[(&str, &str)]) -> Vec<Service> {
    let mut toml = std::fs::read_to_string("filters/tigera.toml").unwrap();
    for (from, to) in edits {
        assert!(toml.contains(from), "{from}");
        toml = toml.replace(from, to);
    }
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
    assert_eq!(r.open().next().unwrap().1, Some(minute));
    let done = r.apply("c", &request(resolved("k"), None, Some(10 * minute)));
    assert_eq!(flags(&done), (200, false, false, true, false));
    let Some(ResolveAction::Closed(closed)) = &done.actions[0].resolve else {
        panic!("{done:?}")
    };
    assert_eq!((closed[0].0.id, closed[0].1), (1, Some(10 * minute)));
    let orphan = r.apply("d", &request(resolved("k"), None, None));
    assert_eq!(
        orphan.actions[0].resolve,
        Some(ResolveAction::NoOpenIncident("k".into()))
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
            unmapped_resolves: 0,
            keyless: 0,
            unauthorized: 0,
            forbidden: 0,
            suppressed: 0,
        }
    );
    assert!(r.open().len() == 0);
}

fn with_tokens(specs: &[&str], services: &[Service]) -> ReplayOptions {
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    ReplayOptions {
        tokens: Tokens::parse(specs.iter().copied(), &names).0,
        ..ReplayOptions::default()
    }
}

#[test]
fn no_token_is_401_another_token_403_and_neither_changes_anything() {
    let services = tigera(true);
    let mut r = Replayer::new(&services, with_tokens(&["right"], &services));
    let wrong = r.apply("a", &request(firing("k"), Some("wrong"), None));
    assert_eq!((wrong.code, wrong.actions.len()), (403, 0));
    assert_eq!(r.apply("b", &request(firing("k"), None, None)).code, 401);
    assert!(r.open().len() == 0);
    assert_eq!(
        r.apply("c", &request(firing("k"), Some("right"), None))
            .code,
        201
    );
    let c = r.counts();
    assert_eq!((c.unauthorized, c.forbidden, c.created), (1, 1, 1));
}

#[test]
fn a_scoped_token_reaches_only_its_service() {
    let mut services = tigera(true);
    let mut other = services[0].clone();
    other.name = "other".into();
    services.push(other);
    let mut r = Replayer::new(&services, with_tokens(&["other=o-1", "g-1"], &services));
    let scoped = r.apply("a", &request(firing("k"), Some("o-1"), None));
    let served: Vec<&str> = scoped.actions.iter().map(|a| a.service.as_str()).collect();
    assert_eq!((scoped.code, served), (201, vec!["other"]));
    let global = r.apply("b", &request(firing("j"), Some("g-1"), None));
    assert_eq!(
        global.actions.len(),
        2,
        "a global token reaches every service"
    );
}

#[test]
fn a_disabled_service_sees_nothing_and_one_in_maintenance_suppresses_but_resolves() {
    let mut services = tigera(true);
    services[0].state = State::Maintenance;
    let mut r = Replayer::new(&services, ReplayOptions::default());
    let suppressed = r.apply("a", &request(firing("k"), None, None));
    assert_eq!(suppressed.code, 202);
    assert!(!suppressed.created && !suppressed.duplicate);
    assert!(matches!(
        suppressed.actions[0].trigger,
        Some(TriggerAction::Suppressed(ref i)) if i.map_key.as_deref() == Some("k")
    ));
    assert!(r.open().len() == 0);
    // Nothing was opened, so the resolve finds nothing: but it is evaluated, and answers 200.
    let resolve = r.apply("b", &request(resolved("k"), None, None));
    assert_eq!(
        (resolve.code, &resolve.actions[0].resolve),
        (200, &Some(ResolveAction::NoOpenIncident("k".into())))
    );
    assert_eq!((r.counts().suppressed, r.counts().discarded), (1, 1));
    services[0].state = State::Disabled;
    let mut r = Replayer::new(&services, ReplayOptions::default());
    let unseen = r.apply("c", &request(firing("k"), None, None));
    assert_eq!((unseen.code, unseen.actions.len()), (202, 0));
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
    assert_eq!(c.unmapped_resolves, 0);
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
    let Some(TriggerAction::Created(i, _)) = &record.actions[0].trigger else {
        panic!("{record:?}")
    };
    assert_eq!(i.title, "Calico - Lateral");
}

#[test]
fn a_resolve_without_a_mapping_value_is_counted_and_named_apart_from_no_open_incident() {
    let services = tigera(true);
    let mut r = Replayer::new(&services, ReplayOptions::default());
    r.apply("a", &request(firing("k"), None, None));
    let record = r.apply(
        "b",
        &request(json!({"status": "resolved", "id": "k"}), None, None),
    );
    assert_eq!(
        record.actions[0].resolve,
        Some(ResolveAction::NoMappingValue("alert_id".into()))
    );
    assert_eq!(record.code, 200);
    r.apply("c", &request(resolved("other"), None, None));
    let c = r.counts();
    assert_eq!((c.unmapped_resolves, c.orphan_resolves), (1, 1));
    assert_eq!(r.open().len(), 1);
}

fn windowed(window: Millis) -> ReplayOptions {
    ReplayOptions {
        dedup_window: Some(window),
        ..ReplayOptions::default()
    }
}

#[test]
fn a_request_received_before_the_window_is_not_a_duplicate() {
    let services = tigera(false);
    let mut r = Replayer::new(&services, windowed(5 * 60_000));
    let minute = 60_000;
    assert!(
        r.apply("a", &request(firing("k"), None, Some(10 * minute)))
            .created
    );
    // The same body, captured out of order: received a minute before the one already seen.
    let earlier = r.apply("b", &request(firing("k"), None, Some(9 * minute)));
    assert_eq!(flags(&earlier), (201, true, false, false, false));
    // Within the window of the first it still folds, and the window still runs from the first.
    assert!(
        r.apply("c", &request(firing("k"), None, Some(14 * minute)))
            .duplicate
    );
    assert!(
        r.apply("d", &request(firing("k"), None, Some(19 * minute)))
            .duplicate
    );
    assert!(
        r.apply("e", &request(firing("k"), None, Some(25 * minute)))
            .created
    );
}

#[test]
fn the_window_is_pruned_by_time_so_a_far_future_request_cannot_pin_it() {
    let services = tigera(false);
    let window = 60_000;
    let mut r = Replayer::new(&services, windowed(window));
    let far_future = timestamp::parse_text("9999-01-01T00:00:00Z").unwrap();
    r.apply("future", &request(firing("future"), None, Some(far_future)));
    for n in 0..3_000 {
        // Distinct bodies, each more than one window after the one before.
        let at = n * 2 * window;
        r.apply("n", &request(firing(&n.to_string()), None, Some(at)));
        assert!(r.window_len() <= 2, "request {n}: {}", r.window_len());
    }
    // Repeats within the window are still folded, by a lookup, not a scan.
    let last = 2_999 * 2 * window;
    assert!(
        r.apply("again", &request(firing("2999"), None, Some(last + 1)))
            .duplicate
    );
}

#[test]
fn without_a_window_no_request_time_is_kept() {
    let services = tigera(false);
    let mut r = Replayer::new(&services, ReplayOptions::default());
    for n in 0..100 {
        // Every request a trigger without a mapping key: nothing is folded, whatever the times.
        r.apply(
            "n",
            &request(json!({"status": "pending", "n": n}), None, Some(n)),
        );
        r.apply("n", &request(firing("k"), None, Some(n)));
    }
    assert_eq!(r.window_len(), 0);
    assert_eq!(r.counts().duplicates, 0);
}

#[test]
fn an_unreadable_time_key_value_is_a_warning_on_the_request() {
    let services = tigera(true);
    let options = ReplayOptions {
        dedup_window: Some(60_000),
        time_key: Some("at".into()),
        ..ReplayOptions::default()
    };
    let mut r = Replayer::new(&services, options);
    let at = |value: serde_json::Value| {
        let mut body = firing("k");
        body["at"] = value;
        request(body, None, None)
    };
    let warned = |record: &Record| match record.warnings.as_slice() {
        [Warning::NoTime { key, problem }] => {
            assert_eq!(key, "at");
            Some(problem.clone())
        }
        [] => None,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        warned(&r.apply("a", &at(json!("2026-04-17T12:00:00Z")))),
        None
    );
    assert_eq!(
        warned(&r.apply("b", &at(json!("yesterday")))),
        Some(Some(timestamp::TimeError::NotATime))
    );
    assert!(matches!(
        warned(&r.apply("c", &at(json!("2026-02-31T12:00:00Z")))),
        Some(Some(timestamp::TimeError::Invalid(_)))
    ));
    assert_eq!(
        warned(&r.apply("d", &at(json!(1e300)))),
        Some(Some(timestamp::TimeError::OutOfRange))
    );
    assert_eq!(
        warned(&r.apply("e", &request(firing("k"), None, None))),
        Some(None)
    );
    // A request with an envelope time needs no time key, and one that did nothing needs no time.
    assert_eq!(
        warned(&r.apply("f", &request(firing("k"), None, Some(0)))),
        None
    );
    let idle = r.apply("g", &request(json!({"status": "pending"}), None, None));
    assert_eq!((idle.code, warned(&idle)), (202, None));
}

/// The fields that differ, per request, between a replay through `old` and one through `new`.
fn diff(old: &[Service], new: &[Service], requests: &[Request]) -> Vec<Vec<Field>> {
    let (mut a, mut b) = (
        Replayer::new(old, ReplayOptions::default()),
        Replayer::new(new, ReplayOptions::default()),
    );
    requests
        .iter()
        .map(|req| {
            let (x, y) = (a.apply("r", req), b.apply("r", req));
            changes(&x, &y).iter().map(|c| c.field).collect()
        })
        .collect()
}

#[test]
fn a_changed_map_with_that_stops_resolves_closing_names_the_mapping_key_and_the_resolve() {
    let new = tigera_edited(&[("map_with = \"alert_id\"", "map_with = \"alert_name\"")]);
    let got = diff(
        &tigera(true),
        &new,
        &[
            request(firing("k"), None, None),
            request(firing("k"), None, None),
            request(resolved("k"), None, None),
        ],
    );
    assert_eq!(got, [vec![Field::MapKey], vec![], vec![Field::Resolve]]);
}

#[test]
fn a_resolve_that_closes_another_incident_is_a_change() {
    let new = tigera_edited(&[
        ("map_with = \"alert_id\"", "map_with = \"alert_name\""),
        ("mapped_with = \"alert_id\"", "mapped_with = \"alert_name\""),
    ]);
    let alert = |id: &str, name: &str| json!({"status": "firing", "alert_id": id, "alert_name": name, "description": "d"});
    let got = diff(
        &tigera(true),
        &new,
        &[
            request(alert("a", "N"), None, None),
            request(alert("b", "M"), None, None),
            // Closes the incident of request 1 by its id, or that of request 2 by its name.
            request(
                json!({"status": "resolved", "alert_id": "a", "alert_name": "M"}),
                None,
                None,
            ),
        ],
    );
    assert_eq!(
        got,
        [
            vec![Field::MapKey],
            vec![Field::MapKey],
            vec![Field::Resolve]
        ]
    );
}

#[test]
fn filter_urgency_title_and_description_changes_are_each_named() {
    let new = tigera_edited(&[
        ("name = \"security alert\"", "name = \"security\""),
        ("urgency = \"high\"", "urgency = \"low\""),
        ("title_from = \"alert_name\"", "title_from = \"severity\""),
        ("description_from = \"description\"", ""),
    ]);
    let got = diff(&tigera(true), &new, &[request(firing("k"), None, None)]);
    assert_eq!(
        got,
        [vec![
            Field::Filter,
            Field::Urgency,
            Field::Title,
            Field::Description
        ]]
    );
    assert_eq!(
        diff(
            &tigera(true),
            &tigera(true),
            &[request(firing("k"), None, None)]
        ),
        [vec![]]
    );
}

#[test]
fn services_pair_by_name_then_in_order() {
    let renamed = tigera_edited(&[("service = \"tigera\"", "service = \"tigera-2\"")]);
    // A renamed service with the same filters changes nothing.
    assert_eq!(
        diff(&tigera(true), &renamed, &[request(firing("k"), None, None)]),
        [vec![]]
    );
    // A service that no longer acts: its code is the change.
    let silent = tigera_edited(&[("contains = [\"firing\"]", "contains = [\"burning\"]")]);
    let old = tigera(true);
    let (mut a, mut b) = (
        Replayer::new(&old, ReplayOptions::default()),
        Replayer::new(&silent, ReplayOptions::default()),
    );
    let req = request(firing("k"), None, None);
    let (x, y) = (a.apply("r", &req), b.apply("r", &req));
    assert_eq!(
        changes(&x, &y),
        [Change {
            old: Some(0),
            new: None,
            field: Field::Code
        }]
    );
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

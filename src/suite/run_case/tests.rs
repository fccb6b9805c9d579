//! Running cases and scenarios: stated fields compared in their own form, the full actual outcome for
//! blessing, fragile steps, tokens and maintenance.

use super::*;
use crate::access::Tokens;
use crate::filter::{State, parse_service};
use crate::payload::Payload;
use crate::semantics::SemanticsLayer;
use crate::suite::{Stated, Step};
use std::path::Path;

const FILTERS: &str = r#"
from = "T"
[[filter]]
name = "alert"
urgency = "high"
[filter.trigger]
conditions = [{ key = "status", contains = ["firing"] }]
title_from = "name"
map_with = "id"
[filter.resolve]
conditions = [{ key = "status", contains = ["resolved"] }]
mapped_with = "id"
"#;

fn body(json: &str) -> Payload {
    Payload::json(json, serde_json::from_str(json).unwrap())
}

fn case(body: CaseBody) -> Case {
    Case {
        name: "c".into(),
        line: 1,
        index: 0,
        skip: false,
        service: parse_service(Path::new("s.toml"), FILTERS, SemanticsLayer::default()).unwrap(),
        secrets: Default::default(),
        body,
    }
}

fn stated(field: Field, value: Val) -> Stated {
    Stated {
        field,
        value,
        line: 9,
    }
}

#[test]
fn stated_fields_are_compared_in_their_own_form() {
    let ran = run(&case(CaseBody::Request {
        payload: body(r#"{"status": "firing", "name": "n", "id": "k"}"#),
        expect: vec![
            stated(Field::Code, Val::Int(201)),
            stated(Field::Filter, Val::Int(1)),
            stated(Field::Title, Val::str("T - wrong")),
            stated(Field::MapKey, Val::str("k")),
            stated(Field::Resolve, Val::Bool(false)),
        ],
    }));
    let failed: Vec<_> = ran.compared.iter().filter(|c| !c.holds()).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].field, &failed[0].actual),
        (Field::Title, &Val::str("T - n"))
    );
    assert_eq!(
        ran.hits,
        [Hit {
            service: "s".into(),
            position: 1,
            part: Part::Trigger
        }]
    );
}

#[test]
fn the_full_actual_outcome_is_ready_for_blessing() {
    let ran = run(&case(CaseBody::Request {
        payload: body(r#"{"status": "resolved", "id": "k"}"#),
        expect: vec![],
    }));
    let resolve = Val::Table(vec![
        ("filter".into(), Val::str("alert")),
        ("map_key".into(), Val::str("k")),
    ]);
    assert_eq!(
        ran.actual,
        [(Field::Code, Val::Int(200)), (Field::Resolve, resolve)]
    );
}

#[test]
fn a_scenario_step_that_the_other_resolve_scope_changes_is_flagged() {
    let filters = format!(
        "{FILTERS}\n[[filter]]\nname = \"ack\"\nurgency = \"low\"\n[filter.trigger]\nconditions = [{{ key = \"status\", contains = [\"never\"] }}]\ntitle_from = \"name\"\n[filter.resolve]\nconditions = [{{ key = \"status\", contains = [\"acked\"] }}]\nmapped_with = \"id\"\n"
    );
    let run_under = |scope: &str| {
        let layer: SemanticsLayer =
            toml::from_str(&format!("resolve_scope = \"{scope}\"")).unwrap();
        let steps = [
            r#"{"status": "firing", "id": "k"}"#,
            r#"{"status": "acked", "id": "k"}"#,
        ]
        .map(|b| Step {
            payload: body(b),
            token: None,
            state: None,
        })
        .into();
        run(&Case {
            service: parse_service(Path::new("s.toml"), &filters, layer).unwrap(),
            ..case(CaseBody::Scenario {
                tokens: Tokens::default(),
                steps,
                expect: vec![stated(Field::Step(1), Val::str("resolved"))],
            })
        })
    };
    let service = run_under("service");
    assert!(service.passed());
    assert_eq!(
        service.fragile,
        [(
            1,
            Fragility {
                reading: "resolve_scope = \"filter\"",
                outcome: "close no incident".into()
            }
        )]
    );
    let filter = run_under("filter");
    assert_eq!(filter.compared[0].actual, Val::str("no-open-incident"));
    assert_eq!(
        filter.fragile,
        [(
            1,
            Fragility {
                reading: "resolve_scope = \"service\"",
                outcome: "close incident #1".into()
            }
        )]
    );
}

#[test]
fn a_scenario_runs_through_one_simulation() {
    let steps = [
        r#"{"status": "firing", "id": "k"}"#,
        r#"{"status": "firing", "id": "k"}"#,
        r#"{"status": "firing"}"#,
        r#"{"status": "resolved", "id": "k"}"#,
    ]
    .map(|b| Step {
        payload: body(b),
        token: None,
        state: None,
    })
    .into();
    let ran = run(&case(CaseBody::Scenario {
        tokens: Tokens::default(),
        steps,
        expect: vec![
            stated(Field::Step(1), Val::str("duplicate")),
            stated(Field::Step(3), Val::str("resolved")),
            stated(Field::Open, Val::Array(vec![])),
        ],
    }));
    assert!(!ran.passed());
    let open = &ran.compared[2];
    assert_eq!(open.actual, Val::Array(vec![Val::str("")]));
    assert!(ran.compared[0].holds() && ran.compared[1].holds());
}

fn step(json: &str, token: Option<&str>, state: Option<State>) -> Step {
    Step {
        payload: body(json),
        token: token.map(str::to_owned),
        state,
    }
}

/// The actions of each step of a scenario through the filters above, as `test` reports them.
fn actions_of(tokens: &[&str], steps: Vec<Step>) -> Vec<Val> {
    let ran = run(&case(CaseBody::Scenario {
        tokens: Tokens::parse(tokens.iter().copied(), &["s", "other"]).0,
        steps,
        expect: vec![],
    }));
    ran.actual
        .into_iter()
        .filter(|(f, _)| matches!(f, Field::Step(_)))
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn scenario_steps_are_admitted_by_their_token() {
    let firing = r#"{"status": "firing", "id": "k"}"#;
    let got = actions_of(
        &["s=mine", "other=theirs", "all"],
        vec![
            step(firing, None, None),
            step(firing, Some("nobody"), None),
            step(firing, Some("theirs"), None),
            step(firing, Some("mine"), None),
            step(firing, Some("all"), None),
        ],
    );
    let want = [
        "unauthorized",
        "forbidden",
        "unreached",
        "created",
        "duplicate",
    ];
    assert_eq!(got, want.map(Val::str));
    // Without tokens, none are checked.
    let got = actions_of(&[], vec![step(firing, Some("anything"), None)]);
    assert_eq!(got, [Val::str("created")]);
}

#[test]
fn maintenance_suppresses_new_incidents_and_resolves_still_close() {
    let firing = r#"{"status": "firing", "id": "k"}"#;
    let other = r#"{"status": "firing", "id": "j"}"#;
    let resolved = r#"{"status": "resolved", "id": "k"}"#;
    let m = Some(State::Maintenance);
    let got = actions_of(
        &[],
        vec![
            step(firing, None, None),
            step(other, None, m),
            step(firing, None, m),
            step(resolved, None, m),
            step(other, None, Some(State::Disabled)),
            step(other, None, None),
        ],
    );
    let want = [
        "created",
        "suppressed",
        "suppressed",
        "resolved",
        "discarded",
        "created",
    ];
    assert_eq!(got, want.map(Val::str));
}

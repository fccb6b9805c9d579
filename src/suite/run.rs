//! Running one case: evaluate its request (or run its scenario through a fresh simulation), then put
//! every stated field beside the actual value in the same form. Pure: no clock, no output.

use super::val::Val;
use super::{Case, CaseBody, Field, Stated};
use crate::access::Admission;
use crate::eval::evaluate;
use crate::explain::Fragility;
use crate::outcome::{Description, FilterRef, Outcome};
use crate::semantics::Reading;
use crate::simulation::{Action, Simulation, closing_words};

/// A filter part that a case exercised.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// The service.
    pub service: String,
    /// The filter's 1-based position.
    pub position: usize,
    /// Which part.
    pub part: Part,
}

/// The two parts of a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The trigger part fired.
    Trigger,
    /// The resolve part matched.
    Resolve,
}

/// One stated field beside its actual value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// The field.
    pub field: Field,
    /// What the case file states.
    pub expected: Val,
    /// What the run gave, in the same form.
    pub actual: Val,
    /// Where the case file states it.
    pub line: usize,
}

impl Compared {
    /// Whether the expectation holds.
    pub fn holds(&self) -> bool {
        self.expected == self.actual
    }
}

/// The result of running one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// Every stated field with its actual value.
    pub compared: Vec<Compared>,
    /// Every field the case could state, with its actual value: what `--bless` writes for a case that
    /// states nothing yet.
    pub actual: Vec<(Field, Val)>,
    /// The filter parts exercised.
    pub hits: Vec<Hit>,
    /// The steps of a scenario (0-based) that would close other incidents under the other reading of
    /// the simulation, with what they would do.
    pub fragile: Vec<(usize, Fragility)>,
}

impl Ran {
    /// Whether every stated field holds.
    pub fn passed(&self) -> bool {
        self.compared.iter().all(Compared::holds)
    }
}

/// Runs `case`.
pub fn run(case: &Case) -> Ran {
    let service = &case.service;
    let hits_of = |o: &Outcome, hits: &mut Vec<Hit>| {
        let hit = |f: &FilterRef, part| Hit {
            service: service.name.clone(),
            position: f.position,
            part,
        };
        // A trigger that held in maintenance exercised its part, though nothing was created.
        let held = o.trigger.as_ref().or(o.suppressed.as_ref());
        hits.extend(held.map(|i| hit(&i.filter, Part::Trigger)));
        hits.extend(o.resolve.as_ref().map(|r| hit(&r.filter, Part::Resolve)));
    };
    let mut hits = Vec::new();
    match &case.body {
        CaseBody::Request { payload, expect } => {
            let outcome = evaluate(service, payload);
            hits_of(&outcome, &mut hits);
            let compared = expect
                .iter()
                .map(|s| compare(s, request_field(s.field, &s.value, &outcome, &payload.raw)))
                .collect();
            let described = outcome
                .trigger
                .as_ref()
                .is_some_and(|i| matches!(i.description, Description::Value(_)));
            let actual = Field::REQUEST
                .iter()
                .filter(|(field, _)| match field {
                    Field::Code => true,
                    Field::Description => described,
                    Field::Priority => outcome
                        .trigger
                        .as_ref()
                        .is_some_and(|i| i.priority.is_some()),
                    Field::Resolve => outcome.resolve.is_some() || outcome.trigger.is_some(),
                    Field::Warnings => !outcome.warnings.is_empty(),
                    _ => outcome.trigger.is_some(),
                })
                .map(|(field, _)| {
                    let actual = request_field(*field, &Val::str(""), &outcome, &payload.raw);
                    (*field, actual)
                })
                .collect();
            Ran {
                compared,
                actual,
                hits,
                fragile: Vec::new(),
            }
        }
        CaseBody::Scenario {
            tokens,
            steps,
            expect,
        } => {
            let mut sim = Simulation::new();
            let mut fragile = Vec::new();
            let mut actual = Vec::new();
            for (i, step) in steps.iter().enumerate() {
                let actions = match tokens.admit(step.token.as_deref()) {
                    Admission::NoToken => vec![Action::Unauthorized],
                    Admission::UnknownToken => vec![Action::Forbidden],
                    Admission::Reaches(reach) if !reach.reaches(&service.name) => {
                        vec![Action::Unreached]
                    }
                    Admission::Reaches(_) => {
                        let outcome = match step.state {
                            Some(state) if state != service.state => {
                                evaluate(&service.in_state(state), &step.payload)
                            }
                            _ => evaluate(service, &step.payload),
                        };
                        hits_of(&outcome, &mut hits);
                        let step = sim.apply(
                            &service.name,
                            &outcome,
                            i + 1,
                            service.semantics.resolve_scope,
                        );
                        if let Some(ids) = &step.other_scope_closes {
                            fragile.push((
                                i,
                                Fragility {
                                    reading: service.semantics.flipped(Reading::ResolveScope).1,
                                    outcome: closing_words(ids),
                                },
                            ));
                        }
                        step.actions()
                    }
                };
                actual.push((Field::Step(i), Val::str(join_actions(&actions))));
            }
            let open = sim
                .open()
                .iter()
                .map(|i| Val::str(i.map_key.clone().unwrap_or_default()))
                .collect();
            actual.push((Field::Open, Val::Array(open)));
            let compared = expect
                .iter()
                .map(|s| {
                    let found = actual.iter().find(|(f, _)| *f == s.field);
                    compare(s, found.map_or(Val::Bool(false), |(_, v)| v.clone()))
                })
                .collect();
            Ran {
                compared,
                actual,
                hits,
                fragile,
            }
        }
    }
}

fn compare(stated: &Stated, actual: Val) -> Compared {
    let expected = match (&stated.field, &stated.value) {
        // Actions are compared as a set written in a canonical order: "resolved+created" holds for a
        // step that created and resolved.
        (Field::Step(_), Val::Str(s)) => {
            let mut actions: Vec<Action> = s
                .split('+')
                .filter_map(|a| Action::parse(a.trim()))
                .collect();
            actions.sort();
            Val::str(join_actions(&actions))
        }
        (_, v) => v.clone(),
    };
    Compared {
        field: stated.field,
        expected,
        actual,
        line: stated.line,
    }
}

fn join_actions(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join("+")
}

/// The actual value of a request field, in the form of `stated` (a filter by position when stated by
/// position; the parts of a resolve that are stated). `false` stands for "none".
fn request_field(field: Field, stated: &Val, o: &Outcome, raw: &str) -> Val {
    let none = Val::Bool(false);
    let filter = |f: &FilterRef, form: Option<&Val>| match form {
        Some(Val::Int(_)) => Val::Int(i64::try_from(f.position).unwrap_or(i64::MAX)),
        _ => Val::str(f.name.clone()),
    };
    let key = |k: &Option<String>| k.clone().map_or(Val::Bool(false), Val::Str);
    let incident = o.trigger.as_ref();
    match field {
        Field::Code => Val::Int(i64::from(o.code.status())),
        Field::Filter => incident.map_or(none, |i| filter(&i.filter, Some(stated))),
        Field::Urgency => incident.map_or(none, |i| Val::str(i.urgency.as_str())),
        Field::Priority => incident
            .and_then(|i| i.priority)
            .map_or(none, |p| Val::str(p.as_str())),
        Field::Title => incident.map_or(none, |i| Val::str(i.title.clone())),
        Field::Description => incident.map_or(none, |i| Val::str(i.description.text(raw))),
        Field::MapKey => incident.map_or(none, |i| key(&i.map_key)),
        Field::Resolve => match &o.resolve {
            None => none,
            Some(r) => {
                let part = |name: &str| match stated {
                    Val::Table(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
                    _ => None,
                };
                let whole = !matches!(stated, Val::Table(_));
                let mut fields = Vec::new();
                if whole || part("filter").is_some() {
                    fields.push(("filter".to_owned(), filter(&r.filter, part("filter"))));
                }
                if whole || part("map_key").is_some() {
                    fields.push(("map_key".to_owned(), key(&r.map_key)));
                }
                Val::Table(fields)
            }
        },
        Field::Warnings => Val::Array(o.warnings.iter().map(|w| Val::str(w.kind())).collect()),
        Field::Step(_) | Field::Open => none,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Tokens;
    use crate::filter::{State, parse_service};
    use crate::payload::Payload;
    use crate::semantics::SemanticsLayer;
    use crate::suite::Step;
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
            service: parse_service(Path::new("s.toml"), FILTERS, SemanticsLayer::default())
                .unwrap(),
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
}

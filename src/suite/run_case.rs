//! Running one case or scenario against its expectations: evaluate its request (or run its scenario
//! through a fresh simulation), then put every stated field beside the actual value in the same form
//! (see `compare`). Pure: no clock, no output.

mod compare;

pub use compare::Compared;

use super::val::Val;
use super::{Case, CaseBody, Field};
use crate::access::Admission;
use crate::eval::evaluate;
use crate::explain::Fragility;
use crate::outcome::{Description, FilterRef, Outcome};
use crate::semantics::Reading;
use crate::simulation::{Action, Simulation, closing_words};
use compare::{compare, join_actions, request_field};

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
                .map(|i| Val::str(i.map_key.unwrap_or_default()))
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

#[cfg(test)]
mod tests;

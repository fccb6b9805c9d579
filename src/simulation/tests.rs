//! The simulation over sequences of requests: duplicates, keyless incidents, services, scopes,
//! previews and action names.

use super::*;
use crate::outcome::{Code, Incident as Made, Resolution};

fn trigger(key: Option<&str>) -> Outcome {
    Outcome {
        code: Code::Created,
        trigger: Some(Made {
            filter: FilterRef {
                name: "f".into(),
                position: 1,
            },
            urgency: Urgency::High,
            priority: None,
            title: "t".into(),
            description: crate::outcome::Description::WholePayload,
            map_key: key.map(str::to_owned),
        }),
        resolve: None,
        suppressed: None,
        warnings: vec![],
    }
}

fn resolve(key: Option<&str>) -> Outcome {
    Outcome {
        code: Code::Resolved,
        trigger: None,
        resolve: Some(Resolution {
            filter: FilterRef {
                name: "f".into(),
                position: 1,
            },
            map_key: key.map(str::to_owned),
        }),
        suppressed: None,
        warnings: vec![],
    }
}

fn discard() -> Outcome {
    Outcome {
        code: Code::Discarded,
        trigger: None,
        resolve: None,
        suppressed: None,
        warnings: vec![],
    }
}

fn actions(sim: &mut Simulation, request: usize, service: &str, o: &Outcome) -> Vec<Action> {
    sim.apply(service, o, request, ResolveScope::Service)
        .actions()
}

#[test]
fn firing_firing_again_resolved_is_one_incident_that_closes() {
    let mut sim = Simulation::new();
    assert_eq!(
        actions(&mut sim, 1, "s", &trigger(Some("k"))),
        [Action::Created]
    );
    assert_eq!(
        actions(&mut sim, 2, "s", &trigger(Some("k"))),
        [Action::Duplicate]
    );
    assert_eq!(sim.open().next().unwrap().duplicates, 1);
    assert_eq!(
        actions(&mut sim, 3, "s", &resolve(Some("k"))),
        [Action::Resolved]
    );
    assert!(sim.open().len() == 0);
    assert_eq!(
        actions(&mut sim, 4, "s", &resolve(Some("k"))),
        [Action::NoOpenIncident]
    );
}

#[test]
fn without_a_mapping_key_every_repeat_is_a_new_incident_that_never_closes() {
    let mut sim = Simulation::new();
    assert_eq!(actions(&mut sim, 1, "s", &trigger(None)), [Action::Created]);
    assert_eq!(actions(&mut sim, 2, "s", &trigger(None)), [Action::Created]);
    assert_eq!(
        actions(&mut sim, 3, "s", &resolve(None)),
        [Action::NoOpenIncident]
    );
    let open: Vec<_> = sim.open().map(|i| (i.id, i.created_by)).collect();
    assert_eq!(open, [(1, 1), (2, 2)]);
}

#[test]
fn mapping_values_are_per_service() {
    let mut sim = Simulation::new();
    assert_eq!(
        actions(&mut sim, 1, "a", &trigger(Some("k"))),
        [Action::Created]
    );
    assert_eq!(
        sim.apply("b", &trigger(Some("k")), 1, ResolveScope::Service)
            .actions(),
        [Action::Created]
    );
    assert_eq!(
        actions(&mut sim, 2, "b", &resolve(Some("k"))),
        [Action::Resolved]
    );
    assert_eq!(sim.open().next().unwrap().service, "a");
    assert_eq!(sim.open().next().unwrap().created_by, 1);
}

#[test]
fn trigger_then_resolve_within_one_request() {
    let mut sim = Simulation::new();
    let mut both = trigger(Some("k"));
    both.resolve = resolve(Some("k")).resolve;
    assert_eq!(
        actions(&mut sim, 1, "s", &both),
        [Action::Created, Action::Resolved]
    );
    assert!(sim.open().len() == 0);
}

#[test]
fn nothing_matched_is_discarded() {
    assert_eq!(
        actions(&mut Simulation::new(), 1, "s", &discard()),
        [Action::Discarded]
    );
}

/// `o` as if the filter at `position` made it.
fn by_filter(mut o: Outcome, position: usize) -> Outcome {
    let at = FilterRef {
        name: format!("f{position}"),
        position,
    };
    if let Some(i) = &mut o.trigger {
        i.filter = at.clone();
    }
    if let Some(r) = &mut o.resolve {
        r.filter = at;
    }
    o
}

#[test]
fn a_resolve_closes_what_any_filter_opened_and_says_the_filter_scope_would_not() {
    let mut sim = Simulation::new();
    sim.apply(
        "s",
        &by_filter(trigger(Some("k")), 1),
        1,
        ResolveScope::Service,
    );
    let step = sim.apply(
        "s",
        &by_filter(resolve(Some("k")), 2),
        2,
        ResolveScope::Service,
    );
    assert_eq!(step.actions(), [Action::Resolved]);
    assert_eq!(step.other_scope_closes, Some(vec![]));
    // Its own filter's incident: both scopes agree, nothing to say.
    sim.apply(
        "s",
        &by_filter(trigger(Some("k")), 2),
        3,
        ResolveScope::Service,
    );
    let step = sim.apply(
        "s",
        &by_filter(resolve(Some("k")), 2),
        4,
        ResolveScope::Service,
    );
    assert_eq!(
        (step.actions(), step.other_scope_closes),
        (vec![Action::Resolved], None)
    );
}

#[test]
fn under_the_filter_scope_a_resolve_closes_only_what_its_own_filter_opened() {
    let mut sim = Simulation::new();
    sim.apply(
        "s",
        &by_filter(trigger(Some("k")), 1),
        1,
        ResolveScope::Filter,
    );
    let step = sim.apply(
        "s",
        &by_filter(resolve(Some("k")), 2),
        2,
        ResolveScope::Filter,
    );
    assert_eq!(step.actions(), [Action::NoOpenIncident]);
    assert_eq!(step.other_scope_closes, Some(vec![1]));
    assert_eq!(sim.open().len(), 1);
    // Duplicates are still found across the service.
    let step = sim.apply(
        "s",
        &by_filter(trigger(Some("k")), 2),
        3,
        ResolveScope::Filter,
    );
    assert_eq!(step.actions(), [Action::Duplicate]);
    let step = sim.apply(
        "s",
        &by_filter(resolve(Some("k")), 1),
        4,
        ResolveScope::Filter,
    );
    assert_eq!(
        (step.actions(), step.other_scope_closes),
        (vec![Action::Resolved], None)
    );
    assert!(sim.open().len() == 0);
}

#[test]
fn a_preview_says_what_a_request_would_do_without_doing_it() {
    let mut sim = Simulation::new();
    let scope = ResolveScope::Service;
    assert_eq!(
        sim.preview("s", &trigger(Some("k")), scope),
        Preview {
            trigger: Some(None),
            closes: None
        }
    );
    sim.apply("s", &trigger(Some("k")), 1, scope);
    assert_eq!(
        sim.preview("s", &trigger(Some("k")), scope).trigger,
        Some(Some(1))
    );
    assert_eq!(
        sim.preview("s", &resolve(Some("k")), scope).closes,
        Some(vec![1])
    );
    assert_eq!(
        sim.preview("s", &resolve(Some("x")), scope).closes,
        Some(vec![])
    );
    // A request that creates and resolves its own incident.
    let mut both = trigger(Some("new"));
    both.resolve = resolve(Some("new")).resolve;
    assert_eq!(
        sim.preview("s", &both, scope),
        Preview {
            trigger: Some(None),
            closes: Some(vec![2])
        }
    );
    assert_eq!(sim.open().len(), 1, "a preview changes nothing");
    assert_eq!(closing_words(&[]), "close no incident");
    assert_eq!(closing_words(&[2, 3]), "close incidents #2, #3");
}

#[test]
fn action_names_round_trip() {
    for (action, name) in Action::ALL {
        assert_eq!(Action::parse(name), Some(action));
        assert_eq!(action.to_string(), name);
    }
    assert_eq!(Action::parse("closed"), None);
}

/// The open incidents as a plain list of every service's, mapping value by mapping value: what the
/// compact store must agree with, step by step, while incidents open, fold, close and take each
/// other's places.
#[test]
fn the_open_incidents_agree_with_a_plain_list_through_opening_and_closing() {
    let mut sim = Simulation::new();
    // (id, service, key, created_by, duplicates, token)
    type Open = (usize, String, Option<String>, usize, usize, Option<String>);
    let mut model: Vec<Open> = vec![];
    let mut next = 0;
    let mut seed = 7u64;
    for request in 1..=2000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let roll = seed >> 33;
        let service = ["a", "b", "c"][(roll % 3) as usize];
        let key = (!(roll / 3).is_multiple_of(7)).then(|| format!("k{}", roll / 21 % 40));
        let token = roll
            .is_multiple_of(5)
            .then(|| format!("tok{}", roll / 7 % 4));
        let opening = Opening {
            at: Some(request as Millis),
            token: token.as_deref(),
        };
        let outcome = if (roll / 1000).is_multiple_of(2) {
            trigger(key.as_deref())
        } else {
            resolve(key.as_deref())
        };
        sim.apply_opening(service, &outcome, request, ResolveScope::Service, opening);
        let same = |m: &&mut Open| m.1 == service && m.2.is_some() && m.2 == key;
        if outcome.trigger.is_some() {
            match model.iter_mut().find(same) {
                Some(open) => open.4 += 1,
                None => {
                    next += 1;
                    model.push((next, service.into(), key.clone(), request, 0, token));
                }
            }
        } else if let Some(at) = model.iter_mut().position(|m| same(&m)) {
            model.remove(at);
        }
        let open: Vec<_> = sim
            .open()
            .map(|i| {
                assert_eq!(i.title, "t");
                assert_eq!(i.opened_at, Some(i.created_by as Millis));
                (
                    i.id,
                    i.service.to_owned(),
                    i.map_key.map(str::to_owned),
                    i.created_by,
                    i.duplicates,
                    i.opened_with.map(str::to_owned),
                )
            })
            .collect();
        assert_eq!(open, model, "after request {request}");
    }
    assert!(model.len() > 50, "{}", model.len());
}

//! Callgoose's incidents over a sequence of requests: a pure, stateful simulation fed with the outcome
//! of each request.
//!
//! Rules (the reference's default readings):
//! - A trigger whose mapping value is already open in the same service is a duplicate: no new incident.
//! - A trigger without a mapping value always creates a new incident, which can never be resolved.
//! - A resolve closes every open incident of the service with an equal mapping value (under
//!   `resolve_scope = "filter"`, only one its own filter opened); finding none is a resolve with no open
//!   incident. Each resolve also says what the other scope would have closed, when that differs.
//!   Duplicates are found across the service under either scope.
//! - Within one request the trigger is applied first, then the resolve (the order Callgoose documents).
//! - A service in maintenance creates nothing: a trigger that holds is suppressed (not a duplicate
//!   either), while its resolves close open incidents as ever.
//!
//! Memory grows with the number of open incidents only: closed incidents are handed back, not kept.

use crate::filter::{Priority, Urgency};
use crate::outcome::{FilterRef, Outcome};
use crate::semantics::ResolveScope;
use std::collections::HashMap;
use std::fmt;

/// An incident of the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// 1-based, in order of creation across the whole simulation.
    pub id: usize,
    /// The service it belongs to.
    pub service: String,
    /// Its mapping value; `None`: it can never be resolved through the API.
    pub map_key: Option<String>,
    /// Its title.
    pub title: String,
    /// Its urgency.
    pub urgency: Urgency,
    /// Its priority, when the filter gives one.
    pub priority: Option<Priority>,
    /// The filter that created it.
    pub filter: FilterRef,
    /// The request that created it (1-based across the simulation).
    pub created_by: usize,
    /// Repeats folded into it.
    pub duplicates: usize,
}

impl Incident {
    /// A reference to this incident.
    pub fn reference(&self) -> IncidentRef {
        IncidentRef {
            id: self.id,
            created_by: self.created_by,
        }
    }
}

/// Which incident: its number, and the request that created it (what identifies an incident across two
/// simulations of the same traffic, whose numbers may differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentRef {
    /// [`Incident::id`].
    pub id: usize,
    /// [`Incident::created_by`].
    pub created_by: usize,
}

/// What the trigger side of a request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Triggered {
    /// A new incident.
    Created(Incident),
    /// A repeat of this open incident.
    Duplicate(IncidentRef),
}

/// What the resolve side of a request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// These incidents were closed.
    Closed(Vec<Incident>),
    /// A resolve part matched, but no open incident had its mapping value.
    NoOpenIncident,
}

/// What one request did to the incidents of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Step {
    /// The trigger side, if a trigger part held.
    pub triggered: Option<Triggered>,
    /// The resolve side, if a resolve part matched.
    pub resolved: Option<Resolved>,
    /// A trigger held in maintenance: the incident it would have created was not.
    pub suppressed: bool,
    /// When the other resolve scope would have closed other incidents than this step did: the ids it
    /// would have closed (none: empty).
    pub other_scope_closes: Option<Vec<usize>>,
}

/// What a request would do to the incidents open now, were it applied: for a request that something
/// else (a duplicate window) keeps from being applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    /// The trigger side, if a trigger part held: `None` inside for a new incident, or the open
    /// incident it would fold into.
    pub trigger: Option<Option<usize>>,
    /// The incidents the resolve side would close, if a resolve part matched (the request's own new
    /// incident as the next id).
    pub closes: Option<Vec<usize>>,
}

/// `close incident #3`, `close incidents #3, #4`, or `close no incident`: what a resolve does, in words.
pub fn closing_words(ids: &[usize]) -> String {
    match ids {
        [] => "close no incident".to_owned(),
        [one] => format!("close incident #{one}"),
        many => format!(
            "close incidents {}",
            many.iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One word for what a step did, as scenarios state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// An incident was created.
    Created,
    /// A repeat was folded into an open incident.
    Duplicate,
    /// Open incidents were resolved.
    Resolved,
    /// A resolve part matched but nothing was open with its mapping value.
    NoOpenIncident,
    /// A trigger held, but its service is in maintenance: no incident was created.
    Suppressed,
    /// Nothing matched.
    Discarded,
    /// `401`: tokens are checked and the request carries none.
    Unauthorized,
    /// `403`: the request's token is not one Callgoose knows.
    Forbidden,
    /// The request's token is valid, but for other services only: this one never saw it.
    Unreached,
}

impl Action {
    /// Every action, with its name.
    pub const ALL: [(Action, &'static str); 9] = [
        (Action::Created, "created"),
        (Action::Duplicate, "duplicate"),
        (Action::Resolved, "resolved"),
        (Action::NoOpenIncident, "no-open-incident"),
        (Action::Suppressed, "suppressed"),
        (Action::Discarded, "discarded"),
        (Action::Unauthorized, "unauthorized"),
        (Action::Forbidden, "forbidden"),
        (Action::Unreached, "unreached"),
    ];

    /// Reads an action's name.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(a, _)| *a)
    }

    /// The action's name.
    pub fn name(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Step {
    /// The actions of this step, trigger side first: `[Discarded]` when nothing matched.
    pub fn actions(&self) -> Vec<Action> {
        let mut actions = Vec::new();
        match &self.triggered {
            Some(Triggered::Created(_)) => actions.push(Action::Created),
            Some(Triggered::Duplicate(_)) => actions.push(Action::Duplicate),
            None if self.suppressed => actions.push(Action::Suppressed),
            None => {}
        }
        match &self.resolved {
            Some(Resolved::Closed(_)) => actions.push(Action::Resolved),
            Some(Resolved::NoOpenIncident) => actions.push(Action::NoOpenIncident),
            None => {}
        }
        if actions.is_empty() {
            actions.push(Action::Discarded);
        }
        actions
    }
}

/// The open incidents of every service, and the counters of the run.
#[derive(Debug, Default)]
pub struct Simulation {
    /// Open incidents by service, then mapping value: looked up by `&str`, without allocating.
    keyed: HashMap<String, HashMap<String, Incident>>,
    keyless: Vec<Incident>,
    next_id: usize,
}

impl Simulation {
    /// An empty simulation: nothing open.
    pub fn new() -> Simulation {
        Simulation::default()
    }

    /// Applies the outcome of request number `request` (1-based, given by the caller, since several
    /// services can see the same request) for `service`, whose resolves close incidents in `scope`.
    pub fn apply(
        &mut self,
        service: &str,
        outcome: &Outcome,
        request: usize,
        scope: ResolveScope,
    ) -> Step {
        let mut step = Step {
            suppressed: outcome.suppressed.is_some(),
            ..Step::default()
        };
        if let Some(i) = &outcome.trigger {
            step.triggered = Some(match &i.map_key {
                Some(key) => match self.open_mut(service, key) {
                    Some(open) => {
                        open.duplicates += 1;
                        Triggered::Duplicate(open.reference())
                    }
                    None => {
                        let incident = self.create(service, i, request);
                        if !self.keyed.contains_key(service) {
                            self.keyed.insert(service.to_owned(), HashMap::new());
                        }
                        if let Some(open) = self.keyed.get_mut(service) {
                            open.insert(key.clone(), incident.clone());
                        }
                        Triggered::Created(incident)
                    }
                },
                None => {
                    let incident = self.create(service, i, request);
                    self.keyless.push(incident.clone());
                    Triggered::Created(incident)
                }
            });
        }
        if let Some(r) = &outcome.resolve {
            let (closes, other) = self.closable(service, r, scope);
            if closes != other {
                step.other_scope_closes = Some(other.into_iter().collect());
            }
            let closed = closes
                .and(r.map_key.as_ref())
                .and_then(|key| self.keyed.get_mut(service)?.remove(key.as_str()));
            step.resolved = Some(match closed {
                Some(incident) => Resolved::Closed(vec![incident]),
                None => Resolved::NoOpenIncident,
            });
        }
        step
    }

    /// The open incident that the resolve `r` closes in `scope`, and the one it would close in the
    /// other scope (by id). One mapping value is open at most once per service.
    fn closable(
        &self,
        service: &str,
        r: &crate::outcome::Resolution,
        scope: ResolveScope,
    ) -> (Option<usize>, Option<usize>) {
        let open = r
            .map_key
            .as_ref()
            .and_then(|key| self.keyed.get(service)?.get(key.as_str()));
        let by_service = open.map(|i| i.id);
        let by_filter = open
            .filter(|i| i.filter.position == r.filter.position)
            .map(|i| i.id);
        match scope {
            ResolveScope::Service => (by_service, by_filter),
            ResolveScope::Filter => (by_filter, by_service),
        }
    }

    /// What applying `outcome` for `service` would do now, without doing it.
    pub fn preview(&self, service: &str, outcome: &Outcome, scope: ResolveScope) -> Preview {
        let open = |key: &Option<String>| {
            key.as_ref()
                .and_then(|k| self.keyed.get(service)?.get(k.as_str()))
        };
        let trigger = outcome
            .trigger
            .as_ref()
            .map(|i| open(&i.map_key).map(|o| o.id));
        let closes = outcome.resolve.as_ref().map(|r| {
            // The request's own new incident is open by the time its resolve applies.
            let created = outcome.trigger.as_ref().filter(|i| {
                matches!(trigger, Some(None))
                    && i.map_key.is_some()
                    && i.map_key == r.map_key
                    && (scope == ResolveScope::Service || i.filter.position == r.filter.position)
            });
            match created {
                Some(_) => vec![self.next_id + 1],
                None => self.closable(service, r, scope).0.into_iter().collect(),
            }
        });
        Preview { trigger, closes }
    }

    fn open_mut(&mut self, service: &str, key: &str) -> Option<&mut Incident> {
        self.keyed.get_mut(service)?.get_mut(key)
    }

    fn create(&mut self, service: &str, i: &crate::outcome::Incident, request: usize) -> Incident {
        self.next_id += 1;
        Incident {
            id: self.next_id,
            service: service.to_owned(),
            map_key: i.map_key.clone(),
            title: i.title.clone(),
            urgency: i.urgency,
            priority: i.priority,
            filter: i.filter.clone(),
            created_by: request,
            duplicates: 0,
        }
    }

    /// The incidents still open, in order of creation.
    pub fn open(&self) -> Vec<&Incident> {
        let mut open: Vec<&Incident> = self
            .keyed
            .values()
            .flat_map(HashMap::values)
            .chain(&self.keyless)
            .collect();
        open.sort_by_key(|i| i.id);
        open
    }
}

#[cfg(test)]
mod tests {
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
        assert_eq!(sim.open()[0].duplicates, 1);
        assert_eq!(
            actions(&mut sim, 3, "s", &resolve(Some("k"))),
            [Action::Resolved]
        );
        assert!(sim.open().is_empty());
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
        let open: Vec<_> = sim.open().iter().map(|i| (i.id, i.created_by)).collect();
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
        assert_eq!(sim.open()[0].service, "a");
        assert_eq!(sim.open()[0].created_by, 1);
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
        assert!(sim.open().is_empty());
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
        assert!(sim.open().is_empty());
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
}

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
//! An open incident is a record of a few numbers and one string (its mapping value, then its title:
//! what the reports of open incidents show); its service and the token of the request that opened it
//! are held once however many incidents share them (see `store`).
//!
//! This module owns the incidents and the state that opens and closes them; naming what a step did, as
//! scenarios and reports do, is `action`'s.

mod action;
mod store;

pub use action::{Action, closing_words};
pub use store::{OpenIncident, OpenIncidents};

use crate::filter::{Priority, Urgency};
use crate::outcome::{FilterRef, Outcome};
use crate::semantics::ResolveScope;
use crate::timestamp::Millis;
use store::Store;

/// An incident of the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// 1-based, in order of creation across the whole simulation.
    pub id: usize,
    /// The service it belongs to.
    pub service: String,
    /// Its mapping value; `None`: it can never be resolved through the API.
    pub map_key: Option<String>,
    pub title: String,
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
    /// These incidents were closed, each with when it was opened (where known).
    Closed(Vec<(IncidentRef, Option<Millis>)>),
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

/// What the simulation keeps of the request that opens an incident, for the reports of the incidents
/// left open: when it came, and its token (whose secrets those reports hide).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Opening<'a> {
    /// The request's time, where known.
    pub at: Option<Millis>,
    /// The request's token, if it carried one.
    pub token: Option<&'a str>,
}

/// The open incidents of every service, and the counters of the run.
#[derive(Debug, Default)]
pub struct Simulation {
    open: Store,
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
        self.apply_opening(service, outcome, request, scope, Opening::default())
    }

    /// [`Simulation::apply`], keeping `opening` with the incident the request creates, if any.
    pub fn apply_opening(
        &mut self,
        service: &str,
        outcome: &Outcome,
        request: usize,
        scope: ResolveScope,
        opening: Opening<'_>,
    ) -> Step {
        let mut step = Step {
            suppressed: outcome.suppressed.is_some(),
            ..Step::default()
        };
        if let Some(i) = &outcome.trigger {
            let open = i
                .map_key
                .as_deref()
                .and_then(|key| self.open.fold_duplicate(service, key));
            step.triggered = Some(match open {
                Some(made) => Triggered::Duplicate(made),
                None => {
                    let incident = self.create(service, i, request);
                    self.open.insert(&incident, opening);
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
                .and(r.map_key.as_deref())
                .and_then(|key| self.open.remove(service, key));
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
            .as_deref()
            .and_then(|key| self.open.get(service, key));
        let by_service = open.map(|(id, _)| id);
        let by_filter = open
            .filter(|&(_, filter)| filter == r.filter.position)
            .map(|(id, _)| id);
        match scope {
            ResolveScope::Service => (by_service, by_filter),
            ResolveScope::Filter => (by_filter, by_service),
        }
    }

    /// What applying `outcome` for `service` would do now, without doing it.
    pub fn preview(&self, service: &str, outcome: &Outcome, scope: ResolveScope) -> Preview {
        let open = |key: &Option<String>| {
            key.as_deref()
                .and_then(|k| self.open.get(service, k))
                .map(|(id, _)| id)
        };
        let trigger = outcome.trigger.as_ref().map(|i| open(&i.map_key));
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

    /// The incidents still open, in order of creation (put in that order first, in place: hence
    /// `&mut`).
    pub fn open(&mut self) -> OpenIncidents<'_> {
        self.open.iter()
    }
}

#[cfg(test)]
mod tests;

//! Replaying captured traffic through one stateful simulation of Callgoose: each request's response
//! (code, `triggered.created/duplicate`, `resolved.resolved/duplicate`), the incidents it touched, and
//! the counts of the whole stream. Pure: requests in, records out; the `replay` command does the reading and writing.
//!
//! Rules, besides the simulation's (see `simulation`):
//! - With tokens known (`--token`), a request without a token answers 401 and one whose token is none
//!   of them 403, and either changes nothing; a request whose token is scoped reaches only its
//!   services (see `access`). Without tokens, every request reaches every service.
//! - A disabled service sees nothing; one in maintenance evaluates, and the incident its trigger would
//!   create is suppressed (reported with what it would have been), while its resolves close as ever.
//! - A captured `from` wins over the filter file's for that request.
//! - With a duplicate window, a request whose body repeats one the same service saw within the window
//!   is folded into the earlier request's incident (`triggered.duplicate`), even without a mapping key,
//!   and a repeated resolve is `resolved.duplicate`. A request needs a time for this: the envelope's
//!   `received_at`, or the payload key given with `--time-key`. A request received before the earlier
//!   one is not its repeat.
//!
//! State: the open incidents (with their opening times), and with a duplicate window one entry per
//! service and body seen within one window of the latest request's time, pruned by time whatever the
//! order of arrival. Without a window no request time is kept.
//! - A request whose incidents would differ under the other resolve scope, or without the duplicate
//!   window, says so (`fragile`): the simulation's rules are readings the documentation leaves open.
//!
//! This module owns the replayer and its rules; what a request did and the counts are `record`'s, the
//! duplicate window `window`'s, a request's time `time`'s, and comparing two records `compare`'s.

mod compare;
mod record;
mod time;
mod window;

pub use compare::{Change, Field, changes};
pub use record::{Action, Counts, Record, ResolveAction, TriggerAction};

use crate::access::{Admission, Tokens};
use crate::envelope::Request;
use crate::eval::evaluate_from;
use crate::explain::Fragility;
use crate::filter::{self, Service, State};
use crate::keypath::KeyPath;
use crate::outcome::{Code, Description};
use crate::semantics::Reading;
use crate::simulation::{OpenIncident, Opening, Resolved, Simulation, Triggered, closing_words};
use crate::timestamp::Millis;
use window::{Window, body_hash, without_window};

/// How a replay runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// The tokens Callgoose knows; none: tokens are not checked.
    pub tokens: Tokens,
    /// Repeats of one body within this long are duplicates.
    pub dedup_window: Option<Millis>,
    /// Where a bare body keeps its time.
    pub time_key: Option<String>,
}

/// A replay in progress.
pub struct Replayer<'s> {
    services: &'s [Service],
    options: ReplayOptions,
    time_key: Option<KeyPath>,
    /// The open incidents, each with when it was opened and the token of the request that opened it
    /// (an incident shows that request's values, which are shown with that request's secrets hidden).
    sim: Simulation,
    counts: Counts,
    /// Only with a duplicate window.
    window: Option<Window>,
    last_time: Option<Millis>,
}

impl<'s> Replayer<'s> {
    /// A replay through `services`, nothing open.
    pub fn new(services: &'s [Service], options: ReplayOptions) -> Replayer<'s> {
        Replayer {
            services,
            time_key: options.time_key.as_deref().map(KeyPath::parse),
            window: options.dedup_window.map(Window::new),
            options,
            sim: Simulation::new(),
            counts: Counts::default(),
            last_time: None,
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The incidents open now, in order of creation, each with its age at the last known time.
    pub fn open(
        &mut self,
    ) -> impl ExactSizeIterator<Item = (OpenIncident<'_>, Option<Millis>)> + '_ {
        let now = self.last_time;
        self.sim.open().map(move |i| {
            let age = i.opened_at.zip(now).map(|(o, now)| now - o);
            (i, age)
        })
    }

    /// Replays one request.
    pub fn apply(&mut self, name: &str, request: &Request) -> Record {
        self.counts.requests += 1;
        let mut record = Record {
            number: self.counts.requests,
            name: name.to_owned(),
            code: 202,
            created: false,
            duplicate: false,
            resolved: false,
            resolve_duplicate: false,
            actions: Vec::new(),
            warnings: Vec::new(),
        };
        let reach = match self.options.tokens.admit(request.token.as_deref()) {
            Admission::Reaches(reach) => reach,
            Admission::NoToken => {
                self.counts.unauthorized += 1;
                record.code = 401;
                return record;
            }
            Admission::UnknownToken => {
                self.counts.forbidden += 1;
                record.code = 403;
                return record;
            }
        };
        let (time, no_time) = self.time_of(request);
        if let Some(t) = time {
            self.last_time = Some(self.last_time.map_or(t, |last| last.max(t)));
        }
        // Hashed once per request, and only when a window compares bodies.
        let body = match (&mut self.window, time) {
            (Some(window), Some(now)) => {
                window.prune(now);
                Some((body_hash(request), now))
            }
            _ => None,
        };
        for (index, service) in self.services.iter().enumerate() {
            // A disabled service keeps no log of the request: it is not shown at all.
            if service.state == State::Disabled || !reach.reaches(&service.name) {
                continue;
            }
            let from = filter::request_from(request.from.as_deref(), service);
            let outcome = evaluate_from(service, &request.payload, from);
            if outcome.code == Code::Discarded && outcome.suppressed.is_none() {
                continue;
            }
            let seen = body.map(|(hash, now)| ((index, hash), now));
            let repeat = match (&mut self.window, seen) {
                (Some(window), Some((key, now))) => window.repeat_of(key, now),
                _ => None,
            };
            let mut action = Action {
                service: service.name.clone(),
                code: outcome.code,
                trigger: None,
                resolve: None,
                fragile: Vec::new(),
            };
            let scope = service.semantics.resolve_scope;
            match repeat {
                Some(incident) => {
                    // A repeat within the window changes nothing: it answers as a duplicate.
                    if let (Some(made), true) = (incident, outcome.trigger.is_some()) {
                        action.trigger = Some(TriggerAction::Duplicate(made));
                    }
                    if outcome.resolve.is_some() {
                        action.resolve = Some(ResolveAction::Repeated);
                    }
                    let preview = self.sim.preview(&service.name, &outcome, scope);
                    action
                        .fragile
                        .extend(without_window(incident.map(|i| i.id), &preview));
                }
                None => {
                    let opening = Opening {
                        at: time,
                        token: request.token.as_deref(),
                    };
                    let step = self.sim.apply_opening(
                        &service.name,
                        &outcome,
                        record.number,
                        scope,
                        opening,
                    );
                    let description = outcome.trigger.as_ref().map(|t| t.description.clone());
                    if let Some(ids) = &step.other_scope_closes {
                        action.fragile.push(Fragility {
                            reading: service.semantics.flipped(Reading::ResolveScope).1,
                            outcome: closing_words(ids),
                        });
                    }
                    action.trigger = step.triggered.map(|t| match t {
                        Triggered::Created(i) => TriggerAction::Created(
                            i,
                            description.unwrap_or(Description::WholePayload),
                        ),
                        Triggered::Duplicate(made) => TriggerAction::Duplicate(made),
                    });
                    action.resolve = match (step.resolved, outcome.resolve) {
                        (Some(Resolved::Closed(closed)), _) => Some(ResolveAction::Closed(
                            closed
                                .into_iter()
                                .map(|(i, opened)| (i, opened.zip(time).map(|(o, t)| t - o)))
                                .collect(),
                        )),
                        (Some(Resolved::NoOpenIncident), Some(resolution)) => {
                            Some(match resolution.map_key {
                                Some(key) => ResolveAction::NoOpenIncident(key),
                                None => ResolveAction::NoMappingValue(mapped_with(
                                    service,
                                    resolution.filter.position,
                                )),
                            })
                        }
                        (Some(Resolved::NoOpenIncident), None) | (None, _) => None,
                    };
                    if let (Some(window), Some((key, now))) = (&mut self.window, seen) {
                        let made = match &action.trigger {
                            Some(TriggerAction::Created(i, _)) => Some(i.reference()),
                            Some(TriggerAction::Duplicate(made)) => Some(*made),
                            Some(TriggerAction::Suppressed(_)) | None => None,
                        };
                        window.insert(key, now, made);
                    }
                }
            }
            if action.trigger.is_none()
                && let Some(incident) = &outcome.suppressed
            {
                action.trigger = Some(TriggerAction::Suppressed(Box::new(incident.clone())));
            }
            self.count(&action);
            record.actions.push(action);
        }
        // A request that did nothing needed no time.
        if let (Some(warning), false) = (no_time, record.actions.is_empty()) {
            record.warnings.push(warning);
        }
        self.summarise(&mut record);
        record
    }

    fn count(&mut self, action: &Action) {
        match &action.trigger {
            Some(TriggerAction::Created(i, _)) => {
                self.counts.created += 1;
                if i.map_key.is_none() {
                    self.counts.keyless += 1;
                }
            }
            Some(TriggerAction::Duplicate(_)) => self.counts.duplicates += 1,
            Some(TriggerAction::Suppressed(_)) => self.counts.suppressed += 1,
            None => {}
        }
        match &action.resolve {
            Some(ResolveAction::Closed(closed)) => self.counts.resolved += closed.len(),
            Some(ResolveAction::NoOpenIncident(_)) => self.counts.orphan_resolves += 1,
            Some(ResolveAction::NoMappingValue(_)) => self.counts.unmapped_resolves += 1,
            Some(ResolveAction::Repeated) | None => {}
        }
    }

    fn summarise(&mut self, record: &mut Record) {
        let any = |f: fn(&Action) -> bool| record.actions.iter().any(f);
        record.created = any(|a| matches!(a.trigger, Some(TriggerAction::Created(..))));
        record.duplicate = any(|a| matches!(a.trigger, Some(TriggerAction::Duplicate(_))));
        record.resolved = any(|a| matches!(a.resolve, Some(ResolveAction::Closed(_))));
        record.resolve_duplicate = any(|a| matches!(a.resolve, Some(ResolveAction::Repeated)));
        // A suppressed trigger alone answers as nothing matched: no incident, nothing resolved.
        record.code = if any(|a| a.code == Code::Created) {
            201
        } else if any(|a| a.code == Code::Resolved) {
            200
        } else {
            self.counts.discarded += 1;
            202
        };
    }

    /// How many bodies the duplicate window holds now.
    #[cfg(test)]
    fn window_len(&self) -> usize {
        self.window.as_ref().map_or(0, Window::len)
    }
}

/// The `mapped_with` key of the filter at `position`.
fn mapped_with(service: &Service, position: usize) -> String {
    service
        .filters
        .iter()
        .find(|f| f.position == position)
        .and_then(|f| f.resolve.as_ref())
        .map(|r| r.mapped_with.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;

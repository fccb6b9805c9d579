//! Replaying captured traffic through one stateful simulation of Callgoose: each request's response
//! (code, `triggered.created/duplicate`, `resolved.resolved/duplicate`), the incidents it touched, and
//! the counts of the whole stream. Pure: requests in, records out; `run` does the reading and writing.
//!
//! Rules, besides the simulation's (see `simulation`):
//! - With an expected token, a request carrying another token, or none, answers 401 and changes nothing.
//! - A captured `from` wins over the filter file's for that request.
//! - With a duplicate window, a request whose body repeats one the same service saw within the window
//!   is folded into the earlier request's incident (`triggered.duplicate`), even without a mapping key,
//!   and a repeated resolve is `resolved.duplicate`. A request needs a time for this: the envelope's
//!   `received_at`, or the payload key given with `--time-key`.

pub mod run;

use crate::envelope::Request;
use crate::eval::evaluate_from;
use crate::filter::{self, Service};
use crate::keypath::KeyPath;
use crate::outcome::Code;
use crate::simulation::{Incident, Resolved, Simulation, Triggered};
use crate::timestamp::{self, Millis};
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

/// How a replay runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// The token the service expects; `None`: tokens are not checked.
    pub token: Option<String>,
    /// Repeats of one body within this long are duplicates.
    pub dedup_window: Option<Millis>,
    /// Where a bare body keeps its time.
    pub time_key: Option<String>,
}

/// What one request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based position in the stream.
    pub number: usize,
    /// The request's name (`path`, `path#N`).
    pub name: String,
    /// The response code Callgoose gives.
    pub code: u16,
    /// `triggered.created`.
    pub created: bool,
    /// `triggered.duplicate`.
    pub duplicate: bool,
    /// `resolved.resolved`.
    pub resolved: bool,
    /// `resolved.duplicate`.
    pub resolve_duplicate: bool,
    /// What happened in each service that did something.
    pub actions: Vec<Action>,
}

/// What a request did in one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The service.
    pub service: String,
    /// Its response code.
    pub code: Code,
    /// The trigger side.
    pub trigger: Option<TriggerAction>,
    /// The resolve side.
    pub resolve: Option<ResolveAction>,
}

/// The trigger side of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerAction {
    /// A new incident.
    Created(Incident),
    /// Folded into this open incident.
    Duplicate(usize),
}

/// The resolve side of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveAction {
    /// These incidents were closed, each with how long it was open (when times are known).
    Closed(Vec<(Incident, Option<Millis>)>),
    /// A repeat of a resolve within the duplicate window.
    Repeated,
    /// No open incident had the mapping value (none at all when `None`).
    NoOpenIncident(Option<String>),
}

/// The counts of a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Requests replayed.
    pub requests: usize,
    /// Incidents created.
    pub created: usize,
    /// Repeats folded into open incidents.
    pub duplicates: usize,
    /// Incidents resolved.
    pub resolved: usize,
    /// Requests discarded (202).
    pub discarded: usize,
    /// Resolves that found no open incident.
    pub orphan_resolves: usize,
    /// Triggers without a mapping value: each a new incident that can never auto-resolve.
    pub keyless: usize,
    /// Requests refused for their token (401).
    pub unauthorized: usize,
}

/// A replay in progress.
pub struct Replayer<'s> {
    services: &'s [Service],
    options: ReplayOptions,
    time_key: Option<KeyPath>,
    sim: Simulation,
    counts: Counts,
    opened_at: HashMap<usize, Option<Millis>>,
    /// Bodies seen within the duplicate window: (time, service and body hash, incident it made).
    recent: VecDeque<(Millis, u64, Option<usize>)>,
    last_time: Option<Millis>,
}

impl<'s> Replayer<'s> {
    /// A replay through `services`, nothing open.
    pub fn new(services: &'s [Service], options: ReplayOptions) -> Replayer<'s> {
        Replayer {
            services,
            time_key: options.time_key.as_deref().map(KeyPath::parse),
            options,
            sim: Simulation::new(),
            counts: Counts::default(),
            opened_at: HashMap::new(),
            recent: VecDeque::new(),
            last_time: None,
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// The incidents open now, each with its age at the last known time.
    pub fn open(&self) -> Vec<(&Incident, Option<Millis>)> {
        self.sim
            .open()
            .into_iter()
            .map(|i| {
                let opened = self.opened_at.get(&i.id).copied().flatten();
                let age = opened.zip(self.last_time).map(|(o, now)| now - o);
                (i, age)
            })
            .collect()
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
        };
        if let Some(expected) = &self.options.token {
            if request.token.as_deref() != Some(expected.as_str()) {
                self.counts.unauthorized += 1;
                record.code = 401;
                return record;
            }
        }
        let time = request.received_at.or_else(|| {
            let key = self.time_key.as_ref()?;
            timestamp::parse_text(&document_text(&request.payload, key)?)
        });
        if let Some(t) = time {
            self.last_time = Some(self.last_time.map_or(t, |last| last.max(t)));
        }
        for service in self.services {
            let from = filter::request_from(request.from.as_deref(), service);
            let outcome = evaluate_from(service, &request.payload, from);
            if outcome.code == Code::Discarded {
                continue;
            }
            let repeat = self.repeat_of(service, request, time);
            let mut action = Action {
                service: service.name.clone(),
                code: outcome.code,
                trigger: None,
                resolve: None,
            };
            match repeat {
                Some(incident) => {
                    // A repeat within the window changes nothing: it answers as a duplicate.
                    if let (Some(id), true) = (incident, outcome.trigger.is_some()) {
                        action.trigger = Some(TriggerAction::Duplicate(id));
                    }
                    if outcome.resolve.is_some() {
                        action.resolve = Some(ResolveAction::Repeated);
                    }
                }
                None => {
                    let step = self.sim.apply(&service.name, &outcome, record.number);
                    action.trigger = step.triggered.map(|t| match t {
                        Triggered::Created(i) => {
                            self.opened_at.insert(i.id, time);
                            TriggerAction::Created(i)
                        }
                        Triggered::Duplicate(id) => TriggerAction::Duplicate(id),
                    });
                    action.resolve = step.resolved.map(|r| match r {
                        Resolved::Closed(closed) => ResolveAction::Closed(
                            closed
                                .into_iter()
                                .map(|i| {
                                    let opened = self.opened_at.remove(&i.id).flatten();
                                    let age = opened.zip(time).map(|(o, t)| t - o);
                                    (i, age)
                                })
                                .collect(),
                        ),
                        Resolved::NoOpenIncident => ResolveAction::NoOpenIncident(
                            outcome.resolve.as_ref().and_then(|r| r.map_key.clone()),
                        ),
                    });
                    if let Some(t) = time {
                        let made = match &action.trigger {
                            Some(TriggerAction::Created(i)) => Some(i.id),
                            Some(TriggerAction::Duplicate(id)) => Some(*id),
                            None => None,
                        };
                        self.recent
                            .push_back((t, body_hash(service, request), made));
                    }
                }
            }
            self.count(&action);
            record.actions.push(action);
        }
        self.summarise(&mut record);
        record
    }

    /// The incident made by the same body in the same service within the duplicate window, if this
    /// request repeats one (`Some(None)`: a repeat that made no incident).
    fn repeat_of(
        &mut self,
        service: &Service,
        request: &Request,
        time: Option<Millis>,
    ) -> Option<Option<usize>> {
        let (window, now) = (self.options.dedup_window?, time?);
        while self
            .recent
            .front()
            .is_some_and(|(t, _, _)| now - t > window)
        {
            self.recent.pop_front();
        }
        let hash = body_hash(service, request);
        let found = self.recent.iter_mut().rev().find(|(_, h, _)| *h == hash)?;
        // The window runs from the latest repeat.
        found.0 = now;
        Some(found.2)
    }

    fn count(&mut self, action: &Action) {
        match &action.trigger {
            Some(TriggerAction::Created(i)) => {
                self.counts.created += 1;
                if i.map_key.is_none() {
                    self.counts.keyless += 1;
                }
            }
            Some(TriggerAction::Duplicate(_)) => self.counts.duplicates += 1,
            None => {}
        }
        match &action.resolve {
            Some(ResolveAction::Closed(closed)) => self.counts.resolved += closed.len(),
            Some(ResolveAction::NoOpenIncident(_)) => self.counts.orphan_resolves += 1,
            Some(ResolveAction::Repeated) | None => {}
        }
    }

    fn summarise(&mut self, record: &mut Record) {
        let any = |f: fn(&Action) -> bool| record.actions.iter().any(f);
        record.created = any(|a| matches!(a.trigger, Some(TriggerAction::Created(_))));
        record.duplicate = any(|a| matches!(a.trigger, Some(TriggerAction::Duplicate(_))));
        record.resolved = any(|a| matches!(a.resolve, Some(ResolveAction::Closed(_))));
        record.resolve_duplicate = any(|a| matches!(a.resolve, Some(ResolveAction::Repeated)));
        record.code = if any(|a| a.code == Code::Created) {
            201
        } else if record.actions.is_empty() {
            self.counts.discarded += 1;
            202
        } else {
            200
        };
    }
}

/// The text of `key` in a payload, however it was read.
fn document_text(payload: &crate::payload::Payload, key: &KeyPath) -> Option<String> {
    use crate::document::{Document, LazyRef};
    use crate::payload::Json;
    match payload.json.as_ref().ok()? {
        Json::Full(value) => value.text(key).map(|t| t.into_owned()),
        Json::Lazy(doc) => LazyRef {
            doc,
            raw: &payload.raw,
        }
        .text(key)
        .map(|t| t.into_owned()),
    }
}

fn body_hash(service: &Service, request: &Request) -> u64 {
    let mut h = DefaultHasher::new();
    service.name.hash(&mut h);
    request.payload.raw.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests;

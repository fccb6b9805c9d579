//! What a replay tells: what one request did (its response, and the action of each service it reached)
//! and the counts of the whole stream.

use crate::explain::Fragility;
use crate::outcome::{self, Code, Description};
use crate::simulation::{Incident, IncidentRef};
use crate::timestamp::Millis;
use crate::warning::Warning;

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
    /// Findings about the request as a whole (its time).
    pub warnings: Vec<Warning>,
}

/// What a request did in one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub service: String,
    /// Its response code.
    pub code: Code,
    /// The trigger side.
    pub trigger: Option<TriggerAction>,
    /// The resolve side.
    pub resolve: Option<ResolveAction>,
    /// The readings of the simulation under which this action would differ, with what it would do.
    pub fragile: Vec<Fragility>,
}

/// The trigger side of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerAction {
    /// A new incident, with its description.
    Created(Incident, Description),
    /// Folded into this open incident.
    Duplicate(IncidentRef),
    /// Not created: the service is in maintenance. What it would have been.
    Suppressed(Box<outcome::Incident>),
}

/// The resolve side of an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveAction {
    /// These incidents were closed, each with how long it was open (when times are known).
    Closed(Vec<(IncidentRef, Option<Millis>)>),
    /// A repeat of a resolve within the duplicate window.
    Repeated,
    /// No open incident had this mapping value.
    NoOpenIncident(String),
    /// The payload has no value at the `mapped_with` key (named here), so nothing could be closed: the
    /// classic wrong-`mapped_with` mistake.
    NoMappingValue(String),
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
    /// Resolves whose mapping value no open incident had.
    pub orphan_resolves: usize,
    /// Resolves whose payload has no mapping value.
    pub unmapped_resolves: usize,
    /// Triggers without a mapping value: each a new incident that can never auto-resolve.
    pub keyless: usize,
    /// Requests refused without a token (401).
    pub unauthorized: usize,
    /// Requests refused for a token that is none Callgoose knows (403).
    pub forbidden: usize,
    /// Incidents not created because their service was in maintenance.
    pub suppressed: usize,
}

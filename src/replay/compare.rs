//! What differs between two records of one request, replayed through an old and a new filter set: the
//! action of each service, field by field. Incident numbers and service names aside (a new filter file
//! may rename its service, and one more incident early on renumbers all later ones): an incident is
//! identified by the request that created it.

use super::{Action, Record, ResolveAction, TriggerAction};

/// A field of a service's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The response code (202 for a service that does not act on one side).
    Code,
    /// What the trigger side does: create an incident, fold into which one, or nothing.
    Trigger,
    /// The filter that creates the incident.
    Filter,
    /// The incident's urgency.
    Urgency,
    /// The incident's title.
    Title,
    /// The incident's description.
    Description,
    /// The incident's mapping value.
    MapKey,
    /// What the resolve side does: which incident it closes, or why it closes none.
    Resolve,
}

impl Field {
    /// A stable identifier for machine output.
    pub fn name(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Trigger => "trigger",
            Field::Filter => "filter",
            Field::Urgency => "urgency",
            Field::Title => "title",
            Field::Description => "description",
            Field::MapKey => "map_key",
            Field::Resolve => "resolve",
        }
    }
}

/// One field whose value differs, with the actions compared: indexes into the old and the new record's
/// `actions` (`None`: that service does not act on that side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The old record's action.
    pub old: Option<usize>,
    /// The new record's action.
    pub new: Option<usize>,
    /// What differs.
    pub field: Field,
}

/// Every field whose value differs between `old` and `new`, service by service. Services are paired by
/// name, then the remaining ones in order (a renamed service).
pub fn changes(old: &Record, new: &Record) -> Vec<Change> {
    let mut changes = Vec::new();
    for (o, n) in pairs(&old.actions, &new.actions) {
        match (o.map(|i| &old.actions[i]), n.map(|i| &new.actions[i])) {
            (Some(a), Some(b)) => {
                let mut differ = |field: Field, differs: bool| {
                    if differs {
                        changes.push(Change {
                            old: o,
                            new: n,
                            field,
                        });
                    }
                };
                differ(Field::Code, a.code != b.code);
                match (&a.trigger, &b.trigger) {
                    (Some(TriggerAction::Created(x, dx)), Some(TriggerAction::Created(y, dy))) => {
                        differ(Field::Filter, x.filter != y.filter);
                        differ(Field::Urgency, x.urgency != y.urgency);
                        differ(Field::Title, x.title != y.title);
                        differ(Field::Description, dx != dy);
                        differ(Field::MapKey, x.map_key != y.map_key);
                    }
                    (x, y) => differ(Field::Trigger, trigger_identity(x) != trigger_identity(y)),
                }
                differ(
                    Field::Resolve,
                    resolve_identity(&a.resolve) != resolve_identity(&b.resolve),
                );
            }
            _ => changes.push(Change {
                old: o,
                new: n,
                field: Field::Code,
            }),
        }
    }
    changes
}

/// The actions of both sides paired: by service name, then the unmatched ones in order; what is left
/// over acts on one side only.
fn pairs(old: &[Action], new: &[Action]) -> Vec<(Option<usize>, Option<usize>)> {
    let by_name =
        |a: &Action, others: &[Action]| others.iter().position(|b| b.service == a.service);
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut unmatched_old = Vec::new();
    for (i, a) in old.iter().enumerate() {
        match by_name(a, new) {
            Some(j) => pairs.push((Some(i), Some(j))),
            None => unmatched_old.push(i),
        }
    }
    let unmatched_new = (0..new.len()).filter(|&j| by_name(&new[j], old).is_none());
    let mut unmatched_new = unmatched_new.collect::<Vec<_>>().into_iter();
    for i in unmatched_old {
        pairs.push((Some(i), unmatched_new.next()));
    }
    pairs.extend(unmatched_new.map(|j| (None, Some(j))));
    pairs
}

/// What the trigger side does, comparable across replays.
#[derive(PartialEq)]
enum TriggerIdentity {
    None,
    Created,
    FoldsInto(usize),
    Suppressed,
}

fn trigger_identity(t: &Option<TriggerAction>) -> TriggerIdentity {
    match t {
        None => TriggerIdentity::None,
        Some(TriggerAction::Created(..)) => TriggerIdentity::Created,
        Some(TriggerAction::Duplicate(made)) => TriggerIdentity::FoldsInto(made.created_by),
        Some(TriggerAction::Suppressed(_)) => TriggerIdentity::Suppressed,
    }
}

/// What the resolve side does, comparable across replays.
#[derive(PartialEq)]
enum ResolveIdentity<'a> {
    None,
    Closes(Vec<usize>),
    Repeated,
    NoOpenIncident(&'a str),
    NoMappingValue(&'a str),
}

fn resolve_identity(r: &Option<ResolveAction>) -> ResolveIdentity<'_> {
    match r {
        None => ResolveIdentity::None,
        Some(ResolveAction::Closed(closed)) => {
            ResolveIdentity::Closes(closed.iter().map(|(i, _)| i.created_by).collect())
        }
        Some(ResolveAction::Repeated) => ResolveIdentity::Repeated,
        Some(ResolveAction::NoOpenIncident(key)) => ResolveIdentity::NoOpenIncident(key),
        Some(ResolveAction::NoMappingValue(key)) => ResolveIdentity::NoMappingValue(key),
    }
}

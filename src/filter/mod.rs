//! The API filters of Callgoose services, as checked and ready to evaluate.
//!
//! A [`Service`] is one filter file: its ordered filters, the `from` its sender's URL carries and the
//! readings of ambiguous behaviour it asks for. The file format lives in `schema`, reading it in `load`,
//! the Callgoose limits in `limits`, urgencies and priorities in `urgency`, and checking a file against
//! them in `validate`.

pub mod limits;
mod load;
pub mod locate;
pub(crate) mod schema;
pub(crate) mod shapes;
mod urgency;
mod validate;

pub(crate) use load::parse_doc;
pub use load::{filter_files, load_services, parse_service};
pub use urgency::{Priority, Urgency};

use crate::did_you_mean;
use crate::keypath::KeyPath;
use crate::semantics::{Combine, Semantics, SemanticsLayer};
use anyhow::{Result, bail};
use std::path::PathBuf;

/// What the command line says about filters: where they are, which service to keep, the `from`
/// parameter and the readings to force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOptions {
    /// A filter file, or a folder of them.
    pub path: PathBuf,
    /// Where `path` came from, said when it cannot be read.
    pub origin: locate::Origin,
    /// Keep only this service.
    pub service: Option<String>,
    /// Put these services in maintenance.
    pub maintenance: Vec<String>,
    /// The request's `from` parameter.
    pub from: FromChoice,
    /// Readings that win over the files'.
    pub semantics: SemanticsLayer,
}

/// Where a request's `from` parameter comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromChoice {
    /// Each filter file's `from`.
    Files,
    /// This value for every service (never empty: an empty `--from` clears).
    Set(String),
    /// No `from` parameter at all.
    Clear,
}

/// Loads the services `options` name, keeps the one asked for, and applies the `from` choice.
pub fn load(options: &FilterOptions) -> Result<Vec<Service>> {
    let remedy = options.origin.remedy();
    let mut services = load::load_set(&options.path, options.semantics, &remedy)?;
    let known = |wanted: &str, flag: &str| {
        let names = services.iter().map(|s| s.name.as_str());
        if services.iter().any(|s| s.name == wanted) {
            return Ok(());
        }
        let hint = match did_you_mean::closest(wanted, names.clone()) {
            Some(close) => format!("did you mean \"{close}\"?"),
            None => format!("loaded: {}", names.collect::<Vec<_>>().join(", ")),
        };
        bail!(
            "{flag} {wanted}: no service \"{wanted}\" in {}: {hint}",
            options.path.display()
        )
    };
    for name in &options.maintenance {
        known(name, "--maintenance")?;
    }
    if let Some(wanted) = &options.service {
        known(wanted, "--service")?;
        services.retain(|s| &s.name == wanted);
    }
    put_in_maintenance(&mut services, &options.maintenance);
    for service in &mut services {
        match &options.from {
            FromChoice::Files => {}
            FromChoice::Set(from) => service.from = Some(from.clone()),
            FromChoice::Clear => service.from = None,
        }
    }
    Ok(services)
}

/// A `from` parameter as Callgoose reads it: an empty one is none at all, wherever it is given (a
/// filter or case file, `--from`, a captured envelope or URL), and the title then names no source.
pub fn from_parameter(from: Option<String>) -> Option<String> {
    from.filter(|f| !f.is_empty())
}

/// The `from` parameter a request is evaluated with for `service`: the one it was captured with (an
/// empty one is none, not the service's), else the service's (its filter file's, or `--from`).
pub fn request_from<'a>(captured: Option<&'a str>, service: &'a Service) -> Option<&'a str> {
    captured
        .or(service.from.as_deref())
        .filter(|f| !f.is_empty())
}

/// One Callgoose service: the filters of one filter file.
#[derive(Debug, Clone)]
pub struct Service {
    /// `service = "…"`, or the file's stem.
    pub name: String,
    /// The file it was loaded from, as named by the user.
    pub file: PathBuf,
    /// The `from=` parameter of the sender's webhook URL, if any.
    pub from: Option<String>,
    /// The readings of ambiguous behaviour in force for this service.
    pub semantics: Semantics,
    /// Whether it takes requests: its file's `state`, or `--maintenance`.
    pub state: State,
    /// The filters, in the order Callgoose tries them.
    pub filters: Vec<Filter>,
}

/// A service's state, as Callgoose's service settings have it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum State {
    /// It evaluates requests and creates incidents.
    #[default]
    Enabled,
    /// It evaluates nothing and keeps no log of the request.
    Disabled,
    /// It evaluates requests but creates no incident while the maintenance lasts: the incident a
    /// trigger would create is suppressed. Resolves still close open incidents (the documented reading:
    /// maintenance stops new incidents, nothing else).
    Maintenance,
}

impl State {
    /// Every state, as filter files spell it.
    pub const ALL: [(State, &'static str); 3] = [
        (State::Enabled, "enabled"),
        (State::Disabled, "disabled"),
        (State::Maintenance, "maintenance"),
    ];

    /// Reads a state as filter and case files spell it.
    pub fn parse(text: &str) -> Option<State> {
        State::ALL
            .iter()
            .find(|(_, word)| *word == text)
            .map(|&(state, _)| state)
    }

    /// What to write instead of an unknown state.
    pub fn help() -> String {
        let words: Vec<String> = State::ALL.iter().map(|(_, w)| format!("\"{w}\"")).collect();
        match words.split_last() {
            Some((last, rest)) => format!("use {} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// Puts the services named in `names` in maintenance, as `--maintenance` does.
pub fn put_in_maintenance(services: &mut [Service], names: &[String]) {
    for service in services {
        if names.contains(&service.name) {
            service.state = State::Maintenance;
        }
    }
}

impl Service {
    /// This service under other readings, its keys read as they say (`nested_keys`).
    pub fn under(&self, semantics: Semantics) -> Service {
        let mut other = self.clone();
        if semantics.nested_keys != self.semantics.nested_keys {
            other.read_keys(semantics.nested_keys);
        }
        other.semantics = semantics;
        other
    }

    /// This service in another state.
    pub fn in_state(&self, state: State) -> Service {
        Service {
            state,
            ..self.clone()
        }
    }

    /// Reads every key of every filter as a path (`nested`) or as one top-level key.
    pub(crate) fn read_keys(&mut self, nested: bool) {
        for f in &mut self.filters {
            let t = &mut f.trigger;
            let resolve = f
                .resolve
                .iter_mut()
                .flat_map(|r| [&mut r.condition.key, &mut r.mapped_with]);
            t.conditions
                .iter_mut()
                .map(|c| &mut c.key)
                .chain(t.title_from.as_mut())
                .chain(t.description_from.as_mut())
                .chain(t.map_with.as_mut())
                .chain(resolve)
                .for_each(|key| *key = key.read_as(nested));
        }
    }
}

/// One API filter.
#[derive(Debug, Clone)]
pub struct Filter {
    /// `name = "…"`, or `filter N`.
    pub name: String,
    /// 1-based place in the service's list.
    pub position: usize,
    /// Urgency of the incidents it creates.
    pub urgency: Urgency,
    /// Priority of the incidents it creates, when the filter gives one (it then decides the urgency).
    pub priority: Option<Priority>,
    /// The part that creates incidents.
    pub trigger: Trigger,
    /// The part that resolves them, when switched on.
    pub resolve: Option<Resolve>,
}

/// The trigger part of a filter.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// The 1-based line of the part's table in its file, where reports about the part point.
    pub line: usize,
    /// Up to two conditions; none: a catch-all, which holds for every request (even a body that is
    /// not JSON, from which no key can be read).
    pub conditions: Vec<Condition>,
    /// Incident Title From; `None`: the fallback title, `Incident from <from>`.
    pub title_from: Option<KeyPath>,
    /// Incident Description From; `None`: the whole payload.
    pub description_from: Option<KeyPath>,
    /// Map Incident With; `None`: the incident can never be resolved through the API.
    pub map_with: Option<KeyPath>,
}

impl Trigger {
    /// Whether the trigger part holds, given whether each of its conditions does (in order), combined
    /// by `combine`. A trigger without conditions holds whatever the reading.
    pub fn holds(&self, combine: Combine, mut held: impl Iterator<Item = bool>) -> bool {
        if self.conditions.is_empty() {
            return true;
        }
        match combine {
            Combine::All => held.all(|h| h),
            Combine::Any => held.any(|h| h),
        }
    }
}

/// The resolve part of a filter.
#[derive(Debug, Clone)]
pub struct Resolve {
    /// The 1-based line of the part's table in its file, where reports about the part point.
    pub line: usize,
    /// Exactly one condition.
    pub condition: Condition,
    /// Incident Mapped With: the key whose value names the incident to resolve.
    pub mapped_with: KeyPath,
}

/// A "payload JSON key" with its "key value contains" list: every item must be contained.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Where the value is read.
    pub key: KeyPath,
    /// The items, as written.
    pub contains: Vec<String>,
    /// The items lower-cased, for case-insensitive matching.
    pub folded: Vec<String>,
}

impl Condition {
    /// A condition on `key` with these items.
    pub fn new(key: KeyPath, contains: Vec<String>) -> Condition {
        let folded = contains.iter().map(|i| i.to_lowercase()).collect();
        Condition {
            key,
            contains,
            folded,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{from_parameter, parse_service, request_from};
    use crate::semantics::SemanticsLayer;
    use std::path::Path;

    #[test]
    fn an_empty_from_is_none() {
        assert_eq!(from_parameter(Some(String::new())), None);
        assert_eq!(from_parameter(None), None);
        assert_eq!(from_parameter(Some("Tigera".into())), Some("Tigera".into()));
    }

    #[test]
    fn a_captured_from_wins_and_an_empty_one_is_none() {
        let text = "from = \"Tigera\"\n[[filter]]\nurgency = \"high\"\n[filter.trigger]\n";
        let service = parse_service(Path::new("s.toml"), text, SemanticsLayer::default()).unwrap();
        assert_eq!(request_from(None, &service), Some("Tigera"));
        assert_eq!(request_from(Some("Grafana"), &service), Some("Grafana"));
        assert_eq!(request_from(Some(""), &service), None);
    }
}

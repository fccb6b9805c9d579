//! The API filters of Callgoose services, as checked and ready to evaluate.
//!
//! A [`Service`] is one filter file: its ordered filters, the `from` its sender's URL carries and the
//! readings of ambiguous behaviour it asks for. The file format lives in `schema`, reading it in `load`,
//! and the Callgoose limits in `validate`.

mod load;
pub(crate) mod schema;
mod validate;

pub(crate) use load::parse_doc;
pub use load::{filter_files, load_services, parse_service};

use crate::keypath::KeyPath;
use crate::semantics::{Semantics, SemanticsLayer};
use crate::suggest;
use anyhow::{Result, bail};
use std::fmt;
use std::path::PathBuf;

/// What the command line says about filters: where they are, which service to keep, the `from`
/// parameter and the readings to force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOptions {
    /// A filter file, or a folder of them.
    pub path: PathBuf,
    /// The flag that gave `path` (`--filters`, `--diff-filters`), named when it cannot be read.
    pub flag: &'static str,
    /// Keep only this service.
    pub service: Option<String>,
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
    /// This value for every service.
    Set(String),
    /// No `from` parameter at all.
    Clear,
}

/// Loads the services `options` name, keeps the one asked for, and applies the `from` choice.
pub fn load(options: &FilterOptions) -> Result<Vec<Service>> {
    let remedy = format!(
        "give an existing filter file or folder with {}",
        options.flag
    );
    let mut services = load::load_set(&options.path, options.semantics, &remedy)?;
    if let Some(wanted) = &options.service {
        let names = services.iter().map(|s| s.name.as_str());
        if !services.iter().any(|s| &s.name == wanted) {
            let hint = match suggest::closest(wanted, names.clone()) {
                Some(close) => format!("did you mean \"{close}\"?"),
                None => format!("loaded: {}", names.collect::<Vec<_>>().join(", ")),
            };
            bail!(
                "no service \"{wanted}\" in {}: {hint}",
                options.path.display()
            );
        }
        services.retain(|s| &s.name == wanted);
    }
    for service in &mut services {
        match &options.from {
            FromChoice::Files => {}
            FromChoice::Set(from) => service.from = Some(from.clone()),
            FromChoice::Clear => service.from = None,
        }
    }
    Ok(services)
}

/// Callgoose's limits on a service's filters.
pub mod limits {
    /// Filters per service.
    pub const FILTERS: usize = 10;
    /// Conditions of one trigger part.
    pub const TRIGGER_CONDITIONS: usize = 2;
    /// Items of one "key value contains" list.
    pub const ITEMS: usize = 10;
    /// Characters of one item.
    pub const ITEM_CHARS: usize = 50;
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
    /// The filters, in the order Callgoose tries them.
    pub filters: Vec<Filter>,
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
                .chain([&mut t.title_from])
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
    /// The part that creates incidents.
    pub trigger: Trigger,
    /// The part that resolves them, when switched on.
    pub resolve: Option<Resolve>,
}

/// Incident urgency. Callgoose maps priorities P1-P3 to high and P4-P5 to low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Pages now.
    High,
    /// Waits.
    Low,
}

impl Urgency {
    /// The words a filter file may give, as Callgoose's form spells them; any case is accepted.
    pub const WORDS: [(&'static str, Urgency); 7] = [
        ("high", Urgency::High),
        ("low", Urgency::Low),
        ("P1", Urgency::High),
        ("P2", Urgency::High),
        ("P3", Urgency::High),
        ("P4", Urgency::Low),
        ("P5", Urgency::Low),
    ];

    /// Reads `high`, `low` (any case) or a priority `P1`..`P5`.
    pub fn parse(text: &str) -> Option<Urgency> {
        Urgency::WORDS
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(text))
            .map(|&(_, urgency)| urgency)
    }

    /// `high` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::High => "high",
            Urgency::Low => "low",
        }
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The trigger part of a filter.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// One or two conditions.
    pub conditions: Vec<Condition>,
    /// Incident Title From.
    pub title_from: KeyPath,
    /// Incident Description From; `None`: the whole payload.
    pub description_from: Option<KeyPath>,
    /// Map Incident With; `None`: the incident can never be resolved through the API.
    pub map_with: Option<KeyPath>,
}

/// The resolve part of a filter.
#[derive(Debug, Clone)]
pub struct Resolve {
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
    use super::Urgency;

    #[test]
    fn urgency_words_and_priorities() {
        for (text, urgency) in [
            ("high", Urgency::High),
            ("HIGH", Urgency::High),
            ("Low", Urgency::Low),
            ("P1", Urgency::High),
            ("p3", Urgency::High),
            ("P4", Urgency::Low),
            ("p5", Urgency::Low),
        ] {
            assert_eq!(Urgency::parse(text), Some(urgency), "{text}");
        }
        assert_eq!(Urgency::parse("P6"), None);
        assert_eq!(Urgency::parse("urgent"), None);
    }
}

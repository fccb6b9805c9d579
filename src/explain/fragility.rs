//! How sturdy an outcome is: the readings of undocumented behaviour under which it would differ
//! ([`fragility`]), each switched alone, with what would happen instead, and outcomes in a few words
//! ([`describe`]).

use super::SHORT_NOTE_VALUE;
use crate::eval::evaluate_from;
use crate::filter::Service;
use crate::keypath::quoted;
use crate::outcome::{Description, Outcome};
use crate::payload::{Json, Payload};
use crate::semantics::Reading;

/// A reading of an undocumented behaviour under which the outcome would be different.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragility {
    /// The other reading, e.g. `case-sensitive matching`.
    pub reading: &'static str,
    /// The outcome under it, in words.
    pub outcome: String,
}

/// A service under each reading of undocumented behaviour switched alone, built once: a report that
/// shows how sturdy every outcome is evaluates each body under all of them, and building the services
/// per body would cost more than the evaluations.
///
/// Most readings can only matter to some bodies, and a body they cannot matter to is not evaluated
/// under them: each is skipped only where its switch provably changes nothing (see [`Matters`]).
#[derive(Debug, Clone)]
pub struct Flipped {
    services: Vec<(&'static str, Matters, Service)>,
}

/// When switching a reading can change an outcome at all: a necessary condition, cheap to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matters {
    /// For every body.
    Always,
    /// Only for a body whose text holds this: a `null` value is written `null`, an empty string `""`.
    IfBodyHolds(&'static str),
    /// Never: the service has nothing the reading acts on (no key that nests, no second condition).
    Never,
}

impl Flipped {
    /// `service` under each evaluation reading switched alone.
    pub fn of(service: &Service) -> Flipped {
        let mut keys = service.filters.iter().flat_map(|f| {
            let t = &f.trigger;
            let trigger = t.conditions.iter().map(|c| &c.key);
            let fields = [&t.title_from, &t.description_from, &t.map_with]
                .into_iter()
                .flatten();
            let resolve = f
                .resolve
                .iter()
                .flat_map(|r| [&r.condition.key, &r.mapped_with]);
            trigger.chain(fields).chain(resolve)
        });
        // Only a dot, a bracket or a quote makes a key more than one top-level name.
        let nests = keys.any(|k| k.as_str().contains(['.', '[', '"']));
        let two_conditions = service
            .filters
            .iter()
            .any(|f| f.trigger.conditions.len() > 1);
        Flipped {
            services: Reading::EVALUATION
                .into_iter()
                .map(|reading| {
                    let matters = match reading {
                        Reading::NestedKeys if !nests => Matters::Never,
                        Reading::Conditions if !two_conditions => Matters::Never,
                        Reading::NullValues => Matters::IfBodyHolds("null"),
                        Reading::EmptyMapValue => Matters::IfBodyHolds("\"\""),
                        _ => Matters::Always,
                    };
                    let (semantics, name) = service.semantics.flipped(reading);
                    (name, matters, service.under(semantics))
                })
                .collect(),
        }
    }
}

/// The readings under which `outcome`, what `service` made of `payload` sent with `from`, would
/// differ (another filter or resolve part, or another title, description or mapping value), with
/// what would happen instead. Each reading is switched alone.
pub fn fragility(
    service: &Service,
    payload: &Payload,
    from: Option<&str>,
    outcome: &Outcome,
) -> Vec<Fragility> {
    fragility_among(&Flipped::of(service), service, payload, from, outcome)
}

/// [`fragility`], with `service` already flipped (`flipped` is [`Flipped::of`] that service).
pub fn fragility_among(
    flipped: &Flipped,
    service: &Service,
    payload: &Payload,
    from: Option<&str>,
    outcome: &Outcome,
) -> Vec<Fragility> {
    // A lazily read body keeps the top-level values its keys reach as they are read now. Keys read as
    // paths reach every top-level key that they would name without nesting, but not the reverse.
    let full;
    let payload = match (&payload.json, service.semantics.nested_keys) {
        (Ok(Json::Lazy(_)), false) => match payload.value() {
            Some(value) => {
                full = Payload::json(payload.raw.clone(), value.into_owned());
                &full
            }
            None => payload,
        },
        _ => payload,
    };
    flipped
        .services
        .iter()
        .filter(|(_, matters, _)| match matters {
            Matters::Always => true,
            Matters::IfBodyHolds(text) => payload.raw.contains(text),
            Matters::Never => false,
        })
        .filter_map(|(name, _, other)| {
            let o = evaluate_from(other, payload, from);
            (o.trigger != outcome.trigger || o.resolve != outcome.resolve).then(|| Fragility {
                reading: name,
                outcome: describe_change(&o, outcome),
            })
        })
        .collect()
}

/// `other` in a few words, with what differs from `base` when the same parts fired: `201 via filter
/// #1 "alert" with title "Incident from Tigera", no mapping value`.
fn describe_change(other: &Outcome, base: &Outcome) -> String {
    let mut details = Vec::new();
    if let (Some(a), Some(b)) = (&other.trigger, &base.trigger)
        && a.filter == b.filter
    {
        if a.title != b.title {
            details.push(format!("title {}", quoted(&cut(&a.title))));
        }
        if a.description != b.description {
            details.push(match &a.description {
                Description::WholePayload => "the whole payload as description".to_owned(),
                Description::Value(v) => format!("description {}", quoted(&cut(v))),
            });
        }
        if a.map_key != b.map_key {
            details.push(mapping_value(a.map_key.as_deref()));
        }
    }
    match (&other.resolve, &base.resolve) {
        (a, b) if a == b => {}
        (Some(a), Some(b)) if a.filter == b.filter => details.push(format!(
            "{} for the resolve",
            mapping_value(a.map_key.as_deref())
        )),
        // Without a trigger, the outcome's words already name the resolve part.
        _ if other.trigger.is_none() => {}
        (Some(a), _) => details.push(format!(
            "the resolve part of filter #{} \"{}\"",
            a.filter.position, a.filter.name
        )),
        (None, _) => details.push("no resolve part matching".to_owned()),
    }
    let words = describe(other);
    if details.is_empty() {
        words
    } else {
        format!("{words} with {}", details.join(", "))
    }
}

/// `mapping value "k"`, or `no mapping value`.
fn mapping_value(key: Option<&str>) -> String {
    key.map_or_else(
        || "no mapping value".to_owned(),
        |k| format!("mapping value {}", quoted(&cut(k))),
    )
}

/// `text` cut to a note's length.
fn cut(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(SHORT_NOTE_VALUE).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// An outcome in a few words: `201 via filter #2 "firing"`.
pub fn describe(o: &Outcome) -> String {
    match (&o.trigger, &o.resolve) {
        (Some(i), _) => format!(
            "{} via filter #{} \"{}\"",
            o.code, i.filter.position, i.filter.name
        ),
        (None, Some(r)) => format!(
            "{} via the resolve part of filter #{} \"{}\"",
            o.code, r.filter.position, r.filter.name
        ),
        (None, None) => format!("{} discarded", o.code),
    }
}

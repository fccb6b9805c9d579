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
#[derive(Debug, Clone)]
pub struct Flipped {
    services: Vec<(&'static str, Service)>,
}

impl Flipped {
    /// `service` under each evaluation reading switched alone.
    pub fn of(service: &Service) -> Flipped {
        Flipped {
            services: Reading::EVALUATION
                .into_iter()
                .map(|reading| {
                    let (semantics, name) = service.semantics.flipped(reading);
                    (name, service.under(semantics))
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
        .filter_map(|(name, other)| {
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

//! Each stated field beside its actual value, in the form the case file states it: a filter by name or
//! by position, the parts of a resolve that are stated, a step's actions as a set.

use crate::outcome::{FilterRef, Outcome};
use crate::simulation::Action;
use crate::suite::val::Val;
use crate::suite::{Field, Stated};

/// One stated field beside its actual value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// The field.
    pub field: Field,
    /// What the case file states.
    pub expected: Val,
    /// What the run gave, in the same form.
    pub actual: Val,
    /// Where the case file states it.
    pub line: usize,
}

impl Compared {
    /// Whether the expectation holds.
    pub fn holds(&self) -> bool {
        self.expected == self.actual
    }
}

pub(super) fn compare(stated: &Stated, actual: Val) -> Compared {
    let expected = match (&stated.field, &stated.value) {
        // Actions are compared as a set written in a canonical order: "resolved+created" holds for a
        // step that created and resolved.
        (Field::Step(_), Val::Str(s)) => {
            let mut actions: Vec<Action> = s
                .split('+')
                .filter_map(|a| Action::parse(a.trim()))
                .collect();
            actions.sort();
            Val::str(join_actions(&actions))
        }
        (_, v) => v.clone(),
    };
    Compared {
        field: stated.field,
        expected,
        actual,
        line: stated.line,
    }
}

pub(super) fn join_actions(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join("+")
}

/// The actual value of a request field, in the form of `stated` (a filter by position when stated by
/// position; the parts of a resolve that are stated). `false` stands for "none".
pub(super) fn request_field(field: Field, stated: &Val, o: &Outcome, raw: &str) -> Val {
    let none = Val::Bool(false);
    let filter = |f: &FilterRef, form: Option<&Val>| match form {
        Some(Val::Int(_)) => Val::Int(i64::try_from(f.position).unwrap_or(i64::MAX)),
        _ => Val::str(f.name.clone()),
    };
    let key = |k: &Option<String>| k.clone().map_or(Val::Bool(false), Val::Str);
    let incident = o.trigger.as_ref();
    match field {
        Field::Code => Val::Int(i64::from(o.code.status())),
        Field::Filter => incident.map_or(none, |i| filter(&i.filter, Some(stated))),
        Field::Urgency => incident.map_or(none, |i| Val::str(i.urgency.as_str())),
        Field::Priority => incident
            .and_then(|i| i.priority)
            .map_or(none, |p| Val::str(p.as_str())),
        Field::Title => incident.map_or(none, |i| Val::str(i.title.clone())),
        Field::Description => incident.map_or(none, |i| Val::str(i.description.text(raw))),
        Field::MapKey => incident.map_or(none, |i| key(&i.map_key)),
        Field::Resolve => match &o.resolve {
            None => none,
            Some(r) => {
                let part = |name: &str| match stated {
                    Val::Table(fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v),
                    _ => None,
                };
                let whole = !matches!(stated, Val::Table(_));
                let mut fields = Vec::new();
                if whole || part("filter").is_some() {
                    fields.push(("filter".to_owned(), filter(&r.filter, part("filter"))));
                }
                if whole || part("map_key").is_some() {
                    fields.push(("map_key".to_owned(), key(&r.map_key)));
                }
                Val::Table(fields)
            }
        },
        Field::Warnings => Val::Array(o.warnings.iter().map(|w| Val::str(w.kind())).collect()),
        Field::Step(_) | Field::Open => none,
    }
}

//! The parts of the file formats that `#[derive(JsonSchema)]` cannot describe from the types alone:
//! values that are read as strings or TOML values and checked by hand (urgency words, expected values,
//! scenario actions), and rules across fields (a case gives a payload or a body). Each is built from
//! the same lists the readers use, so that a new urgency word or action reaches the schema too.

use crate::filter::{State, Urgency};
use crate::outcome::Code;
use crate::simulation::Action;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::marker::PhantomData;

/// An item of a contains list: Callgoose's form cannot hold a control character (Unicode `Cc`, what
/// `char::is_control` tells).
pub(crate) const NO_CONTROL_CHARACTERS: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// A value schema with no Rust type of its own: a marker type whose schema is `$schema`, inlined where
/// it is used.
macro_rules! shape {
    ($(#[$doc:meta])* $name:ident, $generator:ident => $schema:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema($generator: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

shape!(
    /// `urgency = "high"` in a filter: a word of [`Urgency::WORDS`] in any case. The list is offered
    /// for completion; the pattern accepts the other spellings the reader takes.
    UrgencyWord, _generator => {
        let words = Urgency::WORDS.map(|(word, _)| word);
        let docs = Urgency::WORDS.map(|(word, urgency)| match word.eq_ignore_ascii_case(urgency.as_str()) {
            true => format!("{urgency} urgency"),
            false => format!("priority {word}: {urgency} urgency"),
        });
        let any_case: Vec<String> = words.iter().map(|w| any_case(w)).collect();
        json_schema!({
            "type": "string",
            "anyOf": [
                { "enum": words, "x-taplo": { "docs": { "enumValues": docs } } },
                { "pattern": format!("^(?:{})$", any_case.join("|")) },
            ],
        })
    }
);

shape!(
    /// `state = "maintenance"` in a filter or case file: a word of [`State::ALL`], as written there.
    StateWord, _generator => json_schema!({
        "type": "string",
        "enum": State::ALL.map(|(_, word)| word),
    })
);

shape!(
    /// `priority = "P2"` in a filter: P1 to P5, any case.
    PriorityWord, _generator => {
        let words = ["P1", "P2", "P3", "P4", "P5"];
        json_schema!({
            "type": "string",
            "anyOf": [
                { "enum": words },
                { "pattern": "^[pP][1-5]$" },
            ],
        })
    }
);

shape!(
    /// `priority = "P2"` in an expectation: the priority as reports show it.
    ExpectedPriority, _generator => json_schema!({
        "type": "string",
        "enum": ["P1", "P2", "P3", "P4", "P5"],
    })
);

shape!(
    /// `code = 201` in an expectation: a response code of the process endpoint.
    ExpectedCode, _generator => {
        let codes = [Code::Created, Code::Resolved, Code::Discarded];
        json_schema!({
            "type": "integer",
            "enum": codes.map(Code::status),
            "x-taplo": { "docs": { "enumValues": codes.map(|c| match c {
                Code::Created => "created: an incident was created (a resolve may also have matched)",
                Code::Resolved => "resolved: a resolve part matched and nothing was created",
                Code::Discarded => "discarded: nothing matched",
            }) } },
        })
    }
);

shape!(
    /// `urgency = "high"` in an expectation: the urgency as reports show it, never a priority.
    ExpectedUrgency, _generator => json_schema!({
        "type": "string",
        "enum": [Urgency::High.as_str(), Urgency::Low.as_str()],
    })
);

shape!(
    /// A filter named in an expectation: by name, or by its position from 1.
    FilterReference, _generator => json_schema!({
        "anyOf": [{ "type": "string" }, { "type": "integer", "minimum": 1 }],
    })
);

shape!(
    /// `expect = "created"` in a scenario step: an action, or several joined with `+`. The action names
    /// and the usual pair are offered for completion; the pattern accepts every combination the reader
    /// takes, with blanks around the names.
    ExpectedActions, _generator => {
        let names: Vec<&str> = Action::ALL.iter().map(|(_, name)| *name).collect();
        let mut offered: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        offered.push(format!("{}+{}", Action::Created, Action::Resolved));
        let one = format!(r"\s*(?:{})\s*", names.join("|"));
        json_schema!({
            "type": "string",
            "anyOf": [
                { "enum": offered },
                { "pattern": format!(r"^{one}(?:\+{one})*$") },
            ],
        })
    }
);

/// `T`, or `false` for "none": how expectations say that no incident, filter or mapping key is
/// expected.
pub(crate) struct FalseOr<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for FalseOr<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("FalseOr_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>();
        // A bare choice is spliced in, so that editors see one flat list of alternatives.
        let mut choices = match inner.as_object().map(|o| (o.len(), o.get("anyOf"))) {
            Some((1, Some(Value::Array(choices)))) => choices.clone(),
            _ => vec![inner.to_value()],
        };
        choices.push(json!({ "const": false }));
        json_schema!({ "anyOf": choices })
    }
}

/// `high` as a pattern of any case: `[hH][iI][gG][hH]`. The patterns of JSON Schema have no flag for
/// case.
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| match (c.to_ascii_lowercase(), c.to_ascii_uppercase()) {
            (lower, upper) if lower != upper => format!("[{lower}{upper}]"),
            _ => c.to_string(),
        })
        .collect()
}

/// A filter file without filters is refused, though reading it takes a missing list as empty to say
/// so plainly.
pub(crate) fn require_filters(schema: &mut Schema) {
    require(schema, "filter");
}

/// A filter gives its urgency, its priority, or both.
pub(crate) fn urgency_or_priority(schema: &mut Schema) {
    schema.insert(
        "anyOf".into(),
        json!([{ "required": ["urgency"] }, { "required": ["priority"] }]),
    );
}

/// A scenario without steps is refused, as [`require_filters`].
pub(crate) fn require_steps(schema: &mut Schema) {
    require(schema, "step");
}

/// A case file holds cases, scenarios or both.
pub(crate) fn require_cases(schema: &mut Schema) {
    schema.insert(
        "anyOf".into(),
        json!([{ "required": ["case"] }, { "required": ["scenario"] }]),
    );
}

/// A case or a step sends a file's body or an inline one: exactly one of the two.
pub(crate) fn payload_or_body(schema: &mut Schema) {
    schema.insert(
        "oneOf".into(),
        json!([{ "required": ["payload"] }, { "required": ["body"] }]),
    );
}

fn require(schema: &mut Schema, field: &str) {
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| json!([]));
    if let Value::Array(fields) = required {
        fields.push(field.into());
    }
}

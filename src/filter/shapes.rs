//! The shapes of the filter-file schema that its types cannot give: the words `urgency`, `priority`
//! and `state` take, as the reader takes them, and the rules across fields.

use super::{State, Urgency};
use crate::schema_shape::{any_case, require, shape};
use schemars::{Schema, json_schema};
use serde_json::json;

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

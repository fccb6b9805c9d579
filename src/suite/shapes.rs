//! The shapes of the case-file schema that its types cannot give: the values expectations take (codes,
//! urgencies, priorities, filter references, scenario actions) and the rules across fields.

use crate::filter::Urgency;
use crate::outcome::Code;
use crate::schema_shape::{require, shape};
use crate::simulation::Action;
use schemars::{Schema, json_schema};
use serde_json::json;

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

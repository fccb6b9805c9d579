//! What Callgoose does with one request for one service: the response code, the incident a trigger
//! part creates, the resolve part that matched, and the warnings met on the way.

use crate::filter::{Filter, Priority, Urgency};
use crate::warning::Warning;
use std::fmt;

/// The process endpoint's response code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 201: an incident was created (and, where a resolve part also matched, one resolved).
    Created,
    /// 200: a resolve part matched; nothing was created.
    Resolved,
    /// 202: no filter matched; the request is discarded.
    Discarded,
}

impl Code {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Code::Created => 201,
            Code::Resolved => 200,
            Code::Discarded => 202,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status())
    }
}

/// Which filter did something: its name and 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterRef {
    /// The filter's name.
    pub name: String,
    /// 1-based place in the service's list.
    pub position: usize,
}

impl From<&Filter> for FilterRef {
    fn from(f: &Filter) -> Self {
        FilterRef {
            name: f.name.clone(),
            position: f.position,
        }
    }
}

/// The incident a trigger part creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// The filter whose trigger part held first.
    pub filter: FilterRef,
    pub urgency: Urgency,
    /// Its priority, when the filter gives one.
    pub priority: Option<Priority>,
    /// `<from> - <value>`, or a fallback.
    pub title: String,
    /// The description key's value, or the whole payload as received.
    pub description: Description,
    /// The `map_with` value; `None` when not configured or absent.
    pub map_key: Option<String>,
}

/// An incident's description: a key's value, or the whole payload (kept by reference: a payload runs
/// to kilobytes, and most outputs only pass it through).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Description {
    /// The description key's value.
    Value(String),
    /// The whole payload as received.
    WholePayload,
}

impl Description {
    /// The text, given the payload's raw text.
    pub fn text<'a>(&'a self, raw: &'a str) -> &'a str {
        match self {
            Description::Value(text) => text,
            Description::WholePayload => raw,
        }
    }
}

/// A resolve part that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The filter whose resolve part matched first.
    pub filter: FilterRef,
    /// The `mapped_with` value naming the incident(s) to resolve; `None` when absent.
    pub map_key: Option<String>,
}

/// The result of one request for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The response code.
    pub code: Code,
    /// The incident created, if a trigger part held.
    pub trigger: Option<Incident>,
    /// The resolve part that matched, if any.
    pub resolve: Option<Resolution>,
    /// The incident a trigger part would have created, had its service not been in maintenance.
    pub suppressed: Option<Incident>,
    /// Findings worth showing.
    pub warnings: Vec<Warning>,
}

impl Outcome {
    /// Nothing at all: what a disabled service does with any request.
    pub fn nothing() -> Outcome {
        Outcome {
            code: Code::Discarded,
            trigger: None,
            resolve: None,
            suppressed: None,
            warnings: Vec::new(),
        }
    }

    /// The same request for a service in maintenance: the incident is not created but kept as
    /// suppressed, and the code is the one the resolve side alone earns.
    pub fn suppress(&mut self) {
        if let Some(incident) = self.trigger.take() {
            self.suppressed = Some(incident);
            self.code = match self.resolve {
                Some(_) => Code::Resolved,
                None => Code::Discarded,
            };
        }
    }
}

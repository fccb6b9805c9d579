//! One request body as Callgoose sees it: the text as received and, when that text is JSON, its value
//! (read by the rules of [`crate::json_text`]).

use crate::document::LazyDoc;
use crate::filter::Service;
use crate::json_text::parse_json;
use serde_json::Value;
use std::borrow::Cow;

/// The largest lazily read body retraced on a whole parse; a larger one is retraced on a pruned one.
pub const WHOLE_TRACE: usize = 8 << 20;

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The body exactly as received: the whole-payload description.
    pub raw: String,
    /// The parsed body, or why it is not JSON (then no key can be read from it).
    pub json: Result<Json, NotJson>,
}

/// A JSON body, parsed whole or read lazily (only what the filters need).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// Parsed whole.
    Full(Value),
    /// Validated, with the top-level values the filters can reach located in the raw text.
    Lazy(LazyDoc),
}

/// Why a body is not JSON, positioned in its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson {
    /// 1-based line in the input.
    pub line: usize,
    /// 1-based column in the input.
    pub column: usize,
    /// The parser's message.
    pub message: String,
}

impl Payload {
    /// A body that parsed as JSON.
    pub fn json(raw: impl Into<String>, value: Value) -> Payload {
        Payload {
            raw: raw.into(),
            json: Ok(Json::Full(value)),
        }
    }

    /// The whole parsed body, when it is JSON: parsed now if it was read lazily.
    pub fn value(&self) -> Option<Cow<'_, Value>> {
        match &self.json {
            Ok(Json::Full(value)) => Some(Cow::Borrowed(value)),
            Ok(Json::Lazy(_)) => parse_json(self.raw.as_bytes()).ok().map(Cow::Owned),
            Err(_) => None,
        }
    }

    /// The parsed body as retracing `service`'s evaluation reads it: whole, except that a lazily read
    /// body larger than [`WHOLE_TRACE`] is built pruned to what the retrace reads (see
    /// [`LazyDoc::traced_value`]), so that the near misses of a 200 MB alert group cost megabytes,
    /// not gigabytes.
    pub fn traced_value(&self, service: &Service) -> Option<Cow<'_, Value>> {
        match &self.json {
            Ok(Json::Lazy(doc)) if self.raw.len() > WHOLE_TRACE => {
                doc.traced_value(&self.raw, service).map(Cow::Owned)
            }
            _ => self.value(),
        }
    }
}

//! A request's time: the envelope's `received_at`, else the value of the `--time-key` payload key, with
//! a warning when that key gives none.

use super::Replayer;
use crate::envelope::Request;
use crate::keypath::KeyPath;
use crate::timestamp::{self, Millis};
use crate::warning::Warning;

impl Replayer<'_> {
    /// The request's time: the envelope's, else the `--time-key` value's, with a warning when that
    /// key gives none.
    pub(super) fn time_of(&self, request: &Request) -> (Option<Millis>, Option<Warning>) {
        if request.received_at.is_some() {
            return (request.received_at, None);
        }
        let Some(key) = &self.time_key else {
            return (None, None);
        };
        let problem = match document_text(&request.payload, key) {
            None => None,
            Some(text) => match timestamp::parse_text(&text) {
                Ok(t) => return (Some(t), None),
                Err(e) => Some(e),
            },
        };
        let warning = Warning::NoTime {
            key: key.to_string(),
            problem,
        };
        (None, Some(warning))
    }
}

/// The text of `key` in a payload, however it was read.
fn document_text(payload: &crate::payload::Payload, key: &KeyPath) -> Option<String> {
    use crate::document::{Document, LazyRef};
    use crate::payload::Json;
    match payload.json.as_ref().ok()? {
        Json::Full(value) => value.text(key).map(|t| t.into_owned()),
        Json::Lazy(doc) => LazyRef {
            doc,
            raw: &payload.raw,
        }
        .text(key)
        .map(|t| t.into_owned()),
    }
}

//! The API log of `serve` as JSON, for its page and for scripts: one object per request (the envelope
//! it came in, masked, its outcome as a `replay --format json` line spells it, and the `--explain`
//! trace of each service), and the open incidents. Every value a request carried is masked with the
//! run's tokens and the request's own, as `replay`'s report masks it (see `sanitize`).

use super::replay::OpenJson;
use super::replay::{RecordJson, record_json};
use super::sanitize::masked;
use super::trace_json::{self, FilterJson};
use crate::command::replay::LeftOpen;
use crate::explain::Trace;
use crate::replay::Record;
use crate::secrets::Mask;
use crate::timestamp::{self, Millis};
use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// A request as the log shows it: what came in, besides the token.
pub struct Envelope<'a> {
    pub received_at: Millis,
    pub from: Option<&'a str>,
    pub content_type: Option<&'a str>,
    /// The body as evaluated.
    pub body: &'a str,
}

#[derive(Serialize)]
struct LineJson<'a> {
    /// The request's place in the log: it only grows, across resets, so `?since=` never misses one.
    entry: usize,
    received_at: String,
    from: Option<Cow<'a, str>>,
    content_type: Option<Cow<'a, str>>,
    /// The body's length in bytes, as received (before masking).
    size: usize,
    body: Cow<'a, str>,
    #[serde(flatten)]
    record: RecordJson<'a>,
    trace: Vec<ServiceTraceJson<'a>>,
}

#[derive(Serialize)]
struct ServiceTraceJson<'a> {
    service: Cow<'a, str>,
    filters: Vec<FilterJson<'a>>,
}

/// Entry `entry` of the API log (without its line break): `request` did `record`; `traces` are the
/// `--explain` traces of each service, by name.
pub fn line(
    entry: usize,
    request: &Envelope<'_>,
    record: &Record,
    traces: &[(&str, Trace)],
    mask: Mask<'_>,
) -> String {
    let line = LineJson {
        entry,
        received_at: timestamp::rfc3339(request.received_at),
        from: request.from.map(|f| masked(f, mask)),
        content_type: request.content_type.map(|c| masked(c, mask)),
        size: request.body.len(),
        body: masked(request.body, mask),
        record: record_json(record, mask),
        trace: traces
            .iter()
            .map(|(service, trace)| ServiceTraceJson {
                service: masked(service, mask),
                filters: trace_json::filters(trace, mask),
            })
            .collect(),
    };
    // Strings, numbers and booleans only: serialising cannot fail.
    serde_json::to_string(&line).unwrap_or_default()
}

/// The open incidents as a JSON array; each is masked with the secrets of the request that opened it.
pub fn incidents<'a>(open: impl Iterator<Item = LeftOpen<'a>>) -> Vec<u8> {
    let mut text = Vec::new();
    let mut json = serde_json::Serializer::new(&mut text);
    // Strings and numbers only, into memory: serialising cannot fail.
    let _ = json.collect_seq(open.map(|(i, age, mask)| OpenJson::new(&i, age, mask)));
    text
}

/// The answer to a reset: `{"reset": true}`.
pub fn reset() -> Vec<u8> {
    #[derive(Serialize)]
    struct ResetJson {
        reset: bool,
    }
    serde_json::to_vec(&ResetJson { reset: true }).unwrap_or_default()
}

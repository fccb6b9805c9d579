//! The `check --format json` contract: one JSON object per line for each request and service. Field
//! names and shapes are pinned by the integration tests; change them only with a version bump.

use super::sanitize::masked;
use super::trace_json;
use crate::command::check::{CheckReport, CheckSummary, RequestResult, ServiceResult};
use crate::filter::Priority;
use crate::outcome::{Incident, Resolution};
use crate::secrets::Mask;
use crate::warning::Warning;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};

/// JSON Lines `check` output.
pub struct JsonCheck<'w> {
    out: &'w mut dyn Write,
    buffer: Vec<u8>,
}

impl<'w> JsonCheck<'w> {
    /// A report written to `out`.
    pub fn new(out: &'w mut dyn Write) -> JsonCheck<'w> {
        JsonCheck {
            out,
            buffer: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Line<'a> {
    input: &'a str,
    index: usize,
    service: Cow<'a, str>,
    code: u16,
    trigger: Option<TriggerJson<'a>>,
    resolve: Option<ResolveJson<'a>>,
    /// Only for a service in maintenance whose trigger held: the incident it did not create.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<TriggerJson<'a>>,
    warnings: Vec<WarningJson>,
    /// With `--explain` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<trace_json::FilterJson<'a>>>,
    /// With `--explain` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    fragile: Option<Vec<FragileJson<'a>>>,
}

#[derive(Serialize)]
struct FragileJson<'a> {
    reading: &'static str,
    outcome: Cow<'a, str>,
}

#[derive(Serialize)]
struct TriggerJson<'a> {
    filter: Cow<'a, str>,
    position: usize,
    urgency: &'static str,
    priority: Option<&'static str>,
    title: Cow<'a, str>,
    description: Cow<'a, str>,
    map_key: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
struct ResolveJson<'a> {
    filter: Cow<'a, str>,
    position: usize,
    map_key: Option<Cow<'a, str>>,
}

#[derive(Serialize)]
struct WarningJson {
    kind: &'static str,
    message: String,
}

impl<'a> TriggerJson<'a> {
    /// The trigger of an incident made from the payload whose text is `raw`.
    fn new(i: &'a Incident, raw: &'a str, mask: Mask<'_>) -> Self {
        TriggerJson {
            filter: masked(&i.filter.name, mask),
            position: i.filter.position,
            urgency: i.urgency.as_str(),
            priority: i.priority.map(Priority::as_str),
            title: masked(&i.title, mask),
            description: masked(i.description.text(raw), mask),
            map_key: i.map_key.as_deref().map(|k| masked(k, mask)),
        }
    }
}

impl<'a> ResolveJson<'a> {
    fn new(r: &'a Resolution, mask: Mask<'_>) -> Self {
        ResolveJson {
            filter: masked(&r.filter.name, mask),
            position: r.filter.position,
            map_key: r.map_key.as_deref().map(|k| masked(k, mask)),
        }
    }
}

impl WarningJson {
    fn new(w: &Warning, mask: Mask<'_>) -> Self {
        WarningJson {
            kind: w.kind(),
            message: masked(&w.to_string(), mask).into_owned(),
        }
    }
}

fn line<'a>(result: &'a RequestResult<'_>, r: &'a ServiceResult<'_>) -> Line<'a> {
    let o = &r.outcome;
    let mask = result.mask;
    Line {
        input: result.input,
        index: result.index,
        service: masked(&r.service.name, mask),
        code: o.code.status(),
        trigger: o
            .trigger
            .as_ref()
            .map(|i| TriggerJson::new(i, &result.payload.raw, mask)),
        resolve: o.resolve.as_ref().map(|r| ResolveJson::new(r, mask)),
        suppressed: o
            .suppressed
            .as_ref()
            .map(|i| TriggerJson::new(i, &result.payload.raw, mask)),
        warnings: o
            .warnings
            .iter()
            .map(|w| WarningJson::new(w, mask))
            .collect(),
        trace: r.trace.as_ref().map(|t| trace_json::filters(t, mask)),
        fragile: r.trace.as_ref().map(|_| {
            r.fragile
                .iter()
                .map(|f| FragileJson {
                    reading: f.reading,
                    outcome: masked(&f.outcome, mask),
                })
                .collect()
        }),
    }
}

impl JsonCheck<'_> {
    /// Serialises the report's lines of one request (one per service, each ending in a line break)
    /// straight onto the end of `out`, for a caller that keeps them in memory (a worker of `check`'s
    /// pool): a line is then held once, not in a line buffer as well.
    pub fn lines_into(out: &mut Vec<u8>, result: &RequestResult<'_>) -> io::Result<()> {
        for r in &result.outcomes {
            serde_json::to_writer(&mut *out, &line(result, r))?;
            out.push(b'\n');
        }
        Ok(())
    }
}

impl CheckReport for JsonCheck<'_> {
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()> {
        for r in &result.outcomes {
            // One write per line: serialising straight into the writer makes a call per token.
            self.buffer.clear();
            serde_json::to_writer(&mut self.buffer, &line(result, r))?;
            self.out.write_all(&self.buffer)?;
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn summary(&mut self, _: &CheckSummary) -> io::Result<()> {
        // The contract is one object per request and service; counts are for humans.
        Ok(())
    }
}

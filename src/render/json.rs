//! The `check --format json` contract: one JSON object per line for each request and service. Field
//! names and shapes are pinned by the integration tests; change them only with a version bump.

use super::{CheckReport, CheckSummary, RequestResult, ServiceResult, trace_json};
use crate::filter::Priority;
use crate::outcome::{Incident, Resolution};
use crate::warning::Warning;
use serde::Serialize;
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
    service: &'a str,
    code: u16,
    trigger: Option<TriggerJson<'a>>,
    resolve: Option<ResolveJson<'a>>,
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
    outcome: &'a str,
}

#[derive(Serialize)]
struct TriggerJson<'a> {
    filter: &'a str,
    position: usize,
    urgency: &'static str,
    priority: Option<&'static str>,
    title: &'a str,
    description: &'a str,
    map_key: Option<&'a str>,
}

#[derive(Serialize)]
struct ResolveJson<'a> {
    filter: &'a str,
    position: usize,
    map_key: Option<&'a str>,
}

#[derive(Serialize)]
struct WarningJson {
    kind: &'static str,
    message: String,
}

impl<'a> TriggerJson<'a> {
    /// The trigger of an incident made from the payload whose text is `raw`.
    fn new(i: &'a Incident, raw: &'a str) -> Self {
        TriggerJson {
            filter: &i.filter.name,
            position: i.filter.position,
            urgency: i.urgency.as_str(),
            priority: i.priority.map(Priority::as_str),
            title: &i.title,
            description: i.description.text(raw),
            map_key: i.map_key.as_deref(),
        }
    }
}

impl<'a> From<&'a Resolution> for ResolveJson<'a> {
    fn from(r: &'a Resolution) -> Self {
        ResolveJson {
            filter: &r.filter.name,
            position: r.filter.position,
            map_key: r.map_key.as_deref(),
        }
    }
}

impl From<&Warning> for WarningJson {
    fn from(w: &Warning) -> Self {
        WarningJson {
            kind: w.kind(),
            message: w.to_string(),
        }
    }
}

fn line<'a>(result: &'a RequestResult<'_>, r: &'a ServiceResult<'_>) -> Line<'a> {
    let o = &r.outcome;
    Line {
        input: result.input,
        index: result.index,
        service: &r.service.name,
        code: o.code.status(),
        trigger: o
            .trigger
            .as_ref()
            .map(|i| TriggerJson::new(i, &result.payload.raw)),
        resolve: o.resolve.as_ref().map(ResolveJson::from),
        warnings: o.warnings.iter().map(WarningJson::from).collect(),
        trace: r.trace.as_ref().map(trace_json::filters),
        fragile: r.trace.as_ref().map(|_| {
            r.fragile
                .iter()
                .map(|f| FragileJson {
                    reading: f.reading,
                    outcome: &f.outcome,
                })
                .collect()
        }),
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

//! `test --format json`: one object per case (`"type": "case"`) as it runs, then one summary object
//! (`"type": "summary"`). Never coloured.

use super::{CaseRecord, TestReport, TestSummary};
use crate::diff::DiffLine;
use serde::Serialize;
use std::io::{self, Write};

/// JSON Lines `test` output.
pub struct JsonTest<'w> {
    out: &'w mut dyn Write,
}

impl<'w> JsonTest<'w> {
    /// A report written to `out`.
    pub fn new(out: &'w mut dyn Write) -> JsonTest<'w> {
        JsonTest { out }
    }

    fn line(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut *self.out, value)?;
        self.out.write_all(b"\n")
    }
}

#[derive(Serialize)]
struct CaseJson<'a> {
    r#type: &'static str,
    file: &'a str,
    line: usize,
    name: &'a str,
    kind: &'static str,
    status: &'static str,
    time_ms: f64,
    /// The unified diff, one string per line; empty when nothing differs.
    diff: Vec<String>,
    /// Present only when another reading of the simulation would change a step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fragile: Vec<FragileJson<'a>>,
}

#[derive(Serialize)]
struct FragileJson<'a> {
    /// 1-based.
    step: usize,
    reading: &'static str,
    outcome: &'a str,
}

#[derive(Serialize)]
struct SummaryJson {
    r#type: &'static str,
    passed: usize,
    failed: usize,
    skipped: usize,
    blessed: usize,
    uncovered: Vec<String>,
}

impl TestReport for JsonTest<'_> {
    fn case(&mut self, r: &CaseRecord) -> io::Result<()> {
        self.line(&CaseJson {
            r#type: "case",
            file: &r.file,
            line: r.line,
            name: &r.name,
            kind: r.kind,
            status: r.status.word(),
            time_ms: r.elapsed.as_secs_f64() * 1000.0,
            diff: r.diff.iter().map(DiffLine::text).collect(),
            fragile: r
                .fragile
                .iter()
                .map(|(step, f)| FragileJson {
                    step: step + 1,
                    reading: f.reading,
                    outcome: &f.outcome,
                })
                .collect(),
        })
    }

    fn finish(&mut self, _: &[CaseRecord], s: &TestSummary) -> io::Result<()> {
        self.line(&SummaryJson {
            r#type: "summary",
            passed: s.passed,
            failed: s.failed,
            skipped: s.skipped,
            blessed: s.blessed,
            uncovered: s.uncovered.iter().map(ToString::to_string).collect(),
        })
    }
}

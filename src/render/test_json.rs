//! `test --format json`: one object per case (`"type": "case"`) as it runs, then one summary object
//! (`"type": "summary"`). Never coloured.

use crate::command::test::{CaseRecord, TestReport, TestSummary};
use crate::diff::DiffLine;
use crate::exit::ExitStatus;
use serde::Serialize;
use std::io::{self, Write};
use std::time::Duration;

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
    /// Milliseconds to the microsecond: a clock reading has no more digits worth a reader's time.
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
struct SummaryJson<'a> {
    r#type: &'static str,
    /// `pass`, `fail` or `error`: what the exit status (0, 1, 2) says.
    status: &'static str,
    passed: usize,
    failed: usize,
    skipped: usize,
    blessed: usize,
    uncovered: Vec<String>,
    /// Whether the uncovered parts fail the run.
    deny_uncovered: bool,
    errors: Vec<ErrorJson<'a>>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    path: &'a str,
    error: &'a str,
}

/// `elapsed` in milliseconds with at most three decimals. A whole number of microseconds divided by a
/// thousand is the double nearest that decimal, which serialises as exactly its digits
/// (`0.003`, never `0.0033450000000000003`).
fn millis(elapsed: Duration) -> f64 {
    let micros = elapsed.as_nanos().saturating_add(500) / 1000;
    // Durations of a test case stay far below 2^53 microseconds, where doubles stop being exact.
    u64::try_from(micros).unwrap_or(u64::MAX) as f64 / 1000.0
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
            time_ms: millis(r.elapsed),
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
            status: match s.status() {
                ExitStatus::Success => "pass",
                ExitStatus::Failure => "fail",
                ExitStatus::Error => "error",
            },
            passed: s.passed,
            failed: s.failed,
            skipped: s.skipped,
            blessed: s.blessed,
            uncovered: s.uncovered.iter().map(ToString::to_string).collect(),
            deny_uncovered: s.deny_uncovered,
            errors: s
                .errors
                .iter()
                .map(|e| ErrorJson {
                    path: &e.path,
                    error: &e.what,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::millis;
    use std::time::Duration;

    #[test]
    fn times_are_rounded_to_the_microsecond_and_print_as_written() {
        let text = |d| serde_json::to_string(&millis(d)).unwrap();
        assert_eq!(text(Duration::from_nanos(3_345_000)), "3.345");
        assert_eq!(text(Duration::from_nanos(3_344_501)), "3.345");
        assert_eq!(text(Duration::from_nanos(3_344_499)), "3.344");
        assert_eq!(text(Duration::from_nanos(12)), "0.0");
        assert_eq!(text(Duration::from_secs(2)), "2000.0");
        for nanos in (0..5_000_000).step_by(997) {
            let shown = text(Duration::from_nanos(nanos));
            let decimals = shown.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 3, "{nanos} ns shown as {shown}");
        }
    }
}

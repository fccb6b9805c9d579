//! Everything the user sees is written here: the reports of each command (one module per format) and
//! the error and warning lines on standard error. Nothing else in the crate prints. Every value a
//! report shows from a request passes `sanitize` on the way, with that request's mask.

mod human;
mod json;
pub mod junit;
pub mod lint;
mod palette;
mod replay;
pub mod sanitize;
mod test_human;
mod test_json;
mod trace_json;
mod why;

pub use human::HumanCheck;
pub use json::JsonCheck;
pub use palette::Palette;
pub use replay::{HumanReplay, JsonReplay, OpenIncident, ReplayReport};
pub use test_human::HumanTest;
pub use test_json::JsonTest;

use crate::diagnostic::Diagnostics;
use crate::diff::DiffLine;
use crate::exit::ExitStatus;
use crate::explain::{Fragility, Trace};
use crate::filter::Service;
use crate::outcome::Outcome;
use crate::payload::Payload;
use crate::secrets::Mask;
use crate::suite::coverage::Uncovered;
use std::fmt::Display;
use std::io::{self, Write};
use std::time::Duration;

/// One request and what every service made of it.
#[derive(Debug)]
pub struct RequestResult<'a> {
    /// The input's name (`<stdin>` for standard input).
    pub input: &'a str,
    /// The request's name: the input's, or `input#N` in a multi-body input.
    pub name: &'a str,
    /// 1-based position of the body in its input.
    pub index: usize,
    /// The body.
    pub payload: &'a Payload,
    /// The secrets this request's report hides: the run's and the request's own token.
    pub mask: Mask<'a>,
    /// Each service's result, in loading order.
    pub outcomes: Vec<ServiceResult<'a>>,
}

/// What one service made of a request.
#[derive(Debug)]
pub struct ServiceResult<'a> {
    /// The service.
    pub service: &'a Service,
    /// Its outcome.
    pub outcome: Outcome,
    /// The retraced evaluation, when it is to be shown (`--explain`, or near misses of a discard).
    pub trace: Option<Trace>,
    /// The readings under which the outcome would differ, when they are to be shown.
    pub fragile: Vec<Fragility>,
}

/// Counts over a whole `check` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckSummary {
    /// Requests evaluated.
    pub requests: usize,
    /// Services each request was evaluated against.
    pub services: usize,
    /// Request-service pairs that created an incident (201).
    pub created: usize,
    /// Request-service pairs that only resolved (200).
    pub resolved: usize,
    /// Request-service pairs that were discarded (202).
    pub discarded: usize,
    /// Of those, incidents a service in maintenance did not create.
    pub suppressed: usize,
    /// Bodies and inputs that could not be read.
    pub skipped: Skipped,
}

/// What a run could not read, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Paths and inputs that could not be read at all (missing, unreadable, empty).
    pub inputs: usize,
    /// Bodies of a stream that are not JSON, and envelopes that cannot be opened.
    pub bodies: usize,
}

impl Skipped {
    /// Everything skipped.
    pub fn total(&self) -> usize {
        self.inputs + self.bodies
    }
}

/// A report of `check`, in one output format.
pub trait CheckReport {
    /// Shows one request.
    fn request(&mut self, result: &RequestResult<'_>) -> io::Result<()>;
    /// Ends the report.
    fn summary(&mut self, summary: &CheckSummary) -> io::Result<()>;
}

/// How a case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    /// Every stated field holds.
    Passed,
    /// A stated field differs.
    Failed,
    /// `skip = true`.
    Skipped,
    /// `--bless` wrote the actual outcome into the case file.
    Blessed,
}

impl CaseStatus {
    /// `pass`, `fail`, `skip`, `bless`.
    pub fn word(self) -> &'static str {
        match self {
            CaseStatus::Passed => "pass",
            CaseStatus::Failed => "fail",
            CaseStatus::Skipped => "skip",
            CaseStatus::Blessed => "bless",
        }
    }
}

/// One case, run.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    /// The case file.
    pub file: String,
    /// 1-based line of the case in it.
    pub line: usize,
    /// The case's name.
    pub name: String,
    /// `case` or `scenario`.
    pub kind: &'static str,
    /// How it ended.
    pub status: CaseStatus,
    /// How long it took.
    pub elapsed: Duration,
    /// Line of the first differing expectation, for the diff's label.
    pub expect_line: Option<usize>,
    /// Expected against actual, only what differs (with context).
    pub diff: Vec<DiffLine>,
    /// The steps of a scenario (0-based) that another reading of the simulation would change.
    pub fragile: Vec<(usize, Fragility)>,
}

/// Counts over a whole `test` run.
#[derive(Debug, Clone, Default)]
pub struct TestSummary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases that failed.
    pub failed: usize,
    /// Cases skipped.
    pub skipped: usize,
    /// Cases blessed.
    pub blessed: usize,
    /// Filter parts no case exercised.
    pub uncovered: Vec<Uncovered>,
    /// Uncovered parts fail the run.
    pub deny_uncovered: bool,
    /// What stopped part of the run: each makes it an error (exit 2), whatever the cases did.
    pub errors: Vec<TestError>,
}

impl TestSummary {
    /// How the run ends: an error if anything could not run or be written, a failure if a case failed
    /// or (under `--deny-uncovered`) a filter part is uncovered.
    pub fn status(&self) -> ExitStatus {
        if !self.errors.is_empty() {
            ExitStatus::Error
        } else if self.failed > 0 || self.denied_uncovered() > 0 {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }

    /// How many uncovered filter parts fail the run.
    pub fn denied_uncovered(&self) -> usize {
        if self.deny_uncovered {
            self.uncovered.len()
        } else {
            0
        }
    }
}

/// A case file that could not run, a case file that could not be blessed, or a report that could not
/// be written: the summary names each, in one line (standard error has the details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestError {
    /// The path concerned, as given or found.
    pub path: String,
    /// What went wrong, in one line: `not run: ...`, `not blessed: ...`, `not written: ...`.
    pub what: String,
}

/// A report of `test`, in one output format.
pub trait TestReport {
    /// Shows one case as soon as it ran.
    fn case(&mut self, record: &CaseRecord) -> io::Result<()>;
    /// Shows the failures' diffs, the coverage and the closing counts.
    fn finish(&mut self, records: &[CaseRecord], summary: &TestSummary) -> io::Result<()>;
}

/// Error and warning lines on standard error.
pub struct Messages<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
}

impl<'w> Messages<'w> {
    /// Messages written to `out` with `palette`.
    pub fn new(out: &'w mut dyn Write, palette: Palette) -> Messages<'w> {
        Messages { out, palette }
    }

    /// An error that stopped something: located diagnostics as they are (after the context that
    /// carried them, if any), anything else as `error: <message>` with its causes.
    pub fn report(&mut self, e: &anyhow::Error) {
        match e.downcast_ref::<Diagnostics>() {
            Some(d) => {
                let outer = e.to_string();
                if outer != d.to_string() {
                    self.error(&outer);
                }
                let _ = writeln!(self.out, "{}", sanitize::escape(&d.to_string(), true));
            }
            None => self.error(&format!("{e:#}")),
        }
    }

    /// A progress line that the next one overwrites; empty clears it. Only for a terminal.
    pub fn progress(&mut self, message: &str) {
        let _ = write!(self.out, "\r\x1b[K{message}");
        let _ = self.out.flush();
    }

    /// `note: <message>`.
    pub fn note(&mut self, message: &dyn Display) {
        let _ = writeln!(self.out, "{}: {message}", self.palette.hint("note"));
    }

    /// `error: <message>`. Standard error is best effort: a failure to write it is not reported.
    pub fn error(&mut self, message: &dyn Display) {
        let _ = writeln!(
            self.out,
            "{}: {}",
            self.palette.error("error"),
            sanitize::escape(&message.to_string(), true)
        );
    }
}

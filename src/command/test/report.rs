//! What `test` reports: how each case ended, the run's counts, and what could not run, with the exit
//! rule they give; the report trait that each output format implements.

use crate::diff::DiffLine;
use crate::exit::ExitStatus;
use crate::explain::Fragility;
use crate::suite::coverage::Uncovered;
use std::io;
use std::time::Duration;

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

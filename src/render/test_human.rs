//! The readable `test` report: a line per case as it runs, then the diffs of the failures, the filter
//! parts no case exercised, what could not run, and the closing `N passed, N failed` line, which also
//! counts whatever else decides the exit status.

use super::Palette;
use super::sanitize::escape;
use crate::command::test::{CaseRecord, CaseStatus, TestReport, TestSummary};
use crate::diff::DiffLine;
use std::io::{self, Write};

/// Human `test` output.
pub struct HumanTest<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
}

impl<'w> HumanTest<'w> {
    /// A report written to `out`.
    pub fn new(out: &'w mut dyn Write, palette: Palette) -> HumanTest<'w> {
        HumanTest { out, palette }
    }

    fn failure(&mut self, r: &CaseRecord) -> io::Result<()> {
        let p = self.palette;
        let at = r.expect_line.unwrap_or(r.line);
        writeln!(
            self.out,
            "{} {} ({}:{})",
            p.error("failed:"),
            p.heading(&escape(&r.name, false)),
            r.file,
            r.line
        )?;
        if r.diff.is_empty() {
            // Only a case left unblessed fails without a diff: it states nothing to compare.
            return writeln!(self.out, "{}", p.hint("the case states no expectation yet"));
        }
        writeln!(
            self.out,
            "{}",
            p.expected(&format!("--- expected ({}:{at})", r.file))
        )?;
        writeln!(self.out, "{}", p.actual("+++ actual"))?;
        for line in &r.diff {
            let text = escape(&line.text(), false);
            let shown = match line {
                DiffLine::Hunk(_) => p.hint(&text),
                DiffLine::Same(_) => text,
                DiffLine::Expected(_) => p.expected(&text),
                DiffLine::Actual(_) => p.actual(&text),
            };
            writeln!(self.out, "{shown}")?;
        }
        Ok(())
    }
}

impl TestReport for HumanTest<'_> {
    fn case(&mut self, r: &CaseRecord) -> io::Result<()> {
        let p = self.palette;
        let word = match r.status {
            CaseStatus::Passed => p.created("pass "),
            CaseStatus::Failed => p.error("FAIL "),
            CaseStatus::Skipped => p.discarded("skip "),
            CaseStatus::Blessed => p.resolved("bless"),
        };
        writeln!(
            self.out,
            "{word} {}:{}  {}  {}",
            r.file,
            r.line,
            escape(&r.name, false),
            p.hint(&format!("({:.2} ms)", r.elapsed.as_secs_f64() * 1000.0))
        )?;
        for (step, f) in &r.fragile {
            writeln!(
                self.out,
                "      {}: step {} would {} with {}; the result depends on a reading Callgoose does not document",
                p.warning("fragile"),
                step + 1,
                f.outcome,
                f.reading
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, records: &[CaseRecord], s: &TestSummary) -> io::Result<()> {
        let p = self.palette;
        let mut first_section = records.is_empty();
        let mut gap = |out: &mut dyn Write| {
            if std::mem::take(&mut first_section) {
                Ok(())
            } else {
                writeln!(out)
            }
        };
        let failures: Vec<_> = records
            .iter()
            .filter(|r| r.status == CaseStatus::Failed)
            .collect();
        for r in &failures {
            gap(self.out)?;
            self.failure(r)?;
        }
        // A failure without a diff is a case left unblessed, which --bless again cannot help.
        if failures.iter().any(|r| !r.diff.is_empty()) {
            gap(self.out)?;
            writeln!(
                self.out,
                "{}",
                p.hint("hint: if the new outcomes are right, run again with --bless to write them into the case files")
            )?;
        }
        if !s.uncovered.is_empty() {
            let label = "not exercised by any case:";
            gap(self.out)?;
            if s.deny_uncovered {
                writeln!(self.out, "{}", p.error(label))?;
            } else {
                writeln!(self.out, "{}", p.warning(label))?;
            }
            for u in &s.uncovered {
                writeln!(self.out, "  {}", escape(&u.to_string(), false))?;
            }
        }
        if !s.errors.is_empty() {
            gap(self.out)?;
            writeln!(self.out, "{}", p.error("errors:"))?;
            for e in &s.errors {
                writeln!(
                    self.out,
                    "  {}: {}",
                    escape(&e.path, false),
                    escape(&e.what, false)
                )?;
            }
        }
        let mut line = format!("{} passed, {} failed", s.passed + s.blessed, s.failed);
        if s.skipped > 0 {
            line.push_str(&format!(", {} skipped", s.skipped));
        }
        match s.denied_uncovered() {
            0 => {}
            1 => line.push_str(", 1 filter part not exercised (--deny-uncovered)"),
            n => line.push_str(&format!(
                ", {n} filter parts not exercised (--deny-uncovered)"
            )),
        }
        match s.errors.len() {
            0 => {}
            1 => line.push_str(", 1 error"),
            n => line.push_str(&format!(", {n} errors")),
        }
        gap(self.out)?;
        writeln!(self.out, "{line}")
    }
}

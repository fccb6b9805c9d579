//! The `lint` report: every finding rustc-style (human), one JSON object per finding and a summary, or
//! the human report and a GitHub annotation per finding.

use super::Palette;
use super::github::{At, Level, Workflow};
use super::sanitize::escape;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::LintReport;
use serde::Serialize;
use std::io::{self, Write};

/// Writes the findings readably, then `N errors, N warnings in N files`.
pub fn human(out: &mut dyn Write, palette: Palette, report: &LintReport) -> io::Result<()> {
    for d in &report.findings {
        let text = escape(&d.to_string(), true);
        // Colour only the severity word at the start; the rest is the rustc-style block.
        let word = d.severity.to_string();
        let painted = match d.severity {
            Severity::Error => palette.error(&word),
            Severity::Warning => palette.warning(&word),
        };
        writeln!(out, "{painted}{}\n", &text[word.len()..])?;
    }
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let files = format!(
        "{} filter file{}",
        report.files,
        if report.files == 1 { "" } else { "s" }
    );
    if errors + warnings == 0 {
        writeln!(out, "no findings in {files}")
    } else {
        writeln!(
            out,
            "{}, {} in {files}",
            count(errors, "error"),
            count(warnings, "warning")
        )
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[derive(Serialize)]
struct FindingJson<'a> {
    r#type: &'static str,
    severity: String,
    code: Option<&'static str>,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    context: Option<&'a str>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryJson {
    r#type: &'static str,
    errors: usize,
    warnings: usize,
    files: usize,
}

/// Writes one JSON object per finding, then a summary object.
pub fn json(out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
    for d in &report.findings {
        serde_json::to_writer(&mut *out, &finding(d))?;
        out.write_all(b"\n")?;
    }
    serde_json::to_writer(
        &mut *out,
        &SummaryJson {
            r#type: "summary",
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            files: report.files,
        },
    )?;
    out.write_all(b"\n")
}

fn finding(d: &Diagnostic) -> FindingJson<'_> {
    let l = d.location.as_ref();
    FindingJson {
        r#type: "finding",
        severity: d.severity.to_string(),
        code: d.code,
        message: &d.message,
        file: l.map(|l| l.file.as_str()),
        line: l.map(|l| l.line),
        column: l.map(|l| l.column),
        context: d.context.as_deref(),
        help: d.help.as_deref(),
    }
}

/// `lint --format github`: the readable findings as the log, then an annotation per finding (see
/// `github`).
pub fn github(out: &mut dyn Write, report: &LintReport) -> io::Result<()> {
    let mut w = Workflow::new(out);
    human(w.log()?, Palette::plain(), report)?;
    w.annotations()?;
    for d in &report.findings {
        annotation(&mut w, d)?;
    }
    Ok(())
}

fn annotation(w: &mut Workflow<'_>, d: &Diagnostic) -> io::Result<()> {
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let at = d.location.as_ref().map(|l| At {
        file: &l.file,
        line: l.line,
        column: Some(l.column),
    });
    let title = match d.code {
        Some(code) => format!("lint: {code}"),
        None => "lint".to_owned(),
    };
    let mut message = d.message.clone();
    if let Some(context) = &d.context {
        message.push_str(&format!(" ({context})"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    w.annotate(level, at, &title, &message)
}

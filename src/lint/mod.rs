//! `lint`: static checks of filter files before deployment, every finding at once, each with its
//! severity, place, filter, problem and fix. A file that breaks Callgoose's limits or the format yields
//! those errors; one that loads is checked by `checks`, and against sample payloads by `samples`.

mod checks;
mod samples;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::filter::{self, Service};
use crate::semantics::SemanticsLayer;
use crate::strict_toml::SourceFile;
use anyhow::{Context, Result};
use std::path::PathBuf;

/// What to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// Filter files or folders of them.
    pub paths: Vec<PathBuf>,
    /// Sample payloads (files or folders) to check the filters against; none: no sample checks.
    pub samples: Vec<PathBuf>,
    /// The longest sample read.
    pub max_body: usize,
    /// Readings forced by the command line.
    pub semantics: SemanticsLayer,
}

/// The findings of a lint run.
#[derive(Debug, Default)]
pub struct LintReport {
    /// Every finding, file by file, in file order.
    pub findings: Vec<Diagnostic>,
    /// Filter files read.
    pub files: usize,
}

impl LintReport {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Lints the filter files `options` names. An error means the run could not happen at all (a path
/// that does not exist, a folder without filter files, an unreadable file).
pub fn lint(options: &LintOptions) -> Result<LintReport> {
    let mut report = LintReport::default();
    let mut loaded: Vec<(Service, filter::schema::FileDoc, String)> = Vec::new();
    for path in &options.paths {
        for file in filter::filter_files(path)? {
            report.files += 1;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read filter file {}", file.display()))?;
            let name = file.display().to_string();
            let src = SourceFile {
                name: &name,
                text: &text,
            };
            match filter::parse_service(&file, &text, options.semantics) {
                Ok(service) => {
                    // It loaded, so it parses: the spanned form is there for the locations.
                    let doc = filter::parse_doc(&src).map_err(|d| anyhow::anyhow!("{d}"))?;
                    let mut found = checks::check(&src, &doc, &service);
                    found.sort_by_key(|d| d.location.as_ref().map(|l| (l.line, l.column)));
                    report.findings.extend(found);
                    loaded.push((service, doc, text));
                }
                Err(e) => match e.downcast::<Diagnostics>() {
                    Ok(Diagnostics(errors)) => report.findings.extend(errors),
                    Err(e) => return Err(e),
                },
            }
        }
    }
    if !options.samples.is_empty() {
        report
            .findings
            .extend(samples::check(&options.samples, options.max_body, &loaded)?);
    }
    Ok(report)
}

//! `lint`: static checks of filter files before deployment, every finding at once, each with its
//! severity, place, filter, problem and fix. A file that breaks Callgoose's limits or the format yields
//! those errors; one that loads is checked by `checks`, and against sample payloads by `samples`. Each
//! PATH is one filter set, as `check --filters PATH` would load it, and what `check` refuses in a set
//! (two files defining one service) is an error here too.

mod checks;
mod samples;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Severity};
use crate::filter::locate::Located;
use crate::filter::schema::FileDoc;
use crate::filter::{self, Service};
use crate::semantics::SemanticsLayer;
use crate::strict_toml::SourceFile;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// Filter files or folders of them, each one set.
    pub paths: Vec<Located>,
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

/// A filter file that loaded: the service, its spanned form and its text, for locations.
struct Loaded {
    service: Service,
    doc: FileDoc,
    text: String,
}

/// One PATH of the command line and the files of it that loaded.
struct FilterSet<'p> {
    path: &'p Path,
    loaded: Vec<Loaded>,
}

/// Lints the filter files `options` names. An error means the run could not happen at all (a path
/// that does not exist, a folder without filter files, an unreadable file).
pub fn lint(options: &LintOptions) -> Result<LintReport> {
    let mut report = LintReport::default();
    let mut sets = Vec::new();
    for located in &options.paths {
        let path = located.path.as_path();
        let mut loaded = Vec::new();
        for file in filter::filter_files(path, &located.origin.remedy())? {
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
                    loaded.push(Loaded { service, doc, text });
                }
                Err(e) => match e.downcast::<Diagnostics>() {
                    Ok(Diagnostics(errors)) => report.findings.extend(errors),
                    Err(e) => return Err(e),
                },
            }
        }
        report.findings.extend(same_service(&loaded));
        sets.push(FilterSet { path, loaded });
    }
    if !options.samples.is_empty() {
        report.findings.extend(samples::check(options, &sets)?);
    }
    Ok(report)
}

/// An error for every file of a set that defines a service an earlier file of the set defines:
/// `check` and `replay` refuse such a set.
fn same_service(loaded: &[Loaded]) -> Vec<Diagnostic> {
    let mut first: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut out = Vec::new();
    for l in loaded {
        let Some(earlier) = first.insert(&l.service.name, &l.service.file) else {
            continue;
        };
        first.insert(&l.service.name, earlier);
        let file = l.service.file.display().to_string();
        // Where the name comes from: `service = "…"`, or the file's stem.
        let span = l.doc.service.as_ref().map_or(0..0, |s| s.span());
        out.push(
            Diagnostic::finding(
                Severity::Error,
                "duplicate-service",
                format!(
                    "{} already defines the service \"{}\": `check` and `replay` refuse this filter set",
                    earlier.display(),
                    l.service.name
                ),
                Some(Location::from_span(&file, &l.text, span)),
            )
            .with_help("give one of the files another `service = \"...\"`: each Callgoose service has one list of filters"),
        );
    }
    out
}

//! The `lint` command: lint the filter sets, show every finding, and fail on errors, or on warnings
//! under `--deny warnings`.

use crate::cli::{DenyLevel, LintArgs, ReportFormat};
use crate::diagnostic::Severity;
use crate::exit::ExitStatus;
use crate::filter::locate::Located;
use crate::lint::{self, LintOptions, LintReport};
use crate::render::{self, Palette};
use crate::settings::{Environment, filters_path, semantics_layer};
use anyhow::Result;
use std::io::Write;

/// `lint`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintSettings {
    /// What to lint.
    pub options: LintOptions,
    /// Warnings fail the run.
    pub deny_warnings: bool,
    pub format: ReportFormat,
}

impl LintSettings {
    /// Resolves `lint`'s arguments in `env`: `--filters` (or the positional paths it stands for),
    /// else the filters found as every command finds them.
    pub fn resolve(args: LintArgs, env: &Environment) -> LintSettings {
        let given: Vec<Located> = (args.filters.into_iter().chain(args.paths))
            .map(|path| Located::flag(path, "--filters"))
            .collect();
        LintSettings {
            options: LintOptions {
                paths: if given.is_empty() {
                    vec![filters_path(None, env)]
                } else {
                    given
                },
                samples: args.samples,
                max_body: args.reading.max_body,
                semantics: semantics_layer(&args.semantics),
            },
            deny_warnings: args.deny == Some(DenyLevel::Warnings),
            format: args.format,
        }
    }
}

/// Lints and shows the findings in the chosen format.
pub fn execute(
    settings: &LintSettings,
    palette: Palette,
    stdout: &mut dyn Write,
) -> Result<ExitStatus> {
    let report = lint::lint(&settings.options)?;
    match settings.format {
        ReportFormat::Human => render::lint::human(stdout, palette, &report)?,
        ReportFormat::Json => render::lint::json(stdout, &report)?,
        ReportFormat::Github => render::lint::github(stdout, &report)?,
    }
    Ok(status(&report, settings.deny_warnings))
}

/// 1 when there is an error, or a warning under `--deny warnings`; else 0.
fn status(report: &LintReport, deny_warnings: bool) -> ExitStatus {
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

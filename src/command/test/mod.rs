//! The `test` command: find case files, run the selected cases, bless if asked, work out coverage, and
//! report, with the JUnit file written beside. A case file that cannot be loaded or blessed is reported,
//! named in the summary, and the others still run; the exit status then says the suite could not run.
//! What a case's reports hide is text shaped like a secret (see `secrets`) and the tokens its
//! scenario names.

mod affected;
mod case_file;
mod report;
mod watch;

pub use report::{CaseRecord, CaseStatus, TestError, TestReport, TestSummary};

use crate::cli::{ReportFormat, TestArgs};
use crate::diagnostic::Diagnostics;
use crate::exit::ExitStatus;
use crate::filter::locate::{Located, Origin};
use crate::filter::{self, Service};
use crate::render::{GithubTest, HumanTest, JsonTest, Messages, Palette, junit};
use crate::semantics::SemanticsLayer;
use crate::settings::{Environment, filters_path, semantics_layer};
use crate::suite::{self, LoadOptions, ServiceCache, coverage};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// `test`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestSettings {
    /// Case files and folders.
    pub paths: Vec<PathBuf>,
    /// Filters for case files that name none, and where they came from: given ones must load even
    /// if no case file uses them.
    pub default_filters: Located,
    /// Readings forced by the command line.
    pub semantics: SemanticsLayer,
    /// Name selections; empty: every case.
    pub names: Vec<String>,
    /// Write actual outcomes into the case files.
    pub bless: bool,
    /// Uncovered filter parts fail the run.
    pub deny_uncovered: bool,
    /// Case files may read outside their project.
    pub allow_outside: bool,
    /// Where to write a JUnit report.
    pub junit: Option<PathBuf>,
    /// Services put in maintenance by the command line.
    pub maintenance: Vec<String>,
    pub format: ReportFormat,
    /// Run again on every change (`--watch`).
    pub watch: bool,
    /// Clear the terminal before each run of `--watch` (standard output is a terminal).
    pub clear: bool,
}

impl TestSettings {
    /// Resolves `test`'s arguments in `env`.
    pub fn resolve(args: TestArgs, env: &Environment) -> TestSettings {
        let default_filters = filters_path(args.filters.filters, env);
        TestSettings {
            paths: if args.paths.is_empty() {
                vec![default_filters.samples()]
            } else {
                args.paths
            },
            semantics: semantics_layer(&args.filters.semantics),
            default_filters,
            names: args.name,
            bless: args.bless,
            deny_uncovered: args.deny_uncovered,
            allow_outside: args.allow_outside,
            junit: args.junit,
            maintenance: args.filters.maintenance,
            format: args.format,
            watch: args.watch,
            clear: env.stdout_tty && args.format == ReportFormat::Human,
        }
    }
}

/// Runs `test` with the report in the chosen format, once or (`--watch`) on every change.
pub fn execute(
    settings: &TestSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> anyhow::Result<ExitStatus> {
    if settings.watch {
        return watch::watch(settings, palette, stdout, messages);
    }
    let mut report = report_for(settings, palette, stdout);
    Ok(run_suite(settings, &settings.paths, report.as_mut(), messages)?.status)
}

/// The report in the chosen format.
fn report_for<'w>(
    settings: &TestSettings,
    palette: Palette,
    stdout: &'w mut dyn Write,
) -> Box<dyn TestReport + 'w> {
    match settings.format {
        ReportFormat::Human => Box::new(HumanTest::new(stdout, palette)),
        ReportFormat::Json => Box::new(JsonTest::new(stdout)),
        ReportFormat::Github => Box::new(GithubTest::new(
            stdout,
            std::env::current_dir().unwrap_or_default(),
        )),
    }
}

/// How a run of the suite ended, and what its case files read (for `--watch`).
struct SuiteRun {
    status: ExitStatus,
    files: Vec<affected::Watched>,
}

/// Runs the case files of `paths`. Filters given on the command line that cannot be loaded stop it, as
/// they stop `check`; everything else that goes wrong is reported, named in the summary and makes the
/// status an error, while the other case files still run.
fn run_suite(
    settings: &TestSettings,
    paths: &[PathBuf],
    report: &mut dyn TestReport,
    messages: &mut Messages<'_>,
) -> Result<SuiteRun> {
    let mut cache = ServiceCache::new(settings.maintenance.clone());
    let defaults = &settings.default_filters;
    if defaults.origin.given() {
        // Loaded whether or not a case file uses them: a mistyped --filters must not pass silently.
        if defaults.origin == Origin::Environment {
            // Said first, so that the error names the variable to fix.
            filter::filter_files(&defaults.path, &defaults.origin.remedy())?;
        }
        cache.get(&defaults.path, settings.semantics)?;
    }
    let mut summary = TestSummary {
        deny_uncovered: settings.deny_uncovered,
        ..TestSummary::default()
    };
    let (files, unusable) = suite::discover(paths);
    let mut watched = Vec::new();
    for u in &unusable {
        messages.error(u);
        summary.errors.push(TestError {
            path: u.path().display().to_string(),
            what: format!("not run: {}", u.reason()),
        });
    }
    let current_dir = std::env::current_dir().context("cannot find the current folder")?;
    let options = LoadOptions {
        default_filters: &defaults.path,
        semantics: settings.semantics,
        bless: settings.bless,
        current_dir: &current_dir,
        allow_outside: settings.allow_outside,
    };
    let mut records = Vec::new();
    let mut hits = HashSet::new();
    let mut used: Vec<Service> = Vec::new();
    let mut default_filters_used = false;
    for path in files {
        let file = match suite::load_case_file(&path, &options, &mut cache) {
            Ok(file) => file,
            Err(e) => {
                messages.report(&e);
                summary.errors.push(test_error(&path, "not run", &e));
                watched.push(affected::Watched::new(&path, None));
                continue;
            }
        };
        watched.push(affected::Watched::new(&path, Some(&file.reads)));
        default_filters_used |= file.default_filters;
        let first = records.len();
        let ran = case_file::run_file(
            &file,
            settings,
            report,
            messages,
            &mut records,
            &mut hits,
            &mut used,
        )?;
        if settings.bless
            && let Err((e, lines)) = case_file::bless_file(&file, &ran, messages)
        {
            // Their expectations are not in place: they count, and show in JUnit, as failed.
            for r in records[first..]
                .iter_mut()
                .filter(|r| lines.contains(&r.line))
            {
                r.status = CaseStatus::Failed;
            }
            summary.errors.push(test_error(&path, "not blessed", &e));
            messages.report(&e.context(format!("cannot bless {}", path.display())));
        }
    }
    if defaults.origin.given() && !default_filters_used && summary.errors.is_empty() {
        let source = match defaults.origin {
            Origin::Environment => "SQIBS_FILTERS=",
            _ => "--filters ",
        };
        messages.note(&format!(
            "{source}{} was not used: every case file names its own filters",
            defaults.path.display()
        ));
    }
    // A `--maintenance` that reached no service is a mistake the run must not pass over.
    let loaded = cache.services();
    for name in &settings.maintenance {
        if !loaded.iter().any(|s| &s.name == name) {
            let what = format!(
                "--maintenance {name}: no service \"{name}\" in the filters the case files use"
            );
            messages.error(&what);
            summary.errors.push(TestError {
                path: defaults.path.display().to_string(),
                what,
            });
        }
    }
    summary.uncovered = coverage::uncovered(&used, &hits);
    for r in &records {
        match r.status {
            CaseStatus::Passed => summary.passed += 1,
            CaseStatus::Failed => summary.failed += 1,
            CaseStatus::Skipped => summary.skipped += 1,
            CaseStatus::Blessed => summary.blessed += 1,
        }
    }
    if let Some(path) = &settings.junit
        && let Err(e) = write_junit(path, &records)
    {
        messages.report(&e);
        summary.errors.push(test_error(path, "not written", &e));
    }
    report.finish(&records, &summary)?;
    Ok(SuiteRun {
        status: summary.status(),
        files: watched,
    })
}

/// `e` as one summary line about `path`: the first located error (with its line, or its file and line
/// when that is another file) and how many more there are, or the message with its causes.
fn test_error(path: &Path, what: &str, e: &anyhow::Error) -> TestError {
    let diagnostics = e.chain().find_map(|c| c.downcast_ref::<Diagnostics>());
    let reason = match diagnostics.map(|d| d.0.as_slice()) {
        Some([first, rest @ ..]) => {
            // The outermost message is the diagnostics themselves, or a context around them.
            let outer = e.to_string();
            let mut reason = if diagnostics.is_some_and(|d| d.to_string() == outer) {
                String::new()
            } else {
                format!("{outer}: ")
            };
            reason.push_str(&first.message);
            match &first.location {
                Some(l) if Path::new(&l.file) == path => {
                    reason.push_str(&format!(" (line {})", l.line))
                }
                Some(l) => reason.push_str(&format!(" ({}:{})", l.file, l.line)),
                None => {}
            }
            match rest.len() {
                0 => {}
                1 => reason.push_str(", and 1 more error"),
                n => reason.push_str(&format!(", and {n} more errors")),
            }
            reason
        }
        _ => format!("{e:#}"),
    };
    TestError {
        path: path.display().to_string(),
        what: format!("{what}: {reason}"),
    }
}

/// Writes the JUnit report; its diffs are the records', masked like every report's.
fn write_junit(path: &Path, records: &[CaseRecord]) -> Result<()> {
    let mut file = io::BufWriter::new(
        std::fs::File::create(path)
            .with_context(|| format!("cannot write the JUnit report {}", path.display()))?,
    );
    junit::write(&mut file, records)
        .and_then(|()| io::Write::flush(&mut file))
        .with_context(|| format!("cannot write the JUnit report {}", path.display()))
}

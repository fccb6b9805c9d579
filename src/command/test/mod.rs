//! The `test` command: find case files, run the selected cases, bless if asked, work out coverage, and
//! report, with the JUnit file written beside. A case file that cannot be loaded or blessed is reported,
//! named in the summary, and the others still run; the exit status then says the suite could not run.
//! What a case's reports hide is text shaped like a secret (see `secrets`) and the tokens its
//! scenario names.

mod report;

pub use report::{CaseRecord, CaseStatus, TestError, TestReport, TestSummary};

use crate::cli::{ReportFormat, TestArgs};
use crate::diagnostic::Diagnostics;
use crate::diff::diff;
use crate::exit::ExitStatus;
use crate::filter::locate::{Located, Origin};
use crate::filter::{self, Service};
use crate::render::{GithubTest, HumanTest, JsonTest, Messages, Palette, junit};
use crate::select::selected;
use crate::semantics::SemanticsLayer;
use crate::settings::{Environment, filters_path, semantics_layer};
use crate::suite::run_case::{Hit, Ran, run};
use crate::suite::{self, Case, CaseBody, CaseFile, LoadOptions, ServiceCache, bless, coverage};
use anyhow::{Context, Result, anyhow};
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    /// Output format.
    pub format: ReportFormat,
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
        }
    }
}

/// Runs `test` with the report in the chosen format.
pub fn execute(
    settings: &TestSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> anyhow::Result<ExitStatus> {
    let mut report: Box<dyn TestReport + '_> = match settings.format {
        ReportFormat::Human => Box::new(HumanTest::new(stdout, palette)),
        ReportFormat::Json => Box::new(JsonTest::new(stdout)),
        ReportFormat::Github => Box::new(GithubTest::new(
            stdout,
            std::env::current_dir().unwrap_or_default(),
        )),
    };
    run_suite(settings, report.as_mut(), messages)
}

/// Runs `test`. Filters given on the command line that cannot be loaded stop it, as they stop `check`;
/// everything else that goes wrong is reported, named in the summary and makes the status an error,
/// while the other case files still run.
pub fn run_suite(
    settings: &TestSettings,
    report: &mut dyn TestReport,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
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
    let (files, unusable) = suite::discover(&settings.paths);
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
                continue;
            }
        };
        default_filters_used |= file.default_filters;
        let first = records.len();
        let ran = run_file(
            &file,
            settings,
            report,
            messages,
            &mut records,
            &mut hits,
            &mut used,
        )?;
        if settings.bless
            && let Err((e, lines)) = bless_file(&file, &ran, messages)
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
    Ok(summary.status())
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

/// Runs the selected cases of one file, reporting each; returns what ran and may be blessed.
fn run_file(
    file: &CaseFile,
    settings: &TestSettings,
    report: &mut dyn TestReport,
    messages: &mut Messages<'_>,
    records: &mut Vec<CaseRecord>,
    hits: &mut HashSet<Hit>,
    used: &mut Vec<Service>,
) -> io::Result<Vec<(usize, Ran)>> {
    let mut ran_cases = Vec::new();
    for (i, case) in file.cases.iter().enumerate() {
        if !selected(&case.name, &settings.names) {
            continue;
        }
        if !used
            .iter()
            .any(|s| s.name == case.service.name && s.file == case.service.file)
        {
            used.push(case.service.clone());
        }
        let started = Instant::now();
        let mut refused = false;
        let (status, ran) = if case.skip {
            (CaseStatus::Skipped, None)
        } else {
            let ran = run(case);
            let status = match (ran.passed() && !ran.compared.is_empty(), settings.bless) {
                (true, _) => CaseStatus::Passed,
                (false, true) => match bless::secret(case, &ran, case.secrets.mask(None)) {
                    None => CaseStatus::Blessed,
                    Some((field, kind)) => {
                        messages.error(&format!(
                            "{}:{}: case \"{}\" is not blessed: its actual `{field}` holds {}, and --bless never writes a secret into a case file (nor a mask, which could never pass); state this expectation by hand",
                            file.path.display(),
                            case.line,
                            case.name,
                            kind.describe()
                        ));
                        refused = true;
                        CaseStatus::Failed
                    }
                },
                (false, false) => CaseStatus::Failed,
            };
            hits.extend(ran.hits.iter().cloned());
            (status, Some(ran))
        };
        let elapsed = started.elapsed();
        let differing = ran
            .as_ref()
            .map(|r| r.compared.iter().filter(|c| !c.holds()).collect::<Vec<_>>())
            .unwrap_or_default();
        let record = CaseRecord {
            file: file.path.display().to_string(),
            line: case.line,
            name: case.name.clone(),
            kind: match case.body {
                CaseBody::Request { .. } => "case",
                CaseBody::Scenario { .. } => "scenario",
            },
            status,
            elapsed,
            expect_line: differing.first().map(|c| c.line),
            diff: ran
                .as_ref()
                .map(|r| diff(&r.compared, case.secrets.mask(None)))
                .unwrap_or_default(),
            fragile: ran.as_ref().map(|r| r.fragile.clone()).unwrap_or_default(),
        };
        report.case(&record)?;
        records.push(record);
        if let Some(ran) = ran.filter(|_| !refused) {
            ran_cases.push((i, ran));
        }
    }
    Ok(ran_cases)
}

/// Writes the actual outcomes of the cases that failed or stated nothing into the case file. What
/// cannot be written is an error about the file (which the caller names) with the lines of the cases
/// left as they were.
fn bless_file(
    file: &CaseFile,
    ran: &[(usize, Ran)],
    messages: &mut Messages<'_>,
) -> Result<(), (anyhow::Error, Vec<usize>)> {
    let to_bless: Vec<_> = ran
        .iter()
        .filter(|(_, r)| !r.passed() || r.compared.is_empty())
        .map(|(i, r)| (&file.cases[*i], r))
        .collect();
    if to_bless.is_empty() {
        return Ok(());
    }
    let path = &file.path;
    let blessed = bless::bless_file(path, &file.text, &to_bless)
        .map_err(|e| (e, to_bless.iter().map(|(c, _)| c.line).collect()))?;
    if blessed.changed > 0 {
        messages.note(&format!(
            "blessed {}: {} value{} written; review with git diff",
            path.display(),
            blessed.changed,
            if blessed.changed == 1 { "" } else { "s" }
        ));
    }
    let stale: Vec<&Case> = blessed.stale.iter().map(|&i| to_bless[i].0).collect();
    match stale.as_slice() {
        [] => Ok(()),
        [one] => Err(anyhow!(
            "case {:?} changed in the file while it ran, so its outcome was not written: run --bless again",
            one.name
        )),
        many => Err(anyhow!(
            "{} cases changed in the file while they ran, so their outcomes were not written: run --bless again: {}",
            many.len(),
            many.iter()
                .map(|c| format!("{:?}", c.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    .map_err(|e| (e, stale.iter().map(|c| c.line).collect()))
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

//! The `test` command: find case files, run the selected cases, bless if asked, work out coverage, and
//! report, with the JUnit file written beside. A case file that cannot be loaded is reported and the
//! others still run; the exit status then says the suite could not run.

use crate::diff::diff;
use crate::exit::ExitStatus;
use crate::filter::Service;
use crate::render::{CaseRecord, CaseStatus, Messages, TestReport, TestSummary, junit};
use crate::secrets::{Redacting, Secrets};
use crate::select::selected;
use crate::settings::TestSettings;
use crate::suite::run::{Hit, Ran, run};
use crate::suite::{self, CaseBody, CaseFile, LoadOptions, ServiceCache, bless, coverage};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io;
use std::path::Path;
use std::time::Instant;

/// Runs `test`. Only a failure to write the report is an error; everything else is in the status.
pub fn run_suite(
    settings: &TestSettings,
    report: &mut dyn TestReport,
    messages: &mut Messages<'_>,
    secrets: &Secrets,
) -> io::Result<ExitStatus> {
    let mut broken = false;
    let (files, errors) = suite::discover(&settings.paths);
    for e in &errors {
        messages.report(e);
        broken = true;
    }
    let options = LoadOptions {
        default_filters: &settings.default_filters,
        semantics: settings.semantics,
        bless: settings.bless,
    };
    let mut cache = ServiceCache::default();
    let mut records = Vec::new();
    let mut hits = HashSet::new();
    let mut used: Vec<Service> = Vec::new();
    for path in files {
        let file = match suite::load_case_file(&path, &options, &mut cache) {
            Ok(file) => file,
            Err(e) => {
                messages.report(&e);
                broken = true;
                continue;
            }
        };
        let ran = run_file(&file, settings, report, &mut records, &mut hits, &mut used)?;
        if settings.bless {
            if let Err(e) = bless_file(&file, &ran, messages, secrets) {
                messages.report(&e);
                broken = true;
            }
        }
    }
    let mut summary = TestSummary {
        uncovered: coverage::uncovered(&used, &hits),
        deny_uncovered: settings.deny_uncovered,
        ..TestSummary::default()
    };
    for r in &records {
        match r.status {
            CaseStatus::Passed => summary.passed += 1,
            CaseStatus::Failed => summary.failed += 1,
            CaseStatus::Skipped => summary.skipped += 1,
            CaseStatus::Blessed => summary.blessed += 1,
        }
    }
    report.finish(&records, &summary)?;
    if let Some(path) = &settings.junit {
        if let Err(e) = write_junit(path, &records, secrets) {
            messages.report(&e);
            broken = true;
        }
    }
    Ok(if broken {
        ExitStatus::Error
    } else if summary.failed > 0 || (settings.deny_uncovered && !summary.uncovered.is_empty()) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Runs the selected cases of one file, reporting each; returns what ran, for blessing.
fn run_file(
    file: &CaseFile,
    settings: &TestSettings,
    report: &mut dyn TestReport,
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
        let (status, ran) = if case.skip {
            (CaseStatus::Skipped, None)
        } else {
            let ran = run(case);
            let status = match (ran.passed() && !ran.compared.is_empty(), settings.bless) {
                (true, _) => CaseStatus::Passed,
                (false, true) => CaseStatus::Blessed,
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
            diff: ran.as_ref().map(|r| diff(&r.compared)).unwrap_or_default(),
            fragile: ran.as_ref().map(|r| r.fragile.clone()).unwrap_or_default(),
        };
        report.case(&record)?;
        records.push(record);
        if let Some(ran) = ran {
            ran_cases.push((i, ran));
        }
    }
    Ok(ran_cases)
}

/// Writes the actual outcomes of the cases that failed or stated nothing into the case file.
fn bless_file(
    file: &CaseFile,
    ran: &[(usize, Ran)],
    messages: &mut Messages<'_>,
    secrets: &Secrets,
) -> Result<()> {
    let to_bless: Vec<_> = ran
        .iter()
        .filter(|(_, r)| !r.passed() || r.compared.is_empty())
        .map(|(i, r)| (&file.cases[*i], r))
        .collect();
    if to_bless.is_empty() {
        return Ok(());
    }
    let path = &file.path;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} to bless it", path.display()))?;
    let (blessed, changed) = bless::bless(&text, &to_bless, secrets)
        .with_context(|| format!("cannot bless {}", path.display()))?;
    std::fs::write(path, blessed)
        .with_context(|| format!("cannot write blessed {}", path.display()))?;
    messages.note(&format!(
        "blessed {}: {changed} value{} written; review with git diff",
        path.display(),
        if changed == 1 { "" } else { "s" }
    ));
    Ok(())
}

fn write_junit(path: &Path, records: &[CaseRecord], secrets: &Secrets) -> Result<()> {
    let mut file = io::BufWriter::new(
        std::fs::File::create(path)
            .with_context(|| format!("cannot write the JUnit report {}", path.display()))?,
    );
    let mut out = Redacting::new(&mut file, secrets.clone());
    junit::write(&mut out, records)
        .and_then(|()| io::Write::flush(&mut out))
        .with_context(|| format!("cannot write the JUnit report {}", path.display()))
}

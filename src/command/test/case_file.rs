//! One case file of `test`: its selected cases run and reported one by one as they end, and, under
//! `--bless`, the actual outcomes of those that failed or stated nothing written back into it.

use super::{CaseRecord, CaseStatus, TestReport, TestSettings};
use crate::diff::diff;
use crate::filter::Service;
use crate::render::Messages;
use crate::select::selected;
use crate::suite::run_case::{Hit, Ran, run};
use crate::suite::{Case, CaseBody, CaseFile, bless};
use anyhow::anyhow;
use std::collections::HashSet;
use std::io;
use std::time::Instant;

/// Runs the selected cases of one file, reporting each; returns what ran and may be blessed.
pub(super) fn run_file(
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
pub(super) fn bless_file(
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

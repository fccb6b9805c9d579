//! `sqibs-filter`: a payload tester and filter debugger for Callgoose SQIBS API filters.
//!
//! Filter files (TOML) describe the ordered API filters of Callgoose services; [`eval::evaluate`] tells
//! what Callgoose would do with a request body. The binary is a thin shell over [`run`].

pub mod access;
pub mod check;
pub mod cli;
pub mod command_line;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod envelope;
pub mod eval;
pub mod exit;
pub mod explain;
pub mod filter;
pub mod input;
pub mod json_schema;
pub mod keypath;
pub mod lint;
pub mod outcome;
pub mod payload;
pub mod render;
pub mod replay;
pub mod runner;
pub mod secrets;
pub mod select;
pub mod semantics;
pub mod settings;
pub mod simulation;
pub mod strict_toml;
pub mod suggest;
pub mod suite;
pub mod timestamp;
pub mod warning;

use cli::{Args, Format};
use exit::ExitStatus;
use render::{
    CheckReport, HumanCheck, HumanReplay, HumanTest, JsonCheck, JsonReplay, JsonTest, Messages,
    Palette, ReplayReport, TestReport,
};
use settings::{CommandSettings, Environment, Settings};
use std::io::Write;

/// Runs the command `args` asks for and says how it ended; an error that stops the run is shown once,
/// on `stderr`.
pub fn run(
    args: Args,
    env: &Environment,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let result = execute(args, env, stdout, stderr).and_then(|status| {
        match stdout.flush() {
            // The reader went away after the end (`| head`): the status stands.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(status),
            flushed => flushed.map(|()| status).map_err(Into::into),
        }
    });
    let status = match result {
        Ok(status) => status,
        // The reader went away (`| head`) from a command that does not stop on it: that is how
        // pipelines end, not a failure.
        Err(e) if is_broken_pipe(&e) => ExitStatus::Success,
        Err(e) => {
            Messages::new(stderr, Palette::plain()).report(&e);
            ExitStatus::Error
        }
    };
    // Standard error is best effort: there is nowhere left to report its failure.
    let _ = stderr.flush();
    status
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn execute(
    args: Args,
    env: &Environment,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let settings = Settings::resolve(args, env)?;
    let mut messages = Messages::new(stderr, Palette::new(settings.color_stderr));
    let status = match &settings.command {
        CommandSettings::Check(check) => {
            let services = filter::load(&check.filters)?;
            let palette = Palette::new(settings.color_stdout);
            let mut report: Box<dyn CheckReport + '_> = match check.format {
                Format::Human => {
                    Box::new(HumanCheck::new(stdout, palette, check.full, check.explain))
                }
                Format::Json => Box::new(JsonCheck::new(stdout)),
            };
            check::run(check, &services, report.as_mut(), &mut messages)?
        }
        CommandSettings::Test(test) => {
            let palette = Palette::new(settings.color_stdout);
            let mut report: Box<dyn TestReport + '_> = match test.format {
                Format::Human => Box::new(HumanTest::new(stdout, palette)),
                Format::Json => Box::new(JsonTest::new(stdout)),
            };
            runner::run_suite(test, report.as_mut(), &mut messages)?
        }
        CommandSettings::Replay(replay) => {
            let services = filter::load(&replay.filters)?;
            let diff = replay.diff.as_ref().map(filter::load).transpose()?;
            let mut report: Box<dyn ReplayReport + '_> = match replay.format {
                Format::Human => Box::new(HumanReplay::new(
                    stdout,
                    Palette::new(settings.color_stdout),
                )),
                Format::Json => Box::new(JsonReplay::new(stdout)),
            };
            replay::run::replay(
                &replay.settings,
                &services,
                diff.as_deref(),
                report.as_mut(),
                &mut messages,
            )?
        }
        CommandSettings::Lint(lint) => {
            let report = lint::lint(&lint.options)?;
            match lint.format {
                Format::Human => {
                    render::lint::human(stdout, Palette::new(settings.color_stdout), &report)?
                }
                Format::Json => render::lint::json(stdout, &report)?,
            }
            let errors = report.count(diagnostic::Severity::Error);
            let warnings = report.count(diagnostic::Severity::Warning);
            if errors > 0 || (lint.deny_warnings && warnings > 0) {
                ExitStatus::Failure
            } else {
                ExitStatus::Success
            }
        }
        CommandSettings::Schema(kind) => {
            stdout.write_all(json_schema::text(*kind).as_bytes())?;
            ExitStatus::Success
        }
        CommandSettings::Completions(shell) => {
            cli::manual::completions(*shell, stdout)?;
            ExitStatus::Success
        }
        CommandSettings::Man => {
            cli::manual::man_page(stdout)?;
            ExitStatus::Success
        }
    };
    Ok(status)
}

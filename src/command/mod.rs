//! The commands, side by side. Each module owns its resolved settings, its run and its exit rule; this
//! one only hands the settings to the command they name, with the report in the chosen format.

pub mod check;
pub mod lint;
pub mod replay;
pub mod test;

use crate::exit::ExitStatus;
use crate::render::{Messages, Palette};
use crate::settings::{CommandSettings, Settings};
use crate::{cli, json_schema};
use std::io::Write;

/// Runs the command `settings` name, writing its report to `stdout` and its messages to `stderr`.
pub fn execute(
    settings: &Settings,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let mut messages = Messages::new(stderr, Palette::new(settings.color_stderr));
    let palette = Palette::new(settings.color_stdout);
    match &settings.command {
        CommandSettings::Check(check) => check::execute(check, palette, stdout, &mut messages),
        CommandSettings::Test(test) => test::execute(test, palette, stdout, &mut messages),
        CommandSettings::Replay(replay) => replay::execute(replay, palette, stdout, &mut messages),
        CommandSettings::Lint(lint) => lint::execute(lint, palette, stdout),
        CommandSettings::Schema(kind) => {
            stdout.write_all(json_schema::text(*kind).as_bytes())?;
            Ok(ExitStatus::Success)
        }
        CommandSettings::Completions(shell) => {
            cli::manual::completions(*shell, stdout)?;
            Ok(ExitStatus::Success)
        }
        CommandSettings::Man => {
            cli::manual::man_page(stdout)?;
            Ok(ExitStatus::Success)
        }
    }
}

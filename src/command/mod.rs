//! The commands, side by side. Each module owns its resolved settings, its run and its exit rule; this
//! one resolves the arguments into the settings of the command they name, with the colour decided
//! once, and hands them to it.

mod case_draft;
pub mod check;
pub mod init;
pub mod lint;
pub mod replay;
pub mod serve;
pub mod suggest;
pub mod test;
mod tokens;

#[cfg(test)]
mod tests;

use crate::cli::{self, Args, ColorChoice, Command, Format, ReportFormat};
use crate::exit::ExitStatus;
use crate::json_schema::{self, SchemaKind};
use crate::render::{Messages, Palette};
use crate::settings::Environment;
use anyhow::Result;
use check::CheckSettings;
use init::InitSettings;
use lint::LintSettings;
use replay::ReplaySettings;
use serve::ServeSettings;
use std::io::Write;
use suggest::SuggestSettings;
use test::TestSettings;

/// Everything a run needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Colour standard output.
    pub color_stdout: bool,
    /// Colour standard error.
    pub color_stderr: bool,
    /// The command and its settings.
    pub command: CommandSettings,
}

/// The resolved command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSettings {
    /// `check`.
    Check(CheckSettings),
    /// `test`.
    Test(TestSettings),
    /// `lint`.
    Lint(LintSettings),
    /// `replay`.
    Replay(Box<ReplaySettings>),
    /// `serve`.
    Serve(Box<ServeSettings>),
    /// `init`.
    Init(InitSettings),
    /// `suggest`.
    Suggest(SuggestSettings),
    /// `schema`: the file format whose schema to print.
    Schema(SchemaKind),
    /// `completions`: the shell to print a completion script for.
    Completions(clap_complete::Shell),
    /// `man`.
    Man,
}

impl Settings {
    /// Resolves `args` in `env`.
    pub fn resolve(args: Args, env: &Environment) -> Result<Settings> {
        let color = |tty: bool| match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !env.no_color && !env.dumb_terminal,
        };
        let command = match args.command {
            Command::Check(check) => CommandSettings::Check(CheckSettings::resolve(check, env)?),
            Command::Test(test) => CommandSettings::Test(TestSettings::resolve(test, env)),
            Command::Lint(lint) => CommandSettings::Lint(LintSettings::resolve(lint, env)),
            Command::Replay(replay) => {
                CommandSettings::Replay(Box::new(ReplaySettings::resolve(replay, env)?))
            }
            Command::Serve(serve) => {
                CommandSettings::Serve(Box::new(ServeSettings::resolve(serve, env)?))
            }
            Command::Init(init) => CommandSettings::Init(InitSettings::resolve(init)),
            Command::Suggest(args) => CommandSettings::Suggest(SuggestSettings::resolve(args, env)),
            Command::Schema(schema) => CommandSettings::Schema(schema.kind),
            Command::Completions(args) => CommandSettings::Completions(args.shell),
            Command::Man => CommandSettings::Man,
        };
        // Output for programs is a contract: never coloured. GitHub reads workflow commands and
        // colours its log itself.
        let for_programs = match &command {
            CommandSettings::Check(c) => c.format == Format::Json,
            CommandSettings::Test(t) => t.format != ReportFormat::Human,
            CommandSettings::Lint(l) => l.format != ReportFormat::Human,
            CommandSettings::Replay(r) => r.format == Format::Json,
            // The timeline, as replay's human report.
            CommandSettings::Serve(_) | CommandSettings::Init(_) => false,
            // Scripts, pages and files for other programs: never coloured.
            CommandSettings::Suggest(_)
            | CommandSettings::Schema(_)
            | CommandSettings::Completions(_)
            | CommandSettings::Man => true,
        };
        Ok(Settings {
            color_stdout: color(env.stdout_tty) && !for_programs,
            color_stderr: color(env.stderr_tty),
            command,
        })
    }
}

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
        CommandSettings::Serve(serve) => serve::execute(serve, palette, stdout, &mut messages),
        CommandSettings::Lint(lint) => lint::execute(lint, palette, stdout),
        CommandSettings::Init(init) => init::execute(init, stdout, &mut messages),
        CommandSettings::Suggest(s) => suggest::execute(s, stdout, &mut messages),
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

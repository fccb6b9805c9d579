//! Arguments resolved into settings: every decision about colour, standard input, defaults and
//! conflicting flags is made from the arguments and a snapshot of the environment, here for what the
//! commands share and in each command's module for its own flags. The rest of the program sees only
//! [`Settings`].

use crate::cli::{
    Args, ColorChoice, Command, FilterArgs, Format, ReportFormat, RequestArgs, SemanticsArgs,
};
use crate::command::check::CheckSettings;
use crate::command::lint::LintSettings;
use crate::command::replay::ReplaySettings;
use crate::command::test::TestSettings;
use crate::filter::locate::{self, Located};
use crate::filter::{FilterOptions, FromChoice};
use crate::json_schema::SchemaKind;
use crate::secrets::Secret;
use crate::semantics::SemanticsLayer;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// What the process was started with, besides its arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// `TERM` is `dumb`.
    pub dumb_terminal: bool,
    /// Standard input is a terminal.
    pub stdin_tty: bool,
    /// Standard output is a terminal.
    pub stdout_tty: bool,
    /// Standard error is a terminal.
    pub stderr_tty: bool,
    /// `SQIBS_TOKEN`, when set: the tokens Callgoose knows, separated by white space.
    pub tokens: Option<Secret>,
    /// The nearest `filters/` folder, from the current folder up to the repository root.
    pub filters_found: Option<PathBuf>,
    /// `SQIBS_FILTERS`, when set and not empty.
    pub filters_env: Option<PathBuf>,
}

impl Environment {
    /// Long work shows its progress on standard error when that is a terminal and standard output is
    /// not: a terminal that shows the report itself would have the line share the report's lines.
    pub fn shows_progress(&self) -> bool {
        self.stderr_tty && !self.stdout_tty
    }

    /// Reads the real process environment.
    pub fn capture() -> Environment {
        use std::io::IsTerminal;
        Environment {
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            dumb_terminal: std::env::var_os("TERM").is_some_and(|v| v == "dumb"),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            tokens: std::env::var("SQIBS_TOKEN").ok().map(Secret::new),
            filters_found: std::env::current_dir()
                .ok()
                .and_then(|cwd| locate::find(&cwd)),
            filters_env: std::env::var_os("SQIBS_FILTERS")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        }
    }
}

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
            // Scripts and pages for other programs: never coloured.
            CommandSettings::Schema(_) | CommandSettings::Completions(_) | CommandSettings::Man => {
                true
            }
        };
        Ok(Settings {
            color_stdout: color(env.stdout_tty) && !for_programs,
            color_stderr: color(env.stderr_tty),
            command,
        })
    }
}

/// No path means standard input, but only when something is piped in: never wait on a terminal.
pub(crate) fn input_paths(paths: Vec<PathBuf>, env: &Environment) -> Result<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Ok(paths);
    }
    if env.stdin_tty {
        bail!("no input: give payload files or folders, or pipe request bodies to standard input");
    }
    Ok(vec![PathBuf::from("-")])
}

/// The filters `--filters` names, else those found from the current folder, else `SQIBS_FILTERS`'.
pub(crate) fn filters_path(flag: Option<PathBuf>, env: &Environment) -> Located {
    match flag {
        Some(path) => Located::flag(path, "--filters"),
        None => Located::default(env.filters_found.as_deref(), env.filters_env.as_deref()),
    }
}

/// The filter options of the command line.
pub(crate) fn filter_options(
    filters: FilterArgs,
    request: RequestArgs,
    env: &Environment,
) -> FilterOptions {
    let Located { path, origin } = filters_path(filters.filters, env);
    FilterOptions {
        semantics: semantics_layer(&filters.semantics),
        path,
        origin,
        service: request.service,
        maintenance: filters.maintenance,
        from: match (request.from, request.no_from) {
            (_, true) => FromChoice::Clear,
            // An empty `from` parameter is none at all.
            (Some(from), false) if from.is_empty() => FromChoice::Clear,
            (Some(from), false) => FromChoice::Set(from),
            (None, false) => FromChoice::Files,
        },
    }
}

/// The readings the command line forces.
pub(crate) fn semantics_layer(args: &SemanticsArgs) -> SemanticsLayer {
    // A pair of flags that clap keeps apart: one says yes, the other no, neither leaves it to the files.
    let either = |yes: bool, no: bool| match (yes, no) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    SemanticsLayer {
        case_sensitive: either(args.case_sensitive, args.case_insensitive),
        conditions: args.conditions,
        nested_keys: either(args.nested_keys, args.no_nested_keys),
        resolve_scope: args.resolve_scope,
        null_values: args.null_values,
        empty_map_value: args.empty_map_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{Combine, EmptyMapValue, NullValues, ResolveScope};
    use clap::Parser;

    fn resolve(argv: &[&str], env: &Environment) -> Result<Settings> {
        let args =
            Args::try_parse_from(std::iter::once("sqibs-filter").chain(argv.iter().copied()))?;
        Settings::resolve(args, env)
    }

    fn tty() -> Environment {
        Environment {
            stdin_tty: true,
            stdout_tty: true,
            stderr_tty: true,
            ..Environment::default()
        }
    }

    fn check(s: &Settings) -> &CheckSettings {
        match &s.command {
            CommandSettings::Check(c) => c,
            other => panic!("not check: {other:?}"),
        }
    }

    #[test]
    fn auto_colours_a_terminal_only() {
        let s = resolve(&["check", "x"], &tty()).unwrap();
        assert!(s.color_stdout && s.color_stderr);
        let piped = Environment {
            stdout_tty: false,
            ..tty()
        };
        let s = resolve(&["check", "x"], &piped).unwrap();
        assert!(!s.color_stdout && s.color_stderr);
    }

    #[test]
    fn no_color_and_dumb_terminals_turn_auto_off_but_not_always() {
        for env in [
            Environment {
                no_color: true,
                ..tty()
            },
            Environment {
                dumb_terminal: true,
                ..tty()
            },
        ] {
            let s = resolve(&["check", "x"], &env).unwrap();
            assert!(!s.color_stdout && !s.color_stderr);
            let s = resolve(&["--color", "always", "check", "x"], &env).unwrap();
            assert!(s.color_stdout && s.color_stderr);
        }
    }

    #[test]
    fn json_is_never_coloured() {
        let s = resolve(
            &["check", "--color=always", "--format", "json", "x"],
            &tty(),
        )
        .unwrap();
        assert!(!s.color_stdout);
    }

    #[test]
    fn no_path_reads_piped_stdin_but_never_waits_on_a_terminal() {
        let piped = Environment {
            stdin_tty: false,
            ..tty()
        };
        let s = resolve(&["check"], &piped).unwrap();
        assert_eq!(check(&s).paths, [PathBuf::from("-")]);
        let e = resolve(&["check"], &tty()).unwrap_err();
        assert!(e.to_string().starts_with("no input:"), "{e}");
    }

    #[test]
    fn semantics_flags_become_a_layer() {
        let s = resolve(
            &["check", "--case-sensitive", "--conditions", "any", "x"],
            &tty(),
        )
        .unwrap();
        let layer = check(&s).filters.semantics;
        assert_eq!(layer.case_sensitive, Some(true));
        assert_eq!(layer.conditions, Some(Combine::Any));
        let s = resolve(&["check", "--case-insensitive", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.semantics.case_sensitive, Some(false));
        let s = resolve(&["check", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.semantics, SemanticsLayer::default());
    }

    #[test]
    fn every_reading_has_a_switch_on_every_command_that_evaluates() {
        let flags = [
            "--no-nested-keys",
            "--resolve-scope",
            "filter",
            "--null-values",
            "missing",
            "--empty-map-value",
            "none",
        ];
        let forced = SemanticsLayer {
            nested_keys: Some(false),
            resolve_scope: Some(ResolveScope::Filter),
            null_values: Some(NullValues::Missing),
            empty_map_value: Some(EmptyMapValue::None),
            ..SemanticsLayer::default()
        };
        let with = |command: &str| {
            let mut argv = vec![command];
            argv.extend(flags);
            argv.push("x");
            resolve(&argv, &tty()).unwrap().command
        };
        match with("check") {
            CommandSettings::Check(c) => assert_eq!(c.filters.semantics, forced),
            other => panic!("{other:?}"),
        }
        match with("replay") {
            CommandSettings::Replay(r) => assert_eq!(r.filters.semantics, forced),
            other => panic!("{other:?}"),
        }
        match with("test") {
            CommandSettings::Test(t) => assert_eq!(t.semantics, forced),
            other => panic!("{other:?}"),
        }
        match with("lint") {
            CommandSettings::Lint(l) => assert_eq!(l.options.semantics, forced),
            other => panic!("{other:?}"),
        }
        let s = resolve(&["check", "--nested-keys", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.semantics.nested_keys, Some(true));
        assert!(resolve(&["check", "--nested-keys", "--no-nested-keys", "x"], &tty()).is_err());
        assert!(resolve(&["check", "--null-values", "nil", "x"], &tty()).is_err());
    }

    #[test]
    fn conflicting_flags_are_usage_errors() {
        assert!(
            resolve(
                &["check", "--case-sensitive", "--case-insensitive", "x"],
                &tty()
            )
            .is_err()
        );
        assert!(resolve(&["check", "--from", "A", "--no-from", "x"], &tty()).is_err());
    }

    #[test]
    fn test_defaults_to_the_samples_folder() {
        let s = resolve(&["test", "--case-sensitive"], &tty()).unwrap();
        let CommandSettings::Test(t) = &s.command else {
            panic!("{s:?}")
        };
        assert_eq!(t.paths, [PathBuf::from("samples")]);
        assert_eq!(t.default_filters, Located::default(None, None));
        assert_eq!(t.semantics.case_sensitive, Some(true));
    }

    #[test]
    fn watch_clears_only_a_terminal_showing_the_human_report() {
        let test = |argv: &[&str], env: &Environment| match resolve(argv, env).unwrap().command {
            CommandSettings::Test(t) => t,
            other => panic!("{other:?}"),
        };
        assert!(test(&["test", "--watch"], &tty()).clear);
        assert!(!test(&["test", "--watch", "--format", "json"], &tty()).clear);
        let piped = Environment {
            stdout_tty: false,
            ..tty()
        };
        assert!(!test(&["test", "--watch"], &piped).clear);
    }

    #[test]
    fn progress_only_on_a_terminal_that_does_not_show_the_report() {
        let piped = Environment {
            stdout_tty: false,
            ..tty()
        };
        assert!(piped.shows_progress());
        assert!(!tty().shows_progress());
        let quiet = Environment {
            stderr_tty: false,
            ..piped
        };
        assert!(!quiet.shows_progress());
    }

    #[test]
    fn from_choice() {
        let s = resolve(&["check", "--from", "Grafana", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.from, FromChoice::Set("Grafana".into()));
        let s = resolve(&["check", "--no-from", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.from, FromChoice::Clear);
        // An empty `from` is no `from` parameter, whatever the files say.
        let s = resolve(&["check", "--from", "", "x"], &tty()).unwrap();
        assert_eq!(check(&s).filters.from, FromChoice::Clear);
    }
}

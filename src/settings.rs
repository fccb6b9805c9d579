//! What the commands' settings are made from: a snapshot of the process environment, and the resolution
//! of the flags several commands share (inputs, filters and where they are found, semantics). Each
//! command resolves its own flags in its module; `command` puts them together.

use crate::cli::{FilterArgs, RequestArgs, SemanticsArgs};
use crate::filter::locate::{self, Located};
use crate::filter::{FilterOptions, FromChoice};
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

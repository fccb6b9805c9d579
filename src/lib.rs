//! `sqibs-filter`: a payload tester and filter debugger for Callgoose SQIBS API filters.
//!
//! Filter files (TOML) describe the ordered API filters of Callgoose services; [`eval::evaluate`] tells
//! what Callgoose would do with a request body. The binary is a thin shell over [`run`].

mod access;
mod atomic_write;
pub mod cli;
mod command;
mod command_line;
mod diagnostic;
mod did_you_mean;
mod diff;
pub mod document;
pub mod envelope;
pub mod eval;
mod exit;
pub mod explain;
pub mod filter;
pub mod input;
mod json_schema;
mod json_text;
mod keypath;
mod lint;
mod outcome;
pub mod payload;
pub mod render;
mod replay;
pub mod sanitize;
mod schema_shape;
mod secrets;
mod select;
pub mod semantics;
pub mod settings;
mod simulation;
mod strict_toml;
mod suggest;
pub mod suite;
mod template;
mod timestamp;
mod walk;
mod warning;

use cli::Args;
pub use exit::ExitStatus;
use render::{Messages, Palette};
use settings::Environment;
use std::io::Write;

/// Runs the command `args` asks for and says how it ended; an error that stops the run is shown once,
/// on `stderr`.
pub fn run(
    args: Args,
    env: &Environment,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> ExitStatus {
    let result = command::Settings::resolve(args, env)
        .and_then(|settings| command::execute(&settings, stdout, stderr))
        .and_then(|status| {
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

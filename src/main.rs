//! The `sqibs-filter` binary: parses the command line, runs the library, and turns the result into an
//! exit code, showing a run-stopping error once.

use clap::Parser;
use sqibs_filter::cli::Args;
use sqibs_filter::exit::ExitStatus;
use sqibs_filter::render::{Messages, Palette};
use sqibs_filter::settings::Environment;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap answers --help and --version itself and exits 2 on usage errors.
    let args = Args::parse();
    let env = Environment::capture();
    // Large writes: JSON output of a big replay runs to gigabytes.
    let mut stdout = BufWriter::with_capacity(1 << 18, std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    let result = sqibs_filter::run(args, &env, &mut stdout, &mut stderr)
        .and_then(|status| stdout.flush().map(|()| status).map_err(Into::into));
    match result {
        Ok(status) => status.into(),
        // The reader went away (`| head`): that is how pipelines end, not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            Messages::new(&mut stderr, Palette::plain()).report(&e);
            ExitStatus::Error.into()
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

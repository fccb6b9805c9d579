//! The `sqibs-filter` binary: parses the command line, runs the library with the process's streams and
//! environment, and turns the result into an exit code.

use clap::Parser;
use sqibs_filter::cli::Args;
use sqibs_filter::settings::Environment;
use std::io::BufWriter;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap answers --help and --version itself and exits 2 on usage errors.
    let args = Args::parse();
    let env = Environment::capture();
    // Large writes: JSON output of a big replay runs to gigabytes.
    let mut stdout = BufWriter::with_capacity(1 << 18, std::io::stdout().lock());
    let mut stderr = std::io::stderr().lock();
    sqibs_filter::run(args, &env, &mut stdout, &mut stderr).into()
}

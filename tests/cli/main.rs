//! Integration tests: every test runs the real `sqibs-filter` binary and asserts its exit code, standard
//! output and standard error together.

mod support;

/// Filters Callgoose accepts: no title key, catch-alls and text bodies, priorities, an empty `from`.
mod accepts;
/// Tokens and service states as Callgoose scopes them, and the process endpoint's response body.
mod access;
/// `serve` end to end with a real Prometheus Alertmanager as the sender.
mod alertmanager;
/// `check` on the shipped filters and samples, on stdin, on streams and on bad payloads.
mod check;
/// Options that change evaluation: `--service`, `--from`, semantics switches.
mod check_options;
/// Completions, the man page, help examples and where the filters are found.
mod conventions;
/// The exit-code table of every command.
mod exit_codes;
/// `--explain` and near misses: each classic mistake is named with its fix.
mod explain;
/// The fast path (lazy reading) against the straightforward evaluation on the benchmark corpus.
mod fast_path;
/// Bad filter files: every error names the file, line, column and filter.
mod filter_files;
/// `--format github`: annotations at the right lines, and nothing in the log read as a command.
mod github;
/// Hostile and broken input of every kind: messages, exit codes, no panic, bounded memory.
mod hardening;
/// Every hint names a command and flags that exist for the command that prints it.
mod hints;
/// `check --jobs N` against `--jobs 1`: the same bytes, whatever the number of workers.
mod jobs;
/// The `--format json` contract, parsed into structs defined here.
mod json_contract;
/// `lint`: every static check, samples, exit codes.
mod lint;
/// Progress on standard error: on a real terminal, never inside the report.
mod progress;
/// Properties of the evaluator over generated payloads and filter sets (proptest).
mod properties;
/// Reading inputs: one value is one body, recovery, lone surrogates, the per-body limit, FIFOs, pipes
/// that close early, memory.
mod reading;
/// `replay`: timelines, summaries, tokens, duplicate windows, filter diffs.
mod replay;
/// `schema`: the shipped JSON Schemas, the files that name them, what they refuse.
mod schema;
/// Properties of secret masking over any body and token (proptest): JSON output stays JSON, no secret
/// shows.
mod secret_properties;
/// Tokens never appear in any output, error, JSON, JUnit or blessed file.
mod secrets;
/// `serve`: a real server on a loopback port, driven by curl and a raw HTTP/1.1 client.
mod serve;
/// The templates: `init` then `test` for each, `suggest` on their samples.
mod templates;
/// `test`: case files, scenarios, diffs, bless, JUnit, coverage.
mod test_cmd;
/// `test --watch`: what a change re-runs, and Ctrl-C.
mod watch;

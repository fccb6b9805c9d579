//! The command line as clap sees it: raw arguments, before any decision is made about them. Resolving
//! them (colour, standard input, defaults) is `settings`' work.

use crate::json_schema::SchemaKind;
use crate::secrets::Secret;
use crate::semantics::{Combine, EmptyMapValue, NullValues, ResolveScope};
pub mod help;
pub(crate) mod manual;

use clap::{Args as ClapArgs, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Payload tester and filter debugger for Callgoose SQIBS API filters.
#[derive(Debug, Parser)]
#[command(name = "sqibs-filter", version, after_help = help::summary())]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: auto colours a terminal unless NO_COLOR is set or TERM is dumb.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what Callgoose would do with each request body: which filter fires and the incident it makes.
    ///
    /// Bodies come from files, from folders (every *.json, *.jsonl and *.ndjson below, in sorted order)
    /// or from standard input (`-`, or no path when input is piped). One input may hold several bodies:
    /// JSON Lines, or JSON values back to back.
    #[command(after_help = help::after_help("check"))]
    Check(CheckArgs),

    /// Run case files: expected incident actions and lifecycle scenarios, diffed against the actual ones.
    ///
    /// With no path, every cases.toml and *.cases.toml under samples/ is run.
    #[command(after_help = help::after_help("test"))]
    Test(TestArgs),

    /// Check filter files before deployment: Callgoose's limits, mapping keys, shadowed filters,
    /// overlapping trigger and resolve conditions, suspicious items; with --samples, against payloads.
    #[command(after_help = help::after_help("lint"))]
    Lint(LintArgs),

    /// Replay captured traffic (API-log bodies, webhook history, JSON Lines exports) in order through one
    /// simulation of Callgoose's incidents: a timeline and what it did to the on-call rota.
    ///
    /// A line may be a bare body or an envelope carrying the request: {"received_at", "from", "token",
    /// "content_type", "body", "url", "headers"}. Envelopes are detected (an object with a body and only
    /// these keys) unless --envelope says every line is one.
    #[command(after_help = help::after_help("replay"))]
    Replay(ReplayArgs),

    /// Stand in for Callgoose's process endpoint on this machine: senders (Alertmanager, Grafana, a
    /// Tigera or Sedai webhook, curl) post to it, and each request runs through one live simulation.
    ///
    /// POST /v1/process (or /sqibs-api/v1/process) with from= and the token as Authorization: Bearer
    /// or token=, as Callgoose takes them; each is answered with Callgoose's status and body, and shown
    /// as replay shows it. Ctrl-C (or SIGTERM) finishes the requests under way and prints the summary.
    #[command(after_help = help::after_help("serve"))]
    Serve(ServeArgs),

    /// Start a project from an integration template: the sender's filter file, sample payloads in its
    /// documented format, and a case file that passes at once.
    ///
    /// The filter file goes to filters/NAME.toml, samples and cases to samples/NAME/, and the JSON
    /// Schemas their #:schema lines name to schema/. A file that exists with other content is never
    /// overwritten without --force; nothing is written unless everything can be.
    #[command(after_help = help::after_help("init"))]
    Init(InitArgs),

    /// Propose a filter file from sample payloads: the status key and the items that separate firing
    /// from resolved, a mapping key, a title and a description, each with its reason and alternatives.
    ///
    /// Give a firing and a resolved payload of the same alert, and firings of different alerts where
    /// you have them: the more samples, the better the mapping key. Samples are taken in order; where
    /// no state word tells which is which, the first sample's state is the firing one.
    #[command(after_help = help::after_help("suggest"))]
    Suggest(SuggestArgs),

    /// Print the JSON Schema of filter files or case files, for editors that check TOML as it is typed
    /// (Even Better TOML, taplo): a `#:schema` comment on a file's first line points them to it.
    #[command(after_help = help::after_help("schema"))]
    Schema(SchemaArgs),

    /// Print a shell completion script: subcommands, flags and their values complete on Tab.
    #[command(after_help = help::after_help("completions"))]
    Completions(CompletionsArgs),

    /// Print the manual page (roff): every command, its options, examples and exit codes.
    #[command(after_help = help::after_help("man"))]
    Man,
}

/// `init`'s arguments.
#[derive(Debug, ClapArgs)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["template", "list"]))]
pub struct InitArgs {
    /// The template to start from (see --list).
    #[arg(long, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(crate::template::names()))]
    pub template: Option<String>,

    /// List the templates, one line each.
    #[arg(long)]
    pub list: bool,

    /// Overwrite files that exist with other content.
    #[arg(long)]
    pub force: bool,

    /// The project folder to write into; created when missing.
    #[arg(value_name = "DIR", default_value = ".", conflicts_with = "list")]
    pub dir: PathBuf,
}

/// `suggest`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct SuggestArgs {
    /// Sample payloads: files (one body each, or JSON Lines), folders, or `-` for standard input.
    #[arg(value_name = "SAMPLE", required = true)]
    pub samples: Vec<PathBuf>,

    /// Write the filter file to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write a case file from the samples to FILE: a case each, and the samples in order as a
    /// scenario, with the suggested filters' actions as expectations.
    #[arg(long, value_name = "FILE", requires = "output")]
    pub cases: Option<PathBuf>,

    /// The service's name [default: the --output file's name, else "suggested"].
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,

    /// The `from=` parameter the sender's URL will carry: titles read `<from> - <title>`.
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,

    /// Overwrite --output and --cases files that exist.
    #[arg(long)]
    pub force: bool,

    /// How Callgoose is read: --case-sensitive makes items keep the samples' case, --no-nested-keys
    /// proposes top-level keys only.
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

/// `completions`' arguments.
#[derive(Debug, ClapArgs)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `schema`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct SchemaArgs {
    /// Which files the schema describes.
    #[arg(value_enum, value_name = "FILES")]
    pub kind: SchemaKind,
}

/// `replay`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct ReplayArgs {
    /// Files or folders of captured traffic; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Which filters to replay through, and how.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// The requests' service and default `from` (a captured `from` wins).
    #[command(flatten)]
    pub request: RequestArgs,

    /// Every body is an envelope (otherwise envelopes are detected).
    #[arg(long)]
    pub envelope: bool,

    /// An API token Callgoose knows: SECRET (global: its requests reach every service) or
    /// SERVICE=SECRET (that service's filters only); repeatable. Given: a request without a token
    /// answers 401, one with another token 403. Default: the white-space separated tokens of
    /// SQIBS_TOKEN; neither: tokens are not checked. Never shown in any output.
    #[arg(long, value_name = "[SERVICE=]SECRET", value_parser = token)]
    pub token: Vec<Secret>,

    /// Fold exact repeats of a body within this long (90s, 5m, 1h) into the earlier request's incident.
    #[arg(long, value_name = "DURATION", value_parser = crate::timestamp::parse_duration)]
    pub dedup_window: Option<i64>,

    /// The payload key holding a request's time (RFC 3339 or epoch), for bodies without an envelope; a
    /// request it gives no time is shown with a warning.
    #[arg(long, value_name = "KEY")]
    pub time_key: Option<String>,

    /// Replay the traffic through two filter sets and report every request whose outcome changes.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub diff_filters: Option<Vec<PathBuf>>,

    /// Write the traffic as a case file: one scenario, the requests in order as its steps, the
    /// actions they take now as its expectations (as `test --bless` writes them), tokens never
    /// written. The file must not exist yet.
    #[arg(long, value_name = "OUT.toml", conflicts_with = "diff_filters")]
    pub cases: Option<PathBuf>,

    /// How inputs are read.
    #[command(flatten)]
    pub reading: ReadArgs,

    /// Output format. JSON: one object per request ("type": "request"), one per incident left open
    /// ("open_incident"), in order of creation, then the summary ("summary", whose "open" counts them).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// `serve`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct ServeArgs {
    /// Which filters to evaluate against, and how.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// The requests' service and default `from` (a request's from= wins).
    #[command(flatten)]
    pub request: RequestArgs,

    /// The address to listen on: IP:PORT ([::1]:8080 for IPv6; port 0 picks a free one, and the
    /// address printed says which). Anything but loopback is reachable from other machines.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080",
        value_parser = listen_address
    )]
    pub listen: std::net::SocketAddr,

    /// An API token Callgoose knows: SECRET (global: its requests reach every service) or
    /// SERVICE=SECRET (that service's filters only); repeatable. Given: a request without a token
    /// answers 401, one with another token 403. Default: the white-space separated tokens of
    /// SQIBS_TOKEN; neither: every request is accepted. Never shown in any output or response.
    #[arg(long, value_name = "[SERVICE=]SECRET", value_parser = token)]
    pub token: Vec<Secret>,

    /// Fold exact repeats of a body within this long (90s, 5m, 1h) into the earlier request's incident,
    /// timed by when each request is received.
    #[arg(long, value_name = "DURATION", value_parser = crate::timestamp::parse_duration)]
    pub dedup_window: Option<i64>,

    /// Append each request to FILE as a captured envelope (time, from, content type, body; never the
    /// token), one JSON line each: a file `replay` reads at any moment.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// Answer 413 to a body longer than SIZE (256MB, 1GiB, or bytes), without reading the rest.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "256MiB",
        value_parser = crate::input::size::parse_size
    )]
    pub max_body: usize,
}

/// An address to listen on: an IP address and a port (`localhost` reads as 127.0.0.1, not as whatever
/// a resolver makes of it).
fn listen_address(value: &str) -> Result<std::net::SocketAddr, String> {
    let value = value.trim();
    let local = value
        .strip_prefix("localhost:")
        .map(|port| format!("127.0.0.1:{port}"));
    local
        .as_deref()
        .unwrap_or(value)
        .parse()
        .map_err(|_| {
            format!(
                "`{value}` is not an address to listen on: give IP:PORT, such as 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)"
            )
        })
}

/// A token must be one: an empty `--token` (`--token "$TOKEN"` with `TOKEN` unset) would refuse every
/// request in silence.
fn token(value: &str) -> Result<Secret, String> {
    if value.is_empty() {
        return Err(
            "the token is empty (an unset variable, as in --token \"$TOKEN\", gives an \
             empty one); give a token Callgoose knows, or leave --token out not to check \
             tokens"
                .into(),
        );
    }
    Ok(Secret::new(value))
}

/// How inputs are read; shared by every command that reads payloads.
#[derive(Debug, Clone, ClapArgs)]
pub struct ReadArgs {
    /// Refuse a body (or a line, or a text body) longer than SIZE: 256MB, 1GiB, or bytes. Its input
    /// ends there with an error, and the other inputs are read.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "256MiB",
        value_parser = crate::input::size::parse_size
    )]
    pub max_body: usize,
}

/// `lint`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct LintArgs {
    /// A filter file, or a folder whose *.toml files are each one service (repeatable) [default: the
    /// filters/ folder found here or above, else SQIBS_FILTERS].
    #[arg(long, value_name = "PATH")]
    pub filters: Vec<PathBuf>,

    /// The same as --filters, for `lint PATH...` as older versions took it.
    #[arg(value_name = "PATH", hide = true)]
    pub paths: Vec<PathBuf>,

    /// Also check the filters against the payloads in these files or folders (repeatable): keys no
    /// sample carries, filters no sample fires, samples no filter handles.
    #[arg(long, value_name = "PATH")]
    pub samples: Vec<PathBuf>,

    /// How samples are read.
    #[command(flatten)]
    pub reading: ReadArgs,

    /// Fail on warnings too.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub deny: Option<DenyLevel>,

    /// How to read what Callgoose leaves undocumented.
    #[command(flatten)]
    pub semantics: SemanticsArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// `--deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DenyLevel {
    /// Warnings fail the run as errors do.
    Warnings,
}

/// `check`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct CheckArgs {
    /// Payload files or folders; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Which filters to evaluate against, and how.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// The request's service and `from`.
    #[command(flatten)]
    pub request: RequestArgs,

    /// How inputs are read.
    #[command(flatten)]
    pub reading: ReadArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Show descriptions whole instead of shortened.
    #[arg(long)]
    pub full: bool,

    /// Show why each filter did or did not fire: every condition and item, where each key was found,
    /// which filter won and which were shadowed (in JSON: a `trace` per filter).
    #[arg(long)]
    pub explain: bool,

    /// Workers that check bodies side by side [default: one per core, at most 16]; 1 checks them as
    /// they are read. Hidden: the output is the same whatever the number, which the tests compare.
    #[arg(long, value_name = "N", hide = true, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

/// Where the filters are and how to read what Callgoose leaves undocumented; shared by every command
/// that evaluates requests.
#[derive(Debug, Clone, ClapArgs)]
pub struct FilterArgs {
    /// A filter file, or a folder whose *.toml files are each one service [default: the filters/
    /// folder found here or in a parent folder up to the repository root, else SQIBS_FILTERS].
    // No clap default: the default is looked for (`settings`), and `test` must tell a path the user
    // gave (which has to exist) from a default.
    #[arg(long, value_name = "PATH")]
    pub filters: Option<PathBuf>,

    /// Put this service in maintenance (repeatable): it evaluates, but creates no incident; the one its
    /// trigger would create is reported as suppressed, and its resolves still close open incidents.
    #[arg(long, value_name = "SERVICE")]
    pub maintenance: Vec<String>,

    /// How to read what Callgoose leaves undocumented.
    #[command(flatten)]
    pub semantics: SemanticsArgs,
}

/// The readings of undocumented behaviour, forced from the command line over the filter files'.
#[derive(Debug, Clone, ClapArgs)]
pub struct SemanticsArgs {
    /// Compare "contains" items case-sensitively (overrides the filter files).
    #[arg(long, conflicts_with = "case_insensitive")]
    pub case_sensitive: bool,

    /// Compare "contains" items case-insensitively (overrides the filter files; the default).
    #[arg(long)]
    pub case_insensitive: bool,

    /// How the two conditions of a trigger part combine (overrides the filter files; default: all).
    #[arg(long, value_enum, value_name = "HOW")]
    pub conditions: Option<Combine>,

    /// Keys reach into objects and arrays: `labels.namespace`, `alerts.0.x` (overrides the filter
    /// files; the default).
    #[arg(long, conflicts_with = "no_nested_keys")]
    pub nested_keys: bool,

    /// Keys name one top-level key exactly, as Callgoose's documentation shows them (overrides the
    /// filter files).
    #[arg(long)]
    pub no_nested_keys: bool,

    /// Which open incidents a resolve closes: those of the whole service with an equal mapping value,
    /// or only those its own filter opened (overrides the filter files; default: service).
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub resolve_scope: Option<ResolveScope>,

    /// What a JSON null is: the text `null`, or a missing key (overrides the filter files; default:
    /// text).
    #[arg(long, value_enum, value_name = "AS")]
    pub null_values: Option<NullValues>,

    /// What an empty mapping value is: a key like any other, or no key (overrides the filter files;
    /// default: key).
    #[arg(long, value_enum, value_name = "AS")]
    pub empty_map_value: Option<EmptyMapValue>,
}

/// Options about the request itself: which service receives it and its `from` parameter.
#[derive(Debug, Clone, ClapArgs)]
pub struct RequestArgs {
    /// Evaluate against this service only (by default: every loaded service, as a global token does).
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,

    /// The from= parameter of the request (overrides the filter files' `from`; an empty one clears it).
    #[arg(long, value_name = "NAME", conflicts_with = "no_from")]
    pub from: Option<String>,

    /// Send no from= parameter, whatever the filter files say.
    #[arg(long)]
    pub no_from: bool,
}

/// `test`'s arguments.
#[derive(Debug, ClapArgs)]
pub struct TestArgs {
    /// Case files, or folders searched for cases.toml and *.cases.toml files [default: the samples/
    /// folder beside the filters/ folder found, else samples].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Filters for case files that do not name their own, and how to read them.
    #[command(flatten)]
    pub filters: FilterArgs,

    /// Run only cases whose name contains TEXT, or matches it as a pattern with * and ?; repeatable.
    #[arg(long, value_name = "TEXT")]
    pub name: Vec<String>,

    /// Write the actual outcomes into the case files: new expectations, or updated failing ones.
    #[arg(long)]
    pub bless: bool,

    /// Fail when a trigger or resolve part of a filter is exercised by no case.
    #[arg(long)]
    pub deny_uncovered: bool,

    /// Let case files name payload and filter files anywhere: absolute paths, paths outside their
    /// project (the folder holding .git, or else the current folder) and inside .git.
    #[arg(long)]
    pub allow_outside: bool,

    /// Also write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,

    /// Run, then run again the case files a change affects whenever a filter file, case file or payload
    /// they read changes (a new case file too), clearing the terminal first; Ctrl-C stops.
    #[arg(long, conflicts_with = "bless")]
    pub watch: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour a terminal, unless NO_COLOR is set or TERM is dumb.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Human,
    /// One JSON object per line (JSON Lines): a contract for other tools.
    Json,
}

/// `--format` of `test` and `lint`, whose findings CI systems show where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Readable text.
    Human,
    /// One JSON object per line (JSON Lines): a contract for other tools.
    Json,
    /// The readable log, then GitHub Actions workflow commands that annotate each failing case, lint
    /// finding and uncovered filter part at its file and line in the pull request.
    Github,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Args::command().debug_assert();
    }
}

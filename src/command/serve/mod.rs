//! The `serve` command: Callgoose's process endpoint on this machine, so that a real sender
//! (Alertmanager, Grafana, a Tigera or Sedai webhook, curl) can be pointed at it and the whole
//! integration tested end to end. It loads the filters as every command does, listens (on loopback
//! unless told otherwise), and runs each request through one live simulation, the `replay` engine's,
//! answering with Callgoose's status and body and showing it as a `replay` timeline line. Ctrl-C or
//! SIGTERM stops accepting, lets the requests under way finish, and prints `replay`'s summary.
//!
//! One module per concept: `http` runs the server (connections, signals, stopping) on a
//! current-thread runtime; `answer` answers one request (routes, limits, what it carries, the answers
//! that are no outcome); `desk` is the one simulation every connection's requests reach in turn,
//! through a channel, and what it tells its `Log`s; `record` is the log that appends each request to
//! the `--record` file; `page` serves the API log (`GET /`, `/api/log`, `/api/incidents`,
//! `/api/reset`), whose page is `page.html`.

mod answer;
mod desk;
mod http;
mod page;
mod record;

use super::tokens;
use crate::cli::ServeArgs;
use crate::exit::ExitStatus;
use crate::filter::{self, FilterOptions, Service};
use crate::render::{HumanReplay, Messages, Palette};
use crate::replay::ReplayOptions;
use crate::secrets::{Secret, Secrets};
use crate::settings::{Environment, filter_options};
use crate::timestamp::Millis;
use anyhow::{Context, Result, anyhow};
use desk::{Desk, Log};
use record::RecordFile;
use std::io::{LineWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

/// `serve`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeSettings {
    /// The filters requests are evaluated against.
    pub filters: FilterOptions,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The tokens Callgoose knows, as written (`SECRET` or `SERVICE=SECRET`); read against the
    /// services once they are loaded.
    pub tokens: Vec<Secret>,
    /// Repeats of one body within this long are duplicates.
    pub dedup_window: Option<Millis>,
    /// Where each request is appended as an envelope.
    pub record: Option<PathBuf>,
    /// The longest body taken; a longer one answers 413.
    pub max_body: usize,
}

impl ServeSettings {
    /// Resolves `serve`'s arguments in `env`.
    pub fn resolve(args: ServeArgs, env: &Environment) -> Result<ServeSettings> {
        Ok(ServeSettings {
            filters: filter_options(args.filters, args.request, env),
            listen: args.listen,
            tokens: tokens::given(
                args.token,
                env,
                "accept every request without checking tokens",
            )?,
            dedup_window: args.dedup_window,
            record: args.record,
            max_body: args.max_body,
        })
    }
}

/// Loads the filters, listens, and serves until Ctrl-C or SIGTERM; then prints the summary. Exit 0
/// once stopped; 2 when it could not start, or when the record file could not be written to the end.
pub fn execute(
    settings: &ServeSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    let services = filter::load(&settings.filters)?;
    let mut names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    let Some(tokens) = tokens::read(&settings.tokens, &names, messages) else {
        return Ok(ExitStatus::Error);
    };
    let listener = std::net::TcpListener::bind(settings.listen)
        .and_then(|l| l.set_nonblocking(true).map(|()| l))
        .map_err(|e| {
            anyhow!(
                "cannot listen on {}: {e}: give another address with --listen (port 0 picks a free one)",
                settings.listen
            )
        })?;
    let bound = listener.local_addr()?;
    // Opened once the address is taken: a server that cannot start leaves no file behind.
    let mut record = settings
        .record
        .as_deref()
        .map(RecordFile::open)
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .context("cannot start the server")?;
    let (listener, stop) = {
        let _entered = runtime.enter();
        // Caught before the address is shown: a sender (or a test) may stop the server at once.
        let stop = http::Stop::listen().context("cannot catch Ctrl-C and SIGTERM")?;
        (tokio::net::TcpListener::from_std(listener)?, stop)
    };
    announce(messages, settings, &services, bound, tokens.checked());
    let secrets = Secrets::new(tokens.secrets());
    let options = ReplayOptions {
        tokens,
        dedup_window: settings.dedup_window,
        time_key: None,
    };
    // The timeline is watched live: each line is shown as it is written.
    let mut stdout = LineWriter::new(stdout);
    let mut report = HumanReplay::new(&mut stdout, palette);
    let mut logs: Vec<&mut dyn Log> = Vec::new();
    if let Some(record) = &mut record {
        logs.push(record);
    }
    let desk = Desk::new(&services, options, secrets, &mut report, logs, messages);
    let desk = runtime.block_on(async {
        let (inbox, jobs) = desk::inbox();
        let served = http::serve(listener, inbox, settings.max_body, stop);
        let ((), desk) = tokio::join!(served, desk.run(jobs));
        desk
    });
    desk.finish()
}

/// What the user needs to point a sender here: the services, the URL (the token as `<token>`), how
/// tokens are checked, and how to stop.
fn announce(
    messages: &mut Messages<'_>,
    settings: &ServeSettings,
    services: &[Service],
    bound: SocketAddr,
    tokens_checked: bool,
) {
    if !bound.ip().is_loopback() {
        messages.warning(&format!(
            "listening on {bound}, which is not loopback: other machines can post to it and read its answers"
        ));
    }
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    messages.note(&format!(
        "serving {} service{} ({}) from {}",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", "),
        settings.filters.path.display()
    ));
    messages.note(&format!(
        "give senders http://{bound}/v1/process?from=<Source>&token=<token> (or the token as the header Authorization: Bearer <token>)"
    ));
    if !tokens_checked {
        messages.note(
            &"tokens are not checked (no --token, no SQIBS_TOKEN): every request is accepted",
        );
    }
    messages.note(&"Ctrl-C stops: the requests under way are answered, then the summary is shown");
}

//! The one live simulation that every connection's requests go through: the `replay` engine
//! (`Replayer`: duplicates, resolves, the duplicate window, tokens and service states), fed one request
//! at a time through a channel, so that connections share it without a lock and requests get their
//! numbers, times and effects in one order. Each request is timed when the simulation takes it, so
//! the times only grow, in the order the record file lists them.
//!
//! For each request the desk writes the timeline line, tells its logs (the record file), keeps it in the API log
//! (the last [`LOG_SIZE`] requests, for the page and `/api/log`), then answers. Its state is the
//! replayer's (the open incidents and the duplicate window) and that bounded log; `POST /api/reset`
//! clears both. Messages from the connections (a note, a bug) come
//! through the same channel, so standard error has one writer.

use crate::command::replay::ReplayReport;
use crate::envelope::{self, Request};
use crate::exit::ExitStatus;
use crate::explain;
use crate::filter::Service;
use crate::render::{Messages, api_log, response_body};
use crate::replay::{Record, ReplayOptions, Replayer};
use crate::secrets::Secrets;
use crate::timestamp::{self, Millis};
use anyhow::Result;
use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::sync::{mpsc, oneshot};

/// A request as the HTTP layer received it, before the simulation takes it.
pub(super) struct Received {
    /// Who sent it: its name in the timeline.
    pub peer: SocketAddr,
    /// The `from=` parameter.
    pub from: Option<String>,
    /// The token it carried. A secret: never shown, logged or recorded.
    pub token: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body's text.
    pub body: String,
}

/// A request as the simulation took it, told to the logs: the envelope `replay` reads, without the
/// token, which no log is given.
pub(super) struct Captured<'a> {
    pub received_at: Millis,
    pub from: Option<&'a str>,
    pub content_type: Option<&'a str>,
    /// The body as evaluated: empty for a content type Callgoose does not process.
    pub body: &'a str,
}

/// Where each request goes besides its answer and the timeline.
pub(super) trait Log {
    /// `request` did `record`. An error ends this log, with a message that says what was lost.
    fn logged(&mut self, request: &Captured<'_>, record: &Record) -> Result<(), String>;
}

/// What to answer with.
pub(super) enum Answer {
    /// The simulation's outcome: its status and Callgoose's body.
    Outcome { status: u16, body: Vec<u8> },
    /// The simulation panicked on the request: a bug, already reported on standard error.
    Bug,
}

/// What connections hand in.
pub(super) enum Job {
    /// A request to answer.
    Request(Received, oneshot::Sender<Answer>),
    /// A note for standard error.
    Note(String),
    /// A bug met while serving: a handler that panicked.
    Bug(String),
    /// A question of the API log, answered with its JSON.
    Api(Api, oneshot::Sender<Vec<u8>>),
}

/// What the API log is asked.
pub(super) enum Api {
    /// The entries after `since`, as JSON Lines.
    Log { since: usize },
    /// The open incidents, as a JSON array.
    Incidents,
    /// Forget the log and start the simulation afresh.
    Reset,
}

/// The requests the API log keeps: the last ones, so that a long session keeps a bounded memory.
pub(super) const LOG_SIZE: usize = 1000;

/// Where connections hand in their requests; cloned for each.
#[derive(Clone)]
pub(super) struct Inbox(mpsc::Sender<Job>);

/// Requests waiting for the simulation at most: a burst beyond this waits in its connections.
const WAITING: usize = 256;

/// An inbox, and the jobs it hands to [`Desk::run`].
pub(super) fn inbox() -> (Inbox, mpsc::Receiver<Job>) {
    let (tx, rx) = mpsc::channel(WAITING);
    (Inbox(tx), rx)
}

impl Inbox {
    /// The answer to `request`; `None` when the desk has closed (the server is stopping).
    pub(super) async fn answer(&self, request: Received) -> Option<Answer> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Job::Request(request, reply)).await.ok()?;
        answer.await.ok()
    }

    /// Says `text` on standard error.
    pub(super) async fn note(&self, text: String) {
        let _ = self.0.send(Job::Note(text)).await;
    }

    /// The API log's answer to `question`; `None` when the desk has closed.
    pub(super) async fn ask(&self, question: Api) -> Option<Vec<u8>> {
        let (reply, answer) = oneshot::channel();
        self.0.send(Job::Api(question, reply)).await.ok()?;
        answer.await.ok()
    }

    /// Reports a bug on standard error.
    pub(super) async fn bug(&self, text: String) {
        let _ = self.0.send(Job::Bug(text)).await;
    }
}

/// The live simulation and what it writes to.
pub(super) struct Desk<'a, 'm> {
    services: &'a [Service],
    /// Kept to start afresh on a reset.
    options: ReplayOptions,
    replayer: Replayer<'a>,
    /// The API log: the last [`LOG_SIZE`] requests, each its JSON line, masked, by entry number.
    log: VecDeque<(usize, String)>,
    /// Entries logged since the start, resets included.
    entries: usize,
    secrets: Secrets,
    report: &'a mut dyn ReplayReport,
    logs: Vec<&'a mut dyn Log>,
    messages: &'a mut Messages<'m>,
    /// Why the timeline stopped: serving goes on without it, and the run ends with the error.
    report_failed: Option<io::Error>,
    /// A log stopped part-way.
    log_failed: bool,
}

impl<'a, 'm> Desk<'a, 'm> {
    pub(super) fn new(
        services: &'a [Service],
        options: ReplayOptions,
        secrets: Secrets,
        report: &'a mut dyn ReplayReport,
        logs: Vec<&'a mut dyn Log>,
        messages: &'a mut Messages<'m>,
    ) -> Desk<'a, 'm> {
        Desk {
            services,
            replayer: Replayer::new(services, options.clone()),
            options,
            log: VecDeque::new(),
            entries: 0,
            secrets,
            report,
            logs,
            messages,
            report_failed: None,
            log_failed: false,
        }
    }

    /// Answers the jobs in the order they come, until every inbox is gone.
    pub(super) async fn run(mut self, mut jobs: mpsc::Receiver<Job>) -> Self {
        while let Some(job) = jobs.recv().await {
            match job {
                Job::Request(request, reply) => {
                    let answer = self.take(request, timestamp::now());
                    // A sender that went away gets no answer; what it sent still happened.
                    let _ = reply.send(answer);
                }
                Job::Note(text) => self.messages.note(&text),
                Job::Bug(text) => self.bug(&text),
                Job::Api(question, reply) => {
                    let _ = reply.send(self.api(question));
                }
            }
        }
        self
    }

    /// Runs one request received at `now` through the simulation, shows and logs it, and says what
    /// to answer.
    fn take(&mut self, received: Received, now: Millis) -> Answer {
        let Received {
            peer,
            from,
            token,
            content_type,
            body,
        } = received;
        let request = Request {
            payload: envelope::payload_of(body, content_type.as_deref()),
            from,
            token,
            received_at: Some(now),
        };
        let name = peer.to_string();
        // A bug must not take the server down: the request is answered as one, and said.
        let applied = catch_unwind(AssertUnwindSafe(|| self.replayer.apply(&name, &request)));
        let record = match applied {
            Ok(record) => record,
            Err(panic) => {
                self.bug(&format!(
                    "the simulation panicked on a request from {name}: {}",
                    panic_text(panic.as_ref())
                ));
                return Answer::Bug;
            }
        };
        if self.report_failed.is_none() {
            let mask = self.secrets.mask(request.token.as_deref());
            if let Err(e) = self.report.record(&record, mask) {
                self.messages.error(&format!(
                    "cannot write the timeline: {e}; serving goes on without it"
                ));
                self.report_failed = Some(e);
            }
        }
        let captured = Captured {
            received_at: now,
            from: request.from.as_deref(),
            content_type: content_type.as_deref(),
            body: &request.payload.raw,
        };
        self.page(&captured, &request, &record);
        let mut failed = Vec::new();
        for (i, log) in self.logs.iter_mut().enumerate() {
            if let Err(e) = log.logged(&captured, &record) {
                failed.push((i, e));
            }
        }
        for (i, e) in failed.into_iter().rev() {
            self.messages.error(&e);
            self.logs.remove(i);
            self.log_failed = true;
        }
        Answer::Outcome {
            status: record.code,
            body: response_body(&record),
        }
    }

    /// Adds the request to the API log, with the trace of each service, forgetting the oldest past
    /// [`LOG_SIZE`].
    fn page(&mut self, captured: &Captured<'_>, request: &Request, record: &Record) {
        let traces: Vec<(&str, explain::Trace)> = self
            .services
            .iter()
            .map(|s| (s.name.as_str(), explain::trace(s, &request.payload)))
            .collect();
        let envelope = api_log::Envelope {
            received_at: captured.received_at,
            from: captured.from,
            content_type: captured.content_type,
            body: captured.body,
        };
        self.entries += 1;
        let mask = self.secrets.mask(request.token.as_deref());
        let line = api_log::line(self.entries, &envelope, record, &traces, mask);
        if self.log.len() == LOG_SIZE {
            self.log.pop_front();
        }
        self.log.push_back((self.entries, line));
    }

    /// The API log's answer.
    fn api(&mut self, question: Api) -> Vec<u8> {
        match question {
            Api::Log { since } => {
                let mut text = Vec::new();
                for (_, line) in self.log.iter().filter(|(entry, _)| *entry > since) {
                    text.extend_from_slice(line.as_bytes());
                    text.push(b'\n');
                }
                text
            }
            Api::Incidents => {
                let open = self
                    .replayer
                    .open()
                    .map(|(i, age)| (i, age, self.secrets.mask(i.opened_with)));
                api_log::incidents(open)
            }
            Api::Reset => {
                self.log.clear();
                self.replayer = Replayer::new(self.services, self.options.clone());
                api_log::reset()
            }
        }
    }

    fn bug(&mut self, text: &str) {
        self.messages.error(&format!(
            "{text}; the server goes on (this is a bug in sqibs-filter: please report it)"
        ));
    }

    /// The summary of the session, as `replay` ends; the status says whether everything was logged.
    pub(super) fn finish(mut self) -> Result<ExitStatus> {
        if let Some(e) = self.report_failed {
            return Err(e.into());
        }
        let counts = self.replayer.counts().clone();
        let mut open = self
            .replayer
            .open()
            .map(|(i, age)| (i, age, self.secrets.mask(i.opened_with)));
        self.report.summary(&counts, &mut open, 0)?;
        Ok(if self.log_failed {
            ExitStatus::Error
        } else {
            ExitStatus::Success
        })
    }
}

/// The message a panic carried, when it is text.
pub(super) fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

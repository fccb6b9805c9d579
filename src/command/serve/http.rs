//! The server of `serve`: HTTP/1 by hyper on a current-thread tokio runtime. It accepts connections
//! until Ctrl-C or SIGTERM and serves each in a task of its own, whose requests `answer` answers.
//!
//! Stopping: the listener is closed at once, every connection finishes the request it is reading or
//! answering and then closes (idle ones close at once), and after [`GRACE`] those still open are cut;
//! a second signal does not wait. A client that sends no headers is closed after [`HEADERS_WITHIN`].

use super::answer::respond;
use super::desk::{Inbox, panic_text};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// How long the connections still open when the server stops have to finish.
const GRACE: Duration = Duration::from_secs(10);

/// How long a client has to send a request's headers (a connection that sends none is closed).
const HEADERS_WITHIN: Duration = Duration::from_secs(30);

/// Ctrl-C and SIGTERM, caught from now on: the server stops when one comes, and does not die of it.
pub(super) struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    /// Catches the signals. Within a runtime.
    pub(super) fn listen() -> std::io::Result<Stop> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Stop {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    /// Until the next signal. Cancel-safe: a signal that comes meanwhile is not lost.
    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Serves `listener` until `stop`, then lets the connections finish (see the module's rules). The
/// desk closes once this returns and every connection is gone.
pub(super) async fn serve(listener: TcpListener, inbox: Inbox, max_body: usize, mut stop: Stop) {
    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let conn = connection(stream, peer, inbox.clone(), max_body, stopped.clone());
                    connections.spawn(conn);
                }
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted: the
                    // listener still works, so wait a little rather than spin.
                    inbox.note(format!("cannot accept a connection: {e}")).await;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Finished connections are reaped as they end, so the set holds only open ones.
            Some(ended) = connections.join_next(), if !connections.is_empty() => {
                report_panic(ended, &inbox).await;
            }
            () = stop.next() => break,
        }
    }
    drop(listener);
    let open = connections.len();
    let waiting = match open {
        0 => String::new(),
        1 => "; 1 open connection finishes its request under way, if any, then closes".to_owned(),
        n => format!("; {n} open connections finish their requests under way, if any, then close"),
    };
    inbox
        .note(format!("stopping: no new connections are taken{waiting}"))
        .await;
    let _ = stopping.send(true);
    let finished = async {
        while let Some(ended) = connections.join_next().await {
            report_panic(ended, &inbox).await;
        }
    };
    tokio::select! {
        _ = tokio::time::timeout(GRACE, finished) => {}
        // A second Ctrl-C does not wait.
        () = stop.next() => {}
    }
    if !connections.is_empty() {
        inbox
            .note(format!(
                "closed {} connection{} still open after {}s",
                connections.len(),
                if connections.len() == 1 { "" } else { "s" },
                GRACE.as_secs()
            ))
            .await;
        connections.shutdown().await;
    }
}

/// A connection task that panicked outside a handler (in hyper itself): reported, never fatal.
async fn report_panic(ended: Result<(), tokio::task::JoinError>, inbox: &Inbox) {
    if let Err(e) = ended
        && e.is_panic()
    {
        let panic = e.into_panic();
        inbox
            .bug(format!(
                "a connection panicked: {}",
                panic_text(panic.as_ref())
            ))
            .await;
    }
}

/// Serves one connection's requests, one after the other, until the client closes it or the server
/// stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    inbox: Inbox,
    max_body: usize,
    mut stopped: watch::Receiver<bool>,
) {
    let service = service_fn(move |request| {
        let inbox = inbox.clone();
        async move { Ok::<_, Infallible>(respond(request, peer, inbox, max_body).await) }
    });
    let mut conn = pin!(
        http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADERS_WITHIN)
            .serve_connection(TokioIo::new(stream), service)
    );
    // Errors are the client's (a reset, a request hyper answered 400): nothing to tell the user.
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopped.wait_for(|stopped| *stopped) => conn.as_mut().graceful_shutdown(),
    }
    let _ = conn.await;
}

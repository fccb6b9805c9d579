//! The HTTP layer of `serve`: HTTP/1 by hyper on a current-thread tokio runtime. It accepts
//! connections until Ctrl-C or SIGTERM, hands each request of the process endpoint to the desk and
//! answers with what the desk says; everything that is no outcome is answered here:
//! - `POST /v1/process` and `POST /sqibs-api/v1/process` are the endpoint; another method there is
//!   405 with `Allow: POST`, another path 404;
//! - a body longer than `--max-body` is 413, said as soon as its `Content-Length` (or, chunked, its
//!   first byte too many) shows it, without reading the rest; the connection then closes;
//! - a request hyper cannot read (its line, headers or length) gets hyper's 400 (431 for headers too
//!   large); one that names two tokens or two senders, or whose token or content type is no text,
//!   gets 400 from here;
//! - a handler that panics is answered 500 and reported, and the server goes on.
//!
//! Stopping: the listener is closed at once, every connection finishes the request it is reading or
//! answering and then closes (idle ones close at once), and after [`GRACE`] those still open are cut.

use super::desk::{Answer, Inbox, Received, panic_text};
use crate::envelope::{bearer, query_token_and_from};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{ALLOW, AUTHORIZATION, CONNECTION, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// The paths of Callgoose's process endpoint: its own, and behind the `sqibs-api` prefix of a
/// tenant's base URL.
const PROCESS_PATHS: [&str; 2] = ["/v1/process", "/sqibs-api/v1/process"];

/// How long the connections still open when the server stops have to finish.
const GRACE: Duration = Duration::from_secs(10);

/// How long a client has to send a request's headers (a connection that sends none is closed).
const HEADERS_WITHIN: Duration = Duration::from_secs(30);

/// A response of the server.
type Answered = Response<Full<Bytes>>;

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

/// Answers one request; a panic in doing so is answered 500 and reported, never spread.
async fn respond(
    request: Request<Incoming>,
    peer: SocketAddr,
    inbox: Inbox,
    max_body: usize,
) -> Answered {
    match Guarded::new(answer(request, peer, &inbox, max_body)).await {
        Ok(answered) => answered,
        Err(panic) => {
            inbox
                .bug(format!("answering a request from {peer} panicked: {panic}"))
                .await;
            bug()
        }
    }
}

/// The answer to one request.
async fn answer(
    request: Request<Incoming>,
    peer: SocketAddr,
    inbox: &Inbox,
    max_body: usize,
) -> Answered {
    if !PROCESS_PATHS.contains(&request.uri().path()) {
        return error(
            StatusCode::NOT_FOUND,
            "no such endpoint: Callgoose's process endpoint is POST /v1/process (or /sqibs-api/v1/process)",
        );
    }
    if request.method() != Method::POST {
        let mut answered = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "the process endpoint takes POST only: send the alert as the body of a POST",
        );
        answered
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("POST"));
        return answered;
    }
    let head = match Head::of(&request) {
        Ok(head) => head,
        Err(why) => return error(StatusCode::BAD_REQUEST, &why),
    };
    // A Content-Length too large is refused before a byte of the body is read.
    if request.body().size_hint().lower() > max_body as u64 {
        return too_large(max_body);
    }
    let body = match read_body(request.into_body(), max_body).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return too_large(max_body),
        Err(BodyError::Unreadable(e)) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body could not be read: {e}"),
            );
        }
    };
    let received = Received {
        peer,
        from: head.from,
        token: head.token,
        content_type: head.content_type,
        body: body_text(body),
    };
    match inbox.answer(received).await {
        Some(Answer::Outcome { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            json(status, body)
        }
        Some(Answer::Bug) => bug(),
        None => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping and did not process the request: send it again to a running one",
        ),
    }
}

/// What a request carries besides its body, read as Callgoose reads it. No `Debug`: it holds the
/// token.
struct Head {
    from: Option<String>,
    token: Option<String>,
    content_type: Option<String>,
}

impl Head {
    /// The `from=` parameter; the token of the `Authorization: Bearer` header, else of `token=`; the
    /// content type. A parameter given twice with different values, or a header that is no text, is
    /// refused: guessing what Callgoose would read would make the answer a guess.
    fn of<B>(request: &Request<B>) -> Result<Head, String> {
        let (url_token, from) = query_token_and_from(request.uri().query().unwrap_or(""))
            .map_err(|name| {
                format!(
                    "the URL has the `{name}` parameter more than once, with different values: a request carries one"
                )
            })?;
        let text = |name: hyper::header::HeaderName, what: &str| {
            request
                .headers()
                .get(&name)
                .map(|value| {
                    value
                        .to_str()
                        .map(str::to_owned)
                        .map_err(|_| format!("the {name} header is not text: send it as {what}"))
                })
                .transpose()
        };
        let header = text(AUTHORIZATION, "Bearer <token>")?;
        let content_type = text(CONTENT_TYPE, "a media type, such as application/json")?;
        Ok(Head {
            from,
            token: header.as_deref().and_then(bearer).or(url_token),
            content_type,
        })
    }
}

/// Why a body was not read.
enum BodyError {
    /// It is longer than the limit.
    TooLarge,
    /// The client stopped sending or sent a broken chunk.
    Unreadable(hyper::Error),
}

/// The body, up to `max` bytes: a longer one stops at the first frame past the limit, unread beyond.
async fn read_body(body: Incoming, max: usize) -> Result<Vec<u8>, BodyError> {
    let mut body = pin!(body);
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Unreadable)?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > max {
                return Err(BodyError::TooLarge);
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// A body's bytes as the text Callgoose reads: UTF-8 (an invalid sequence reads as U+FFFD), a byte
/// order mark ignored, as `check` reads files.
fn body_text(bytes: Vec<u8>) -> String {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

fn json(status: StatusCode, body: Vec<u8>) -> Answered {
    let mut answered = Response::new(Full::new(Bytes::from(body)));
    *answered.status_mut() = status;
    answered
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answered
}

/// `{"error": "..."}` with `status`: every answer that is not an outcome.
fn error(status: StatusCode, message: &str) -> Answered {
    #[derive(serde::Serialize)]
    struct ErrorJson<'a> {
        error: &'a str,
    }
    // A struct of one string always serialises.
    json(
        status,
        serde_json::to_vec(&ErrorJson { error: message }).unwrap_or_default(),
    )
}

/// 413: the rest of the body is not read, so the connection cannot carry another request.
fn too_large(max: usize) -> Answered {
    let mut answered = error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "the body is longer than {}: send a smaller one, or start serve with a larger --max-body",
            crate::input::size::Size(max)
        ),
    );
    answered
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    answered
}

/// 500, for a bug only: never for an outcome.
fn bug() -> Answered {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: a bug in sqibs-filter stopped this request (its standard error says where); please report it",
    )
}

/// A future whose panic becomes `Err` with its message, so that one request's bug does not end its
/// connection unanswered, nor the server.
struct Guarded<F>(Pin<Box<F>>);

impl<F: Future> Guarded<F> {
    fn new(inner: F) -> Guarded<F> {
        Guarded(Box::pin(inner))
    }
}

impl<F: Future> Future for Guarded<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            // Not polled again: the answer is ready.
            Err(panic) => Poll::Ready(Err(panic_text(panic.as_ref()).to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn a_panic_in_a_handler_becomes_an_error_and_the_next_one_runs() {
        let got = block_on(Guarded::new(async {
            if std::hint::black_box(true) {
                panic!("boom");
            }
            1
        }));
        assert_eq!(got, Err("boom".to_owned()));
        let got = block_on(Guarded::new(async { 2 }));
        assert_eq!(got, Ok(2));
        let answered = bug();
        assert_eq!(answered.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    fn head(uri: &str, headers: &[(&str, &str)]) -> Result<Head, String> {
        let mut request = Request::builder().method("POST").uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Head::of(&request.body(()).unwrap())
    }

    #[test]
    fn the_token_comes_from_a_bearer_header_in_any_case_else_from_the_url() {
        let token = |uri: &str, headers: &[(&str, &str)]| head(uri, headers).unwrap().token;
        assert_eq!(
            token("/v1/process", &[("Authorization", "BEARER t-1")]),
            Some("t-1".into())
        );
        assert_eq!(
            token("/v1/process?token=u-1", &[("authorization", "bearer t-1")]),
            Some("t-1".into())
        );
        assert_eq!(
            token(
                "/v1/process?token=u-1",
                &[("authorization", "Basic dXNlcg==")]
            ),
            Some("u-1".into())
        );
        assert_eq!(token("/v1/process?from=x", &[]), None);
        let h = head("/v1/process?from=Grafana%20Cloud&token=a%2Bb", &[]).unwrap();
        assert_eq!(
            (h.from.as_deref(), h.token.as_deref()),
            (Some("Grafana Cloud"), Some("a+b"))
        );
    }

    #[test]
    fn two_tokens_or_a_header_that_is_no_text_are_refused_without_quoting_them() {
        let e = head("/v1/process?token=t-1&token=t-2", &[]).err().unwrap();
        assert_eq!(
            e,
            "the URL has the `token` parameter more than once, with different values: a request carries one"
        );
        let request = Request::builder()
            .uri("/v1/process")
            .header(
                AUTHORIZATION,
                HeaderValue::from_bytes(b"Bearer t\xff").unwrap(),
            )
            .body(())
            .unwrap();
        let e = Head::of(&request).err().unwrap();
        assert_eq!(
            e,
            "the authorization header is not text: send it as Bearer <token>"
        );
    }

    #[test]
    fn a_body_is_utf8_text_without_its_byte_order_mark() {
        assert_eq!(body_text(b"\xef\xbb\xbf{}".to_vec()), "{}");
        assert_eq!(body_text(b"a\xffb".to_vec()), "a\u{fffd}b");
    }
}

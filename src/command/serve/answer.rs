//! Answering one request of `serve`: the routes, the limits, what a request carries (read as
//! Callgoose reads it), and every answer that is no outcome:
//! - `GET /` and `/api/...` are the API log's (see `page`);
//! - `POST /v1/process` and `POST /sqibs-api/v1/process` are the endpoint; another method there is
//!   405 with `Allow: POST`, another path 404;
//! - a body longer than `--max-body` is 413, said as soon as its `Content-Length` (or, chunked, its
//!   first byte too many) shows it, without reading the rest; the connection then closes;
//! - a request that names two tokens or two senders, or whose token or content type is no text, is
//!   400 (hyper answers 400 itself to what HTTP cannot read, 431 to headers too large);
//! - a panic while answering is answered 500 and reported, and the server goes on.
//!
//! An outcome is the desk's: its status and Callgoose's body.

use super::desk::{Answer, Inbox, Received, panic_text};
use super::page;
use crate::envelope::{bearer, query_token_and_from};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{ALLOW, AUTHORIZATION, CONNECTION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

/// The paths of Callgoose's process endpoint: its own, and behind the `sqibs-api` prefix of a
/// tenant's base URL.
const PROCESS_PATHS: [&str; 2] = ["/v1/process", "/sqibs-api/v1/process"];

/// A response of the server.
pub(super) type Answered = Response<Full<Bytes>>;

/// Answers one request; a panic in doing so is answered 500 and reported, never spread.
pub(super) async fn respond(
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
    if let Some(answered) = page::route(&request, inbox).await {
        return answered;
    }
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

pub(super) fn json(status: StatusCode, body: Vec<u8>) -> Answered {
    let mut answered = Response::new(Full::new(Bytes::from(body)));
    *answered.status_mut() = status;
    answered
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    answered
}

/// `{"error": "..."}` with `status`: every answer that is not an outcome.
pub(super) fn error(status: StatusCode, message: &str) -> Answered {
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

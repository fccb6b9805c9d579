//! The API log of `serve`, in a browser and for scripts:
//! - `GET /`: one self-contained page (`page.html`, inline CSS and script, nothing fetched from
//!   elsewhere), which polls `/api/log?since=N` and `/api/incidents`;
//! - `GET /api/log[?since=N]`: JSON Lines, one per request kept (the last [`LOG_SIZE`]), those after
//!   entry `N`;
//! - `GET /api/incidents`: the open incidents, a JSON array;
//! - `POST /api/reset`: forget the log and start the simulation afresh.
//!
//! Another method on these paths is 405 with `Allow`, another `/api/` path 404. Every value a
//! request carried is masked before it is kept (see `desk`): no answer here can hold a token.

use super::answer::{Answered, error, json};
use super::desk::{Api, Inbox, LOG_SIZE};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

/// The page, built into the binary so that it works offline and with nothing installed beside it.
const PAGE: &str = include_str!("page.html");

/// The answer to a request for the page or the API; `None` for a path of neither.
pub(super) async fn route<B>(request: &Request<B>, inbox: &Inbox) -> Option<Answered> {
    let path = request.uri().path();
    let (allowed, question) = match path {
        "/" => ("GET", None),
        "/api/log" => match since(request) {
            Some(since) => ("GET", Some(Api::Log { since })),
            None => {
                return Some(error(
                    StatusCode::BAD_REQUEST,
                    "since= takes the number of the last entry seen (0 for all)",
                ));
            }
        },
        "/api/incidents" => ("GET", Some(Api::Incidents)),
        "/api/reset" => ("POST", Some(Api::Reset)),
        _ if path.starts_with("/api/") => {
            return Some(error(
                StatusCode::NOT_FOUND,
                "no such API path: the API log is GET /api/log, GET /api/incidents and POST /api/reset",
            ));
        }
        _ => return None,
    };
    if request.method().as_str() != allowed
        && !(allowed == "GET" && request.method() == Method::HEAD)
    {
        let mut answered = error(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("{path} takes {allowed} only"),
        );
        answered
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allowed));
        return Some(answered);
    }
    let Some(question) = question else {
        return Some(page());
    };
    let lines = matches!(question, Api::Log { .. });
    Some(match inbox.ask(question).await {
        Some(body) if lines => {
            let mut answered = json(StatusCode::OK, body);
            answered
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/jsonl"));
            answered
        }
        Some(body) => json(StatusCode::OK, body),
        None => error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is stopping: the API log is gone",
        ),
    })
}

/// The `since=` parameter of `/api/log`: 0 when absent; `None` when it is no number, which is not
/// guessed at.
fn since<B>(request: &Request<B>) -> Option<usize> {
    let query = request.uri().query().unwrap_or("");
    match form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "since") {
        None => Some(0),
        Some((_, value)) => value.parse().ok(),
    }
}

fn page() -> Answered {
    let text = PAGE.replace("{{LOG_SIZE}}", &LOG_SIZE.to_string());
    let mut answered = Response::new(Full::new(Bytes::from(text)));
    let headers = answered.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answered
}

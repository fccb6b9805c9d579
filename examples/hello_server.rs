//! The benchmark's ceiling for `serve`: the least an HTTP server on `serve`'s stack can do per
//! request. hyper 1's HTTP/1 server on a current-thread tokio runtime, with the crate's own features,
//! reads each request's body in full and answers every one with a fixed 201 JSON body, so the distance
//! between it and `serve` is what `serve` adds (routing, tokens, filters, the live simulation).
//!
//! Usage: hello_server ADDRESS (e.g. 127.0.0.1:0). Prints `hello: http://ADDRESS/` on standard error
//! once listening, then serves until killed.

use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::io::Write;
use tokio::net::TcpListener;

/// The answer to every request: shaped like `serve`'s to a created incident, so both write as much.
const BODY: &[u8] =
    br#"{"id":"hello","triggered":{"created":true,"duplicate":false},"resolved":{"resolved":false,"duplicate":false}}"#;

/// Reads the body (as `serve` must before it decides), then answers 201.
async fn hello(request: Request<Incoming>) -> Result<Response<Full<&'static [u8]>>, Infallible> {
    // A body cut short still gets its answer: the ceiling measures answering, not error handling.
    let _ = request.into_body().collect().await;
    let mut response = Response::new(Full::new(BODY));
    *response.status_mut() = StatusCode::CREATED;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address = std::env::args()
        .nth(1)
        .ok_or("usage: hello_server ADDRESS")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind(&address).await?;
        writeln!(
            std::io::stderr(),
            "hello: http://{}/",
            listener.local_addr()?
        )?;
        loop {
            let (stream, _) = listener.accept().await?;
            tokio::spawn(async move {
                // A client that resets its connection ends it; nothing to report.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(hello))
                    .await;
            });
        }
    })
}

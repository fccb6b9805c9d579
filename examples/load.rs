//! The benchmark's load generator for `serve` and its ceiling (`examples/hello_server.rs`): CONNECTIONS
//! keep-alive HTTP/1.1 clients, each a thread with a plain `TcpStream`, share REQUESTS posts of Tigera
//! alerts between them and time each one from its first byte written to its answer's last byte read.
//! Each connection alternates the shipped sample's firing alert and its resolved one
//! (`samples/tigera/`), each pair with an alert id of its own (`TAG-connection-pair`), so that `serve`
//! creates then resolves an incident every two requests and its open incidents stay few.
//!
//! Usage: load URL REQUESTS CONNECTIONS TAG. Prints one JSON line: requests per second, p50 and p99
//! latency in milliseconds, the firing and resolved alerts sent and the count of each status answered.
//! A client of its own rather than a crate: no new dependency, and nothing between the socket and the
//! clock but a buffered reader.

use std::collections::BTreeMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

type Failure = Box<dyn Error + Send + Sync>;

/// The alert pair every connection repeats, as the Tigera guide's samples send it.
const FIRING: &str = include_str!("../samples/tigera/firing.json");
const RESOLVED: &str = include_str!("../samples/tigera/resolved.json");

/// What one connection measured.
struct Share {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
    firing: usize,
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, requests, connections, tag] = args.as_slice() else {
        return Err("usage: load URL REQUESTS CONNECTIONS TAG".into());
    };
    let (host, path) = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or("the URL must be http://HOST:PORT/PATH")?;
    let requests: usize = requests.parse()?;
    let connections: usize = connections.parse()?;
    if connections == 0 {
        return Err("at least one connection".into());
    }
    // Everything is ready (connected, bodies built) before the clock starts.
    let start = Arc::new(Barrier::new(connections + 1));
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            // The first `requests % connections` connections take one request more.
            let count = requests / connections + usize::from(c < requests % connections);
            let posts = posts(host, path, &format!("{tag}-{c}"), count)?;
            let stream = TcpStream::connect(host)?;
            // Each request is written whole; without this, Nagle's algorithm would hold it back.
            stream.set_nodelay(true)?;
            let start = Arc::clone(&start);
            Ok(std::thread::spawn(move || {
                start.wait();
                client(stream, &posts)
            }))
        })
        .collect::<Result<_, Failure>>()?;
    start.wait();
    let began = Instant::now();
    let mut latencies = Vec::with_capacity(requests);
    let mut statuses = BTreeMap::new();
    let mut firing = 0;
    for client in clients {
        let share = client.join().map_err(|_| "a client thread panicked")??;
        latencies.extend(share.latencies);
        for (status, n) in share.statuses {
            *statuses.entry(status).or_insert(0) += n;
        }
        firing += share.firing;
    }
    let seconds = began.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let line = serde_json::json!({
        "requests": requests,
        "connections": connections,
        "seconds": seconds,
        "requests_per_second": requests as f64 / seconds,
        "p50_ms": percentile(&latencies, 0.50),
        "p99_ms": percentile(&latencies, 0.99),
        "firing": firing,
        "resolved": requests - firing,
        "status": statuses,
    });
    writeln!(std::io::stdout(), "{line}")?;
    Ok(())
}

/// One connection's requests, whole (head and body in one buffer), firing and resolved in turn, and
/// whether each is a firing one.
fn posts(
    host: &str,
    path: &str,
    prefix: &str,
    count: usize,
) -> Result<Vec<(Vec<u8>, bool)>, Failure> {
    let firing: serde_json::Value = serde_json::from_str(FIRING)?;
    let resolved: serde_json::Value = serde_json::from_str(RESOLVED)?;
    (0..count)
        .map(|i| {
            let is_firing = i % 2 == 0;
            let mut alert = if is_firing { firing.clone() } else { resolved.clone() };
            alert["alert_id"] = format!("{prefix}-{}", i / 2).into();
            let body = serde_json::to_vec(&alert)?;
            let mut post = format!(
                "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            post.extend_from_slice(&body);
            Ok((post, is_firing))
        })
        .collect()
}

/// Sends `posts` one after the other on `stream`, each once the previous one is answered.
fn client(stream: TcpStream, posts: &[(Vec<u8>, bool)]) -> Result<Share, Failure> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut share = Share {
        latencies: Vec::with_capacity(posts.len()),
        statuses: BTreeMap::new(),
        firing: 0,
    };
    let mut line = String::new();
    let mut body = Vec::new();
    for (post, is_firing) in posts {
        let sent = Instant::now();
        writer.write_all(post)?;
        let status = answer(&mut reader, &mut line, &mut body)?;
        share.latencies.push(sent.elapsed());
        *share.statuses.entry(status).or_insert(0) += 1;
        share.firing += usize::from(*is_firing);
    }
    Ok(share)
}

/// Reads one answer whole and returns its status. Both servers give a `Content-Length` and keep the
/// connection open; anything else is an error, so that a figure never counts a broken exchange.
fn answer(
    reader: &mut BufReader<TcpStream>,
    line: &mut String,
    body: &mut Vec<u8>,
) -> Result<u16, Failure> {
    line.clear();
    reader.read_line(line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP status line: {line:?}"))?;
    let mut length = None;
    loop {
        line.clear();
        if reader.read_line(line)? == 0 {
            return Err("the server closed the connection in an answer's head".into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or((header, ""));
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse::<usize>()?);
        } else if name.eq_ignore_ascii_case("connection")
            && value.trim().eq_ignore_ascii_case("close")
        {
            return Err("the server closes the connection: no keep-alive to measure".into());
        }
    }
    let length = length.ok_or("an answer without Content-Length")?;
    body.resize(length, 0);
    reader.read_exact(body)?;
    Ok(status)
}

/// The latency (milliseconds) that a fraction `p` of the sorted `latencies` do not exceed (nearest rank).
fn percentile(latencies: &[Duration], p: f64) -> f64 {
    if latencies.is_empty() {
        return 0.0;
    }
    let rank = ((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
    latencies[rank - 1].as_secs_f64() * 1000.0
}

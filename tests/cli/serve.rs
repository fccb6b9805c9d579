//! `serve`: the real binary on an ephemeral loopback port (`--listen 127.0.0.1:0`, the port read from
//! the URL it prints), driven by curl and by a raw HTTP/1.1 client written here: token placements and
//! scopes, the errors (401, 403, 404, 405, 413, 400), content types, the seed lifecycles, concurrent
//! senders, the record file replaying to the answers given, and Ctrl-C or SIGTERM ending with the
//! summary and exit 0.

use crate::support::serve::{BIN, PATIENCE, ROOT, Server, temp};
use crate::support::{assert_text, json_lines, tool};
use snapbox::str;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The raw client's connection to a server.
impl Server {
    fn client(&self) -> Client {
        Client::connect(self.port)
    }
}

/// A reply as the raw client read it.
#[derive(Debug)]
struct Reply {
    status: u16,
    /// Lower-case names.
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// An HTTP/1.1 client over one keep-alive connection: requests written byte for byte, replies read by
/// their Content-Length. No client library: what goes on the wire is what the test says.
struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(port: u16) -> Client {
        let writer = TcpStream::connect(("127.0.0.1", port)).unwrap();
        writer.set_read_timeout(Some(PATIENCE)).unwrap();
        let reader = BufReader::new(writer.try_clone().unwrap());
        Client { writer, reader }
    }

    /// POSTs `body` to `target` with `headers` (and its Content-Length).
    fn post(&mut self, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut request = format!(
            "POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        self.send(&bytes)
    }

    /// Writes `bytes` as they are and reads the reply.
    fn send(&mut self, bytes: &[u8]) -> Reply {
        self.writer.write_all(bytes).unwrap();
        self.reply()
    }

    fn reply(&mut self) -> Reply {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status line: {line:?}"));
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        Reply {
            status,
            headers,
            body: String::from_utf8(body).unwrap(),
        }
    }
}

/// `curl ARGS` against the server: the status and the body.
fn curl(args: &[&str]) -> (u16, String) {
    let out = Command::new(tool("curl"))
        .args(["-sS", "-w", "\n%{http_code}"])
        .args(args)
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(out.status.success(), "curl {args:?}: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_owned())
}

/// `curl -X POST` of a sample file as JSON.
fn post_file(url: &str, file: &str, headers: &[&str]) -> (u16, String) {
    let mut args = vec!["-X", "POST", url, "--data-binary"];
    let data = format!("@{file}");
    args.push(&data);
    args.extend(["-H", "Content-Type: application/json"]);
    for header in headers {
        args.extend(["-H", header]);
    }
    curl(&args)
}

/// The documented response body.
fn processed(id: u64, created: bool, duplicate: bool, resolved: bool) -> String {
    serde_json::json!({"id": id, "triggered": {"created": created, "duplicate": duplicate},
        "resolved": {"resolved": resolved, "duplicate": false}})
    .to_string()
}

/// Output with what varies from run to run as placeholders: the server's port, the peers' ports,
/// and ages (a slow machine may take a second).
fn steady(text: &str, port: u16) -> String {
    let text = text.replace(&format!("127.0.0.1:{port}/"), "127.0.0.1:[PORT]/");
    let word = |w: &str| match w.strip_prefix("127.0.0.1:") {
        Some(_) => "127.0.0.1:[PEER]".to_owned(),
        None => match w.strip_suffix('s') {
            Some(n) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => "[AGE]".to_owned(),
            _ => w.to_owned(),
        },
    };
    text.lines()
        .map(|line| line.split(' ').map(word).collect::<Vec<_>>().join(" ") + "\n")
        .collect()
}

const TIGERA_TOKEN: &str = "tok-tigera-7f3a9c41";
const GLOBAL_TOKEN: &str = "tok-global-5d18e2b0";

#[test]
fn tokens_count_in_every_placement_and_scope_and_never_show() {
    let record = temp("tokens.jsonl");
    let server = Server::start(&[
        "--token",
        &format!("tigera={TIGERA_TOKEN}"),
        "--token",
        GLOBAL_TOKEN,
        "--record",
        record.to_str().unwrap(),
    ]);
    let tigera = server.url("/v1/process?from=Tigera");
    let bearer = |t: &str| format!("Authorization: Bearer {t}");
    let firing = "samples/tigera/firing.json";
    let unauthorized = r#"{"error":"unauthorized: the request carries no API token"}"#;
    let forbidden = r#"{"error":"forbidden: the request's API token is none Callgoose knows"}"#;
    assert_eq!(
        post_file(&tigera, firing, &[]),
        (401, unauthorized.to_owned())
    );
    assert_eq!(
        post_file(&tigera, firing, &[&bearer("tok-stale-00000000")]),
        (403, forbidden.to_owned())
    );
    // A global token, in the header, reaches both services.
    assert_eq!(
        post_file(&tigera, firing, &[&bearer(GLOBAL_TOKEN)]),
        (201, processed(3, true, false, false))
    );
    // The scheme in any case; the tigera token reaches tigera only, so Sedai's alert does nothing.
    let sedai = server.url("/sqibs-api/v1/process?from=Sedai");
    let scoped = format!("authorization: BEARER {TIGERA_TOKEN}");
    assert_eq!(
        post_file(&sedai, "samples/sedai/open.json", &[&scoped]),
        (202, processed(4, false, false, false))
    );
    // The token as a URL parameter.
    let with_param = server.url(&format!("/v1/process?from=Sedai&token={GLOBAL_TOKEN}"));
    assert_eq!(
        post_file(&with_param, "samples/sedai/open.json", &[]),
        (201, processed(5, true, false, false))
    );
    let with_param = server.url(&format!("/v1/process?from=Tigera&token={TIGERA_TOKEN}"));
    assert_eq!(
        post_file(&with_param, "samples/tigera/resolved.json", &[]),
        (200, processed(6, false, false, true))
    );
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let recorded = std::fs::read_to_string(&record).unwrap();
    for text in [&stopped.stdout, &stopped.stderr, &recorded] {
        for token in [TIGERA_TOKEN, GLOBAL_TOKEN, "tok-stale-00000000"] {
            assert!(!text.contains(token), "{token} shows in:\n{text}");
        }
    }
    assert_eq!(recorded.lines().count(), 6, "{recorded}");
    assert_text(
        &steady(&stopped.stdout, 0),
        str![[r#"
   #1  127.0.0.1:[PEER]  401 unauthorized: the request carries no API token
   #2  127.0.0.1:[PEER]  403 forbidden: the request's API token is none Callgoose knows
   #3  127.0.0.1:[PEER]  201 sedai: created incident #1 "Incident from Tigera" [no mapping key]; tigera: created incident #2 "Tigera - Suspicious Lateral Movement" [tigera-sec-001]
   #4  127.0.0.1:[PEER]  202 discarded
   #5  127.0.0.1:[PEER]  201 sedai: created incident #3 "Sedai - High Error Rate Detected" [evt-839201]
   #6  127.0.0.1:[PEER]  200 tigera: resolved incident #2 after [AGE]

replayed 6 requests
  incidents created               3
  duplicates folded               0
  resolved                        1
  left open                       2
  discarded (202)                 1
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  1
  unauthorized (401)              1
  forbidden (403)                 1
left open:
  #1 sedai: "Incident from Tigera" [no mapping key], created by request #3, open [AGE]
  #3 sedai: "Sedai - High Error Rate Detected" [evt-839201], created by request #5, open [AGE]

"#]],
    );
}

#[test]
fn what_is_no_outcome_gets_its_http_error_and_the_server_goes_on() {
    let server = Server::start(&["--filters", "filters/tigera.toml", "--max-body", "1KiB"]);
    let mut client = server.client();
    // Another method on the endpoint: 405, saying which one it takes.
    let got = client.send(b"GET /v1/process HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!((got.status, got.header("allow")), (405, Some("POST")));
    assert_eq!(
        got.json()["error"],
        "the process endpoint takes POST only: send the alert as the body of a POST"
    );
    let got = client.post("/v2/process", &[], b"{}");
    assert_eq!(got.status, 404);
    assert_eq!(
        got.json()["error"],
        "no such endpoint: Callgoose's process endpoint is POST /v1/process (or /sqibs-api/v1/process)"
    );
    let got = client.post("/v1/process?token=a&token=b", &[], b"{}");
    assert_eq!(got.status, 400);
    assert_eq!(
        got.json()["error"],
        "the URL has the `token` parameter more than once, with different values: a request carries one"
    );
    // Over the limit by its Content-Length: refused at once, the body never sent, the connection
    // closed after the answer.
    let got = client.send(b"POST /v1/process HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n");
    assert_eq!((got.status, got.header("connection")), (413, Some("close")));
    assert_eq!(
        got.json()["error"],
        "the body is longer than 1 KiB: send a smaller one, or start serve with a larger --max-body"
    );
    // Chunked, by its first chunk past the limit; the rest is never read.
    let mut client = server.client();
    let mut chunked =
        b"POST /v1/process HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    chunked.extend_from_slice(format!("400\r\n{}\r\n", "x".repeat(1024)).as_bytes());
    chunked.extend_from_slice(b"1\r\nx\r\n");
    assert_eq!(client.send(&chunked).status, 413);
    // Exactly at the limit is taken.
    let mut client = server.client();
    let at_limit = format!("{:1024}", r#"{"status": "pending"}"#);
    assert_eq!(
        client.post("/v1/process", &[], at_limit.as_bytes()).status,
        202
    );
    // What HTTP cannot read: 400.
    let mut client = server.client();
    assert_eq!(client.send(b"NOT HTTP AT ALL\r\n\r\n").status, 400);
    let mut client = server.client();
    let got = client.send(b"POST /v1/process HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n");
    assert_eq!(got.status, 400);
    // The server took none of these but the one at the limit, and still answers.
    let mut client = server.client();
    let firing = std::fs::read(Path::new(ROOT).join("samples/tigera/firing.json")).unwrap();
    let got = client.post("/v1/process?from=Tigera", &[], &firing);
    assert_eq!(
        (got.status, got.body),
        (201, processed(2, true, false, false))
    );
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert!(
        stopped.stdout.contains("\nreplayed 2 requests\n"),
        "{}",
        stopped.stdout
    );
}

#[test]
fn text_types_are_processed_and_any_other_counts_as_an_empty_payload() {
    let server = Server::start(&["--filters", "filters/tigera.toml"]);
    let url = server.url("/v1/process?from=Tigera");
    let firing = "@samples/tigera/firing.json";
    let post = |content_type: &str| {
        curl(&[
            "-X",
            "POST",
            &url,
            "--data-binary",
            firing,
            "-H",
            content_type,
        ])
    };
    assert_eq!(
        post("Content-Type: application/json; charset=utf-8"),
        (201, processed(1, true, false, false))
    );
    // A JSON body sent as text is read as JSON: it is the same alert again.
    assert_eq!(
        post("Content-Type: text/plain"),
        (201, processed(2, false, true, false))
    );
    // An image's body is not read at all: nothing in it can match.
    assert_eq!(
        post("Content-Type: image/png"),
        (202, processed(3, false, false, false))
    );
    // Without a Content-Type the body is processed, as an envelope without one is.
    let resolved = "@samples/tigera/resolved.json";
    assert_eq!(
        curl(&[
            "-X",
            "POST",
            &url,
            "--data-binary",
            resolved,
            "-H",
            "Content-Type:"
        ]),
        (200, processed(4, false, false, true))
    );
    let stopped = server.stop("TERM");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert_text(
        &steady(&stopped.stdout, 0),
        str![[r#"
   #1  127.0.0.1:[PEER]  201 tigera: created incident #1 "Tigera - Suspicious Lateral Movement" [tigera-sec-001]
   #2  127.0.0.1:[PEER]  201 tigera: duplicate of incident #1
   #3  127.0.0.1:[PEER]  202 discarded
   #4  127.0.0.1:[PEER]  200 tigera: resolved incident #1 after [AGE]

replayed 4 requests
  incidents created               1
  duplicates folded               1
  resolved                        1
  left open                       0
  discarded (202)                 1
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              0

"#]],
    );
}

#[test]
fn the_seed_lifecycles_create_fold_and_resolve() {
    // Each sender with its service's token, as each integration guide sets it up.
    let server = Server::start(&[
        "--token",
        "tigera=tok-tigera-1",
        "--token",
        "sedai=tok-sedai-1",
    ]);
    let mut client = server.client();
    let file = |name: &str| std::fs::read(Path::new(ROOT).join(name)).unwrap();
    let json = [("Content-Type", "application/json")];
    let lifecycle = [
        (
            "Tigera&token=tok-tigera-1",
            "samples/tigera/firing.json",
            201,
        ),
        (
            "Tigera&token=tok-tigera-1",
            "samples/tigera/firing.json",
            201,
        ),
        (
            "Tigera&token=tok-tigera-1",
            "samples/tigera/resolved.json",
            200,
        ),
        ("Sedai&token=tok-sedai-1", "samples/sedai/open.json", 201),
        ("Sedai&token=tok-sedai-1", "samples/sedai/open.json", 201),
        (
            "Sedai&token=tok-sedai-1",
            "samples/sedai/resolved.json",
            200,
        ),
    ];
    let mut bodies = Vec::new();
    for (query, sample, status) in lifecycle {
        let got = client.post(&format!("/v1/process?from={query}"), &json, &file(sample));
        assert_eq!(got.status, status, "{sample}: {}", got.body);
        bodies.push(got.json());
    }
    let flags: Vec<(bool, bool, bool)> = bodies
        .iter()
        .map(|b| {
            (
                b["triggered"]["created"].as_bool().unwrap(),
                b["triggered"]["duplicate"].as_bool().unwrap(),
                b["resolved"]["resolved"].as_bool().unwrap(),
            )
        })
        .collect();
    let (created, duplicate, resolved) = (
        (true, false, false),
        (false, true, false),
        (false, false, true),
    );
    assert_eq!(
        flags,
        [created, duplicate, resolved, created, duplicate, resolved]
    );
    let port = server.port;
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert_text(
        &steady(&stopped.stdout, port),
        str![[r#"
   #1  127.0.0.1:[PEER]  201 tigera: created incident #1 "Tigera - Suspicious Lateral Movement" [tigera-sec-001]
   #2  127.0.0.1:[PEER]  201 tigera: duplicate of incident #1
   #3  127.0.0.1:[PEER]  200 tigera: resolved incident #1 after [AGE]
   #4  127.0.0.1:[PEER]  201 sedai: created incident #2 "Sedai - High Error Rate Detected" [evt-839201]
   #5  127.0.0.1:[PEER]  201 sedai: duplicate of incident #2
   #6  127.0.0.1:[PEER]  200 sedai: resolved incident #2 after [AGE]

replayed 6 requests
  incidents created               2
  duplicates folded               2
  resolved                        2
  left open                       0
  discarded (202)                 0
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              0

"#]],
    );
    assert_text(
        &steady(&stopped.stderr, port),
        str![[r#"
note: serving 2 services (sedai, tigera) from filters
note: give senders http://127.0.0.1:[PORT]/v1/process?from=<Source>&token=<token> (or the token as the header Authorization: Bearer <token>)
note: Ctrl-C stops: the requests under way are answered, then the summary is shown
note: stopping: no new connections are taken; 1 open connection finishes its request under way, if any, then closes

"#]],
    );
}

/// The request `n` (0-based) of client `c` in the concurrent test: a firing alert of its own, then
/// its resolve.
fn nth_alert(c: usize, n: usize) -> String {
    let status = if n.is_multiple_of(2) {
        "firing"
    } else {
        "resolved"
    };
    format!(
        r#"{{"status": "{status}", "alert_id": "c{c}-a{}", "alert_name": "Alert {c}-{}"}}"#,
        n / 2,
        n / 2
    )
}

#[test]
fn concurrent_senders_are_all_answered_counted_and_recorded() {
    const CLIENTS: usize = 8;
    const EACH: usize = 500;
    let record = temp("concurrent.jsonl");
    let server = Server::start(&[
        "--filters",
        "filters/tigera.toml",
        "--record",
        record.to_str().unwrap(),
    ]);
    let port = server.port;
    let senders: Vec<_> = (0..CLIENTS)
        .map(|c| {
            std::thread::spawn(move || {
                let mut client = Client::connect(port);
                (0..EACH)
                    .map(|n| {
                        let got = client.post(
                            "/v1/process?from=Tigera",
                            &[("Content-Type", "application/json")],
                            nth_alert(c, n).as_bytes(),
                        );
                        (got.status, got.json())
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids = Vec::new();
    for (c, sender) in senders.into_iter().enumerate() {
        for (n, (status, body)) in sender.join().unwrap().into_iter().enumerate() {
            let firing = n.is_multiple_of(2);
            assert_eq!(status, if firing { 201 } else { 200 }, "{c}/{n}: {body}");
            assert_eq!(body["triggered"]["created"], firing, "{c}/{n}: {body}");
            assert_eq!(body["resolved"]["resolved"], !firing, "{c}/{n}: {body}");
            ids.push(body["id"].as_u64().unwrap());
        }
    }
    ids.sort_unstable();
    assert!(ids.iter().copied().eq(1..=(CLIENTS * EACH) as u64));
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let summary = stopped.stdout.split("\n\n").nth(1).unwrap();
    assert_text(
        summary,
        str![[r#"
replayed 4000 requests
  incidents created               2000
  duplicates folded               0
  resolved                        2000
  left open                       0
  discarded (202)                 0
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              0

"#]],
    );
    // Every request recorded, whole, once.
    let recorded = std::fs::read_to_string(&record).unwrap();
    let mut bodies: Vec<String> = json_lines(&recorded)
        .into_iter()
        .map(|line| line["body"].as_str().unwrap().to_owned())
        .collect();
    let mut sent: Vec<String> = (0..CLIENTS)
        .flat_map(|c| (0..EACH).map(move |n| nth_alert(c, n)))
        .collect();
    bodies.sort();
    sent.sort();
    assert_eq!(bodies.len(), sent.len());
    assert!(bodies == sent);
    // And the record replays to the same counts.
    let replayed = Command::new(BIN)
        .args([
            "replay",
            record.to_str().unwrap(),
            "--filters",
            "filters/tigera.toml",
        ])
        .current_dir(ROOT)
        .env_clear()
        .output()
        .unwrap();
    let replayed = String::from_utf8(replayed.stdout).unwrap();
    assert_eq!(replayed.split("\n\n").last(), Some(summary));
}

/// A request to send: its target, headers and body.
type Sent<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [u8]);

#[test]
fn a_recorded_session_replays_to_the_answers_the_server_gave() {
    let record = temp("session.jsonl");
    // A line cut off by an earlier run: the session starts on a line of its own.
    std::fs::write(&record, "{\"body\": {\"status\": \"pen").unwrap();
    let server = Server::start(&["--record", record.to_str().unwrap(), "--dedup-window", "5m"]);
    let mut client = server.client();
    let json = [("Content-Type", "application/json")];
    let text = [("Content-Type", "text/plain")];
    let image = [("Content-Type", "image/png")];
    let tigera = std::fs::read(Path::new(ROOT).join("samples/tigera/firing.json")).unwrap();
    let keyless = br#"{"status": "firing", "alert_name": "No key"}"#;
    let sent: [Sent<'_>; 9] = [
        ("/v1/process?from=Tigera", &json, &tigera),
        // An exact repeat within the window, the token in the URL (no tokens are checked).
        (
            "/v1/process?from=Tigera&token=tok-sender-91b2c3d4",
            &json,
            &tigera,
        ),
        ("/v1/process?from=", &json, keyless),
        ("/v1/process", &json, keyless),
        ("/v1/process?from=Grafana", &text, b"disk full"),
        ("/v1/process?from=Tigera", &image, &tigera),
        (
            "/v1/process?from=Tigera",
            &[("Authorization", "Bearer tok-sender-91b2c3d4")],
            br#"{"status": "resolved", "alert_id": "tigera-sec-001"}"#,
        ),
        (
            "/v1/process?from=Tigera",
            &json,
            br#"{"status": "resolved", "alert_id": "tigera-sec-001"}"#,
        ),
        (
            "/v1/process?from=Sedai",
            &json,
            b"\xef\xbb\xbf{\"status\": \"OPEN\", \"eventId\": \"e\xff\"}",
        ),
    ];
    let answers: Vec<(u64, serde_json::Value)> = sent
        .iter()
        .map(|(target, headers, body)| {
            let got = client.post(target, headers, body);
            (u64::from(got.status), got.json())
        })
        .collect();
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let recorded = std::fs::read_to_string(&record).unwrap();
    assert!(!recorded.contains("tok-sender"), "{recorded}");
    let replay = Command::new(BIN)
        .args(["replay", record.to_str().unwrap(), "--dedup-window", "5m"])
        .args(["--format", "json"])
        .current_dir(ROOT)
        .env_clear()
        .output()
        .unwrap();
    // The cut-off line is the only one replay cannot read.
    assert_eq!(replay.status.code(), Some(2));
    let lines = json_lines(&String::from_utf8(replay.stdout).unwrap());
    let replayed: Vec<(u64, serde_json::Value)> = lines
        .iter()
        .filter(|l| l["type"] == "request")
        .map(|l| (l["code"].as_u64().unwrap(), l["response"].clone()))
        .collect();
    assert_eq!(replayed, answers);
    let codes: Vec<u64> = answers.iter().map(|(code, _)| *code).collect();
    assert_eq!(codes, [201, 201, 201, 201, 202, 202, 200, 200, 201]);
}

#[test]
fn a_recorded_session_becomes_a_case_file_that_test_passes() {
    let dir = temp("record-to-cases");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let record = dir.join("session.jsonl");
    let server = Server::start(&[
        "--filters",
        "filters/tigera.toml",
        "--record",
        record.to_str().unwrap(),
    ]);
    let mut client = server.client();
    let json = [("Content-Type", "application/json")];
    let firing = std::fs::read(Path::new(ROOT).join("samples/tigera/firing.json")).unwrap();
    let resolved = std::fs::read(Path::new(ROOT).join("samples/tigera/resolved.json")).unwrap();
    let target = "/v1/process?from=Tigera&token=tok-sender-7e8f9a0b";
    for body in [&firing, &firing, &resolved] {
        client.post(target, &json, body);
    }
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    // The project's own filters, found as `filters/` is.
    std::fs::create_dir_all(dir.join("filters")).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("filters/tigera.toml"),
        dir.join("filters/tigera.toml"),
    )
    .unwrap();
    let replay = Command::new(BIN)
        .args(["replay", "session.jsonl", "--cases", "cases.toml"])
        .current_dir(&dir)
        .env_clear()
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert_eq!(replay.status.code(), Some(0), "{stderr}");
    let cases = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    assert!(!cases.contains("tok-sender"), "{cases}");
    for expect in [
        "expect = \"created\"",
        "expect = \"duplicate\"",
        "expect = \"resolved\"",
    ] {
        assert!(cases.contains(expect), "{expect}: {cases}");
    }
    let test = Command::new(BIN)
        .args(["test", "cases.toml"])
        .current_dir(&dir)
        .env_clear()
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

#[test]
fn a_request_under_way_when_stopped_is_answered_and_counted_and_then_it_exits_0() {
    let server = Server::start(&["--filters", "filters/tigera.toml"]);
    let mut client = server.client();
    let body = std::fs::read(Path::new(ROOT).join("samples/tigera/firing.json")).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    let head = format!(
        "POST /v1/process?from=Tigera HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    client.writer.write_all(head.as_bytes()).unwrap();
    client.writer.write_all(first).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    server.signal("INT");
    // The server stops accepting while this request is still being sent.
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", server.port)).is_ok() {
        assert!(Instant::now() < deadline, "serve still accepts");
        std::thread::sleep(Duration::from_millis(10));
    }
    let got = client.send(rest);
    assert_eq!(
        (got.status, got.body),
        (201, processed(1, true, false, false))
    );
    let stopped = server.wait();
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert!(
        stopped
            .stdout
            .contains("\nreplayed 1 requests\n  incidents created               1\n"),
        "{}",
        stopped.stdout
    );
    // This connection is open, and so may be a probe of the loop above that was accepted just before
    // the listener closed.
    let stopping = stopped.stderr.lines().last().unwrap();
    assert!(
        stopping.starts_with("note: stopping: no new connections are taken; ")
            && stopping.contains(" open connection"),
        "{}",
        stopped.stderr
    );
}

#[test]
fn it_cannot_start_on_an_address_in_use_nor_with_a_record_file_it_cannot_open() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(ROOT)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_text(
        &String::from_utf8(out.stderr)
            .unwrap()
            .replace(&port.to_string(), "[PORT]"),
        str![[r#"
error: cannot listen on 127.0.0.1:[PORT]: Address already in use (os error 98): give another address with --listen (port 0 picks a free one)

"#]],
    );
    let out = Command::new(BIN)
        .args(["serve", "--record", "samples", "--listen", "127.0.0.1:0"])
        .current_dir(ROOT)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_text(
        &String::from_utf8(out.stderr).unwrap(),
        str![[r#"
error: cannot open the record file samples: Is a directory (os error 21): give a file it can append to with --record

"#]],
    );
    let out = Command::new(BIN)
        .args(["serve", "--listen", "localhost"])
        .current_dir(ROOT)
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_text(
        &String::from_utf8(out.stderr).unwrap(),
        str![[r#"
error: invalid value 'localhost' for '--listen <ADDR>': `localhost` is not an address to listen on: give IP:PORT, such as 127.0.0.1:8080 or [::1]:8080 (port 0 picks a free port)

For more information, try '--help'.

"#]],
    );
}

#[test]
fn an_address_other_than_loopback_is_used_only_when_given_and_with_a_warning() {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "0.0.0.0:0", "--token", GLOBAL_TOKEN])
        .current_dir(ROOT)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let port = first
        .split("0.0.0.0:")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    assert_eq!(
        first.replace(port, "[PORT]"),
        "warning: listening on 0.0.0.0:[PORT], which is not loopback: other machines can post to it and read its answers\n"
    );
}

/// /dev/full takes the open and refuses every write, as a full disk does.
#[cfg(target_os = "linux")]
#[test]
fn a_record_file_that_cannot_be_written_stops_recording_not_serving_and_exits_2() {
    let server = Server::start(&["--filters", "filters/tigera.toml", "--record", "/dev/full"]);
    let mut client = server.client();
    let firing = std::fs::read(Path::new(ROOT).join("samples/tigera/firing.json")).unwrap();
    for id in 1..=2 {
        let got = client.post("/v1/process?from=Tigera", &[], &firing);
        assert_eq!(got.status, 201, "{}", got.body);
        assert_eq!(got.json()["id"], id);
    }
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 2, "{}", stopped.stderr);
    let errors: Vec<&str> = stopped
        .stderr
        .lines()
        .filter(|l| l.starts_with("error:"))
        .collect();
    assert_eq!(
        errors,
        [
            "error: cannot write the record file /dev/full: No space left on device (os error 28); recording stopped, the file holds the 0 requests before this one whole"
        ]
    );
    assert!(
        stopped.stdout.contains("\nreplayed 2 requests\n"),
        "{}",
        stopped.stdout
    );
}

/// `curl -i` of `path`: the status, the headers and the body as one text, for searching.
fn whole(server: &Server, method: &str, path: &str) -> (u16, String) {
    curl(&["-i", "-X", method, &server.url(path)])
}

#[test]
fn the_api_log_lists_masked_requests_with_outcomes_and_traces_and_resets() {
    let server = Server::start(&[
        "--token",
        &format!("tigera={TIGERA_TOKEN}"),
        "--token",
        GLOBAL_TOKEN,
    ]);
    let bearer = format!("Authorization: Bearer {GLOBAL_TOKEN}");
    let (code, _) = post_file(
        &server.url("/v1/process?from=Tigera"),
        "samples/tigera/firing.json",
        &[&bearer],
    );
    assert_eq!(code, 201);
    // The token in the URL, and inside the body too: a request's own token, and a run's, are masked.
    let url = server.url(&format!("/v1/process?from=Tigera&token={TIGERA_TOKEN}"));
    let body = format!(
        r#"{{"status": "resolved", "alert_id": "tigera-sec-001", "alert_name": "x", "note": "sent with {TIGERA_TOKEN} and {GLOBAL_TOKEN}"}}"#
    );
    let (code, _) = curl(&[
        "-X",
        "POST",
        &url,
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        &body,
    ]);
    assert_eq!(code, 200);
    let (code, log) = curl(&[&server.url("/api/log")]);
    assert_eq!(code, 200);
    let lines = json_lines(&log);
    assert_eq!(lines.len(), 2, "{log}");
    assert_eq!(lines[0]["entry"], 1);
    assert_eq!(lines[0]["from"], "Tigera");
    assert_eq!(lines[0]["content_type"], "application/json");
    assert_eq!(lines[0]["type"], "request");
    assert_eq!(lines[0]["code"], 201);
    assert_eq!(lines[0]["response"]["triggered"]["created"], true);
    assert_eq!(
        lines[0]["actions"][1]["trigger"]["title"],
        "Tigera - Suspicious Lateral Movement"
    );
    let tigera = lines[0]["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "tigera")
        .unwrap();
    assert_eq!(tigera["filters"][0]["trigger"]["verdict"], "used");
    assert_eq!(lines[1]["code"], 200);
    assert_eq!(lines[1]["actions"][0]["resolve"]["action"], "resolved");
    let shown = lines[1]["body"].as_str().unwrap();
    assert!(shown.contains("sent with "), "{shown}");
    assert_eq!(lines[1]["size"], body.len());
    let (_, since) = curl(&[&server.url("/api/log?since=1")]);
    assert_eq!(json_lines(&since).len(), 1, "{since}");
    let (code, open) = curl(&[&server.url("/api/incidents")]);
    assert_eq!(code, 200);
    let open: serde_json::Value = serde_json::from_str(&open).unwrap();
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["title"], "Incident from Tigera");
    // Every answer of the API, and the page, without a token.
    let mut answers = vec![log, since];
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/api/log"),
        ("GET", "/api/incidents"),
        ("GET", "/api/nope"),
        ("GET", "/api/reset"),
    ] {
        answers.push(whole(&server, method, path).1);
    }
    let (code, text) = whole(&server, "GET", "/api/nope");
    assert_eq!(code, 404, "{text}");
    let (code, text) = whole(&server, "GET", "/api/reset");
    assert_eq!(code, 405, "{text}");
    assert!(text.to_ascii_lowercase().contains("allow: post"), "{text}");
    let (code, text) = whole(&server, "POST", "/api/log");
    assert_eq!(code, 405, "{text}");
    assert!(text.to_ascii_lowercase().contains("allow: get"), "{text}");
    let (code, text) = whole(&server, "DELETE", "/api/incidents");
    assert_eq!(code, 405, "{text}");
    let (code, text) = whole(&server, "GET", "/api/log?since=x");
    assert_eq!(code, 400, "{text}");
    // Reset: the log is empty, nothing is open, and the simulation starts again at request #1.
    assert_eq!(
        curl(&["-X", "POST", &server.url("/api/reset")]),
        (200, r#"{"reset":true}"#.to_owned())
    );
    assert_eq!(curl(&[&server.url("/api/log")]), (200, String::new()));
    assert_eq!(
        curl(&[&server.url("/api/incidents")]),
        (200, "[]".to_owned())
    );
    let (code, answer) = post_file(
        &server.url("/v1/process?from=Tigera"),
        "samples/tigera/firing.json",
        &[&bearer],
    );
    assert_eq!((code, answer), (201, processed(1, true, false, false)));
    let (_, after) = curl(&[&server.url("/api/log")]);
    assert_eq!(json_lines(&after)[0]["entry"], 3, "{after}");
    answers.push(after);
    for text in &answers {
        for token in [TIGERA_TOKEN, GLOBAL_TOKEN] {
            assert!(!text.contains(token), "{token} shows in:\n{text}");
        }
    }
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
}

#[test]
fn the_api_log_keeps_the_last_1000_requests() {
    let server = Server::start(&["--filters", "filters/tigera.toml"]);
    let mut client = server.client();
    for n in 1..=1003 {
        let body = format!(r#"{{"status": "firing", "alert_id": "a-{n}"}}"#);
        let reply = client.post("/v1/process", &[], body.as_bytes());
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
    let (code, log) = curl(&[&server.url("/api/log")]);
    assert_eq!(code, 200);
    let lines = json_lines(&log);
    assert_eq!(lines.len(), 1000);
    assert_eq!(lines[0]["entry"], 4);
    assert_eq!(lines[999]["number"], 1003);
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
}

/// `chromium --headless --dump-dom URL` with a fresh profile, nothing fetched but `URL`, and a virtual
/// time budget: the page's timers run that long (in virtual time, which waits for the network); with
/// `screenshot`, a picture of the page instead.
fn chromium(url: &str, budget_ms: u32, screenshot: Option<&Path>) -> String {
    let profile = temp("chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    let mut command = Command::new(tool("chromium"));
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command.arg(format!("--virtual-time-budget={budget_ms}"));
    match screenshot {
        Some(path) => command.arg(format!("--screenshot={}", path.display())),
        None => command.arg("--dump-dom"),
    };
    let out = command.arg(url).output().unwrap();
    assert!(out.status.success(), "chromium: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_page_in_a_real_browser_shows_requests_as_they_come_and_a_trace_on_demand() {
    let server = Server::start(&["--token", GLOBAL_TOKEN]);
    let bearer = format!("Authorization: Bearer {GLOBAL_TOKEN}");
    let process = server.url(&format!("/v1/process?from=Tigera&token={GLOBAL_TOKEN}"));
    let (code, _) = post_file(&process, "samples/tigera/firing.json", &[]);
    assert_eq!(code, 201);
    // ?open=1 opens request #1's trace once it is listed.
    let dom = chromium(&server.url("/?open=1"), 5_000, None);
    assert!(dom.contains(r#"id="request-1""#), "{dom}");
    assert!(
        dom.contains("tigera: created incident #2 “Tigera - Suspicious Lateral Movement”"),
        "{dom}"
    );
    assert!(dom.contains(r#"id="details-1""#), "{dom}");
    assert!(dom.contains("filter 1: security alert"), "{dom}");
    assert!(dom.contains("trigger: used"), "{dom}");
    assert!(
        dom.contains("#2 tigera: Tigera - Suspicious Lateral Movement"),
        "{dom}"
    );
    assert!(!dom.contains(GLOBAL_TOKEN), "{dom}");
    // Live: a request posted while the page is open appears without a reload, marked as arrived. The
    // page polls each (virtual) second, and virtual time waits for each poll's answer, so the budget
    // keeps it polling for about 7 s of real time on a quiet machine (more on a loaded one, whose
    // start is slower too): the request, posted at 2 s, comes after the page loaded (under 1 s) and
    // well before it stops.
    let url = server.url("/");
    let browser = std::thread::spawn(move || chromium(&url, 600_000, None));
    std::thread::sleep(Duration::from_secs(2));
    let (code, _) = post_file(
        &server.url("/v1/process?from=Tigera"),
        "samples/tigera/resolved.json",
        &[&bearer],
    );
    assert_eq!(code, 200);
    let dom = browser.join().unwrap();
    assert!(
        dom.contains(r#"class="request arrived" id="request-2""#),
        "{dom}"
    );
    assert!(dom.contains("tigera: resolved incident #2"), "{dom}");
    // A near miss: its trace names the key the sender meant.
    let near = r#"{"Status": "firing", "alert_name": "x", "alert_id": "a-1"}"#;
    let (code, _) = curl(&[
        "-X",
        "POST",
        &process,
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        near,
    ]);
    assert_eq!(code, 202);
    let dom = chromium(&server.url("/?open=3"), 5_000, None);
    assert!(dom.contains("no filter matched: nothing happened"), "{dom}");
    assert!(
        dom.contains("hint: the payload has no key `status`; did you mean `Status`?"),
        "{dom}"
    );
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-page.png");
    let _ = std::fs::remove_file(&shot);
    chromium(&server.url("/?open=1"), 5_000, Some(&shot));
    assert!(std::fs::metadata(&shot).unwrap().len() > 0);
    // The screenshot is a test artefact, to look at.
    println!("screenshot of the page: {}", shot.display());
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
}

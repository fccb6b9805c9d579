//! The `--record` file: each request the simulation takes, appended as the envelope `replay` reads
//! (`received_at`, `from`, `content_type`, `body`; never the token), one JSON line each. The file is a
//! valid `replay` input at every moment: it is opened in append mode, each line is one write of a
//! whole line with nothing buffered behind it, and a write that fails part-way is cut back off.

use super::desk::{Captured, Log};
use crate::replay::Record;
use crate::timestamp;
use anyhow::{Result, anyhow};
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The record file, open for appending.
pub(super) struct RecordFile {
    path: PathBuf,
    file: File,
    /// Where the last whole line ends.
    len: u64,
    /// Lines written.
    lines: usize,
}

/// One recorded request, in the envelope's key order.
#[derive(Serialize)]
struct Line<'a> {
    received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    /// The text as received: `replay` reads a string body as the body's text.
    body: &'a str,
}

impl RecordFile {
    /// Opens `path` for appending, creating it if needed. A file whose last line has no line break
    /// (a writer stopped mid-line) gets one first, so that the first line recorded is whole.
    pub(super) fn open(path: &Path) -> Result<RecordFile> {
        let cannot = |e: std::io::Error| {
            anyhow!(
                "cannot open the record file {}: {e}: give a file it can append to with --record",
                path.display()
            )
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(cannot)?;
        let mut len = file.metadata().map_err(cannot)?.len();
        if len > 0 {
            let mut last = [0];
            file.seek(SeekFrom::End(-1))
                .and_then(|_| file.read_exact(&mut last))
                .map_err(cannot)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(cannot)?;
                len += 1;
            }
        }
        Ok(RecordFile {
            path: path.to_owned(),
            file,
            len,
            lines: 0,
        })
    }
}

impl Log for RecordFile {
    fn logged(&mut self, request: &Captured<'_>, _: &Record) -> Result<(), String> {
        let line = Line {
            received_at: timestamp::rfc3339(request.received_at),
            from: request.from,
            content_type: request.content_type,
            body: request.body,
        };
        let written = serde_json::to_vec(&line)
            .map_err(std::io::Error::from)
            .and_then(|mut text| {
                text.push(b'\n');
                self.file.write_all(&text).map(|()| text.len())
            });
        match written {
            Ok(n) => {
                self.len += n as u64;
                self.lines += 1;
                Ok(())
            }
            Err(e) => {
                // What did get written is a torn line: cut back to the last whole one.
                let _ = self.file.set_len(self.len);
                Err(format!(
                    "cannot write the record file {}: {e}; recording stopped, the file holds the {} requests before this one whole",
                    self.path.display(),
                    self.lines
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{EnvelopeMode, request_of};
    use crate::payload::Payload;

    fn temp(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("sqibs-record-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    fn captured(body: &str) -> Captured<'_> {
        Captured {
            received_at: 1_776_427_200_250,
            from: Some("Tigera"),
            content_type: Some("application/json"),
            body,
        }
    }

    fn record() -> Record {
        Record {
            number: 1,
            name: String::new(),
            code: 202,
            created: false,
            duplicate: false,
            resolved: false,
            resolve_duplicate: false,
            actions: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn each_request_is_one_envelope_line_that_opens_as_it_was_received() {
        let path = temp("lines");
        let mut file = RecordFile::open(&path).unwrap();
        file.logged(&captured(r#"{"status": "firing"}"#), &record())
            .unwrap();
        file.logged(&captured("disk full\n"), &record()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "{\"received_at\":\"2026-04-17T12:00:00.25Z\",\"from\":\"Tigera\",\"content_type\":\"application/json\",\"body\":\"{\\\"status\\\": \\\"firing\\\"}\"}\n\
             {\"received_at\":\"2026-04-17T12:00:00.25Z\",\"from\":\"Tigera\",\"content_type\":\"application/json\",\"body\":\"disk full\\n\"}\n"
        );
        let first = text.lines().next().unwrap();
        let value: serde_json::Value = serde_json::from_str(first).unwrap();
        let request = request_of(Payload::json(first, value), EnvelopeMode::Detect).unwrap();
        assert_eq!(request.payload.raw, r#"{"status": "firing"}"#);
        assert_eq!(request.received_at, Some(1_776_427_200_250));
        assert_eq!(request.from.as_deref(), Some("Tigera"));
        assert_eq!(request.token, None);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_file_cut_off_mid_line_gets_a_line_break_before_the_first_record() {
        let path = temp("torn");
        std::fs::write(&path, "{\"body\": {}}\n{\"bo").unwrap();
        let mut file = RecordFile::open(&path).unwrap();
        file.logged(&captured("x"), &record()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[1], "{\"bo");
        assert!(lines[2].starts_with("{\"received_at\""), "{text}");
        std::fs::remove_file(&path).unwrap();
    }
}

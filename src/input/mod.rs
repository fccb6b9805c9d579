//! Where request bodies come from: files, folders (every `*.json`, `*.jsonl` and `*.ndjson` below, in
//! sorted order) and standard input, each read as a stream of bodies.

mod bodies;
pub mod size;
pub mod split;

pub use bodies::{Bodies, Body, BodyError, DEFAULT_MAX_BODY};

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::document::KeySet;

/// How standard input is named in messages.
pub const STDIN_LABEL: &str = "<stdin>";

/// Bytes read from a file at a time.
const READ_BUFFER: usize = 1 << 20;

/// File endings read from folders.
const BODY_EXTENSIONS: [&str; 3] = ["json", "jsonl", "ndjson"];

/// One input to read bodies from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The name used in body names and messages.
    pub fn label(&self) -> String {
        match self {
            Source::Stdin => STDIN_LABEL.to_owned(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> Result<Box<dyn BufRead>> {
        Ok(match self {
            Source::Stdin => Box::new(BufReader::with_capacity(
                READ_BUFFER,
                std::io::stdin().lock(),
            )),
            // Large reads: captured traffic runs to gigabytes.
            Source::File(path) => Box::new(BufReader::with_capacity(
                READ_BUFFER,
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
            )),
        })
    }

    /// The bodies of this input, in order.
    pub fn bodies(&self) -> Result<Bodies<Box<dyn BufRead>>> {
        Ok(Bodies::new(self.label(), self.open()?))
    }

    /// The bodies of this input, read lazily: only what `keys` can reach is located.
    pub fn lazy_bodies(&self, keys: &Arc<KeySet>) -> Result<Bodies<Box<dyn BufRead>>> {
        Ok(self.bodies()?.reading_only(Arc::clone(keys)))
    }
}

/// Expands the paths of the command line into inputs: `-` is standard input, a folder every body file
/// below it. Paths that cannot be used are returned as errors beside the inputs that can, so that one
/// bad path does not stop the others.
pub fn expand(paths: &[PathBuf]) -> (Vec<Source>, Vec<anyhow::Error>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = sources.len();
                walk(path, &mut sources, &mut errors);
                if sources.len() == before {
                    errors.push(anyhow::anyhow!(
                        "{} holds no *.json, *.jsonl or *.ndjson files",
                        path.display()
                    ));
                }
            }
            Ok(_) => sources.push(Source::File(path.clone())),
            Err(e) => errors.push(anyhow::anyhow!(
                "cannot read {}: {e}: give an existing file or folder, or - for standard input",
                path.display()
            )),
        }
    }
    (sources, errors)
}

/// Adds every body file below `dir` in sorted order. Links to folders are not followed, so a link loop
/// cannot make the walk endless.
fn walk(dir: &Path, sources: &mut Vec<Source>, errors: &mut Vec<anyhow::Error>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(anyhow::anyhow!("cannot list {}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                paths.push((entry.path(), is_dir));
            }
            Err(e) => errors.push(anyhow::anyhow!("cannot list {}: {e}", dir.display())),
        }
    }
    paths.sort();
    for (path, is_dir) in paths {
        if is_dir {
            walk(&path, sources, errors);
        } else if path
            .extension()
            .is_some_and(|e| BODY_EXTENSIONS.iter().any(|x| e == *x))
        {
            sources.push(Source::File(path));
        }
    }
}

/// What reading the inputs yields, in order: a body of an input, or an error that skipped something.
pub enum Item {
    /// A body, with its input's name.
    Body(Arc<str>, Body),
    /// A path, input or body that could not be read.
    Error(anyhow::Error),
}

/// Bodies handed over at a time between the reading thread and the caller.
const BATCH: usize = 256;

/// Batches in flight at most: this bounds the memory a fast reader can fill ahead of a slow caller.
const IN_FLIGHT: usize = 4;

/// Reads every input `paths` names on a thread of its own (splitting and parsing there, lazily when
/// `keys` is given) and hands `each` the items in order on the calling thread: two cores share the work
/// of a long stream. Stops early, and returns the error, when `each` fails.
pub fn for_each<E: Send>(
    paths: &[PathBuf],
    keys: Option<Arc<KeySet>>,
    mut each: impl FnMut(Item) -> Result<(), E>,
) -> Result<(), E> {
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Item>>(IN_FLIGHT);
    std::thread::scope(|scope| {
        scope.spawn(move || read_all(paths, keys, &send));
        for batch in receive {
            for item in batch {
                // Dropping the receiver on error stops the reader at its next batch.
                each(item)?;
            }
        }
        Ok(())
    })
}

fn read_all(
    paths: &[PathBuf],
    keys: Option<Arc<KeySet>>,
    send: &std::sync::mpsc::SyncSender<Vec<Item>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let push = |item: Item, batch: &mut Vec<Item>| -> bool {
        batch.push(item);
        if batch.len() < BATCH {
            return true;
        }
        send.send(std::mem::replace(batch, Vec::with_capacity(BATCH)))
            .is_ok()
    };
    let (sources, errors) = expand(paths);
    for e in errors {
        if !push(Item::Error(e), &mut batch) {
            return;
        }
    }
    for source in sources {
        let bodies = match &keys {
            Some(keys) => source.lazy_bodies(keys),
            None => source.bodies(),
        };
        let bodies = match bodies {
            Ok(bodies) => bodies,
            Err(e) => {
                if !push(Item::Error(e), &mut batch) {
                    return;
                }
                continue;
            }
        };
        let label: Arc<str> = source.label().into();
        for body in bodies {
            let item = match body {
                Ok(body) => Item::Body(Arc::clone(&label), body),
                Err(e) => Item::Error(e),
            };
            if !push(item, &mut batch) {
                return;
            }
        }
    }
    if !batch.is_empty() {
        // The caller may have stopped; nothing is left to tell it then.
        let _ = send.send(batch);
    }
}

//! Where request bodies come from: files, folders (every `*.json`, `*.jsonl` and `*.ndjson` below, in
//! sorted order) and standard input, each read as a stream of bodies.
//!
//! A folder yields its regular files only: a FIFO, socket or device in it is skipped with a note, since
//! opening a FIFO waits for a writer that may never come, and a device may never end. Named on the
//! command line, any of them is read (`check <(zcat traffic.gz)`), within the per-body limit.

mod bodies;
pub mod pool;
pub mod size;
pub mod split;

pub use bodies::{Bodies, Body, BodyError, DEFAULT_MAX_BODY, RawBody};

use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::document::KeySet;
use crate::walk::{self, Depth};

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

/// The inputs that paths name.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The inputs, in order.
    pub sources: Vec<Source>,
    /// Paths that cannot be used: the other inputs are still read.
    pub errors: Vec<anyhow::Error>,
    /// Files of a folder that were not taken as inputs, and why.
    pub skipped: Vec<String>,
}

/// Expands the paths of the command line into inputs: `-` is standard input, a folder every body file
/// below it. Paths that cannot be used are returned as errors beside the inputs that can, so that one
/// bad path does not stop the others.
pub fn expand(paths: &[PathBuf]) -> Expansion {
    let mut found = Expansion::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.sources.push(Source::Stdin);
            continue;
        }
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = (found.sources.len(), found.skipped.len());
                add_body_files(path, &mut found);
                if (found.sources.len(), found.skipped.len()) == before {
                    found.errors.push(anyhow::anyhow!(
                        "{} holds no *.json, *.jsonl or *.ndjson files",
                        path.display()
                    ));
                }
            }
            Ok(_) => found.sources.push(Source::File(path.clone())),
            Err(e) => found.errors.push(anyhow::anyhow!(
                "cannot read {}: {e}: give an existing file or folder, or - for standard input",
                path.display()
            )),
        }
    }
    found
}

/// Adds every body file below `dir` in walk order (see [`walk::files`]); a link to a file counts as
/// that file.
fn add_body_files(dir: &Path, found: &mut Expansion) {
    let walked = walk::files(dir, Depth::All);
    let unlisted = walked
        .errors
        .into_iter()
        .map(|u| anyhow::anyhow!("cannot list {}: {}", u.path.display(), u.error));
    found.errors.extend(unlisted);
    for path in walked.files {
        if path
            .extension()
            .is_some_and(|e| BODY_EXTENSIONS.iter().any(|x| e == *x))
        {
            match std::fs::metadata(&path).map(|m| special_kind(&m.file_type())) {
                Ok(Some(kind)) => found.skipped.push(format!(
                    "{} is skipped: it is {kind}; name it on the command line to read it",
                    path.display()
                )),
                // A dangling link is an input that cannot be opened: opening it says so.
                Ok(None) | Err(_) => found.sources.push(Source::File(path)),
            }
        }
    }
}

/// What a file that is neither a regular one nor a folder is, in words.
fn special_kind(t: &std::fs::FileType) -> Option<&'static str> {
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO, not a regular file");
        } else if t.is_socket() {
            return Some("a socket, not a regular file");
        } else if t.is_char_device() || t.is_block_device() {
            return Some("a device, not a regular file");
        }
    }
    Some("not a regular file")
}

/// What reading the inputs yields, in order: bodies parsed ([`Body`]), or as the reading thread hands
/// them out ([`RawBody`]).
pub enum Item<B = Body> {
    /// A body, with its input's name.
    Body(Arc<str>, B),
    /// A path, input or body that could not be read.
    Error(anyhow::Error),
    /// A file of a folder that is not read, and why.
    Skipped(String),
}

impl Item<RawBody> {
    /// Roughly the memory the item holds.
    fn size(&self) -> usize {
        match self {
            Item::Body(_, body) => body.size(),
            Item::Error(_) | Item::Skipped(_) => 0,
        }
    }

    /// The item with its body parsed, if it was not yet (`keys` as given to the reading).
    fn parse(self, keys: Option<&KeySet>) -> Item {
        match self {
            Item::Body(label, body) => Item::Body(label, body.parse(keys)),
            Item::Error(e) => Item::Error(e),
            Item::Skipped(why) => Item::Skipped(why),
        }
    }
}

/// Bodies handed over at a time between the reading thread and the caller, at most.
const BATCH: usize = 256;

/// The reading thread runs ahead of the caller by at most this many batches, or mebibytes of bodies
/// (or one body, when it is larger): memory holds the body being evaluated and little more, however
/// fast the input.
const AHEAD_MIB: usize = 4;

/// Reads every input `paths` names on a thread of its own (splitting and parsing there, lazily when
/// `keys` is given, refusing bodies longer than `max_body`) and hands `each` the items in order on the
/// calling thread: two cores share the work of a long stream. Inputs that fit in one batch are read on
/// the calling thread. Stops early, and returns the error, when `each` fails.
pub fn for_each<E: Send>(
    paths: &[PathBuf],
    keys: Option<Arc<KeySet>>,
    max_body: usize,
    mut each: impl FnMut(Item) -> Result<(), E>,
) -> Result<(), E> {
    if fits_one_batch(paths) {
        // Read where it is handed out: a thread would cost more to start than the input to read.
        let mut result = Ok(());
        let sink = |batch: Vec<Item<RawBody>>, _| {
            for item in batch {
                if let Err(e) = each(item.parse(None)) {
                    result = Err(e);
                    return false;
                }
            }
            true
        };
        read_all(paths, keys, max_body, false, AHEAD_MIB, || true, sink);
        return result;
    }
    let (send, receive) = std::sync::mpsc::sync_channel::<(Vec<Item>, usize)>(AHEAD_MIB);
    // Credits of a mebibyte each: the reader takes a batch's worth before sending it, and the caller
    // gives them back once it is done with the batch.
    let (give, take) = std::sync::mpsc::sync_channel::<()>(AHEAD_MIB);
    for _ in 0..AHEAD_MIB {
        give.send(())
            .expect("the credit channel has room for every credit");
    }
    // Moved in, so that an early return drops the receiver and the credits, which stops the reader
    // before the scope waits for it.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            // Nothing is deferred: the bodies come out of the reading parsed.
            let sink = |batch: Vec<Item<RawBody>>, credits| {
                let batch = batch.into_iter().map(|i| i.parse(None)).collect();
                send.send((batch, credits)).is_ok()
            };
            read_all(
                paths,
                keys,
                max_body,
                false,
                AHEAD_MIB,
                || take.recv().is_ok(),
                sink,
            )
        });
        for (batch, credits) in receive {
            for item in batch {
                each(item)?;
            }
            for _ in 0..credits {
                // The reader may have finished: nobody is left to take them then.
                let _ = give.send(());
            }
        }
        Ok(())
    })
}

/// Whether the inputs are regular files small enough together to make one batch (a mebibyte), so
/// that reading them on a thread of their own gains nothing: a request or two, as a hook or a test
/// sends them. Standard input and anything that is not a regular file may be any size.
pub fn fits_one_batch(paths: &[PathBuf]) -> bool {
    let mut total = 0u64;
    paths.iter().all(|p| {
        p.as_os_str() != "-"
            && std::fs::metadata(p).is_ok_and(|m| {
                total += m.len();
                m.is_file() && total < 1 << 20
            })
    })
}

/// The reading thread's side of [`for_each`] and of [`pool::in_order`]: reads the inputs into batches
/// of items, takes a batch's credits (of a mebibyte each, at most `ahead`) from `take`, and hands the
/// batch and its credit count to `send`. With `defer`, the bodies of a stream are only cut, their
/// parsing left to the batch's taker. It stops as soon as the caller has gone (no credit comes, or
/// `send` says so).
fn read_all(
    paths: &[PathBuf],
    keys: Option<Arc<KeySet>>,
    max_body: usize,
    defer: bool,
    ahead: usize,
    mut take: impl FnMut() -> bool,
    mut send: impl FnMut(Vec<Item<RawBody>>, usize) -> bool,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut bytes = 0;
    let mut push = |item: Option<Item<RawBody>>| -> bool {
        if let Some(item) = item {
            bytes += item.size();
            batch.push(item);
            if batch.len() < BATCH && bytes < 1 << 20 {
                return true;
            }
        } else if batch.is_empty() {
            return true;
        }
        let credits = bytes.div_ceil(1 << 20).clamp(1, ahead);
        bytes = 0;
        (0..credits).all(|_| take())
            && send(
                std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                credits,
            )
    };
    let Expansion {
        sources,
        errors,
        skipped,
    } = expand(paths);
    let early = errors
        .into_iter()
        .map(Item::Error)
        .chain(skipped.into_iter().map(Item::Skipped));
    for item in early {
        if !push(Some(item)) {
            return;
        }
    }
    for source in sources {
        let bodies = match &keys {
            Some(keys) => source.lazy_bodies(keys),
            None => source.bodies(),
        };
        let bodies = match bodies {
            Ok(bodies) if defer => bodies.limited_to(max_body).deferring(),
            Ok(bodies) => bodies.limited_to(max_body),
            Err(e) => {
                if !push(Some(Item::Error(e))) {
                    return;
                }
                continue;
            }
        };
        let label: Arc<str> = source.label().into();
        let mut bodies = bodies;
        while let Some(body) = bodies.next_raw() {
            let item = match body {
                Ok(body) => Item::Body(Arc::clone(&label), body),
                Err(e) => Item::Error(e),
            };
            if !push(Some(item)) {
                return;
            }
        }
    }
    // The caller may have stopped; nothing is left to tell it then.
    push(None);
}

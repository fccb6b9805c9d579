//! Reading on every core: one thread only cuts the inputs into batches of bodies, a pool of workers
//! parses and processes whole batches side by side, and the calling thread gets each batch's result
//! strictly in input order.
//!
//! Why this shape: cutting bodies is cheap and must be sequential (where a body ends depends on the
//! one before), while parsing, evaluating and rendering a body depend on that body alone. So the
//! reading thread cuts ([`super::Bodies::deferring`]), the workers do the rest in parallel, and the
//! order is restored at the end, where the results are small and ready.
//!
//! Memory stays bounded as in [`super::for_each`]: the reading thread takes credits (a mebibyte of
//! bodies each) before it hands a batch out, and a credit comes back only once the caller is done
//! with the batch's result. Batches read, waiting for a worker, being worked on, or done but waiting
//! for an earlier one are all counted, so at most [`ahead`] mebibytes of bodies (or one body, when it is
//! larger) and their results are held, whatever the number of workers. When the caller stops (its
//! output went away), the credits stop, so the reading stops, and the workers end with their batch.

use super::{Item, RawBody, read_all};
use crate::document::KeySet;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

/// The most workers used, however many cores there are: beyond this the reading thread, which
/// is sequential, is the limit anyway.
pub const MAX_JOBS: usize = 16;

/// How many workers to use by default: one per core the process may use, at most [`MAX_JOBS`].
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_JOBS)
}

/// Mebibytes of bodies in flight at most for `jobs` workers: the sequential reading's four, or one
/// batch per worker and two waiting when there are more workers (16 workers: 18 MiB of bodies and
/// their reports, within `check`'s 64 MB).
pub fn ahead(jobs: usize) -> usize {
    (jobs + 2).max(super::AHEAD_MIB)
}

/// Reads every input `paths` names (as [`super::for_each`] does: lazily with `keys`, refusing bodies
/// longer than `max_body`), has `jobs` workers turn each batch of items into a result with `work` (the
/// bodies parsed there), and hands `each` the results in input order on the calling thread. A batch
/// holds up to 256 items and a mebibyte of bodies (or one larger body). Stops early, and returns the error, when `each` fails.
pub fn in_order<T: Send, E>(
    paths: &[PathBuf],
    keys: Arc<KeySet>,
    max_body: usize,
    jobs: usize,
    work: impl Fn(Vec<Item>) -> T + Sync,
    mut each: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let jobs = jobs.clamp(1, MAX_JOBS);
    let ahead = ahead(jobs);
    // Numbered batches, from the reading thread to whichever worker is free.
    let (send, batches) = sync_channel::<(usize, Vec<Item<RawBody>>, usize)>(ahead);
    let batches = Arc::new(Mutex::new(batches));
    // Credits of a mebibyte each, as in `for_each`.
    let (give, take) = sync_channel::<()>(ahead);
    for _ in 0..ahead {
        give.send(())
            .expect("the credit channel has room for every credit");
    }
    // Results, numbered, in the order they are done; never more than the credits allow. A worker
    // that panics hands its panic over instead, for the calling thread to go on with: the batch it
    // had would otherwise be waited for forever.
    let (done, results) = channel::<(usize, std::thread::Result<T>, usize)>();
    let work = &work;
    let keys = &keys;
    // Moved in, so that an early return drops the results' receiver and the credits: the workers stop
    // after their batch and the reader at its next batch, before the scope waits for them.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            let mut next = 0;
            let sink = |batch, credits| {
                next += 1;
                send.send((next - 1, batch, credits)).is_ok()
            };
            read_all(
                paths,
                Some(Arc::clone(keys)),
                max_body,
                true,
                ahead,
                || take.recv().is_ok(),
                sink,
            );
        });
        for _ in 0..jobs {
            let batches = Arc::clone(&batches);
            let done = done.clone();
            scope.spawn(move || {
                loop {
                    // One worker waits for the next batch at a time; the others wait for the lock.
                    let next = batches
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((number, batch, credits)) = next else {
                        return;
                    };
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        work(batch.into_iter().map(|i| i.parse(Some(keys))).collect())
                    }));
                    let panicked = result.is_err();
                    if done.send((number, result, credits)).is_err() || panicked {
                        return;
                    }
                }
            });
        }
        // Only the workers hold these now: the results end when the last worker does.
        drop((batches, done));
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (number, result, credits) in results {
            let result = result.unwrap_or_else(|panic| resume_unwind(panic));
            waiting.insert(number, (result, credits));
            while let Some((result, credits)) = waiting.remove(&next) {
                next += 1;
                each(result)?;
                for _ in 0..credits {
                    // The reader may have finished: nobody is left to take them then.
                    let _ = give.send(());
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Item;

    /// A JSON Lines file of `n` bodies `{"n": i}`, with a broken one every 100th, in a folder of the
    /// test's own.
    fn input(name: &str, n: usize) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sqibs-pool-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut text = String::new();
        for i in 0..n {
            if i % 100 == 99 {
                text.push_str("{\"n\": }\n");
            } else {
                text.push_str(&format!("{{\"n\": {i}}}\n"));
            }
        }
        let path = dir.join("in.jsonl");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The indexes of a batch's bodies, broken ones negative.
    fn indexes(items: Vec<Item>) -> Vec<i64> {
        items
            .into_iter()
            .map(|item| match item {
                Item::Body(_, body) if body.payload.is_ok() => body.index as i64,
                Item::Body(_, body) => -(body.index as i64),
                Item::Error(_) | Item::Skipped(_) => 0,
            })
            .collect()
    }

    #[test]
    fn results_come_in_input_order_whatever_the_workers() {
        let path = input("order", 5_000);
        let keys = Arc::new(KeySet::default());
        for jobs in [1, 2, 5, MAX_JOBS] {
            let mut seen = Vec::new();
            let read: Result<(), ()> = in_order(
                std::slice::from_ref(&path),
                Arc::clone(&keys),
                1 << 20,
                jobs,
                indexes,
                |batch| {
                    seen.extend(batch);
                    Ok(())
                },
            );
            read.unwrap();
            let expected: Vec<i64> = (1..=5_000)
                .map(|i| if i % 100 == 0 { -i } else { i })
                .collect();
            assert_eq!(seen, expected, "{jobs} workers");
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_caller_that_stops_stops_the_reading_and_the_workers() {
        let path = input("stop", 20_000);
        let mut batches = 0;
        let read = in_order(
            std::slice::from_ref(&path),
            Arc::new(KeySet::default()),
            1 << 20,
            3,
            indexes,
            |_| {
                batches += 1;
                if batches == 2 { Err("stop") } else { Ok(()) }
            },
        );
        assert_eq!(read, Err("stop"));
        assert_eq!(batches, 2);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_worker_that_panics_panics_the_caller_instead_of_hanging() {
        let path = input("panic", 3_000);
        let caught = std::panic::catch_unwind(|| {
            let _: Result<(), ()> = in_order(
                std::slice::from_ref(&path),
                Arc::new(KeySet::default()),
                1 << 20,
                2,
                |items| {
                    let seen = indexes(items);
                    assert!(!seen.contains(&1_001), "a bug in a worker");
                    seen
                },
                |_| Ok(()),
            );
        });
        assert!(caught.is_err());
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}

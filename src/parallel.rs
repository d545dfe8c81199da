//! The one way work is spread over threads: a local `rayon` pool of exactly
//! the `-j/--jobs` threads asked for (never the global pool, so `-j 1` means
//! one thread and the library never starts threads behind a caller's back),
//! jobs started in the caller's order, and every result handed back on the
//! calling thread as soon as it is ready. Hashing (largest file first) and
//! scanning many releases (each report written when done) both run on it.

use std::sync::mpsc;

/// The number of threads `jobs` stands for: 0 is every core.
pub fn threads(jobs: usize) -> usize {
    if jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        jobs
    }
}

/// Runs `work(i)` for every `i` of `order` on `jobs` threads (every core
/// when 0; never more threads than items), starting the jobs in `order`
/// (first in, first started), and calls `sink(i, result)` on the calling
/// thread as each result is ready, so in completion order. At most a few
/// results per thread wait for `sink`: a slow sink (a blocked pipe) holds the
/// workers back instead of piling results up in memory.
pub fn for_each_ready<R: Send>(
    order: &[usize],
    jobs: usize,
    work: impl Fn(usize) -> R + Sync,
    mut sink: impl FnMut(usize, R),
) {
    let threads = threads(jobs).min(order.len());
    let pool = (threads > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("openness-worker-{i}"))
                .build()
                .ok()
        })
        .flatten();
    let Some(pool) = pool else {
        for &i in order {
            let result = work(i);
            sink(i, result);
        }
        return;
    };
    let (tx, rx) = mpsc::sync_channel::<(usize, R)>(threads * 2);
    let work = &work;
    // The calling thread is not one of the pool's: it queues every job (in
    // FIFO order), then only receives, while the pool's threads work.
    pool.in_place_scope_fifo(|scope| {
        for &i in order {
            let tx = tx.clone();
            scope.spawn_fifo(move |_| {
                // The receiver outlives every job; a send cannot fail.
                let _ = tx.send((i, work(i)));
            });
        }
        drop(tx);
        for (i, result) in rx {
            sink(i, result);
        }
    });
}

/// `work` over every item, in parallel as [`for_each_ready`] (started in
/// `order`), results in item order.
pub fn map_in_order<R: Send>(
    len: usize,
    order: &[usize],
    jobs: usize,
    work: impl Fn(usize) -> R + Sync,
) -> Vec<Option<R>> {
    let mut out: Vec<Option<R>> = (0..len).map(|_| None).collect();
    for_each_ready(order, jobs, work, |i, r| out[i] = Some(r));
    out
}

/// `work` over every item, in chunks of `chunk` items, the chunks in
/// order: on every core when there are at least `parallel_from` items
/// (starting threads costs more than it saves on fewer), else in order on
/// the calling thread. For many small independent jobs inside one scan.
pub fn map_chunked<T: Sync, R: Send>(
    items: &[T],
    chunk: usize,
    parallel_from: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<Vec<R>> {
    let chunks: Vec<&[T]> = items.chunks(chunk.max(1)).collect();
    let run = |i: usize| {
        chunks
            .get(i)
            .map_or_else(Vec::new, |c| c.iter().map(&work).collect())
    };
    if items.len() < parallel_from {
        return (0..chunks.len()).map(run).collect();
    }
    let order: Vec<usize> = (0..chunks.len()).collect();
    map_in_order(chunks.len(), &order, 0, run)
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn chunks_come_back_in_order_whether_parallel_or_not() {
        let items: Vec<u32> = (0..1000).collect();
        for parallel_from in [0, usize::MAX] {
            let chunks = map_chunked(&items, 64, parallel_from, |i| i * 3);
            assert_eq!(chunks.len(), 16);
            assert!(chunks.iter().take(15).all(|c| c.len() == 64));
            let flat: Vec<u32> = chunks.into_iter().flatten().collect();
            assert_eq!(flat, items.iter().map(|i| i * 3).collect::<Vec<_>>());
        }
    }

    #[test]
    fn every_item_once_on_at_most_jobs_threads() {
        for jobs in [0, 1, 2, 3, 8] {
            let order: Vec<usize> = (0..100).rev().collect();
            let calls = AtomicUsize::new(0);
            let out = map_in_order(100, &order, jobs, |i| {
                calls.fetch_add(1, Ordering::Relaxed);
                (i * 2, std::thread::current().name().map(str::to_owned))
            });
            assert_eq!(calls.load(Ordering::Relaxed), 100);
            let mut names = std::collections::BTreeSet::new();
            for (i, slot) in out.into_iter().enumerate() {
                let (v, name) = slot.unwrap();
                assert_eq!(v, i * 2);
                names.insert(name);
            }
            assert!(
                names.len() <= threads(jobs).max(1),
                "jobs {jobs}: {names:?}"
            );
        }
    }

    #[test]
    fn one_job_runs_in_order_on_the_calling_thread() {
        let me = std::thread::current().id();
        let mut seen = Vec::new();
        for_each_ready(
            &[2, 0, 1],
            1,
            |i| (i, std::thread::current().id()),
            |i, (j, id)| {
                assert_eq!((i, id), (j, me));
                seen.push(i);
            },
        );
        assert_eq!(seen, [2, 0, 1]);
    }
}

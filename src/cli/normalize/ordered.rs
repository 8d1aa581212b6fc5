//! Work done on several threads and handed on in the order it was produced, in bounded
//! memory: what lets `normalize --jobs N` print exactly what one thread prints.
//!
//! The producer (reading the input) runs on a thread of its own, `jobs` workers do the work,
//! and the calling thread consumes the results in input order. Each unit of work travels
//! with a one-slot channel for its result, and the consumer receives those slots in the
//! order the units were produced, so order costs no sorting and no buffer of early results
//! beyond the slots in flight. Both queues are bounded: at most `in_flight` units wait for
//! the consumer, `jobs` wait for a worker and `jobs` are being worked on, whatever the
//! input's length.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

/// Runs `produce`, which hands units of work to the closure it is given, `work` on each unit
/// on `jobs` threads, and `consume` on each result in the order the units were handed over.
/// With `jobs` at most 1 everything runs on the calling thread, one unit at a time.
pub fn run<T, R>(
    jobs: usize,
    in_flight: usize,
    produce: impl FnOnce(&mut dyn FnMut(T)) + Send,
    work: impl Fn(T) -> R + Sync,
    mut consume: impl FnMut(R),
) where
    T: Send,
    R: Send,
{
    if jobs <= 1 {
        produce(&mut |unit| consume(work(unit)));
        return;
    }
    let (task_tx, task_rx) = sync_channel::<(T, SyncSender<R>)>(jobs);
    let (order_tx, order_rx) = sync_channel::<Receiver<R>>(in_flight.max(1));
    // Held by the workers only: when they are all gone, the producer's sends fail instead
    // of blocking.
    let task_rx = Arc::new(Mutex::new(task_rx));
    let work = &work;
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tasks = Arc::clone(&task_rx);
            scope.spawn(move || loop {
                let next = tasks
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .recv();
                let Ok((unit, slot)) = next else { break };
                // The consumer may have stopped; the result is then not wanted.
                let _ = slot.send(work(unit));
            });
        }
        drop(task_rx);
        scope.spawn(move || {
            let mut open = true;
            produce(&mut |unit| {
                if !open {
                    return;
                }
                let (slot, result) = sync_channel(1);
                open = order_tx.send(result).is_ok() && task_tx.send((unit, slot)).is_ok();
            });
            // Dropping both senders ends the workers and the consumer's loop.
        });
        for result in order_rx {
            match result.recv() {
                Ok(r) => consume(r),
                // Its worker is gone (it cannot be, short of a bug): stop, rather than
                // print what follows out of order.
                Err(_) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_workers_take() {
        for jobs in [1, 2, 4, 7] {
            let mut got = Vec::new();
            run(
                jobs,
                3,
                |hand| (0..500u64).for_each(hand),
                |i| {
                    // Uneven work, so that later units often finish first.
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    i * 2
                },
                |r| got.push(r),
            );
            assert_eq!(got, (0..500).map(|i| i * 2).collect::<Vec<_>>(), "{jobs}");
        }
    }

    #[test]
    fn no_more_units_are_in_flight_than_the_bounds() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let produced = AtomicUsize::new(0);
        let (jobs, in_flight) = (3, 4);
        let mut worst = 0;
        let mut consumed = 0;
        run(
            jobs,
            in_flight,
            |hand| {
                for i in 0..200 {
                    produced.fetch_add(1, Ordering::SeqCst);
                    hand(i);
                }
            },
            |i| i,
            |_| {
                consumed += 1;
                // Slow consumer: the producer must wait for it.
                std::thread::sleep(std::time::Duration::from_micros(100));
                worst = worst.max(produced.load(Ordering::SeqCst) - consumed);
            },
        );
        assert_eq!(consumed, 200);
        // Waiting for the consumer, queued for a worker, being worked on, being handed over.
        assert!(worst <= in_flight + 2 * jobs + 1, "{worst} in flight");
    }
}

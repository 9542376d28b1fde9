//! Many requests, one statement: what arrives while a statement is in
//! flight goes out together in the next.
//!
//! On the hot path (`/plan add`), each statement and each commit costs
//! PostgreSQL more than the rows it touches. A [`Batcher`] lets a request
//! that finds a batch slot free and nobody waiting run at once, alone, in
//! its own task (no hand-over between tasks, so nothing is added to its
//! latency at ordinary load). When every slot is busy (the database is
//! behind), requests queue, and a task hands what has queued to the next
//! free slot, up to a limit: under load the batches grow by themselves.
//! Every request gets its own answer, in order.
//!
//! `/metrics` counts, per batcher, the statements run
//! (`planbot_batches_total{batcher}`) and the requests they answered
//! (`planbot_batched_requests_total{batcher}`): their ratio is the mean
//! batch size, 1 at ordinary load.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::Background;

/// Requests in one batch at most.
const MAX_BATCH: usize = 256;
/// Batches in flight at once. A request that finds a slot free goes out at
/// once, alone, and PostgreSQL's group commit shares the disk flush of
/// commits that meet; only when every slot is busy (the database is behind)
/// do requests wait, and then they go together. With two, a request at
/// ordinary load could wait for two commits before its own. With eight,
/// under load the batches stayed small (2.6 adds from 32 connections) and
/// each add cost the database more: four gave batches of 4.3, a write path
/// of 1.6-1.8x a plain insert instead of 2.0-2.3x, and kept up with 5,000
/// requests per second where eight fell behind (`cargo bench --bench
/// plan_add`, README "Measurements"). Batches grow with the load, so the
/// number in flight does not cap the rate.
const CONCURRENT_BATCHES: usize = 4;
/// Requests waiting before callers wait for room.
const QUEUE: usize = 4096;

type Run<I, O> = Arc<dyn Fn(Vec<I>) -> Pin<Box<dyn Future<Output = Vec<O>> + Send>> + Send + Sync>;
/// A request and where its answer goes.
type Queued<I, O> = (I, oneshot::Sender<O>);

/// A handle to a batcher; clones share one queue. Its task starts with the
/// first request and ends when the last handle is dropped, after answering
/// what was queued.
pub struct Batcher<I, O> {
    run: Run<I, O>,
    queue: Arc<OnceLock<mpsc::Sender<Queued<I, O>>>>,
    /// Batches in flight, whether run by a request itself or by the task.
    slots: Arc<Semaphore>,
    background: Background,
}

impl<I, O> Clone for Batcher<I, O> {
    fn clone(&self) -> Self {
        Batcher { run: self.run.clone(), queue: self.queue.clone(), slots: self.slots.clone(), background: self.background.clone() }
    }
}

impl<I: Send + 'static, O: Send + 'static> Batcher<I, O> {
    /// `run` answers a batch: one output per input, in the inputs' order.
    /// Its tasks run on `background`'s tracker; once shutdown is signalled
    /// it answers what is queued and takes no more (callers then get `None`).
    /// `name` labels its counts in `/metrics`.
    pub fn new<F, Fut>(name: &'static str, background: &Background, run: F) -> Self
    where
        F: Fn(Vec<I>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<O>> + Send + 'static,
    {
        Batcher {
            run: Arc::new(move |inputs| {
                metrics::counter!("planbot_batches_total", "batcher" => name).increment(1);
                metrics::counter!("planbot_batched_requests_total", "batcher" => name).increment(inputs.len() as u64);
                Box::pin(run(inputs))
            }),
            queue: Arc::default(),
            slots: Arc::new(Semaphore::new(CONCURRENT_BATCHES)),
            background: background.clone(),
        }
    }

    /// The answer to one request, from the batch it joins; `None` only when
    /// the runtime is shutting down and the batcher's task is gone.
    pub async fn call(&self, input: I) -> Option<O> {
        if self.background.shutdown.is_cancelled() {
            return None;
        }
        let nobody_waiting = self.queue.get().is_none_or(|queue| queue.capacity() == queue.max_capacity());
        if nobody_waiting && let Ok(_slot) = self.slots.try_acquire() {
            return (self.run)(vec![input]).await.pop();
        }
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            let tasks = self.background.tasks.clone();
            self.background.tasks.spawn(serve(self.run.clone(), rx, self.slots.clone(), tasks, self.background.shutdown.clone()));
            tx
        });
        let (done, answer) = oneshot::channel();
        queue.send((input, done)).await.ok()?;
        answer.await.ok()
    }
}

async fn serve<I: Send + 'static, O: Send + 'static>(
    run: Run<I, O>,
    mut queue: mpsc::Receiver<Queued<I, O>>,
    slots: Arc<Semaphore>,
    tasks: TaskTracker,
    shutdown: CancellationToken,
) {
    loop {
        // The first request waiting, then room for its batch: while every
        // slot is busy, more requests queue, and go with it.
        let first = tokio::select! {
            first = queue.recv() => first,
            () = shutdown.cancelled(), if !queue.is_closed() => {
                // Take no more; what is queued is still answered.
                queue.close();
                continue;
            }
        };
        let Some(first) = first else { return };
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let mut batch = Vec::with_capacity(MAX_BATCH.min(queue.len() + 1));
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let (inputs, answers): (Vec<I>, Vec<oneshot::Sender<O>>) = batch.into_iter().unzip();
        let outputs = run(inputs);
        tasks.spawn(async move {
            let outputs = outputs.await;
            debug_assert_eq!(outputs.len(), answers.len(), "one answer per request");
            for (answer, output) in answers.into_iter().zip(outputs) {
                let _ = answer.send(output);
            }
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_request_gets_its_own_answer_and_concurrent_ones_share_batches() {
        let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = sizes.clone();
        let doubler = Batcher::new("test", &Background::default(), move |inputs: Vec<u32>| {
            seen.lock().unwrap().push(inputs.len());
            async move {
                tokio::task::yield_now().await;
                inputs.into_iter().map(|n| n * 2).collect::<Vec<u32>>()
            }
        });
        let calls: Vec<_> = (0..500u32)
            .map(|n| {
                let doubler = doubler.clone();
                tokio::spawn(async move { (n, doubler.call(n).await) })
            })
            .collect();
        for call in calls {
            let (n, answer) = call.await.unwrap();
            assert_eq!(answer, Some(n * 2));
        }
        let sizes = sizes.lock().unwrap();
        assert_eq!(sizes.iter().sum::<usize>(), 500);
        assert!(sizes.iter().all(|&size| size <= MAX_BATCH), "{sizes:?}");
        assert!(sizes.len() < 500, "500 requests at once were not sent one by one: {sizes:?}");
    }

    #[tokio::test]
    async fn a_lone_request_runs_at_once_in_its_own_task_and_requests_queue_only_when_every_slot_is_busy() {
        let tasks = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = tasks.clone();
        let gate = CancellationToken::new();
        let opened = gate.clone();
        let batcher = Batcher::new("test", &Background::default(), move |inputs: Vec<u32>| {
            seen.lock().unwrap().push((inputs.clone(), tokio::task::try_id()));
            let gate = opened.clone();
            async move {
                if inputs.contains(&0) {
                    gate.cancelled().await;
                }
                inputs
            }
        });
        // Alone: run in the caller's own task, not handed to another.
        let caller = tokio::spawn({
            let batcher = batcher.clone();
            async move { (batcher.call(7).await, tokio::task::id()) }
        });
        let (answer, caller_task) = caller.await.unwrap();
        assert_eq!(answer, Some(7));
        assert_eq!(tasks.lock().unwrap()[0], (vec![7], Some(caller_task)));

        // Every slot held by a batch that waits: the next requests queue and
        // go together once a slot is free.
        let held: Vec<_> = (0..CONCURRENT_BATCHES)
            .map(|_| {
                let batcher = batcher.clone();
                tokio::spawn(async move { batcher.call(0).await })
            })
            .collect();
        while tasks.lock().unwrap().len() < 1 + CONCURRENT_BATCHES {
            tokio::task::yield_now().await;
        }
        let queued: Vec<_> = (1..=5u32)
            .map(|n| {
                let batcher = batcher.clone();
                tokio::spawn(async move { batcher.call(n).await })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(tasks.lock().unwrap().len(), 1 + CONCURRENT_BATCHES, "nothing more runs while every slot is busy");
        gate.cancel();
        for call in held {
            assert_eq!(call.await.unwrap(), Some(0));
        }
        for (n, call) in (1..=5u32).zip(queued) {
            assert_eq!(call.await.unwrap(), Some(n));
        }
        let runs = tasks.lock().unwrap();
        let later: Vec<u32> = runs[1 + CONCURRENT_BATCHES..].iter().flat_map(|(inputs, _)| inputs.clone()).collect();
        assert_eq!(later, [1, 2, 3, 4, 5]);
        assert!(runs.len() < 1 + CONCURRENT_BATCHES + 5, "the queued requests went together: {runs:?}");
    }

    #[tokio::test]
    async fn after_shutdown_the_batcher_takes_nothing_more_and_its_tasks_end() {
        let background = Background::default();
        let echo = Batcher::new("test", &background, |inputs: Vec<u32>| async move { inputs });
        assert_eq!(echo.call(1).await, Some(1));
        background.shutdown.cancel();
        background.tasks.close();
        tokio::time::timeout(std::time::Duration::from_secs(5), background.tasks.wait())
            .await
            .expect("the batcher's tasks end once shutdown is signalled");
        assert_eq!(echo.call(2).await, None, "a request after shutdown is not taken");
    }
}

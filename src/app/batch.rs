//! Many requests, one statement: what arrives while a statement is in
//! flight goes out together in the next.
//!
//! On the hot path (`/plan add`), each statement and each commit costs
//! PostgreSQL more than the rows it touches. A [`Batcher`] queues requests
//! and hands a task what has queued, up to a limit; a lone request goes out
//! at once, and under load the batches grow by themselves. The task answers
//! every request of its batch, one answer each, in order.

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
/// ordinary load could wait for two commits before its own.
const CONCURRENT_BATCHES: usize = 6;
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
    background: Background,
}

impl<I, O> Clone for Batcher<I, O> {
    fn clone(&self) -> Self {
        Batcher { run: self.run.clone(), queue: self.queue.clone(), background: self.background.clone() }
    }
}

impl<I: Send + 'static, O: Send + 'static> Batcher<I, O> {
    /// `run` answers a batch: one output per input, in the inputs' order.
    /// Its tasks run on `background`'s tracker; once shutdown is signalled
    /// it answers what is queued and takes no more (callers then get `None`).
    pub fn new<F, Fut>(background: &Background, run: F) -> Self
    where
        F: Fn(Vec<I>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<O>> + Send + 'static,
    {
        Batcher { run: Arc::new(move |inputs| Box::pin(run(inputs))), queue: Arc::default(), background: background.clone() }
    }

    /// The answer to one request, from the batch it joins; `None` only when
    /// the runtime is shutting down and the batcher's task is gone.
    pub async fn call(&self, input: I) -> Option<O> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            let tasks = self.background.tasks.clone();
            self.background.tasks.spawn(serve(self.run.clone(), rx, tasks, self.background.shutdown.clone()));
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
    tasks: TaskTracker,
    shutdown: CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(CONCURRENT_BATCHES));
    let mut received = Vec::with_capacity(MAX_BATCH);
    loop {
        // Room first, so requests keep queueing (and batching) while every
        // slot is busy.
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let count = tokio::select! {
            count = queue.recv_many(&mut received, MAX_BATCH) => count,
            () = shutdown.cancelled(), if !queue.is_closed() => {
                // Take no more; what is queued is still answered below.
                queue.close();
                continue;
            }
        };
        if count == 0 {
            return;
        }
        let (inputs, answers): (Vec<I>, Vec<oneshot::Sender<O>>) = std::mem::take(&mut received).into_iter().unzip();
        received.reserve(MAX_BATCH);
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
        let doubler = Batcher::new(&Background::default(), move |inputs: Vec<u32>| {
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
    async fn after_shutdown_the_batcher_takes_nothing_more_and_its_tasks_end() {
        let background = Background::default();
        let echo = Batcher::new(&background, |inputs: Vec<u32>| async move { inputs });
        assert_eq!(echo.call(1).await, Some(1));
        background.shutdown.cancel();
        background.tasks.close();
        tokio::time::timeout(std::time::Duration::from_secs(5), background.tasks.wait())
            .await
            .expect("the batcher's tasks end once shutdown is signalled");
        assert_eq!(echo.call(2).await, None, "a request after shutdown is not taken");
    }
}

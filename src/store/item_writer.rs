//! Writes the action items people add, many in one statement when many
//! arrive at once.
//!
//! Each `/plan add` waits for its own item, written and audited, before it
//! answers. Written one by one, every item is its own statement and its own
//! commit, and PostgreSQL spends most of its time on that overhead. The
//! writer queues the items and writes what has queued while the previous
//! write was in flight in a single statement ([`actions::add_many`]): a lone
//! item is written at once, and under load the batches grow by themselves.
//! If a batch fails, its items are written one by one, so one bad item never
//! fails the others.

use std::sync::{Arc, OnceLock};

use sqlx::PgPool;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::Actor;
use super::actions::{self, ActionItem, AddError, NewAction};

/// Items written in one statement at most.
const MAX_BATCH: usize = 256;
/// Batches in flight at once (one being built while another commits).
const CONCURRENT_BATCHES: usize = 2;
/// Items waiting to be written before `add` waits for room.
const QUEUE: usize = 4096;

struct Request {
    new: NewAction,
    actor: Actor,
    done: oneshot::Sender<Result<ActionItem, AddError>>,
}

/// A handle to the writer; clones share one queue. The writer's task starts
/// with the first item and ends when the last handle is dropped, after
/// writing what was queued.
#[derive(Clone)]
pub struct ItemWriter {
    pool: PgPool,
    queue: Arc<OnceLock<mpsc::Sender<Request>>>,
}

impl ItemWriter {
    pub fn new(pool: PgPool) -> Self {
        ItemWriter { pool, queue: Arc::default() }
    }

    /// Adds an item to its account's active plan, audited as `actor`'s: the
    /// same as [`actions::add`].
    pub async fn add(&self, new: NewAction, actor: Actor) -> Result<ActionItem, AddError> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run(self.pool.clone(), rx));
            tx
        });
        let (done, answer) = oneshot::channel();
        if queue.send(Request { new: new.clone(), actor, done }).await.is_err() {
            // The writer is gone (the runtime is shutting down): write directly.
            return actions::add(&self.pool, &new, actor).await;
        }
        match answer.await {
            Ok(result) => result,
            Err(_) => actions::add(&self.pool, &new, actor).await,
        }
    }
}

async fn run(pool: PgPool, mut queue: mpsc::Receiver<Request>) {
    let slots = Arc::new(Semaphore::new(CONCURRENT_BATCHES));
    let mut received = Vec::with_capacity(MAX_BATCH);
    loop {
        // Wait for room first, so items keep queueing (and batching) while
        // every slot is busy.
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        if queue.recv_many(&mut received, MAX_BATCH).await == 0 {
            return;
        }
        let batch: Vec<Request> = std::mem::take(&mut received);
        received.reserve(MAX_BATCH);
        let pool = pool.clone();
        tokio::spawn(async move {
            write(&pool, batch).await;
            drop(slot);
        });
    }
}

/// Writes a batch, one statement per source of change (a batch's audit rows
/// share their source), and answers each request.
async fn write(pool: &PgPool, mut batch: Vec<Request>) {
    while !batch.is_empty() {
        let source = batch[0].actor.source;
        let (same, rest): (Vec<Request>, Vec<Request>) = batch.into_iter().partition(|r| r.actor.source == source);
        batch = rest;
        if same.len() == 1 {
            let request = same.into_iter().next().expect("one request");
            let result = actions::add(pool, &request.new, request.actor).await;
            let _ = request.done.send(result);
            continue;
        }
        let items: Vec<(NewAction, Actor)> = same.iter().map(|r| (r.new.clone(), r.actor)).collect();
        match actions::add_many(pool, &items).await {
            Ok(added) => {
                for (request, item) in same.into_iter().zip(added) {
                    let _ = request.done.send(item.ok_or(AddError::NoActivePlan));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, items = items.len(), "a batch of action items failed; writing them one by one");
                for request in same {
                    let result = actions::add(pool, &request.new, request.actor).await;
                    let _ = request.done.send(result);
                }
            }
        }
    }
}

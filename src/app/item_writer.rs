//! Writes the action items people add, many in one statement when many
//! arrive at once ([`actions::add_many`] through a [`Batcher`]).
//!
//! Each `/plan add` still waits for its own item, written and audited,
//! before it answers. If a batch fails, its items are written one by one, so
//! one bad item never fails the others.

use sqlx::PgPool;

use crate::store::Actor;
use crate::store::actions::{self, ActionItem, AddError, NewAction};
use super::Background;
use super::batch::Batcher;

/// A handle to the writer; clones share one queue.
#[derive(Clone)]
pub struct ItemWriter {
    pool: PgPool,
    batcher: Batcher<(NewAction, Actor), Result<ActionItem, AddError>>,
}

impl ItemWriter {
    pub fn new(pool: PgPool, background: &Background) -> Self {
        let batch_pool = pool.clone();
        let batcher = Batcher::new("item_writes", background, move |items| {
            let pool = batch_pool.clone();
            async move { write(&pool, items).await }
        });
        ItemWriter { pool, batcher }
    }

    /// Adds an item to its account's active plan, audited as `actor`'s: the
    /// same as [`actions::add`].
    pub async fn add(&self, new: NewAction, actor: Actor) -> Result<ActionItem, AddError> {
        match self.batcher.call((new.clone(), actor)).await {
            Some(result) => result,
            // The writer is gone (the runtime is shutting down): write directly.
            None => actions::add(&self.pool, &new, actor).await,
        }
    }
}

/// Writes a batch, one statement per source of change (a statement's audit
/// rows share their source); the answers in the items' order.
async fn write(pool: &PgPool, items: Vec<(NewAction, Actor)>) -> Vec<Result<ActionItem, AddError>> {
    let mut answers: Vec<Option<Result<ActionItem, AddError>>> = items.iter().map(|_| None).collect();
    let mut sources: Vec<&'static str> = items.iter().map(|(_, actor)| actor.source).collect();
    sources.sort_unstable();
    sources.dedup();
    for source in sources {
        let (positions, same): (Vec<usize>, Vec<(NewAction, Actor)>) =
            items.iter().enumerate().filter(|(_, (_, actor))| actor.source == source).map(|(i, item)| (i, item.clone())).unzip();
        let written: Vec<Result<ActionItem, AddError>> = if same.len() == 1 {
            vec![actions::add(pool, &same[0].0, same[0].1).await]
        } else {
            match actions::add_many(pool, &same).await {
                Ok(added) => added.into_iter().map(|item| item.ok_or(AddError::NoActivePlan)).collect(),
                Err(err) => {
                    tracing::warn!(error = %err, items = same.len(), "a batch of action items failed; writing them one by one");
                    let mut one_by_one = Vec::with_capacity(same.len());
                    for (new, actor) in &same {
                        one_by_one.push(actions::add(pool, new, *actor).await);
                    }
                    one_by_one
                }
            }
        };
        for (position, result) in positions.into_iter().zip(written) {
            answers[position] = Some(result);
        }
    }
    answers.into_iter().map(|answer| answer.expect("every item has a source")).collect()
}

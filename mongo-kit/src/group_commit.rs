//! Group commit: inserts into one collection that arrive while an earlier insert is on
//! its way are sent together, as one `insert` command, and share its journal write.
//!
//! Why: every acknowledged write waits for the journal (`j: true`, see
//! [`crate::settings`]), and the database's cost per `insert` command is mostly that wait's
//! bookkeeping, not the document. One client saving one goal at a time sees no
//! difference: its insert is sent at once, alone. When many clients save at the same
//! time, each waits for the batch on its way, then goes in the next one: the database
//! does one journaled command per batch instead of one per request.
//!
//! What each caller gets is what its own `insert_one` would have given: `Ok` once its
//! document is stored and journaled; its own write error (a duplicate key); the
//! command's error when the whole command failed. The batch is sent unordered, so one
//! document's write error does not hold back the others. Documents of one batch are
//! stored in the order they arrived; concurrent requests have no order of their own.
//! An insert runs to completion even when the caller is gone (like [`Db::run`]). One that
//! waited [`SLOT_TIMEOUT`] for its batch is answered [`DbError::Busy`] unsent; when a batch
//! finds the database unavailable ([`errors::is_unavailable`]: unreachable, or refusing
//! our login), the documents that waited for it get that error at once, unsent (so a
//! save is answered within about one driver timeout, as before).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use mongodb::error::{Error, ErrorKind, WriteError, WriteFailure};
use mongodb::Collection;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::db::{Db, DbError, SLOT_TIMEOUT};
use crate::errors;

/// At most this many documents go in one `insert` command (the driver splits larger
/// batches by the server's message size anyway).
pub const MAX_BATCH: usize = 1000;

struct Queued<T> {
    doc: T,
    since: Instant,
    answer: oneshot::Sender<Result<(), DbError>>,
}

struct State<T> {
    queued: Vec<Queued<T>>,
    /// A flusher task runs (it sends batches until the queue is empty).
    flushing: bool,
}

/// Inserts into one collection with group commit (module docs). Cheap to clone; clones
/// share one queue.
pub struct GroupCommit<T: Send + Sync> {
    db: Db,
    collection: Collection<T>,
    state: Arc<Mutex<State<T>>>,
}

impl<T: Send + Sync> Clone for GroupCommit<T> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            collection: self.collection.clone(),
            state: self.state.clone(),
        }
    }
}

impl<T: Serialize + Send + Sync + 'static> GroupCommit<T> {
    /// Inserts into `collection` through `db`'s slots (one slot per batch on its way).
    pub fn new(db: &Db, collection: Collection<T>) -> Self {
        Self {
            db: db.clone(),
            collection,
            state: Arc::new(Mutex::new(State {
                queued: Vec::new(),
                flushing: false,
            })),
        }
    }

    /// Stores `doc`: `Ok` once it is stored with the client's write concern; its own
    /// write error as [`DbError::Driver`] (`ErrorKind::Write`, as `insert_one` gives it);
    /// the command's error; or [`DbError::Busy`] when no batch took it within
    /// [`SLOT_TIMEOUT`] (then it was not sent).
    pub async fn insert(&self, doc: T) -> Result<(), DbError> {
        let (answer, answered) = oneshot::channel();
        let start_flusher = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.queued.push(Queued {
                doc,
                since: Instant::now(),
                answer,
            });
            !std::mem::replace(&mut state.flushing, true)
        };
        if start_flusher {
            tokio::spawn(self.clone().flush());
        }
        // the flusher answers everyone it took; it is gone only if its runtime shut down
        answered.await.unwrap_or(Err(DbError::Busy))
    }

    /// Sends batches until the queue is empty.
    async fn flush(self) {
        let mut flushing = Flushing(Some(&self.state));
        loop {
            let batch: Vec<Queued<T>> = {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                if state.queued.is_empty() {
                    // under the lock: an insert queued after this starts a new flusher
                    state.flushing = false;
                    flushing.0 = None;
                    return;
                }
                let n = state.queued.len().min(MAX_BATCH);
                state.queued.drain(..n).collect()
            };
            let (batch, late): (Vec<_>, Vec<_>) = batch
                .into_iter()
                .partition(|q| q.since.elapsed() < SLOT_TIMEOUT);
            for q in late {
                let _ = q.answer.send(Err(DbError::Busy));
            }
            if batch.is_empty() {
                continue;
            }
            let (docs, answers): (Vec<T>, Vec<_>) =
                batch.into_iter().map(|q| (q.doc, q.answer)).unzip();
            {
                static SIZE: std::sync::OnceLock<metrics::Histogram> = std::sync::OnceLock::new();
                SIZE.get_or_init(|| metrics::histogram!("db_group_commit_batch_size"))
            }
            .record(docs.len() as f64);
            let collection = self.collection.clone();
            let result = self
                .db
                .run("insert", async move {
                    collection.insert_many(&docs).ordered(false).await
                })
                .await;
            for (i, answer) in answers.into_iter().enumerate() {
                let _ = answer.send(answer_for(&result, i));
            }
            if let Err(DbError::Driver(e)) = &result {
                if errors::is_unavailable(e) {
                    // the documents that waited for this batch get its answer at once,
                    // unsent, rather than a second wait of their own
                    let waited = std::mem::take(
                        &mut self.state.lock().unwrap_or_else(|p| p.into_inner()).queued,
                    );
                    for q in waited {
                        let _ = q.answer.send(Err(DbError::Driver(e.clone())));
                    }
                }
            }
        }
    }
}

/// What the `i`th document of a batch gets from the batch's result.
fn answer_for<R>(result: &Result<R, DbError>, i: usize) -> Result<(), DbError> {
    let e = match result {
        Ok(_) => return Ok(()),
        Err(DbError::Driver(e)) => e,
        Err(busy) => return Err(busy.clone()),
    };
    match &*e.kind {
        ErrorKind::InsertMany(many) if many.write_concern_error.is_none() => {
            match many.write_errors.iter().flatten().find(|w| w.index == i) {
                Some(own) => Err(DbError::Driver(Error::from(ErrorKind::Write(
                    WriteFailure::WriteError(WriteError::from(own.clone())),
                )))),
                None => Ok(()),
            }
        }
        _ => Err(DbError::Driver(e.clone())),
    }
}

/// Marks the flusher gone when it ends without emptying the queue (a panic, a runtime
/// shutting down): the documents still queued are answered [`DbError::Busy`] (unsent),
/// and the next insert starts a new flusher.
struct Flushing<'a, T>(Option<&'a Mutex<State<T>>>);

impl<T> Drop for Flushing<'_, T> {
    fn drop(&mut self) {
        if let Some(state) = self.0 {
            let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
            state.flushing = false;
            state.queued.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::{doc, from_document};
    use mongodb::error::InsertManyError;

    fn batch_error(failure: mongodb::bson::Document) -> Result<(), DbError> {
        let many: InsertManyError = from_document(failure).expect("an InsertManyError");
        Err(DbError::Driver(Error::from(ErrorKind::InsertMany(many))))
    }

    fn code(answer: Result<(), DbError>) -> Option<i32> {
        match answer {
            Ok(()) => None,
            Err(DbError::Driver(e)) => match &*e.kind {
                ErrorKind::Write(WriteFailure::WriteError(w)) => Some(w.code),
                ErrorKind::InsertMany(m) => m.write_concern_error.as_ref().map(|w| w.code),
                _ => Some(-1),
            },
            Err(DbError::Busy) => Some(-2),
        }
    }

    #[test]
    fn each_document_gets_its_own_write_error_and_everyone_a_write_concern_error() {
        let own =
            batch_error(doc! { "writeErrors": [{ "index": 1, "code": 11000, "errmsg": "dup" }] });
        let codes: Vec<_> = (0..3).map(|i| code(answer_for(&own, i))).collect();
        assert_eq!(codes, [None, Some(11000), None]);

        let unsure = batch_error(doc! {
            "writeConcernError": { "code": 64, "codeName": "WriteConcernFailed", "errmsg": "timed out" }
        });
        let codes: Vec<_> = (0..3).map(|i| code(answer_for(&unsure, i))).collect();
        assert_eq!(
            codes,
            [Some(64); 3],
            "not journaled: no one is told it was saved"
        );

        let busy: Result<(), DbError> = Err(DbError::Busy);
        assert_eq!(code(answer_for(&busy, 0)), Some(-2));
        assert_eq!(code(answer_for(&Ok::<(), DbError>(()), 7)), None);
    }
}

//! Shared reads: list requests that arrive while a list read is on its way wait for it to
//! end, then share the next one. The read side of [`crate::group_commit`].
//!
//! Why: under load, each `GET /goals` asking the database for the same list costs the
//! database a whole `find` (and, on the test server, lock hand-offs between its threads
//! that grow with the number of reads in flight: bench/RESULTS.md). Here at most one list
//! read per collection is in flight per process; the requests that came meanwhile get one
//! answer between them, made once (found, decoded, serialised).
//!
//! What each caller gets is what a read of its own, started when it arrived, would give:
//! the read it shares **starts after it arrived** (never one already on its way, which may
//! have begun before a write the caller saw acknowledged), so a client that saved a goal
//! and then lists sees its goal. A lone request is read at once, alone. A read runs to
//! completion in a task of its own even when its callers are gone; its error (database
//! unavailable, busy) is every waiter's error.

use std::future::Future;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use tokio::sync::oneshot;

use crate::db::DbError;

type Answer<R> = oneshot::Sender<Result<R, DbError>>;

struct State<R> {
    /// A read is on its way (its callers are answered when it ends).
    running: bool,
    /// Callers that came while it was: they share the next read, made with the first
    /// one's operation (every caller's operation reads the same thing).
    waiting: Vec<Answer<R>>,
    next: Option<BoxFuture<'static, Result<R, DbError>>>,
}

/// Reads of one thing shared by the callers that ask while one is on its way (module docs).
/// Cheap to clone; clones share one queue. `R` is cloned once per caller: make it cheap
/// (`Bytes`, an `Arc`).
pub struct SharedRead<R> {
    state: Arc<Mutex<State<R>>>,
}

impl<R> Clone for SharedRead<R> {
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
        }
    }
}

impl<R> Default for SharedRead<R> {
    fn default() -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                running: false,
                waiting: Vec::new(),
                next: None,
            })),
        }
    }
}

impl<R: Clone + Send + 'static> SharedRead<R> {
    /// `read`'s answer, or that of a read started after this call that another caller's
    /// `read` made (module docs). Cancelling the call does not cancel the read.
    pub async fn read<F>(&self, read: F) -> Result<R, DbError>
    where
        F: Future<Output = Result<R, DbError>> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let start = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.waiting.push(answer);
            if state.next.is_none() {
                state.next = Some(read.boxed());
            }
            !std::mem::replace(&mut state.running, true)
        };
        if start {
            tokio::spawn(self.clone().run());
        }
        // the runner answers everyone it took; it is gone only if its runtime shut down
        answered.await.unwrap_or(Err(DbError::Busy))
    }

    /// Makes reads until nobody waits: each for the callers that waited for it.
    async fn run(self) {
        loop {
            let (callers, read) = {
                let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
                match state.next.take() {
                    Some(read) => (std::mem::take(&mut state.waiting), read),
                    None => {
                        // under the lock: a caller that comes after this starts a new runner
                        state.running = false;
                        return;
                    }
                }
            };
            {
                static SIZE: std::sync::OnceLock<metrics::Histogram> = std::sync::OnceLock::new();
                SIZE.get_or_init(|| metrics::histogram!("db_shared_read_callers_size"))
            }
            .record(callers.len() as f64);
            // in a task of its own: a read that panics answers Busy, and the queue goes on
            let result = tokio::spawn(read).await.unwrap_or(Err(DbError::Busy));
            for caller in callers {
                let _ = caller.send(result.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A read that counts itself, takes `ms`, and answers the number of writes it saw.
    fn counted(
        reads: &Arc<AtomicUsize>,
        writes: &Arc<AtomicUsize>,
        ms: u64,
    ) -> impl Future<Output = Result<usize, DbError>> + Send + 'static {
        let (reads, writes) = (reads.clone(), writes.clone());
        async move {
            reads.fetch_add(1, Ordering::SeqCst);
            // what the read sees is decided when it starts
            let seen = writes.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(seen)
        }
    }

    #[tokio::test]
    async fn callers_during_a_read_share_the_next_one() {
        let shared = SharedRead::<usize>::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let writes = Arc::new(AtomicUsize::new(0));
        // a lone caller reads at once, alone
        assert_eq!(shared.read(counted(&reads, &writes, 1)).await.unwrap(), 0);
        assert_eq!(reads.load(Ordering::SeqCst), 1);

        // 20 callers at once: the first read, then one more for all who came during it
        let all: Vec<_> = (0..20)
            .map(|_| {
                let s = shared.clone();
                let r = counted(&reads, &writes, 30);
                tokio::spawn(async move { s.read(r).await })
            })
            .collect();
        for h in all {
            h.await.unwrap().unwrap();
        }
        let total = reads.load(Ordering::SeqCst);
        assert!(total <= 3, "{total} reads for 1 + 20 callers");
    }

    #[tokio::test]
    async fn a_caller_never_gets_a_read_that_began_before_it_came() {
        let shared = SharedRead::<usize>::default();
        let reads = Arc::new(AtomicUsize::new(0));
        let writes = Arc::new(AtomicUsize::new(0));
        // a slow read is on its way, having seen no write
        let early = tokio::spawn({
            let s = shared.clone();
            let r = counted(&reads, &writes, 100);
            async move { s.read(r).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        // a write is acknowledged, then its writer lists
        writes.fetch_add(1, Ordering::SeqCst);
        let seen = shared.read(counted(&reads, &writes, 1)).await.unwrap();
        assert_eq!(
            seen, 1,
            "the list misses a write acknowledged before it was asked"
        );
        assert_eq!(early.await.unwrap().unwrap(), 0);
    }

    #[tokio::test]
    async fn an_error_is_every_waiters_and_a_gone_caller_leaves_the_read_running() {
        let shared = SharedRead::<usize>::default();
        let failing = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err(DbError::Busy)
        };
        let a = tokio::spawn({
            let s = shared.clone();
            async move { s.read(failing).await }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        let done = Arc::new(AtomicUsize::new(0));
        let second = {
            let done = done.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                done.fetch_add(1, Ordering::SeqCst);
                Err(DbError::Busy)
            }
        };
        let b = tokio::spawn({
            let s = shared.clone();
            async move { s.read(second).await }
        });
        assert!(matches!(a.await.unwrap(), Err(DbError::Busy)));
        b.abort();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(done.load(Ordering::SeqCst), 1, "the read ran to its end");
        // and the queue works afterwards
        assert_eq!(shared.read(async { Ok(7) }).await.unwrap(), 7);
    }
}

//! Every database call of a service goes through [`Db`]: a bound on concurrent
//! operations in front of the driver's connection pool, and operations that run to
//! completion even when the request that started them is gone.
//!
//! Why: the `mongodb` driver's pool worker serves at most one queued checkout request
//! per wake-up, and a request whose caller was cancelled (hyper drops a handler when
//! its client disconnects) still costs one. After a burst of 64 clients that went away,
//! a new request waited ~0.5 s per abandoned checkout: ~22 s. Here a caller waits in
//! a tokio [`Semaphore`] instead (a cancelled waiter leaves that queue at once), at
//! most `maxPoolSize - 1` data operations hold a connection at a time (so each gets a
//! pooled or a new connection without queueing in the driver), one more is kept for
//! the readiness ping (one at a time, shared by every caller, so `/readyz` never
//! queues behind data routes), and each
//! operation runs in a task of its own, so no checkout is ever abandoned.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt, Shared};
use mongodb::bson::doc;
use mongodb::error::{Error as MongoError, ErrorKind, Result as MongoResult};
use mongodb::{Client, Database};
use service_kit::metrics::Family;
use tokio::sync::Semaphore;

use crate::errors::message;

/// The handles of one operation and outcome ([`Db::run`]'s metrics, registered once each).
struct OperationHandles {
    total: metrics::Counter,
    duration: metrics::Histogram,
}

static OPERATIONS: Family<(&'static str, &'static str), OperationHandles> = Family::new();
static SLOT_WAIT: std::sync::OnceLock<metrics::Histogram> = std::sync::OnceLock::new();

/// Server selection and connect timeouts: no request waits longer than this for the database.
pub const DRIVER_TIMEOUT: Duration = Duration::from_secs(3);

/// How long [`Db::run`] may wait for a slot: the driver's own timeout, 3 s.
pub const SLOT_TIMEOUT: Duration = DRIVER_TIMEOUT;

/// The driver's default `maxPoolSize`.
pub const DEFAULT_POOL_SIZE: u32 = 10;

type SharedPing = Shared<BoxFuture<'static, Result<(), DbError>>>;

/// Why an operation did not run: the database did not answer, refused, or no slot for
/// an operation came free within [`DRIVER_TIMEOUT`].
#[derive(Debug, Clone)]
pub enum DbError {
    /// The driver's error (the server answered with an error, or could not be reached).
    Driver(mongodb::error::Error),
    /// Every slot stayed busy for [`DRIVER_TIMEOUT`]: the database is too slow to keep up.
    Busy,
}

impl From<mongodb::error::Error> for DbError {
    fn from(e: mongodb::error::Error) -> Self {
        Self::Driver(e)
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Driver(e) => write!(f, "{}", message(e)),
            Self::Busy => write!(
                f,
                "no database connection came free within {} s",
                DRIVER_TIMEOUT.as_secs()
            ),
        }
    }
}

impl std::error::Error for DbError {}

/// A client, its database and the limits described in the module docs. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    client: Client,
    database: Database,
    data: Arc<Semaphore>,
    hosts: Arc<Vec<(String, u16)>>,
    ping_in_flight: Arc<std::sync::Mutex<Option<SharedPing>>>,
    warnings: Arc<RwLock<BTreeMap<&'static str, String>>>,
}

impl Db {
    /// Wraps a connected client. `pool_size` is the client's `maxPoolSize`
    /// (`None`: the driver's default, 10); data operations get `pool_size - 1` slots
    /// (at least one), the readiness ping one.
    /// `hosts`: the servers it was configured with, `(host, port)`, for reports.
    pub fn new(
        client: Client,
        database: Database,
        pool_size: Option<u32>,
        hosts: Vec<(String, u16)>,
    ) -> Self {
        let pool = pool_size.unwrap_or(DEFAULT_POOL_SIZE).max(2) as usize;
        Self {
            client,
            database,
            data: Arc::new(Semaphore::new(pool - 1)),
            hosts: Arc::new(hosts),
            ping_in_flight: Arc::default(),
            warnings: Arc::default(),
        }
    }

    /// The database the service uses.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The servers it was configured with, `(host, port)`, without credentials.
    pub fn hosts(&self) -> &[(String, u16)] {
        &self.hosts
    }

    /// The driver's client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs one data operation, `operation` naming it in the metrics (`find`, `insert`,
    /// `delete`, …): waits for a slot (at most [`DRIVER_TIMEOUT`], else [`DbError::Busy`]),
    /// then runs `op` to completion in a task of its own. Recorded:
    /// `db_slot_wait_seconds` (the wait), `db_operation_duration_seconds{operation}` (the
    /// operation itself) and `db_operations_total{operation, outcome}` with `outcome` `ok`,
    /// `error`, or `busy` (no slot came free: the 503s of a database too slow to keep up).
    pub async fn run<T, F>(&self, operation: &'static str, op: F) -> Result<T, DbError>
    where
        F: Future<Output = MongoResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        let t0 = std::time::Instant::now();
        let result = run_limited(&self.data, op, |waited| {
            SLOT_WAIT
                .get_or_init(|| metrics::histogram!("db_slot_wait_seconds"))
                .record(waited.as_secs_f64());
        })
        .await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(DbError::Busy) => "busy",
            Err(DbError::Driver(_)) => "error",
        };
        let took = t0.elapsed().as_secs_f64();
        OPERATIONS.with(
            (operation, outcome),
            || OperationHandles {
                total: metrics::counter!("db_operations_total", "operation" => operation, "outcome" => outcome),
                duration: metrics::histogram!("db_operation_duration_seconds", "operation" => operation),
            },
            |h| {
                h.total.increment(1);
                if outcome != "busy" {
                    h.duration.record(took);
                }
            },
        );
        result
    }

    /// `ping` on the admin database, outside the data slots (so never behind data
    /// operations) and at most one at a time: callers that come while a ping is under
    /// way share its answer. Takes at most [`DRIVER_TIMEOUT`].
    pub async fn ping(&self) -> Result<(), DbError> {
        let ping = {
            let mut in_flight = self
                .ping_in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            match &*in_flight {
                Some(ping) if ping.peek().is_none() => ping.clone(),
                _ => {
                    let client = self.client.clone();
                    let task = tokio::spawn(async move { ping(&client).await });
                    let ping = async move {
                        match task.await {
                            Ok(result) => result.map_err(DbError::Driver),
                            Err(_) => Err(DbError::Busy),
                        }
                    }
                    .boxed()
                    .shared();
                    *in_flight = Some(ping.clone());
                    ping
                }
            }
        };
        ping.await
    }

    /// Sets (or replaces) a warning that readiness reports while the service still
    /// works, e.g. a unique index that cannot be made. `key` names its cause.
    pub fn set_warning(&self, key: &'static str, message: impl Into<String>) {
        let mut w = self.warnings.write().unwrap_or_else(|p| p.into_inner());
        w.insert(key, message.into());
    }

    /// Removes the warning `key` (its cause is gone).
    pub fn clear_warning(&self, key: &'static str) {
        let mut w = self.warnings.write().unwrap_or_else(|p| p.into_inner());
        w.remove(key);
    }

    /// The current warnings, in key order.
    pub fn warnings(&self) -> Vec<String> {
        let w = self.warnings.read().unwrap_or_else(|p| p.into_inner());
        w.values().cloned().collect()
    }
}

/// Answers when the server accepts a `ping` (with authentication, if configured).
pub async fn ping(client: &Client) -> Result<(), MongoError> {
    client
        .database("admin")
        .run_command(doc! { "ping": 1 })
        .await
        .map(|_| ())
}

/// Logs the database's state as it changes (reachable, unreachable and why), checking
/// every 2 s in the background, so a wrong password or a database that is not up yet
/// shows as one clear line rather than as failing requests only.
pub fn watch(db: Db, target: String) {
    tokio::spawn(async move {
        let mut last: Option<Result<(), String>> = None;
        loop {
            let now = db.ping().await.map_err(|e| match e {
                DbError::Driver(e) => explain(&e),
                busy => busy.to_string(),
            });
            if last.as_ref() != Some(&now) {
                match &now {
                    Ok(()) => tracing::info!(mongodb = %target, "database reachable: ready"),
                    Err(why) => tracing::error!(mongodb = %target, "database not reachable: {why}"),
                }
                last = Some(now);
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

/// A one-line reason for a failed ping that a student can act on, with what to do for the two
/// common ones: a refused login (most often a data volume whose root user was created with
/// another password) and no answer at all (the database is not up, or the host name is not
/// its name on a network this service shares).
pub fn explain(err: &MongoError) -> String {
    match &*err.kind {
        ErrorKind::Authentication { .. } => format!(
            "authentication failed (check MONGODB_USERNAME / MONGODB_PASSWORD and the auth source; \
             MongoDB creates its root user only on an empty data volume, so a volume made with \
             another password keeps that one: `docker compose down -v` deletes the volume and \
             its data): {}",
            message(err)
        ),
        ErrorKind::ServerSelection { .. } => format!(
            "no server answered within {} s (is the database running, e.g. `docker compose ps`? \
             is the host name its service or container name on a network this service shares? \
             in a container, localhost is the container itself): {}",
            DRIVER_TIMEOUT.as_secs(),
            message(err)
        ),
        _ => message(err),
    }
}

async fn run_limited<T, F>(
    slots: &Arc<Semaphore>,
    op: F,
    waited: impl FnOnce(Duration),
) -> Result<T, DbError>
where
    F: Future<Output = MongoResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let t0 = tokio::time::Instant::now();
    let permit = match tokio::time::timeout(SLOT_TIMEOUT, slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        // the semaphore is never closed; a timeout means every slot stayed busy
        Ok(Err(_)) | Err(_) => return Err(DbError::Busy),
    };
    waited(t0.elapsed());
    let task = tokio::spawn(async move {
        let result = op.await;
        drop(permit);
        result
    });
    match task.await {
        Ok(result) => result.map_err(DbError::Driver),
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        // only a runtime shutting down cancels the task
        Err(_) => Err(DbError::Busy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_waiter_gives_up_after_the_driver_timeout_and_a_cancelled_one_leaves_the_queue() {
        let slots = Arc::new(Semaphore::new(1));
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let busy = tokio::spawn({
            let slots = slots.clone();
            async move {
                run_limited(
                    &slots,
                    async move {
                        let _ = hold.await;
                        Ok(())
                    },
                    drop,
                )
                .await
            }
        });
        tokio::task::yield_now().await;
        assert_eq!(slots.available_permits(), 0);

        // a waiter that is cancelled takes nothing with it
        let cancelled = tokio::spawn({
            let slots = slots.clone();
            async move { run_limited(&slots, async { Ok(1) }, drop).await }
        });
        tokio::task::yield_now().await;
        cancelled.abort();
        let _ = cancelled.await;

        // a waiter that waits too long gets Busy
        let t0 = tokio::time::Instant::now();
        let r = run_limited(&slots, async { Ok(2) }, drop).await;
        assert!(matches!(r, Err(DbError::Busy)), "{r:?}");
        assert_eq!(t0.elapsed(), SLOT_TIMEOUT);

        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(slots.available_permits(), 1);
        assert_eq!(run_limited(&slots, async { Ok(3) }, drop).await.unwrap(), 3);
    }

    #[tokio::test]
    async fn an_operation_runs_to_completion_when_its_caller_is_gone() {
        let slots = Arc::new(Semaphore::new(1));
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let caller = tokio::spawn({
            let slots = slots.clone();
            async move {
                run_limited(
                    &slots,
                    async move {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        let _ = done_tx.send(());
                        Ok(())
                    },
                    drop,
                )
                .await
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        caller.abort();
        tokio::time::timeout(Duration::from_secs(2), done_rx)
            .await
            .expect("the operation finished")
            .unwrap();
        // and its slot came back
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(slots.available_permits(), 1);
    }
}

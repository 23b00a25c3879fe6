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
use mongodb::error::Result as MongoResult;
use mongodb::{Client, Database};
use tokio::sync::Semaphore;

use crate::mongo::{self, DRIVER_TIMEOUT};

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
            Self::Driver(e) => write!(f, "{}", mongo::message(e)),
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

    /// Runs one data operation: waits for a slot (at most [`DRIVER_TIMEOUT`], else
    /// [`DbError::Busy`]), then runs `op` to completion in a task of its own.
    pub async fn run<T, F>(&self, op: F) -> Result<T, DbError>
    where
        F: Future<Output = MongoResult<T>> + Send + 'static,
        T: Send + 'static,
    {
        run_limited(&self.data, op).await
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
                    let task = tokio::spawn(async move { mongo::ping(&client).await });
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

/// Stored documents a list route could not read (a field of the wrong type, written by
/// another program): each is logged once per process with its collection, id and what
/// is wrong, and the list goes on without it. Cheap to clone.
#[derive(Clone, Default)]
pub struct OddDocuments {
    seen: Arc<std::sync::Mutex<std::collections::HashSet<String>>>,
}

/// At most this many odd ids are remembered; past it, each is logged every time.
const ODD_IDS_REMEMBERED: usize = 10_000;

impl OddDocuments {
    /// Logs (once per `id`) that the document `id` of `collection` was left out of a
    /// list because of `why`.
    pub fn report(&self, collection: &str, id: &str, why: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let key = format!("{collection}/{id}");
        if seen.contains(&key) {
            return;
        }
        if seen.len() < ODD_IDS_REMEMBERED {
            seen.insert(key);
        }
        tracing::warn!(
            collection,
            id,
            problem = why,
            "a stored document cannot be read: left out of the list (fix or remove it in the database)"
        );
    }
}

/// Every document of `collection` in insertion order, read with `parse`; a document `parse`
/// refuses (another program wrote it: a field of the wrong type) is left out and reported
/// once to `odd` with its id and the reason. A list route never fails on one odd document.
///
/// One `find` with an empty filter and no `sort`: the server returns the documents in
/// its natural order, which is insertion order for a WiredTiger collection (what the
/// course's Node version relies on too). Sorting by `_id` would cost the server an
/// in-memory sort on every call (about twice the work per list on the test server) and
/// is not insertion order anyway when several replicas insert within one second (an
/// ObjectId orders by its seconds, then by the writing process's random bytes).
pub async fn list_readable<T: Send + 'static>(
    db: &Db,
    collection: &mongodb::Collection<mongodb::bson::RawDocumentBuf>,
    odd: &OddDocuments,
    parse: fn(&mongodb::bson::RawDocument) -> Result<T, String>,
) -> Result<Vec<T>, DbError> {
    let raw = collection.clone();
    let odd = odd.clone();
    db.run(async move {
        let mut cursor = raw.find(mongodb::bson::doc! {}).await?;
        let mut items = Vec::new();
        // each document is read where the reply holds it (no copy of its own per document)
        while cursor.advance().await? {
            let doc = cursor.current();
            match parse(doc) {
                Ok(item) => items.push(item),
                Err(why) => odd.report(raw.name(), &id_text(doc), &why),
            }
        }
        Ok(items)
    })
    .await
}

/// The 24 lowercase hex digits of an ObjectId, as the API shows ids: the same text as
/// `ObjectId::to_hex`, written without its per-character iterator (a list writes one
/// per document).
pub fn object_id_hex(id: &mongodb::bson::oid::ObjectId) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 24];
    for (i, byte) in id.bytes().iter().enumerate() {
        out[2 * i] = DIGITS[(byte >> 4) as usize];
        out[2 * i + 1] = DIGITS[(byte & 0x0f) as usize];
    }
    // only ASCII hex digits were written
    String::from_utf8(out.to_vec()).expect("ASCII")
}

/// Reads a stored document in one pass over its elements: its `_id`, which must be an
/// ObjectId, and the string fields `names`, in that order (a missing field reads as
/// empty). `Err` says in one phrase what is odd (for [`OddDocuments::report`]): the `_id`
/// is missing or not an ObjectId, a field is not a string, or the bytes cannot be read.
pub fn read_strings<const N: usize>(
    doc: &mongodb::bson::RawDocument,
    names: [&str; N],
) -> Result<(mongodb::bson::oid::ObjectId, [String; N]), String> {
    let mut id = None;
    let mut values: [String; N] = std::array::from_fn(|_| String::new());
    for element in doc.iter_elements() {
        let element = element.map_err(|e| format!("the document cannot be read: {e}"))?;
        let key = element.key();
        if key == "_id" {
            let value = element
                .value()
                .map_err(|e| format!("_id cannot be read: {e}"))?;
            id = Some(
                value
                    .as_object_id()
                    .ok_or_else(|| "_id is not an ObjectId".to_owned())?,
            );
        } else if let Some(i) = names.iter().position(|name| *name == key) {
            let value = element
                .value()
                .map_err(|e| format!("{key} cannot be read: {e}"))?;
            values[i] = value
                .as_str()
                .ok_or_else(|| format!("{key} is a {:?}, not a string", value.element_type()))?
                .to_owned();
        }
    }
    let id = id.ok_or_else(|| "_id is not an ObjectId".to_owned())?;
    Ok((id, values))
}

/// The `_id` of a raw document as text, for logs: the hex of an ObjectId, else the
/// value's JSON-like form.
pub fn id_text(doc: &mongodb::bson::RawDocument) -> String {
    match doc.get("_id") {
        Ok(Some(id)) => match id.as_object_id() {
            Some(oid) => oid.to_hex(),
            None => format!("{:?}", id),
        },
        _ => "(no _id)".to_owned(),
    }
}

async fn run_limited<T, F>(slots: &Arc<Semaphore>, op: F) -> Result<T, DbError>
where
    F: Future<Output = MongoResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let permit = match tokio::time::timeout(SLOT_TIMEOUT, slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        // the semaphore is never closed; a timeout means every slot stayed busy
        Ok(Err(_)) | Err(_) => return Err(DbError::Busy),
    };
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
                run_limited(&slots, async move {
                    let _ = hold.await;
                    Ok(())
                })
                .await
            }
        });
        tokio::task::yield_now().await;
        assert_eq!(slots.available_permits(), 0);

        // a waiter that is cancelled takes nothing with it
        let cancelled = tokio::spawn({
            let slots = slots.clone();
            async move { run_limited(&slots, async { Ok(1) }).await }
        });
        tokio::task::yield_now().await;
        cancelled.abort();
        let _ = cancelled.await;

        // a waiter that waits too long gets Busy
        let t0 = tokio::time::Instant::now();
        let r = run_limited(&slots, async { Ok(2) }).await;
        assert!(matches!(r, Err(DbError::Busy)), "{r:?}");
        assert_eq!(t0.elapsed(), SLOT_TIMEOUT);

        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(slots.available_permits(), 1);
        assert_eq!(run_limited(&slots, async { Ok(3) }).await.unwrap(), 3);
    }

    #[tokio::test]
    async fn an_operation_runs_to_completion_when_its_caller_is_gone() {
        let slots = Arc::new(Semaphore::new(1));
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let caller = tokio::spawn({
            let slots = slots.clone();
            async move {
                run_limited(&slots, async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    let _ = done_tx.send(());
                    Ok(())
                })
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

//! The MongoDB side of the course's services (the backend and the favorites service).
//! The frontend and the SWAPI stand-in do without it, and so without the driver.
//!
//! Its modules, each using only those above it in this list:
//! - [`errors`]: the driver's errors on one line, and which mean "unavailable" (503);
//! - [`db`]: [`Db`], every operation bounded and run to completion, the readiness ping;
//! - [`settings`]: the one MongoDB rule of the README ([`MongoConfig`]: `MONGODB_URL`, or
//!   host, port and credential) and the driver options;
//! - [`group_commit`]: saves that arrive together share one `insert`;
//! - [`shared_read`]: list requests that arrive together share one read;
//! - [`store`]: [`Store`], a collection of one kind of document (list, insert, delete), and
//!   [`store::SharedList`], its list as JSON with shared reads;
//! - [`service`]: what a service whose data lives in MongoDB adds to `service-kit`
//!   (readiness, 503s, its `/connections` upstream, its start-up).

pub mod db;
pub mod errors;
pub mod group_commit;
pub mod service;
pub mod settings;
pub mod shared_read;
pub mod store;

pub use db::{Db, DbError};
pub use group_commit::GroupCommit;
pub use settings::{MongoConfig, MongoDefaults};
pub use store::{SharedList, Store, StoredDocument};

//! The MongoDB-compatible test server (SecantusDB) as tests use it: the shared server
//! ([`crate::mongo_server`] starts or reuses it), clients, and dedicated instances for
//! tests that stop it.

use std::path::PathBuf;
use std::process::Child;
use std::sync::OnceLock;
use std::time::Duration;

use mongodb::options::{ClientOptions, Credential, ServerAddress};

use crate::{free_port, unique_suffix, TempDir};

/// The shared server: one per machine, authentication on, a root user.
#[derive(Debug, Clone)]
pub struct SharedMongo {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    template: PathBuf,
}

/// The shared test server ([`crate::mongo_server::start`]: started, or reused when it
/// runs). Panics with a clear message when it cannot be had.
pub fn shared_mongo() -> &'static SharedMongo {
    static SHARED: OnceLock<SharedMongo> = OnceLock::new();
    SHARED.get_or_init(|| {
        let shared = crate::mongo_server::start();
        SharedMongo {
            host: crate::mongo_server::HOST.to_owned(),
            port: shared.port,
            username: crate::mongo_server::ROOT_USER.to_owned(),
            password: shared.password,
            template: shared.template,
        }
    })
}

impl SharedMongo {
    /// A database name no other test uses.
    pub fn fresh_db(&self, prefix: &str) -> String {
        format!("{prefix}-{}", unique_suffix())
    }

    /// The variables a service needs to reach this server as root (the host form of the README's configuration rule).
    pub fn service_env(&self) -> Vec<(String, String)> {
        vec![
            ("MONGODB_HOST".into(), self.host.clone()),
            ("MONGODB_PORT".into(), self.port.to_string()),
            ("MONGODB_USERNAME".into(), self.username.clone()),
            ("MONGODB_PASSWORD".into(), self.password.clone()),
        ]
    }

    /// `MONGODB_URL` for database `db` on this server, as root: the password (which has
    /// `@ : / %` in it) percent-encoded, as a URL needs.
    pub fn url(&self, db: &str) -> String {
        format!(
            "mongodb://{}:{}@{}:{}/{db}?authSource=admin&directConnection=true",
            userinfo_encode(&self.username),
            userinfo_encode(&self.password),
            self.host,
            self.port
        )
    }

    /// A root client of the test's own, to check what a service stored.
    pub fn client(&self) -> mongodb::Client {
        client_for(
            &self.host,
            self.port,
            Some((&self.username, &self.password)),
        )
    }

    /// A server of its own for one test (to stop and restart it), with the same root user.
    pub fn dedicated(&self) -> MongoInstance {
        MongoInstance::start(self)
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a URL's userinfo).
pub fn userinfo_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The documents of `collection` in `db`, oldest first (by `_id`): what a service stored.
/// Panics when the server cannot be read.
pub async fn stored(db: &mongodb::Database, collection: &str) -> Vec<mongodb::bson::Document> {
    let mut cursor = db
        .collection::<mongodb::bson::Document>(collection)
        .find(mongodb::bson::doc! {})
        .sort(mongodb::bson::doc! { "_id": 1 })
        .await
        .unwrap_or_else(|e| panic!("reading {}.{collection}: {e}", db.name()));
    let mut docs = Vec::new();
    while cursor
        .advance()
        .await
        .unwrap_or_else(|e| panic!("reading {}.{collection}: {e}", db.name()))
    {
        docs.push(
            cursor
                .deserialize_current()
                .unwrap_or_else(|e| panic!("a document of {}.{collection}: {e}", db.name())),
        );
    }
    docs
}

/// A root (or unauthenticated) client with short timeouts.
pub fn client_for(host: &str, port: u16, login: Option<(&str, &str)>) -> mongodb::Client {
    let mut o = ClientOptions::default();
    o.hosts = vec![ServerAddress::Tcp {
        host: host.to_owned(),
        port: Some(port),
    }];
    o.direct_connection = Some(true);
    o.server_selection_timeout = Some(Duration::from_secs(5));
    o.credential = login.map(|(u, p)| {
        Credential::builder()
            .username(u.to_owned())
            .password(p.to_owned())
            .source("admin".to_owned())
            .build()
    });
    mongodb::Client::with_options(o).expect("client options")
}

/// A server instance for one test, on a port of its own, with a copy of the template
/// data (root user included). Stopped and removed on drop.
pub struct MongoInstance {
    pub port: u16,
    dir: TempDir,
    child: Option<Child>,
}

impl MongoInstance {
    fn start(shared: &SharedMongo) -> Self {
        let dir = TempDir::new("goals-mongo-instance");
        crate::mongo_server::copy_dir(&shared.template, &dir.path().join("data"));
        let mut me = Self {
            port: free_port(),
            dir,
            child: None,
        };
        me.restart();
        me
    }

    /// Starts the server again on the same port and data (after [`MongoInstance::stop`]).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.child = Some(crate::mongo_server::spawn_server(
            &self.dir.path().join("data"),
            self.port,
            true,
            &self.dir.path().join("server.log"),
        ));
    }

    /// The server's process id, while it runs (to read its CPU time in /proc).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the server and waits until the process has exited.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            crate::mongo_server::terminate(child.id());
            let _ = child.wait();
        }
    }
}

impl Drop for MongoInstance {
    fn drop(&mut self) {
        self.stop();
    }
}

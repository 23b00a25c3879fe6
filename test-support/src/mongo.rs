//! The MongoDB-compatible test server (SecantusDB), started by
//! `scripts/mongo-test-server.sh`, and dedicated instances for tests that stop it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mongodb::options::{ClientOptions, Credential, ServerAddress};

use crate::{free_port, unique_suffix, workspace_root, TempDir};

/// The shared server: one per machine, authentication on, a root user.
#[derive(Debug, Clone)]
pub struct SharedMongo {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    template: PathBuf,
}

fn state_file() -> PathBuf {
    let dir = std::env::var_os("MONGO_TEST_DIR").unwrap_or_else(|| "/tmp/goals-stack-mongo".into());
    PathBuf::from(dir).join("env")
}

/// The shared test server, started (or reused) through `scripts/mongo-test-server.sh start`.
/// Panics with a clear message when it cannot be had.
pub fn shared_mongo() -> &'static SharedMongo {
    static SHARED: OnceLock<SharedMongo> = OnceLock::new();
    SHARED.get_or_init(|| {
        let script = workspace_root().join("scripts/mongo-test-server.sh");
        let out = Command::new("bash")
            .arg(&script)
            .arg("start")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        assert!(
            out.success(),
            "the MongoDB test server could not be started: `bash {} start` failed (see above)",
            script.display()
        );
        let text = std::fs::read_to_string(state_file())
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", state_file().display()));
        let vars: HashMap<&str, &str> = text.lines().filter_map(|l| l.split_once('=')).collect();
        let get = |k: &str| {
            vars.get(k)
                .unwrap_or_else(|| panic!("{k} missing in {}", state_file().display()))
                .to_string()
        };
        SharedMongo {
            host: get("MONGO_TEST_HOST"),
            port: get("MONGO_TEST_PORT").parse().expect("port"),
            username: get("MONGO_TEST_USERNAME"),
            password: get("MONGO_TEST_PASSWORD"),
            template: get("MONGO_TEST_TEMPLATE").into(),
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
        let status = Command::new("cp")
            .arg("-a")
            .arg(&shared.template)
            .arg(dir.path().join("data"))
            .status()
            .expect("cp");
        assert!(status.success(), "copying the template data dir failed");
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
        let log = std::fs::File::create(self.dir.path().join("server.log")).expect("log file");
        // the script's `serve` execs the server: this child is the server process
        let script = workspace_root().join("scripts/mongo-test-server.sh");
        let child = Command::new("bash")
            .arg(&script)
            .arg("serve")
            .arg(self.dir.path().join("data"))
            .arg(self.port.to_string())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "MongoDB instance did not open port {}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server and waits until the process has exited.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            unsafe {
                libc::kill(child.id() as i32, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

impl Drop for MongoInstance {
    fn drop(&mut self) {
        self.stop();
    }
}

//! Shared by the favorites' test files: the app on a fresh database of the real
//! MongoDB-compatible test server (test-support's [`TestApp`], configured through the
//! service's own env rule),
//! the real binaries as processes, and tiny misbehaving SWAPIs made of a TcpListener.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mongodb::bson::Document;
use serde_json::Value;
use service_kit::Env;
pub use test_support::json_or_null;
use test_support::{
    free_port, shared_mongo, spawn_app, spawn_app_with_env, Built, ServiceProcess, TestService,
};

pub const FAVORITES: &str = env!("CARGO_BIN_EXE_favorites");
pub const STANDIN: &str = env!("CARGO_BIN_EXE_swapi-standin");

/// `MONGODB_URL` for database `db` on the shared test server, as root. The password has
/// `@ : / %` in it, so this also proves such a password works once encoded.
pub fn mongo_url(db: &str) -> String {
    shared_mongo().url(db)
}

/// A port on 127.0.0.1 where nothing listens (connection refused).
pub fn closed_port() -> u16 {
    free_port()
}

/// The favorites service, as its tests set it up.
pub struct Favorites;

impl TestService for Favorites {
    const COLLECTION: &'static str = "favorites";
    type Kept = ();

    /// SWAPI is a closed port (not used).
    fn env_for(db: &str) -> Vec<(String, String)> {
        swapi_env(db, &format!("http://127.0.0.1:{}/api", closed_port()))
    }

    async fn build(env: Vec<(String, String)>) -> Built<()> {
        let env = Env::from_pairs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let config = favorites::Config::from_env(&env).expect("config");
        let db = config.mongo.connect_db().await.expect("client");
        let swapi = favorites::swapi::Swapi::new(&config.swapi).expect("swapi client");
        Built {
            database: db.database().name().to_owned(),
            router: favorites::app(db, swapi),
            kept: (),
        }
    }
}

pub type TestApp = test_support::TestApp<Favorites>;

/// The environment for database `db` (through `MONGODB_URL`, whose path database the
/// service uses) with SWAPI at `swapi_base`.
fn swapi_env(db: &str, swapi_base: &str) -> Vec<(String, String)> {
    vars(&[
        ("MONGODB_URL", &mongo_url(db)),
        ("SWAPI_BASE_URL", swapi_base),
        ("SWAPI_TIMEOUT_MS", "2000"),
    ])
}

/// The favorites app on a fresh database, with SWAPI at `swapi_base`.
pub async fn app_with_swapi(swapi_base: &str) -> TestApp {
    let db = shared_mongo().fresh_db(Favorites::COLLECTION);
    spawn_app_with_env::<Favorites>(swapi_env(&db, swapi_base), &db).await
}

/// The favorites app on a fresh database; SWAPI is a closed port (not used).
pub async fn app() -> TestApp {
    spawn_app::<Favorites>().await
}

/// The favorites app configured from exactly `pairs`; `db_name` is the database it uses.
pub async fn app_with_env(pairs: &[(&str, &str)], db_name: &str) -> TestApp {
    spawn_app_with_env::<Favorites>(pairs.iter().copied(), db_name).await
}

/// The documents in `favorites` of `db`, as stored.
pub async fn stored(db: &mongodb::Database) -> Vec<Document> {
    test_support::mongo::stored(db, Favorites::COLLECTION).await
}

pub fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The real `swapi-standin` binary on a port of its own, serving.
pub fn standin(extra: &[(&str, &str)]) -> ServiceProcess {
    let port = free_port();
    let mut env = vars(extra);
    env.push(("PORT".into(), port.to_string()));
    let mut p = ServiceProcess::spawn(STANDIN, port, &env);
    p.wait_serving();
    p
}

/// The real `favorites` binary with SWAPI at `swapi_base`, on the shared MongoDB
/// (database `db` through `MONGODB_URL`), serving (not necessarily ready).
pub fn favorites(swapi_base: &str, timeout_ms: u64, db: &str) -> ServiceProcess {
    favorites_with(&[
        ("MONGODB_URL", &mongo_url(db)),
        ("SWAPI_BASE_URL", swapi_base),
        ("SWAPI_TIMEOUT_MS", &timeout_ms.to_string()),
    ])
}

pub fn favorites_with(pairs: &[(&str, &str)]) -> ServiceProcess {
    let port = free_port();
    let mut env = vars(pairs);
    env.push(("PORT".into(), port.to_string()));
    let mut p = ServiceProcess::spawn(FAVORITES, port, &env);
    p.wait_serving();
    p
}

/// What a fake SWAPI does with each connection.
#[derive(Clone)]
pub enum Fake {
    /// Accepts and never answers (the connection stays open).
    Hang,
    /// Reads the request and answers with this status line, content type and body.
    Answer {
        status: &'static str,
        content_type: &'static str,
        body: String,
    },
}

/// A fake SWAPI on 127.0.0.1 made of a TcpListener and a thread; it records the
/// request target of each request it reads.
pub struct FakeSwapi {
    pub port: u16,
    pub requests: Arc<Mutex<Vec<String>>>,
}

impl FakeSwapi {
    pub fn start(fake: Fake) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                match &fake {
                    Fake::Hang => held.push(stream),
                    Fake::Answer {
                        status,
                        content_type,
                        body,
                    } => {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                        let mut reader = BufReader::new(stream.try_clone().unwrap());
                        let mut line = String::new();
                        let _ = reader.read_line(&mut line);
                        if let Some(target) = line.split_whitespace().nth(1) {
                            seen.lock().unwrap().push(target.to_owned());
                        }
                        loop {
                            let mut header = String::new();
                            match reader.read_line(&mut header) {
                                Ok(0) | Err(_) => break,
                                Ok(_) if header == "\r\n" => break,
                                Ok(_) => {}
                            }
                        }
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                }
            }
        });
        Self { port, requests }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}/api", self.port)
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// A plain HTTP client for the processes.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `GET url`: status and JSON body (panics when the body is not JSON).
pub async fn get_json(url: &str) -> (u16, Value) {
    let res = client().get(url).send().await.expect("request");
    let status = res.status().as_u16();
    let bytes = res.bytes().await.expect("body");
    (status, json_or_null(&bytes))
}

/// The data the stand-in embeds, as the test reads it from `swapi-data/`.
pub fn data(name: &str) -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/swapi-data/");
    let text = std::fs::read_to_string(format!("{path}{name}.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

//! The one MongoDB rule (README, "Configuration"), shared by every service that stores data.
//!
//! `MONGODB_URL`, when set, wins and is used as given. Otherwise the address is built
//! from `MONGODB_HOST` and `MONGODB_PORT`, with a credential only when
//! `MONGODB_USERNAME` is non-empty (`MONGODB_PASSWORD`, auth source
//! `MONGODB_AUTH_SOURCE`, default `admin`). The credential goes to the driver as a
//! credential, never pasted into a URL, so any password works.

use mongodb::options::{Acknowledgment, ClientOptions, Credential, ServerAddress, WriteConcern};
use mongodb::Client;
use service_kit::config::{ConfigError, Env};

use crate::db::{Db, DRIVER_TIMEOUT};
use crate::errors::message;

/// Defaults that differ between services.
#[derive(Debug, Clone, Copy)]
pub struct MongoDefaults {
    pub host: &'static str,
    pub database: &'static str,
    /// The variable that may override the database name (`None`: fixed, or from the URL).
    pub database_var: Option<&'static str>,
}

#[derive(Clone)]
enum Target {
    Url(String),
    Host {
        host: String,
        port: u16,
        credential: Option<Login>,
    },
}

#[derive(Clone)]
struct Login {
    username: String,
    password: String,
    auth_source: String,
}

/// Where the database is and how to log in. `Debug` never shows the password.
#[derive(Clone)]
pub struct MongoConfig {
    target: Target,
    database: Option<String>,
    default_database: &'static str,
    app_name: &'static str,
}

impl std::fmt::Debug for MongoConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl MongoConfig {
    /// Reads the MongoDB settings. Errors name the variable at fault.
    pub fn from_env(
        env: &Env,
        defaults: MongoDefaults,
        app_name: &'static str,
    ) -> Result<Self, ConfigError> {
        let database = match defaults.database_var {
            Some(var) => env.get(var)?,
            None => None,
        };
        if let Some(url) = env.secret("MONGODB_URL", "MONGODB_URL_FILE")? {
            if !(url.starts_with("mongodb://") || url.starts_with("mongodb+srv://")) {
                return Err(ConfigError::new(
                    "MONGODB_URL",
                    "must start with mongodb:// or mongodb+srv://",
                ));
            }
            return Ok(Self {
                target: Target::Url(url),
                database,
                default_database: defaults.database,
                app_name,
            });
        }
        let host = env.string_or("MONGODB_HOST", defaults.host)?;
        let port = env.port_or("MONGODB_PORT", 27017)?;
        let credential = match env.get("MONGODB_USERNAME")? {
            None => None,
            Some(username) => {
                let password = env
                    .secret("MONGODB_PASSWORD", "MONGODB_PASSWORD_FILE")?
                    .ok_or_else(|| {
                        ConfigError::new(
                            "MONGODB_PASSWORD",
                            "is not set (nor MONGODB_PASSWORD_FILE), but MONGODB_USERNAME is (set both, or leave MONGODB_USERNAME empty for no authentication)",
                        )
                    })?;
                Some(Login {
                    username,
                    password,
                    auth_source: env.string_or("MONGODB_AUTH_SOURCE", "admin")?,
                })
            }
        };
        Ok(Self {
            target: Target::Host {
                host,
                port,
                credential,
            },
            database,
            default_database: defaults.database,
            app_name,
        })
    }

    /// The effective settings for `check-config`, never the password.
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![];
        match &self.target {
            Target::Url(url) => out.push(("MONGODB_URL", redact_url(url))),
            Target::Host {
                host,
                port,
                credential,
            } => {
                out.push(("MONGODB_HOST", host.clone()));
                out.push(("MONGODB_PORT", port.to_string()));
                match credential {
                    Some(l) => {
                        out.push(("MONGODB_USERNAME", l.username.clone()));
                        out.push(("MONGODB_PASSWORD", "(set, not shown)".to_owned()));
                        out.push(("MONGODB_AUTH_SOURCE", l.auth_source.clone()));
                    }
                    None => out.push(("MONGODB_USERNAME", "(none: no authentication)".to_owned())),
                }
            }
        }
        let database = self.database.clone().unwrap_or_else(|| match &self.target {
            Target::Url(url) => url_database(url)
                .unwrap_or(self.default_database)
                .to_owned(),
            Target::Host { .. } => self.default_database.to_owned(),
        });
        out.push(("database", database));
        out
    }

    /// Where and as whom, without the password: safe for logs.
    pub fn describe(&self) -> String {
        match &self.target {
            Target::Url(url) => format!("MONGODB_URL {}", redact_url(url)),
            Target::Host {
                host,
                port,
                credential,
            } => match credential {
                Some(l) => format!(
                    "mongodb://{host}:{port} as {} (authSource {})",
                    l.username, l.auth_source
                ),
                None => format!("mongodb://{host}:{port} without authentication"),
            },
        }
    }

    /// The driver options, with the 3 s timeouts and journaled writes; the URL form is parsed here.
    pub async fn client_options(&self) -> Result<ClientOptions, ConfigError> {
        let mut options = match &self.target {
            Target::Url(url) => ClientOptions::parse(url).await.map_err(|e| {
                ConfigError::new(
                    "MONGODB_URL",
                    format!("is not a valid MongoDB URL: {}", message(&e)),
                )
            })?,
            Target::Host {
                host,
                port,
                credential,
            } => {
                let mut o = ClientOptions::default();
                o.hosts = vec![ServerAddress::Tcp {
                    host: host.clone(),
                    port: Some(*port),
                }];
                o.credential = credential.as_ref().map(|l| {
                    Credential::builder()
                        .username(l.username.clone())
                        .password(l.password.clone())
                        .source(l.auth_source.clone())
                        .build()
                });
                o
            }
        };
        options
            .server_selection_timeout
            .get_or_insert(DRIVER_TIMEOUT);
        options.connect_timeout.get_or_insert(DRIVER_TIMEOUT);
        // An acknowledged write is a journaled one (unless the URL says otherwise): a
        // 201 must survive the database being stopped right after it.
        options.write_concern.get_or_insert_with(|| {
            WriteConcern::builder()
                .w(Acknowledgment::Nodes(1))
                .journal(true)
                .build()
        });
        options
            .app_name
            .get_or_insert_with(|| self.app_name.to_owned());
        if self.database.is_some() || options.default_database.is_none() {
            options.default_database = Some(
                self.database
                    .clone()
                    .unwrap_or_else(|| self.default_database.to_owned()),
            );
        }
        Ok(options)
    }

    /// Checks what only the driver can (its parsing of `MONGODB_URL`), as at start.
    pub async fn check(&self) -> Result<(), ConfigError> {
        self.client_options().await.map(drop)
    }

    /// A [`Db`] (client, database, operation limits) for a service. The driver
    /// connects lazily, so this works while the server is still down.
    pub async fn connect_db(&self) -> Result<Db, ConfigError> {
        let options = self.client_options().await?;
        let hosts = options
            .hosts
            .iter()
            .map(|h| match h {
                ServerAddress::Tcp { host, port } => (host.clone(), port.unwrap_or(27017)),
                other => (other.to_string(), 27017),
            })
            .collect();
        let (client, database) = self.connect().await?;
        Ok(Db::new(client, database, options.max_pool_size, hosts))
    }

    /// A client and the database to use. The driver connects lazily, so this works
    /// while the server is still down; requests fail fast (3 s) until it is up.
    pub async fn connect(&self) -> Result<(Client, mongodb::Database), ConfigError> {
        let options = self.client_options().await?;
        let name = options
            .default_database
            .clone()
            .unwrap_or_else(|| self.default_database.to_owned());
        let var = match self.target {
            Target::Url(_) => "MONGODB_URL",
            Target::Host { .. } => "MONGODB_HOST",
        };
        let client =
            Client::with_options(options).map_err(|e| ConfigError::new(var, message(&e)))?;
        let db = client.database(&name);
        Ok((client, db))
    }
}

/// The database in a `mongodb://…/db?…` URL, if any.
fn url_database(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let rest = &rest[rest.rfind('@').map_or(0, |at| at + 1)..];
    let path = rest.split_once('/')?.1;
    let db = path.split('?').next().unwrap_or_default();
    (!db.is_empty()).then_some(db)
}

fn redact_url(url: &str) -> String {
    // mongodb://user:pass@host/... -> mongodb://user:***@host/...
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rfind('@') {
        Some(at) => {
            let (userinfo, host) = rest.split_at(at);
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***{host}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULTS: MongoDefaults = MongoDefaults {
        host: "mongodb",
        database: "course-goals",
        database_var: Some("MONGODB_DATABASE"),
    };

    fn cfg(pairs: &[(&'static str, &'static str)]) -> Result<MongoConfig, ConfigError> {
        MongoConfig::from_env(&Env::from_pairs(pairs.iter().copied()), DEFAULTS, "test")
    }

    #[tokio::test]
    async fn host_form_passes_the_credential_as_is() {
        let c = cfg(&[
            ("MONGODB_USERNAME", "root"),
            ("MONGODB_PASSWORD", "p@ss:w/rd%"),
        ])
        .unwrap();
        let o = c.client_options().await.unwrap();
        let cred = o.credential.unwrap();
        assert_eq!(cred.username.as_deref(), Some("root"));
        assert_eq!(cred.password.as_deref(), Some("p@ss:w/rd%"));
        assert_eq!(cred.source.as_deref(), Some("admin"));
        assert_eq!(o.hosts[0].to_string(), "mongodb:27017");
        assert_eq!(o.default_database.as_deref(), Some("course-goals"));
        assert_eq!(o.server_selection_timeout, Some(DRIVER_TIMEOUT));
        assert_eq!(o.connect_timeout, Some(DRIVER_TIMEOUT));
        assert!(!c.describe().contains("p@ss"), "{}", c.describe());
    }

    #[tokio::test]
    async fn empty_username_means_no_authentication() {
        let c = cfg(&[
            ("MONGODB_USERNAME", ""),
            ("MONGODB_HOST", "h"),
            ("MONGODB_PORT", "1234"),
        ])
        .unwrap();
        let o = c.client_options().await.unwrap();
        assert!(o.credential.is_none());
        assert_eq!(o.hosts[0].to_string(), "h:1234");
    }

    #[test]
    fn username_without_password_is_an_error_naming_the_password() {
        let err = cfg(&[("MONGODB_USERNAME", "root")]).unwrap_err();
        assert_eq!(err.var, "MONGODB_PASSWORD");
    }

    #[tokio::test]
    async fn url_wins_and_keeps_its_database() {
        let c = cfg(&[
            (
                "MONGODB_URL",
                "mongodb://u:secretpw@db.example:27018/swfavorites?authSource=admin",
            ),
            ("MONGODB_HOST", "ignored"),
        ])
        .unwrap();
        let o = c.client_options().await.unwrap();
        assert_eq!(o.hosts[0].to_string(), "db.example:27018");
        assert_eq!(o.default_database.as_deref(), Some("swfavorites"));
        assert_eq!(o.credential.unwrap().password.as_deref(), Some("secretpw"));
        assert!(!c.describe().contains("secretpw"), "{}", c.describe());
    }

    #[tokio::test]
    async fn url_without_database_gets_the_default() {
        let c = cfg(&[("MONGODB_URL", "mongodb://localhost:1")]).unwrap();
        let o = c.client_options().await.unwrap();
        assert_eq!(o.default_database.as_deref(), Some("course-goals"));
    }

    #[tokio::test]
    async fn bad_urls_name_mongodb_url() {
        assert_eq!(
            cfg(&[("MONGODB_URL", "http://x")]).unwrap_err().var,
            "MONGODB_URL"
        );
        let c = cfg(&[("MONGODB_URL", "mongodb://")]).unwrap();
        assert_eq!(c.client_options().await.unwrap_err().var, "MONGODB_URL");
    }

    #[tokio::test]
    async fn driver_errors_read_as_one_sentence() {
        let e = ClientOptions::parse("mongodb://host:99999/db")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("labels"), "{e}");
        let m = message(&e);
        assert!(m.contains("99999"), "{m}");
        assert!(!m.contains("labels") && !m.contains("Kind:"), "{m}");
    }

    #[test]
    fn settings_never_show_the_password() {
        let c = cfg(&[
            ("MONGODB_USERNAME", "root"),
            ("MONGODB_PASSWORD", "hunter2"),
        ])
        .unwrap();
        let text = format!("{:?}", c.settings());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("course-goals"), "{text}");
        let c = cfg(&[(
            "MONGODB_URL",
            "mongodb://u:hunter2@h:1/swfavorites?authSource=admin",
        )])
        .unwrap();
        let text = format!("{:?}", c.settings());
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("\"swfavorites\""), "{text}");
    }

    #[test]
    fn bad_port_names_mongodb_port() {
        assert_eq!(
            cfg(&[("MONGODB_PORT", "x")]).unwrap_err().var,
            "MONGODB_PORT"
        );
    }
}

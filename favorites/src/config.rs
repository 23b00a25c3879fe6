//! The favorites service's settings, read once at start.

use std::time::Duration;

use mongo_kit::{MongoConfig, MongoDefaults};
use reqwest::Url;
use service_kit::server::{Service, StartError};
use service_kit::{ConfigError, Env};

pub const DEFAULT_PORT: u16 = 3000;
pub const DEFAULT_SWAPI_BASE_URL: &str = "https://swapi.dev/api";
pub const DEFAULT_SWAPI_TIMEOUT_MS: u64 = 5000;

#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub mongo: MongoConfig,
    pub swapi: SwapiConfig,
}

/// Where SWAPI is and how long to wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapiConfig {
    /// An http(s) URL without a trailing slash, e.g. `https://swapi.dev/api`.
    pub base_url: String,
    pub timeout: Duration,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            port: env.port_or("PORT", DEFAULT_PORT)?,
            mongo: MongoConfig::from_env(
                env,
                MongoDefaults {
                    host: "mongodb",
                    database: "swfavorites",
                    database_var: None,
                },
                "favorites",
            )?,
            swapi: SwapiConfig::from_env(env)?,
        })
    }
}

impl Service for Config {
    const NAME: &'static str = "favorites";
    const DEFAULT_PORT: u16 = DEFAULT_PORT;

    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Config::from_env(env)
    }

    async fn check(&self) -> Result<(), ConfigError> {
        self.mongo.check().await
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("PORT", self.port.to_string())];
        out.extend(self.mongo.settings());
        out.push(("SWAPI_BASE_URL", self.swapi.base_url.clone()));
        out.push((
            "SWAPI_TIMEOUT_MS",
            self.swapi.timeout.as_millis().to_string(),
        ));
        out
    }

    async fn run(self) -> Result<(), StartError> {
        mongo_kit::service::run(self).await
    }
}

impl SwapiConfig {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let raw = env.string_or("SWAPI_BASE_URL", DEFAULT_SWAPI_BASE_URL)?;
        let base_url = http_base_url("SWAPI_BASE_URL", &raw)?;
        let ms: u64 = env.parse_or(
            "SWAPI_TIMEOUT_MS",
            DEFAULT_SWAPI_TIMEOUT_MS,
            "a positive whole number of milliseconds",
        )?;
        if ms == 0 {
            return Err(ConfigError::new(
                "SWAPI_TIMEOUT_MS",
                "\"0\" is not a positive whole number of milliseconds",
            ));
        }
        Ok(Self {
            base_url,
            timeout: Duration::from_millis(ms),
        })
    }
}

/// An `http://` or `https://` URL with a host and no query or fragment, returned
/// without its trailing slash (`https://swapi.dev/api/` → `https://swapi.dev/api`).
/// `var` names the setting it came from, for the error line.
pub fn http_base_url(var: &'static str, raw: &str) -> Result<String, ConfigError> {
    let bad = |why: &str| ConfigError::new(var, format!("{raw:?} is not {why}"));
    let url = Url::parse(raw.trim()).map_err(|_| bad("an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("an http(s) URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("a base URL (it must not have a query or a fragment)"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swapi(pairs: &[(&'static str, &'static str)]) -> Result<SwapiConfig, ConfigError> {
        SwapiConfig::from_env(&Env::from_pairs(pairs.iter().copied()))
    }

    #[test]
    fn defaults() {
        let c = swapi(&[]).unwrap();
        assert_eq!(c.base_url, "https://swapi.dev/api");
        assert_eq!(c.timeout, Duration::from_millis(5000));
        let full = Config::from_env(&Env::from_pairs([])).unwrap();
        assert_eq!(full.port, 3000);
        assert!(full.mongo.describe().contains("mongodb:27017"));
    }

    #[tokio::test]
    async fn database_is_swfavorites_unless_the_url_names_one() {
        let c = Config::from_env(&Env::from_pairs([])).unwrap();
        let o = c.mongo.client_options().await.unwrap();
        assert_eq!(o.default_database.as_deref(), Some("swfavorites"));
        // MONGODB_DATABASE is the backend's setting, not this service's.
        let c = Config::from_env(&Env::from_pairs([("MONGODB_DATABASE", "other")])).unwrap();
        let o = c.mongo.client_options().await.unwrap();
        assert_eq!(o.default_database.as_deref(), Some("swfavorites"));
        let c = Config::from_env(&Env::from_pairs([(
            "MONGODB_URL",
            "mongodb://mongodb:27017/mine",
        )]))
        .unwrap();
        let o = c.mongo.client_options().await.unwrap();
        assert_eq!(o.default_database.as_deref(), Some("mine"));
    }

    #[test]
    fn base_url_tolerates_a_trailing_slash() {
        for raw in [
            "http://swapi:8000/api/",
            "http://swapi:8000/api",
            " http://swapi:8000/api ",
        ] {
            let c = swapi(&[("SWAPI_BASE_URL", raw)]).unwrap();
            assert_eq!(c.base_url, "http://swapi:8000/api", "{raw}");
        }
        let c = swapi(&[("SWAPI_BASE_URL", "http://localhost:8000")]).unwrap();
        assert_eq!(c.base_url, "http://localhost:8000");
    }

    #[test]
    fn bad_base_urls_name_the_variable() {
        for raw in [
            "swapi.dev/api",
            "ftp://swapi.dev/api",
            "http://",
            "not a url",
            "https://swapi.dev/api?x=1",
            "https://swapi.dev/api#top",
        ] {
            let err = swapi(&[("SWAPI_BASE_URL", raw)]).unwrap_err();
            assert_eq!(err.var, "SWAPI_BASE_URL", "{raw}");
            assert!(err.to_string().starts_with("SWAPI_BASE_URL: "), "{err}");
        }
    }

    #[test]
    fn timeout_must_be_a_positive_number_of_ms() {
        assert_eq!(
            swapi(&[("SWAPI_TIMEOUT_MS", "250")]).unwrap().timeout,
            Duration::from_millis(250)
        );
        for raw in ["abc", "0", "-5", "1.5", "5s"] {
            let err = swapi(&[("SWAPI_TIMEOUT_MS", raw)]).unwrap_err();
            assert_eq!(err.var, "SWAPI_TIMEOUT_MS", "{raw}");
        }
    }
}

//! The backend's settings, read once at start.

use std::path::PathBuf;

use mongo_kit::{MongoConfig, MongoDefaults};
use service_kit::server::{Service, StartError};
use service_kit::{ConfigError, Env};

pub const DEFAULT_PORT: u16 = 80;

#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub log_dir: PathBuf,
    pub mongo: MongoConfig,
}

impl Config {
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Ok(Self {
            port: env.port_or("PORT", DEFAULT_PORT)?,
            log_dir: PathBuf::from(env.string_or("LOG_DIR", "/app/logs")?),
            mongo: MongoConfig::from_env(
                env,
                MongoDefaults {
                    host: "mongodb",
                    database: "course-goals",
                    database_var: Some("MONGODB_DATABASE"),
                },
                "goals-backend",
            )?,
        })
    }
}

impl Service for Config {
    const NAME: &'static str = "backend";
    const DEFAULT_PORT: u16 = DEFAULT_PORT;

    fn from_env(env: &Env) -> Result<Self, ConfigError> {
        Config::from_env(env)
    }

    async fn check(&self) -> Result<(), ConfigError> {
        self.mongo.check().await
    }

    fn settings(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("PORT", self.port.to_string()),
            ("LOG_DIR", self.log_dir.display().to_string()),
        ];
        out.extend(self.mongo.settings());
        out
    }

    async fn run(self) -> Result<(), StartError> {
        mongo_kit::service::run(self).await
    }
}

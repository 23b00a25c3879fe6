//! The backend's settings, read once at start.

use std::path::PathBuf;

use common::mongo::MongoDefaults;
use common::{ConfigError, Env, MongoConfig};

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

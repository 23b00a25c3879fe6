//! The frontend server's settings, read once at start (server side only).

use std::path::{Path, PathBuf};

use service_kit::{ConfigError, Env};

use crate::urls::ServiceUrls;

pub const DEFAULT_PORT: u16 = 3000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub port: u16,
    /// The built site: `pkg/` (wasm, js, css) and public files such as the favicon.
    pub site_root: PathBuf,
    pub urls: ServiceUrls,
    /// `LIVE_RELOAD`: pages reload themselves when a new build of the server starts
    /// (development only; off by default, see [`crate::live_reload`]).
    pub live_reload: bool,
}

impl Config {
    /// `LEPTOS_SITE_ROOT` defaults to `site/` beside the executable, which is where
    /// `scripts/build-frontend.sh` puts it (`target/debug/site`, `target/release/site`)
    /// and where the image keeps it (`/app/site`).
    pub fn from_env(env: &Env) -> Result<Self, ConfigError> {
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        Self::from_env_with_exe_dir(env, &exe_dir)
    }

    pub fn from_env_with_exe_dir(env: &Env, exe_dir: &Path) -> Result<Self, ConfigError> {
        Ok(Self {
            port: env.port_or("PORT", DEFAULT_PORT)?,
            site_root: env
                .get("LEPTOS_SITE_ROOT")?
                .map(PathBuf::from)
                .unwrap_or_else(|| exe_dir.join("site")),
            urls: ServiceUrls {
                goals_ssr: http_url(env, "BACKEND_INTERNAL_URL", "http://backend")?,
                goals_browser: http_url(env, "BACKEND_PUBLIC_URL", "http://localhost")?,
                favorites_ssr: http_url(env, "FAVORITES_INTERNAL_URL", "http://favorites:3000")?,
                favorites_browser: http_url(env, "FAVORITES_PUBLIC_URL", "http://localhost:3001")?,
                prometheus: optional_url(env, "PROMETHEUS_URL")?,
                grafana: optional_url(env, "GRAFANA_URL")?,
            },
            live_reload: env.switch("LIVE_RELOAD")?,
        })
    }
}

/// `var` as an [`http_url`] when it is set and not empty; `None` otherwise.
pub fn optional_url(env: &Env, var: &'static str) -> Result<Option<String>, ConfigError> {
    match env.get(var)? {
        Some(v) if !v.trim().is_empty() => http_url(env, var, "").map(Some),
        _ => Ok(None),
    }
}

/// An absolute `http://` or `https://` URL with a host, and no query or fragment (it
/// is a base that paths are appended to). Returned without a trailing slash.
pub fn http_url(env: &Env, var: &'static str, default: &str) -> Result<String, ConfigError> {
    let raw = env.string_or(var, default)?;
    let raw = raw.trim();
    let url = reqwest::Url::parse(raw)
        .map_err(|e| ConfigError::new(var, format!("{raw:?} is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::new(
            var,
            format!("{raw:?} is not an http:// or https:// URL"),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ConfigError::new(var, format!("{raw:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::new(
            var,
            format!("{raw:?} should be a base URL, without ?query or #fragment"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::new(
            var,
            format!("{raw:?} should not carry a user name or password"),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&'static str, &'static str)]) -> Result<Config, ConfigError> {
        Config::from_env_with_exe_dir(
            &Env::from_pairs(pairs.iter().copied()),
            Path::new("/opt/app"),
        )
    }

    #[test]
    fn defaults_are_the_compose_service_names_and_published_ports() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.port, 3000);
        assert_eq!(c.site_root, PathBuf::from("/opt/app/site"));
        assert_eq!(c.urls.goals_ssr, "http://backend");
        assert_eq!(c.urls.goals_browser, "http://localhost");
        assert_eq!(c.urls.favorites_ssr, "http://favorites:3000");
        assert_eq!(c.urls.favorites_browser, "http://localhost:3001");
        assert!(!c.live_reload, "live reload is off unless asked for");
    }

    #[test]
    fn live_reload_is_an_on_off_switch() {
        for (raw, on) in [
            ("1", true),
            ("TRUE", true),
            (" on ", true),
            ("0", false),
            ("off", false),
            ("", false),
        ] {
            assert_eq!(
                cfg(&[("LIVE_RELOAD", raw)]).unwrap().live_reload,
                on,
                "{raw:?}"
            );
        }
        let err = cfg(&[("LIVE_RELOAD", "sometimes")]).unwrap_err();
        assert_eq!(err.var, "LIVE_RELOAD");
        assert!(err.to_string().contains("on/off"), "{err}");
    }

    #[test]
    fn values_are_normalised() {
        let c = cfg(&[
            ("PORT", "8080"),
            ("LEPTOS_SITE_ROOT", "target/site"),
            ("BACKEND_INTERNAL_URL", " http://127.0.0.1:8081/ "),
            ("BACKEND_PUBLIC_URL", "https://goals.example/api/"),
            ("FAVORITES_PUBLIC_URL", "HTTP://LOCALHOST:3001"),
        ])
        .unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(c.site_root, PathBuf::from("target/site"));
        assert_eq!(c.urls.goals_ssr, "http://127.0.0.1:8081");
        assert_eq!(c.urls.goals_browser, "https://goals.example/api");
        assert_eq!(c.urls.favorites_browser, "http://localhost:3001");
    }

    #[test]
    fn bad_urls_name_their_variable() {
        for (var, value, says) in [
            ("BACKEND_INTERNAL_URL", "backend", "is not a URL"),
            (
                "BACKEND_PUBLIC_URL",
                "ftp://localhost",
                "http:// or https://",
            ),
            (
                "FAVORITES_INTERNAL_URL",
                "http://favorites:99999",
                "is not a URL",
            ),
            (
                "FAVORITES_PUBLIC_URL",
                "http://localhost:3001/?x=1",
                "without ?query",
            ),
            (
                "BACKEND_PUBLIC_URL",
                "http://user:pw@localhost",
                "user name or password",
            ),
            ("BACKEND_PUBLIC_URL", "mailto:a@b", "http:// or https://"),
        ] {
            let err = cfg(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
            let line = err.to_string();
            assert!(line.starts_with(&format!("{var}: ")), "{line}");
            assert!(line.contains(says), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }

    #[test]
    fn bad_port_names_port() {
        assert_eq!(cfg(&[("PORT", "web")]).unwrap_err().var, "PORT");
    }
}

//! Reading settings from the environment, once, into typed values.
//!
//! `.env` in the working directory is read first (dotenvy); variables already set in
//! the real environment win. Every problem names its variable, so a service can stop
//! with one clear line.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::str::FromStr;

/// A setting that is missing or invalid: which variable, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

impl ConfigError {
    pub fn new(var: &'static str, problem: impl Into<String>) -> Self {
        Self {
            var,
            problem: problem.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.var, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Reads `.env` from the working directory if there is one. Real environment
/// variables win over the file. A file that exists but cannot be parsed is an error.
pub fn load_dotenv() -> Result<(), ConfigError> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => Err(ConfigError::new(".env", format!("cannot be read: {e}"))),
    }
}

/// A snapshot of the environment, taken once at start.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, OsString>,
}

impl Env {
    /// The process environment as it is now (after [`load_dotenv`]).
    pub fn from_process() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| k.into_string().ok().map(|k| (k, v)))
                .collect(),
        }
    }

    /// An environment made of the given pairs only (for tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), OsString::from(v)))
                .collect(),
        }
    }

    /// The value of `var`; `None` when it is unset or empty.
    pub fn get(&self, var: &'static str) -> Result<Option<String>, ConfigError> {
        match self.vars.get(var) {
            None => Ok(None),
            Some(v) => match v.to_str() {
                Some("") => Ok(None),
                Some(s) => Ok(Some(s.to_owned())),
                None => Err(ConfigError::new(var, "is not valid UTF-8")),
            },
        }
    }

    /// A secret: the value of `var`, or the contents of the file named by `file_var`
    /// (`var` + `_FILE`, the convention of the official images for Docker and
    /// Kubernetes secrets), without its trailing line break. `None` when neither is set.
    /// Both set, or a file that cannot be read or is not UTF-8: an error naming the
    /// variable at fault. The value never appears in an error.
    pub fn secret(
        &self,
        var: &'static str,
        file_var: &'static str,
    ) -> Result<Option<String>, ConfigError> {
        let value = self.get(var)?;
        let Some(path) = self.get(file_var)? else {
            return Ok(value);
        };
        if value.is_some() {
            return Err(ConfigError::new(
                file_var,
                format!("is set, and so is {var}: set one of them"),
            ));
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| ConfigError::new(file_var, format!("cannot read {path:?}: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ConfigError::new(file_var, format!("{path:?} is not UTF-8 text")))?;
        let text = text
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(&text);
        if text.is_empty() {
            return Err(ConfigError::new(file_var, format!("{path:?} is empty")));
        }
        Ok(Some(text.to_owned()))
    }

    /// The value of `var`, or `default` when it is unset or empty.
    pub fn string_or(&self, var: &'static str, default: &str) -> Result<String, ConfigError> {
        Ok(self.get(var)?.unwrap_or_else(|| default.to_owned()))
    }

    /// `var` parsed as a `T`, or `default`; `expected` says what a valid value looks like.
    pub fn parse_or<T>(
        &self,
        var: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, ConfigError>
    where
        T: FromStr,
    {
        match self.get(var)? {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|_| ConfigError::new(var, format!("{raw:?} is not {expected}"))),
        }
    }

    /// An on/off switch: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off` (any case);
    /// off when unset or empty.
    pub fn switch(&self, var: &'static str) -> Result<bool, ConfigError> {
        match self.get(var)? {
            None => Ok(false),
            Some(raw) => match raw.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::new(
                    var,
                    format!("{raw:?} is not an on/off value (1/0, true/false, yes/no, on/off)"),
                )),
            },
        }
    }

    /// A TCP port number, 1 to 65535.
    pub fn port_or(&self, var: &'static str, default: u16) -> Result<u16, ConfigError> {
        let port: u16 = self.parse_or(var, default, "a port number (1-65535)")?;
        if port == 0 {
            return Err(ConfigError::new(
                var,
                "\"0\" is not a port number (1-65535)",
            ));
        }
        Ok(port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_counts_as_unset() {
        let env = Env::from_pairs([("A", ""), ("B", "x")]);
        assert_eq!(env.get("A").unwrap(), None);
        assert_eq!(env.string_or("A", "d").unwrap(), "d");
        assert_eq!(env.string_or("B", "d").unwrap(), "x");
        assert_eq!(env.string_or("C", "d").unwrap(), "d");
    }

    #[test]
    fn ports_are_checked_and_name_their_variable() {
        let env = Env::from_pairs([("P", "8080"), ("Q", "http"), ("R", "0"), ("S", "70000")]);
        assert_eq!(env.port_or("P", 1).unwrap(), 8080);
        assert_eq!(env.port_or("MISSING", 3000).unwrap(), 3000);
        for var in ["Q", "R", "S"] {
            let err = env.port_or(var, 1).unwrap_err();
            assert_eq!(err.var, var);
            assert!(err.to_string().starts_with(&format!("{var}: ")), "{err}");
            assert!(err.to_string().contains("port number"), "{err}");
        }
    }

    #[test]
    fn secrets_come_from_the_variable_or_its_file() {
        let dir = std::env::temp_dir().join(format!("secret-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pw");
        std::fs::write(&file, "p@ss:w/rd%\n").unwrap();
        let path = file.to_str().unwrap();
        let get =
            |pairs: &[(&str, &str)]| Env::from_pairs(pairs.iter().copied()).secret("PW", "PW_FILE");
        assert_eq!(get(&[]).unwrap(), None);
        assert_eq!(get(&[("PW", "x")]).unwrap().as_deref(), Some("x"));
        assert_eq!(
            get(&[("PW_FILE", path)]).unwrap().as_deref(),
            Some("p@ss:w/rd%")
        );
        let both = get(&[("PW", "x"), ("PW_FILE", path)]).unwrap_err();
        assert_eq!(both.var, "PW_FILE");
        assert!(both.problem.contains("PW"), "{both}");
        let missing = get(&[("PW_FILE", "/nonexistent/pw")]).unwrap_err();
        assert_eq!(missing.var, "PW_FILE");
        assert!(missing.to_string().contains("cannot read"), "{missing}");
        std::fs::write(&file, "").unwrap();
        assert_eq!(get(&[("PW_FILE", path)]).unwrap_err().var, "PW_FILE");
        std::fs::write(&file, [0xff, 0xfe]).unwrap();
        assert_eq!(get(&[("PW_FILE", path)]).unwrap_err().var, "PW_FILE");
        // the value is never in an error
        std::fs::write(&file, "hunter2").unwrap();
        let e = get(&[("PW", "hunter2"), ("PW_FILE", path)]).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parse_or_reports_the_raw_value() {
        let env = Env::from_pairs([("T", "soon")]);
        let err = env
            .parse_or::<u64>("T", 5, "a whole number of milliseconds")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "T: \"soon\" is not a whole number of milliseconds"
        );
    }
}

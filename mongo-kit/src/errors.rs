//! Reading the driver's errors: one line a person can act on, and whether an error means
//! that the database is unavailable (a 503) rather than a fault in the request.

use mongodb::error::{Error as MongoError, ErrorKind};

/// The driver's message alone, without its debug details (`Kind: …, labels: {},
/// source: None, server response: None`), on one line.
pub fn message(err: &MongoError) -> String {
    let text = match &*err.kind {
        ErrorKind::InvalidArgument { message, .. }
        | ErrorKind::Authentication { message, .. }
        | ErrorKind::DnsResolve { message, .. }
        | ErrorKind::ServerSelection { message, .. }
        | ErrorKind::ConnectionPoolCleared { message, .. }
        | ErrorKind::InvalidResponse { message, .. }
        | ErrorKind::InvalidTlsConfig { message, .. }
        | ErrorKind::IncompatibleServer { message, .. }
        | ErrorKind::Internal { message, .. } => message.clone(),
        ErrorKind::Io(e) => e.to_string(),
        ErrorKind::Command(c) => format!("{} ({}, code {})", c.message, c.code_name, c.code),
        _ => {
            let text = err.to_string();
            let text = text.strip_prefix("Kind: ").unwrap_or(&text);
            text.split(", labels: ").next().unwrap_or(text).to_owned()
        }
    };
    first_line(&text)
}

/// Whether an error means "the database cannot be reached or will not let us in"
/// (answered 503), rather than a fault in the request or the data.
pub fn is_unavailable(err: &MongoError) -> bool {
    matches!(
        *err.kind,
        ErrorKind::ServerSelection { .. }
            | ErrorKind::Io(_)
            | ErrorKind::ConnectionPoolCleared { .. }
            | ErrorKind::Authentication { .. }
            | ErrorKind::DnsResolve { .. }
    ) || err.contains_label("RetryableWriteError")
        || matches!(&*err.kind, ErrorKind::Command(c) if c.code == 13 || c.code == 18)
}

/// The first line of an error, for one-line messages.
pub fn first_line(err: &impl std::fmt::Display) -> String {
    err.to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

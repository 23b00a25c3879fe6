//! Exercise 16's tiny web server (std only): every request is answered with one line of
//! text, `GREETING`. Edit that line, save, and see whether the container serves the new one.
//! Listens on 0.0.0.0:8080 (or the port in `PORT`).

use std::io::{Read, Write};
use std::net::TcpListener;

/// The line every request gets. The exercise edits this.
const GREETING: &str = "Hello from version 1";

fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    println!("serving \"{GREETING}\" on port {port}");
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        // The request itself does not matter: read its head (one read is enough here).
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let body = format!("{GREETING}\n");
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(answer.as_bytes());
    }
    Ok(())
}

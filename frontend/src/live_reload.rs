//! Live reload for development (`LIVE_RELOAD=1`, on in `docker-compose.dev.yml`, off by
//! default and in the release image): the project's own equivalent of cargo-leptos'.
//!
//! Every start of the server has a *boot id*. With live reload on, the server answers
//! `GET /__live-reload` with it, and the page carries a tiny script with the id it was
//! rendered by. The script asks the server for its id twice a second; once the id is a
//! different one (cargo-watch rebuilt and restarted the server), it reloads the page.
//!
//! The asking runs in a dedicated worker: a request that fails while the server is down
//! (rebuilding) is then not reported in the page's console, and the worker retries
//! quietly, backing off up to two seconds. The script is in `<head>`, outside the
//! hydrated `<body>`, so it cannot disturb hydration.

/// Where the server answers with its boot id (only with live reload on).
pub const ENDPOINT: &str = "/__live-reload";

/// The boot id of this server process: its start time and process id, so every start
/// of a new build (and every restart) has a different one.
#[cfg(feature = "ssr")]
pub fn boot_id() -> &'static str {
    use std::sync::OnceLock;
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{nanos:x}-{:x}", std::process::id())
    })
}

/// The worker: polls [`ENDPOINT`], posts a message when the id differs from the page's
/// (or the server no longer has live reload: 404). Network errors back off quietly.
const WORKER: &str = r#"onmessage = async (e) => {
  const { url, id } = e.data;
  let wait = 500;
  for (;;) {
    await new Promise((r) => setTimeout(r, wait));
    try {
      const res = await fetch(url, { cache: "no-store" });
      const now = res.ok ? (await res.text()).trim() : "";
      if (res.status === 404 || (now !== "" && now !== id)) { postMessage(now); return; }
      wait = 500;
    } catch (_) {
      wait = Math.min(wait * 2, 2000);
    }
  }
};"#;

/// The `<script>` body the page carries with live reload on: starts the worker (from a
/// blob, so no extra file is served) with the page's boot id, reloads when told to.
/// Contains no `<` or `&`, so it is the same whether or not the renderer escapes it.
pub fn script(boot_id: &str) -> String {
    let worker = serde_json::to_string(WORKER).expect("a string serialises");
    let id = serde_json::to_string(boot_id).expect("a string serialises");
    let url = serde_json::to_string(ENDPOINT).expect("a string serialises");
    format!(
        "(() => {{ const w = new Worker(URL.createObjectURL(new Blob([{worker}], {{ type: \"text/javascript\" }}))); \
         w.onmessage = () => location.reload(); \
         w.postMessage({{ url: new URL({url}, location.href).href, id: {id} }}); }})();"
    )
    .replace('<', "\\u003c")
    .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_names_the_boot_id_and_endpoint_and_is_safe_inline() {
        let s = script("abc-1");
        assert!(s.contains(r#"id: "abc-1""#), "{s}");
        assert!(s.contains(r#""/__live-reload""#), "{s}");
        assert!(s.contains("location.reload()"), "{s}");
        for bad in ['<', '&'] {
            assert!(!s.contains(bad), "{s}");
        }
        let s = script("</script><b>");
        assert!(!s.contains("</script>"), "{s}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_boot_id_is_stable_within_a_process() {
        assert_eq!(boot_id(), boot_id());
        assert!(boot_id().contains('-'));
    }
}

//! The frontend server's half of the network map (`GET /connections`): its own paths to
//! the goals API and the favorites service by their internal URLs (probed with
//! `GET /healthz`), and the reports those services give of their own upstreams.
//! Bounded like the services' own reports: probes time out, results are cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use network_map::{NetworkView, Report};
use service_kit::connections::{Connections, Upstream};

use crate::urls::ServiceUrls;

/// How long fetching a service's own report may take: its probes (1.5 s) and name
/// resolution (1 s), and a little more.
const REPORT_TIMEOUT: Duration = Duration::from_millis(3000);

/// The network view for the configuration `urls`.
pub async fn view(urls: &ServiceUrls) -> NetworkView {
    let probe = probe_for(urls);
    let (frontend, backend, favorites, monitoring) = tokio::join!(
        probe.own.report(),
        report_of(&urls.goals_ssr),
        report_of(&urls.favorites_ssr),
        crate::monitoring_probe::view(urls),
    );
    NetworkView {
        frontend: frontend.as_ref().clone(),
        backend,
        favorites,
        monitoring,
    }
}

struct Probe {
    own: Connections,
}

/// The probes, by (goals URL, favorites URL).
type Probes = Mutex<HashMap<(String, String), Arc<Probe>>>;

/// One probe (and its cache) per configuration.
fn probe_for(urls: &ServiceUrls) -> Arc<Probe> {
    static PROBES: OnceLock<Probes> = OnceLock::new();
    let mut probes = PROBES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    probes
        .entry((urls.goals_ssr.clone(), urls.favorites_ssr.clone()))
        .or_insert_with(|| {
            Arc::new(Probe {
                own: Connections::new(
                    "frontend",
                    vec![
                        http_upstream("goals API", &urls.goals_ssr),
                        http_upstream("favorites service", &urls.favorites_ssr),
                    ],
                ),
            })
        })
        .clone()
}

/// A service reached by HTTP at `base`, probed with `GET {base}/healthz`.
fn http_upstream(name: &'static str, base: &str) -> Upstream {
    let health = crate::transport::join(base, "/healthz");
    Upstream::for_url(name, base, move || {
        let health = health.clone();
        async move {
            match crate::transport::server_client().get(&health).send().await {
                Ok(res) if res.status().is_success() => Ok(()),
                Ok(res) => Err(format!("answered {}", res.status())),
                Err(e) => Err(service_kit::error::chain(&e)),
            }
        }
    })
}

/// `GET {base}/connections`, or why it could not be had.
async fn report_of(base: &str) -> Result<Report, String> {
    let url = crate::transport::join(base, "/connections");
    let res = crate::transport::server_client()
        .get(&url)
        .timeout(REPORT_TIMEOUT)
        .send()
        .await
        .map_err(|e| service_kit::error::chain(&e))?;
    if !res.status().is_success() {
        return Err(format!("{url} answered {}", res.status()));
    }
    res.json::<Report>()
        .await
        .map_err(|e| format!("{url}: {}", service_kit::error::chain(&e)))
}

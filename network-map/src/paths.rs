//! Every path the network map knows, and where each one exists.
//!
//! The `/network` page draws what is live; this module is the static catalogue behind it:
//! who opens a connection ([`Source`]), what it reaches ([`Target`]), on which port the
//! destination accepts it, the course's communication case, and the platforms on which the
//! path exists ([`Platform`]). The values come from the deployment files of the checkout:
//! - [`Platform::Compose`]: `docker-compose.yml` and `env/*.env` (the offline profile's
//!   stand-in included; favorites' `MONGODB_URL=mongodb://host.docker.internal:27017/…`
//!   for case 2);
//! - [`Platform::Swarm`]: `deploy/swarm/stack.yml` (`SWAPI_REPLICAS=1` for the stand-in);
//! - [`Platform::Kubernetes`]: `deploy/kubernetes/` (the base and the offline overlay),
//!   where the backend listens on 8080 and the network policies allow exactly these paths
//!   (`e2e/tests/kubernetes.rs` computes the connections the policies allow and compares
//!   them with [`on`]`(Platform::Kubernetes)`);
//! - [`Platform::Monitoring`]: the compose monitoring profile (`docker-compose.yml`'s
//!   `prometheus` and `grafana`, `monitoring/prometheus.yml`): its scrapes, Grafana's data
//!   source and the frontend server's questions for the map's traffic.
//!
//! DNS lookups are not paths of the map: each platform's resolver (Docker's embedded DNS,
//! kube-dns) is infrastructure, allowed on its own.

use Platform::{Compose, Kubernetes, Monitoring, Swarm};

/// Where a path can exist: a way of running the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    /// `docker compose` on one Docker host (`docker-compose.yml`), with or without the
    /// `offline` profile.
    Compose,
    /// Kubernetes (`deploy/kubernetes/`: the base, or the offline overlay).
    Kubernetes,
    /// Docker Swarm (`deploy/swarm/stack.yml`).
    Swarm,
    /// The compose monitoring profile (`--profile monitoring`): Prometheus' and Grafana's
    /// paths, beside the compose paths.
    Monitoring,
}

impl Platform {
    /// Every platform, in declaration order.
    pub const ALL: [Platform; 4] = [
        Platform::Compose,
        Platform::Kubernetes,
        Platform::Swarm,
        Platform::Monitoring,
    ];
}

/// Who opens a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The student's browser, on the host: it reaches the services through their published
    /// ports (compose, Swarm's ingress) or node ports (Kubernetes).
    Browser,
    /// The frontend's server (server-side rendering, and its half of the map), which
    /// reaches the services by their internal URLs (`http://backend`, `http://favorites:3000`).
    FrontendServer,
    /// The goals API.
    Backend,
    /// The Star Wars favorites service.
    Favorites,
    /// The monitoring profile's Prometheus, which scrapes `/metrics`.
    Prometheus,
    /// The monitoring profile's Grafana, whose data source is Prometheus.
    Grafana,
}

impl Source {
    /// The service the connection starts from: its compose and Swarm service name, and its
    /// pods' `app.kubernetes.io/name` label on Kubernetes (`frontend`, `backend`,
    /// `favorites`); `None` for the browser, which runs outside the stack.
    pub fn service(self) -> Option<&'static str> {
        match self {
            Source::Browser => None,
            Source::FrontendServer => Some("frontend"),
            Source::Backend => Some("backend"),
            Source::Favorites => Some("favorites"),
            Source::Prometheus => Some("prometheus"),
            Source::Grafana => Some("grafana"),
        }
    }

    /// How the map names it: `your browser`, `frontend server`, `backend`, `favorites`,
    /// `prometheus`, `grafana`.
    pub fn label(self) -> &'static str {
        match self {
            Source::Browser => "your browser",
            Source::FrontendServer => "frontend server",
            Source::Backend => "backend",
            Source::Favorites => "favorites",
            Source::Prometheus => "prometheus",
            Source::Grafana => "grafana",
        }
    }
}

/// What a connection reaches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// The frontend (the page and its assets).
    Frontend,
    /// The goals API.
    Backend,
    /// The favorites service.
    Favorites,
    /// The stack's MongoDB (the service `mongodb`).
    MongoDb,
    /// The offline SWAPI stand-in (the service `swapi`), playing SWAPI's part.
    SwapiStandIn,
    /// SWAPI on the internet (`https://swapi.dev/api`).
    SwapiInternet,
    /// A server on the host machine (case 2): a MongoDB of the student's own, reached at
    /// `host.docker.internal`.
    Host,
    /// The monitoring profile's Prometheus (the service `prometheus`).
    Prometheus,
    /// A process on the host scraped by Prometheus (case 2): the backend run with `cargo run`
    /// on port 8089, reached at `host.docker.internal`.
    HostProcess,
}

impl Target {
    /// The service reached: its compose and Swarm service name, and its pods'
    /// `app.kubernetes.io/name` label on Kubernetes (`frontend`, `backend`, `favorites`,
    /// `mongodb`, `swapi`); `None` for what runs outside the stack (the internet, the host).
    pub fn service(self) -> Option<&'static str> {
        match self {
            Target::Frontend => Some("frontend"),
            Target::Backend => Some("backend"),
            Target::Favorites => Some("favorites"),
            Target::MongoDb => Some("mongodb"),
            Target::SwapiStandIn => Some("swapi"),
            Target::Prometheus => Some("prometheus"),
            Target::SwapiInternet | Target::Host | Target::HostProcess => None,
        }
    }

    /// How the map names it: `frontend`, `backend`, `favorites`, `mongodb`,
    /// `SWAPI stand-in`, `SWAPI (internet)`, `MongoDB on the host`.
    pub fn label(self) -> &'static str {
        match self {
            Target::Frontend => "frontend",
            Target::Backend => "backend",
            Target::Favorites => "favorites",
            Target::MongoDb => "mongodb",
            Target::SwapiStandIn => "SWAPI stand-in",
            Target::SwapiInternet => "SWAPI (internet)",
            Target::Host => "MongoDB on the host",
            Target::Prometheus => "prometheus",
            Target::HostProcess => "a process on the host",
        }
    }
}

/// One path of the map on the platforms where it is the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Path {
    /// The `/network` page's edge that draws it (`frontend/src/network.rs`): `browser-backend`,
    /// `frontend-favorites`, `favorites-mongodb`, `favorites-swapi`, … (one edge can draw
    /// several paths: `favorites-swapi` is the stand-in or the internet).
    pub edge: &'static str,
    /// Who opens the connection.
    pub from: Source,
    /// What it reaches.
    pub to: Target,
    /// The TCP port on which the destination accepts the connection: the port its process
    /// listens on inside its container or pod, which is what a firewall or a Kubernetes
    /// network policy sees. Not a published port, node port or Service port (the browser
    /// dials `localhost:30080` on Kubernetes; the backend's pod accepts it on 8080).
    pub port: u16,
    /// The course's case: 1 (container → WWW), 2 (container → host), 3 (container →
    /// container); `None` for the browser's paths (host → a published port, none of the
    /// three).
    pub case: Option<u8>,
    /// The case whose part the path plays, when it stands in for another: the offline SWAPI
    /// stand-in is case 3 playing case 1. As [`crate::Connection::plays_case`].
    pub plays_case: Option<u8>,
    /// The platforms on which the path exists, in [`Platform::ALL`]'s order.
    pub platforms: &'static [Platform],
}

impl Path {
    /// Whether the path exists on `platform`.
    pub fn exists_on(&self, platform: Platform) -> bool {
        self.platforms.contains(&platform)
    }
}

/// Compose and Swarm run the same images with the same ports; Kubernetes too, except the
/// backend, which listens on 8080 there (`PORT=8080`: no privileged port in a pod).
const EVERYWHERE: &[Platform] = &[Compose, Kubernetes, Swarm];
const DOCKER: &[Platform] = &[Compose, Swarm];

/// Every path the map knows. At most one entry per (source, target) on each platform.
pub const PATHS: &[Path] = &[
    // the browser, on the host, through the published ports (node ports on Kubernetes)
    Path {
        edge: "browser-frontend",
        from: Source::Browser,
        to: Target::Frontend,
        port: 3000,
        case: None,
        plays_case: None,
        platforms: EVERYWHERE,
    },
    Path {
        edge: "browser-backend",
        from: Source::Browser,
        to: Target::Backend,
        port: 80,
        case: None,
        plays_case: None,
        platforms: DOCKER,
    },
    Path {
        edge: "browser-backend",
        from: Source::Browser,
        to: Target::Backend,
        port: 8080,
        case: None,
        plays_case: None,
        platforms: &[Kubernetes],
    },
    Path {
        edge: "browser-favorites",
        from: Source::Browser,
        to: Target::Favorites,
        port: 3000,
        case: None,
        plays_case: None,
        platforms: EVERYWHERE,
    },
    // the frontend server, by service name
    Path {
        edge: "frontend-backend",
        from: Source::FrontendServer,
        to: Target::Backend,
        port: 80,
        case: Some(3),
        plays_case: None,
        platforms: DOCKER,
    },
    Path {
        edge: "frontend-backend",
        from: Source::FrontendServer,
        to: Target::Backend,
        port: 8080,
        case: Some(3),
        plays_case: None,
        platforms: &[Kubernetes],
    },
    Path {
        edge: "frontend-favorites",
        from: Source::FrontendServer,
        to: Target::Favorites,
        port: 3000,
        case: Some(3),
        plays_case: None,
        platforms: EVERYWHERE,
    },
    // the services' own upstreams
    Path {
        edge: "backend-mongodb",
        from: Source::Backend,
        to: Target::MongoDb,
        port: 27017,
        case: Some(3),
        plays_case: None,
        platforms: EVERYWHERE,
    },
    Path {
        edge: "favorites-mongodb",
        from: Source::Favorites,
        to: Target::MongoDb,
        port: 27017,
        case: Some(3),
        plays_case: None,
        platforms: EVERYWHERE,
    },
    // case 2 needs host.docker.internal: compose's extra_hosts (host-gateway) gives it
    // favorites; the stack file and the manifests do not, and the network policies allow
    // no path to the host
    Path {
        edge: "favorites-mongodb",
        from: Source::Favorites,
        to: Target::Host,
        port: 27017,
        case: Some(2),
        plays_case: None,
        platforms: &[Compose],
    },
    Path {
        edge: "favorites-swapi",
        from: Source::Favorites,
        to: Target::SwapiStandIn,
        port: 8000,
        case: Some(3),
        plays_case: Some(1),
        platforms: EVERYWHERE,
    },
    Path {
        edge: "favorites-swapi",
        from: Source::Favorites,
        to: Target::SwapiInternet,
        port: 443,
        case: Some(1),
        plays_case: None,
        platforms: EVERYWHERE,
    },
    // the monitoring profile: Prometheus scrapes every service by its name and a process on
    // the host; Grafana reads Prometheus by its name; the frontend server asks it for the
    // map's traffic
    Path {
        edge: "frontend-prometheus",
        from: Source::FrontendServer,
        to: Target::Prometheus,
        port: 9090,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "grafana-prometheus",
        from: Source::Grafana,
        to: Target::Prometheus,
        port: 9090,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "prometheus-backend",
        from: Source::Prometheus,
        to: Target::Backend,
        port: 80,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "prometheus-favorites",
        from: Source::Prometheus,
        to: Target::Favorites,
        port: 3000,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "prometheus-frontend",
        from: Source::Prometheus,
        to: Target::Frontend,
        port: 3000,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "prometheus-swapi",
        from: Source::Prometheus,
        to: Target::SwapiStandIn,
        port: 8000,
        case: Some(3),
        plays_case: None,
        platforms: &[Monitoring],
    },
    Path {
        edge: "prometheus-host",
        from: Source::Prometheus,
        to: Target::HostProcess,
        port: 8089,
        case: Some(2),
        plays_case: None,
        platforms: &[Monitoring],
    },
];

/// The paths that exist on `platform`, in [`PATHS`]' order.
pub fn on(platform: Platform) -> impl Iterator<Item = &'static Path> {
    PATHS.iter().filter(move |p| p.exists_on(platform))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn one_port_per_pair_and_platform_and_every_path_somewhere() {
        for platform in Platform::ALL {
            let mut pairs = BTreeSet::new();
            for p in on(platform) {
                assert!(
                    pairs.insert((p.from, p.to)),
                    "{:?} → {:?} twice on {platform:?}",
                    p.from,
                    p.to
                );
            }
        }
        for p in PATHS {
            assert!(!p.platforms.is_empty(), "{p:?} exists nowhere");
            let mut sorted = p.platforms.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(
                sorted, p.platforms,
                "{p:?}: platforms in Platform::ALL's order, once"
            );
        }
        assert_eq!(on(Platform::Monitoring).count(), 7);
    }

    #[test]
    fn cases_follow_what_is_reached() {
        for p in PATHS {
            let want = match (p.from, p.to) {
                (Source::Browser, _) => None,
                (_, Target::Host | Target::HostProcess) => Some(2),
                (_, Target::SwapiInternet) => Some(1),
                _ => Some(3),
            };
            assert_eq!(p.case, want, "{p:?}");
            assert_eq!(
                p.plays_case.is_some(),
                p.to == Target::SwapiStandIn && p.from == Source::Favorites,
                "{p:?}"
            );
            // a browser path ends at a service; everything else starts at one
            assert_eq!(p.from.service().is_none(), p.from == Source::Browser);
            assert!(p.edge.starts_with(match p.from {
                Source::Browser => "browser-",
                Source::FrontendServer => "frontend-",
                Source::Backend => "backend-",
                Source::Favorites => "favorites-",
                Source::Prometheus => "prometheus-",
                Source::Grafana => "grafana-",
            }));
        }
    }

    #[test]
    fn where_the_paths_differ() {
        let find = |from, to, platform| {
            on(platform)
                .find(|p| p.from == from && p.to == to)
                .map(|p| p.port)
        };
        use Source::*;
        // the backend listens on 8080 on Kubernetes, 80 elsewhere
        assert_eq!(
            find(FrontendServer, Target::Backend, Kubernetes),
            Some(8080)
        );
        assert_eq!(find(FrontendServer, Target::Backend, Swarm), Some(80));
        assert_eq!(find(Browser, Target::Backend, Compose), Some(80));
        // case 2 exists under compose only
        assert_eq!(find(Favorites, Target::Host, Compose), Some(27017));
        assert_eq!(find(Favorites, Target::Host, Kubernetes), None);
        assert_eq!(find(Favorites, Target::Host, Swarm), None);
        // MongoDB is reached by the two services that use it, nobody else
        let db: BTreeSet<Source> = PATHS
            .iter()
            .filter(|p| p.to == Target::MongoDb)
            .map(|p| p.from)
            .collect();
        assert_eq!(db, BTreeSet::from([Backend, Favorites]));
        assert_eq!(on(Kubernetes).count(), 9);
    }
}

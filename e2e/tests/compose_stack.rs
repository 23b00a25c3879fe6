//! The images and docker-compose.yml end to end (`scripts/test.sh compose`, after the
//! images phase): builds the images, brings the whole stack up with `docker compose`, and
//! checks every communication case the course teaches: CRUD through the published port,
//! the server-side rendered page, the SWAPI stand-in (case 1), a database on the host
//! through host.docker.internal (case 2), mongodb by service name only (case 3), the
//! network map, the access log in its volume, persistence over down/up and its end with
//! down -v, no password in any image, non-root processes, image sizes, stop times, and a
//! wrong password.
//!
//! - Its own compose project (`-p goals-e2e`: its containers, network and volumes; the
//!   images `goals-e2e-backend` etc., which the swarm phase uses): a student's
//!   `docker compose up` stack, volumes and images are never touched. One run at a time
//!   per machine; `E2E_PROJECT` names another project.
//! - Non-default host ports (`E2E_BACKEND_PORT` 18080, `E2E_FAVORITES_PORT` 18081,
//!   `E2E_FRONTEND_PORT` 18082, `E2E_CASE2_PORT` 18083, `E2E_HOSTDB_PORT` 27217).
//! - A MongoDB password generated now, with characters that break hand-made URLs
//!   (`tests/compose/compose.test.yml` passes it in); none is committed. MongoDB is the CI
//!   stand-in (`docker/ci/compose.ci.yml`) unless `E2E_OFFICIAL_MONGO=1` (`mongo:8`).
//! - Containers, networks and volumes it created are removed at the end, even after a
//!   failure; images and the build cache stay.
//!
//! One test with named phases: each phase's duration is printed, every failed check is
//! named, and the verdict at the end lists them all.

use std::time::{Duration, Instant};

use e2e::clip;
use e2e::compose::{env_port, Project, HELPER_IMAGE};
use e2e::docker::{docker, docker_try, health, inspect, require_compose};
use e2e::http::{port_open, Http, Reply};
use e2e::report::{ensure, same, Report};
use e2e::wait::{secs, until};
use e2e::workspace_root;
use serde::Deserialize;
use test_support::process::output_text;
use test_support::TempDir;

/// Our services (built here); the stack also runs `mongodb`.
const SERVICES: [&str; 4] = ["backend", "favorites", "swapi", "frontend"];

#[derive(Debug, Deserialize)]
struct Goal {
    id: String,
    text: String,
}

#[derive(Debug, Deserialize)]
struct GoalList {
    goals: Vec<Goal>,
}

#[derive(Debug, Deserialize)]
struct Created {
    goal: Goal,
}

#[derive(Debug, Deserialize)]
struct Message {
    message: String,
}

#[derive(Debug, Deserialize)]
struct Favorite {
    name: String,
}

#[derive(Debug, Deserialize)]
struct FavoriteList {
    favorites: Vec<Favorite>,
}

/// A `GET /goals` or a `GET /favorites` answer.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Listing {
    Goals(GoalList),
    Favorites(FavoriteList),
}

#[derive(Debug, Deserialize)]
struct Page<T> {
    results: Vec<T>,
}

#[derive(Debug, Deserialize)]
struct Film {
    title: String,
}

#[derive(Debug, Deserialize)]
struct Movies {
    movies: Page<Film>,
}

#[derive(Debug, Deserialize)]
struct People {
    people: Page<serde_json::Value>,
}

/// The stack under test and how to reach it.
struct Stack {
    project: Project,
    http: Http,
    password: String,
    backend_port: u16,
    frontend_port: u16,
    favorites_port: u16,
}

impl Stack {
    fn backend(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.backend_port)
    }
    fn favorites(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.favorites_port)
    }
    fn frontend(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.frontend_port)
    }
    fn container(&self, service: &str) -> String {
        self.project.container(service).unwrap_or_default()
    }
}

/// A test-only password with characters that break hand-made URLs (`@ : / %`): it proves
/// that no connection string is built by hand. Random, never written to the repository.
fn generated_password() -> String {
    let mut bytes = [0u8; 9];
    use std::io::Read;
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("/dev/urandom");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("e2e@:/%{hex}")
}

/// The check `name`: `reply` has the status `want`.
fn status_check(r: &mut Report, name: &str, reply: &Reply, want: u16) {
    r.check(name, || reply.status_is(want).map(drop));
}

/// The check `name`: `reply` is a 200 answer whose goal texts (`GET /goals`) or favorite
/// names (`GET /favorites`) are exactly `want`, in order.
fn list_check(r: &mut Report, name: &str, reply: &Reply, want: &[&str]) {
    r.check(name, || {
        let got: Vec<String> = match reply.status_is(200)?.json()? {
            Listing::Goals(list) => list.goals.into_iter().map(|g| g.text).collect(),
            Listing::Favorites(list) => list.favorites.into_iter().map(|f| f.name).collect(),
        };
        same(
            "the list",
            got,
            want.iter().map(ToString::to_string).collect(),
        )
    });
}

#[test]
fn compose_stack_builds_runs_and_checks_every_communication_case() {
    require_compose("compose_stack");
    let root = workspace_root();
    let name = std::env::var("E2E_PROJECT").unwrap_or_else(|_| "goals-e2e".into());
    let mut files = vec![root.join("docker-compose.yml")];
    if std::env::var("E2E_OFFICIAL_MONGO").as_deref() != Ok("1") {
        files.push(root.join("docker/ci/compose.ci.yml"));
    }
    files.push(root.join("tests/compose/compose.test.yml"));
    let mut stack = Stack {
        project: Project::new(&name, &root, &files).profile("offline"),
        http: Http::default(),
        password: generated_password(),
        backend_port: env_port("E2E_BACKEND_PORT").unwrap_or(18080),
        favorites_port: env_port("E2E_FAVORITES_PORT").unwrap_or(18081),
        frontend_port: env_port("E2E_FRONTEND_PORT").unwrap_or(18082),
    };
    let p = &mut stack.project;
    p.set_env("BACKEND_PORT", &stack.backend_port.to_string());
    p.set_env("FAVORITES_PORT", &stack.favorites_port.to_string());
    p.set_env("FRONTEND_PORT", &stack.frontend_port.to_string());
    p.set_env("SWAPI_BASE_URL", "http://swapi:8000/api");
    // the images as the Swarm phase finds them: goals-e2e-backend:latest, ...
    p.set_env("IMAGE_PREFIX", &name);
    p.set_env("IMAGE_TAG", "latest");
    p.unset_env("IMAGE_PULL_POLICY");
    p.set_env("E2E_MONGO_PASSWORD", &stack.password);
    p.unset_env("E2E_BACKEND_PASSWORD");
    let mut r = Report::new("compose");

    let mongo_port_busy = preflight(&mut r, &mut stack);
    build_and_start(&mut r, &stack);
    goals_crud(&mut r, &stack);
    server_rendered_page(&mut r, &stack);
    favorites_case_1_and_3(&mut r, &stack);
    network_map(&mut r, &stack);
    monitoring(&mut r, &stack);
    case_3_by_service_name_only(&mut r, &stack, mongo_port_busy);
    case_2_host_database(&mut r, &mut stack);
    let log_lines = access_log(&mut r, &stack);
    persistence(&mut r, &stack, log_lines);
    images(&mut r, &stack);
    stop_times(&mut r, &stack);
    wrong_password(&mut r, &mut stack);
    r.finish();
}

/// The engine and the files; leftovers of an aborted run removed. Whether something
/// answered on the host's 127.0.0.1:27017 before the stack started.
fn preflight(r: &mut Report, s: &mut Stack) -> bool {
    r.phase("preflight");
    if let Err(e) = s.project.ok(&["config", "-q"]) {
        r.fatal("the compose files are valid", &e);
    }
    let server = docker_try(&["version", "-f", "{{.Server.Version}}"]).unwrap_or_default();
    let compose = docker_try(&["compose", "version", "--short"]).unwrap_or_default();
    r.pass(&format!(
        "docker {server}, compose {compose}, files {}",
        s.project.files()
    ));
    let name = format!("{}-case2", s.project.name());
    s.project.one_off(&name);
    s.project.clean();
    port_open("127.0.0.1", 27017)
}

fn build_and_start(r: &mut Report, s: &Stack) {
    // the CI database image is the images phase's (scripts/docker-prepare.sh builds it with
    // its pinned version); mongo:8 is pulled, never built
    r.phase("build (the images of our services, cached stages reused)");
    match s.project.build(&SERVICES) {
        Ok(took) => r.pass(&format!(
            "compose build {}: {} s",
            SERVICES.join(" "),
            secs(took)
        )),
        Err(e) => r.fatal("compose build", &e),
    }
    r.phase("up -d --wait (offline profile: SWAPI stand-in)");
    up(
        r,
        s,
        "compose up -d --wait: all healthy in",
        "compose up -d --wait",
    );
}

/// `compose up -d --wait`: the check `"{done} N s"` passes, or the suite stops with the
/// check `failed`.
fn up(r: &mut Report, s: &Stack, done: &str, failed: &str) {
    match s.project.up_wait(&[]) {
        Ok(took) => r.pass(&format!("{done} {} s", secs(took))),
        Err(e) => r.fatal(failed, &e),
    }
}

fn goals_crud(r: &mut Report, s: &Stack) {
    r.phase(&format!(
        "goals CRUD through the published backend port ({})",
        s.backend_port
    ));
    let goals = s.http.get(&s.backend("/goals"));
    list_check(
        r,
        "GET /goals on a fresh volume: 200, no goals",
        &goals,
        &[],
    );
    r.check("CORS: Access-Control-Allow-Origin: *", || {
        same(
            "Access-Control-Allow-Origin",
            goals.header("access-control-allow-origin"),
            Some("*"),
        )
    });
    let first = s
        .http
        .post_json(&s.backend("/goals"), r#"{"text":"  Learn Docker  "}"#);
    let mut id = String::new();
    r.check("POST /goals: 201, stored trimmed", || {
        let created: Created = first.status_is(201)?.json()?;
        same("text", created.goal.text.as_str(), "Learn Docker")?;
        let g = &created.goal;
        ensure(
            g.id.len() == 24
                && g.id
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            || format!("the id {:?} is not 24 lower-case hex digits", g.id),
        )?;
        id.clone_from(&created.goal.id);
        Ok(())
    });
    let second = s
        .http
        .post_json(&s.backend("/goals"), r#"{"text":"e2e persists"}"#);
    status_check(r, "POST a second goal: 201", &second, 201);
    let both = s.http.get(&s.backend("/goals"));
    list_check(
        r,
        "GET /goals: both, in insertion order",
        &both,
        &["Learn Docker", "e2e persists"],
    );
    let deleted = s.http.delete(&s.backend(&format!("/goals/{id}")));
    r.check("DELETE /goals/:id: 200 Deleted goal!", || {
        let m: Message = deleted.status_is(200)?.json()?;
        same("message", m.message.as_str(), "Deleted goal!")
    });
    let after = s.http.get(&s.backend("/goals"));
    list_check(r, "the deleted goal is gone", &after, &["e2e persists"]);
    let blank = s.http.post_json(&s.backend("/goals"), r#"{"text":"   "}"#);
    r.check("POST blank text: 422 Invalid goal text.", || {
        let m: Message = blank.status_is(422)?.json()?;
        same("message", m.message.as_str(), "Invalid goal text.")
    });
    let malformed = s.http.delete(&s.backend("/goals/not-an-id"));
    status_check(r, "DELETE malformed id: 400", &malformed, 400);
}

/// The hydration script's path in the page: the first `….wasm` between quotes.
fn wasm_path(html: &str) -> Option<&str> {
    let end = html.find(".wasm")? + ".wasm".len();
    let start = html[..end].rfind(['"', '\n']).map_or(0, |i| i + 1);
    Some(&html[start..end])
}

fn server_rendered_page(r: &mut Report, s: &Stack) {
    r.phase("frontend: server-side rendered page with the goals (fetched by service name)");
    let page = s.http.get(&s.frontend("/"));
    r.check(
        &format!(
            "GET / on the frontend ({}): 200 with the goal in the HTML",
            s.frontend_port
        ),
        || page.status_is(200)?.contains("e2e persists").map(drop),
    );
    r.check("the page is the Course Goals page", || {
        page.contains("Course Goals").map(drop)
    });
    let public = format!("http://localhost:{}", s.backend_port);
    r.check(
        &format!("the browser gets the PUBLIC backend URL ({public})"),
        || page.contains(&public).map(drop),
    );
    match wasm_path(&page.body) {
        Some(wasm) => {
            let got = s
                .http
                .get(&s.frontend(&format!("/{}", wasm.trim_start_matches('/'))));
            r.check(
                &format!("the wasm ({wasm}) is served as application/wasm"),
                || {
                    let ct = got.status_is(200)?.header("content-type").unwrap_or("");
                    ensure(ct.starts_with("application/wasm"), || {
                        format!("Content-Type: {ct}")
                    })
                },
            );
        }
        None => r.fail("the page links the hydration wasm", page.excerpt()),
    }
}

fn favorites_case_1_and_3(r: &mut Report, s: &Stack) {
    r.phase("favorites: case 1 (SWAPI, here the offline stand-in) and case 3 (mongodb by name)");
    let movies = s.http.get(&s.favorites("/movies"));
    r.check(
        "GET /movies through SWAPI_BASE_URL=http://swapi:8000/api: 200 with A New Hope",
        || {
            let m: Movies = movies.status_is(200)?.json()?;
            let titles: Vec<&str> = m.movies.results.iter().map(|f| f.title.as_str()).collect();
            ensure(titles.contains(&"A New Hope"), || {
                format!("titles: {titles:?}")
            })
        },
    );
    let people = s.http.get(&s.favorites("/people"));
    r.check("GET /people: 200 with people", || {
        let p: People = people.status_is(200)?.json()?;
        ensure(!p.people.results.is_empty(), || "no people".into())
    });
    let favorite = r#"{"name":"A New Hope","type":"movie","url":"http://swapi:8000/api/films/1/"}"#;
    let created = s.http.post_json(&s.favorites("/favorites"), favorite);
    status_check(
        r,
        "POST /favorites: 201 (stored in mongodb, by service name, with auth)",
        &created,
        201,
    );
    let again = s.http.post_json(&s.favorites("/favorites"), favorite);
    status_check(r, "POST the same name again: 409", &again, 409);
    let list = s.http.get(&s.favorites("/favorites"));
    list_check(r, "GET /favorites lists it", &list, &["A New Hope"]);
}

fn network_map(r: &mut Report, s: &Stack) {
    r.phase("network map: /connections and /network with the real service names");
    let backend = s.http.get(&s.backend("/connections"));
    r.check(
        "backend /connections: mongodb:27017 resolved, answering, case 3",
        || {
            let report: network_map::Report = backend.status_is(200)?.json()?;
            ensure(report.in_container, || "in_container is false".into())?;
            let c = report.connections.first().ok_or("no connection")?;
            same("address", c.address.as_str(), "mongodb:27017")?;
            same("case", c.case, Some(3))?;
            ensure(c.ok && !c.resolved.is_empty(), || format!("{c:?}"))
        },
    );
    r.check(
        "X-Served-By names the replica (the container's host name)",
        || {
            let by = backend.header("x-served-by").unwrap_or("");
            ensure(
                by.len() >= 12
                    && by
                        .bytes()
                        .take(12)
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
                || format!("X-Served-By: {by:?}"),
            )
        },
    );
    let favorites = s.http.get(&s.favorites("/connections"));
    r.check(
        "favorites /connections: the SWAPI stand-in reached as case 3, playing case 1",
        || {
            let report: network_map::Report = favorites.status_is(200)?.json()?;
            let c = report
                .connections
                .iter()
                .find(|c| c.upstream == "SWAPI")
                .ok_or("no SWAPI connection")?;
            same("address", c.address.as_str(), "http://swapi:8000/api")?;
            same("case", c.case, Some(3))?;
            same("plays_case", c.plays_case, Some(1))?;
            ensure(c.ok, || format!("not ok: {c:?}"))
        },
    );
    r.check("no password in /connections", || {
        ensure(
            !backend.body.contains(&s.password) && !favorites.body.contains(&s.password),
            || "the MongoDB password is in a /connections answer".into(),
        )
    });
    let page = s.http.get(&s.frontend("/network"));
    r.check(
        "/network is rendered on the server with the service names and cases",
        || {
            page.status_is(200)?
                .contains("http://backend")?
                .contains("mongodb:27017")?
                .contains("case 3: container → container")
                .map(drop)
        },
    );
}

fn case_3_by_service_name_only(r: &mut Report, s: &Stack, mongo_port_busy: bool) {
    r.phase("case 3: mongodb reachable by service name only, not from the host");
    let mongo = s.container("mongodb");
    let backend = s.container("backend");
    r.check(
        "backend is configured with MONGODB_HOST=mongodb (a service name, no IP)",
        || {
            let env = inspect(&backend, "{{range .Config.Env}}{{println .}}{{end}}");
            ensure(env.lines().any(|l| l == "MONGODB_HOST=mongodb"), || {
                env.clone()
            })
        },
    );
    let ready = s.http.get(&s.backend("/readyz"));
    status_check(
        r,
        "backend is ready, so it reached mongodb by name (GET /readyz 200)",
        &ready,
        200,
    );
    r.check("mongodb publishes no port (docker port is empty)", || {
        same("docker port", docker_try(&["port", &mongo])?.as_str(), "")
    });
    if !mongo_port_busy {
        r.check("nothing answers on the host's 127.0.0.1:27017", || {
            ensure(!port_open("127.0.0.1", 27017), || {
                "something answers".into()
            })
        });
    }
    let net = s.project.volume("goals-net");
    r.check(
        &format!("mongodb is on the user-defined network {net}"),
        || {
            let nets = inspect(
                &mongo,
                "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
            );
            ensure(nets.split_whitespace().any(|n| n == net), || {
                format!("its networks: {nets}")
            })
        },
    );
}

/// What `host.docker.internal` (host-gateway) resolves to in a container: the host's
/// docker0 address.
fn host_gateway() -> Option<String> {
    let resolved = docker_try(&[
        "run",
        "--rm",
        "--add-host",
        "host.docker.internal:host-gateway",
        "--entrypoint",
        "getent",
        HELPER_IMAGE,
        "hosts",
        "host.docker.internal",
    ]);
    let first = |text: &str| text.split_whitespace().next().map(str::to_owned);
    resolved.ok().and_then(|t| first(&t)).or_else(|| {
        let out = std::process::Command::new("ip")
            .args(["-4", "-o", "addr", "show", "docker0"])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let cidr = text.split_whitespace().nth(3)?;
        first(cidr.split('/').next()?)
    })
}

/// A SecantusDB without users on the host, listening on `host:port`; stopped on drop.
struct HostDatabase {
    child: std::process::Child,
    _dir: TempDir,
}

impl HostDatabase {
    /// Installs SecantusDB (`test_support::mongo_server`) and starts it without users.
    fn start(host: &str, port: u16) -> Result<Self, String> {
        let dir = TempDir::new("goals-e2e-hostdb");
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let child =
            test_support::mongo_server::serve_command(host, &dir.path().join("data"), port, false)
                .stdin(std::process::Stdio::null())
                .stdout(log.try_clone().expect("log file"))
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot start SecantusDB: {e}"))?;
        Ok(Self { child, _dir: dir })
    }
}

impl Drop for HostDatabase {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether the host database `host:port` has a document named `name` in a collection of
/// `swfavorites`.
fn host_database_has(host: &str, port: u16, name: &str) -> Result<(), String> {
    use mongodb::bson::{doc, Document};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let db = test_support::mongo::client_for(host, port, None).database("swfavorites");
        let collections = db
            .list_collection_names()
            .await
            .map_err(|e| format!("list the collections of swfavorites: {e}"))?;
        for c in &collections {
            let found = db
                .collection::<Document>(c)
                .find_one(doc! { "name": name })
                .await
                .map_err(|e| format!("find in swfavorites.{c}: {e}"))?;
            if found.is_some() {
                return Ok(());
            }
        }
        Err(format!(
            "no {name:?} in swfavorites (collections: {collections:?})"
        ))
    })
}

fn case_2_host_database(r: &mut Report, s: &mut Stack) {
    r.phase("case 2: favorites reaches a MongoDB-compatible server on the HOST via host.docker.internal");
    let case2_port = env_port("E2E_CASE2_PORT").unwrap_or(18083);
    let db_port = env_port("E2E_HOSTDB_PORT").unwrap_or(27217);
    let Some(gateway) = host_gateway() else {
        r.fail(
            "find the host's address for host.docker.internal",
            "neither getent nor docker0 said",
        );
        return;
    };
    r.note(&format!("host.docker.internal -> {gateway}"));
    // host.docker.internal (host-gateway) is the host's address on docker0: listen there
    let db = match HostDatabase::start(&gateway, db_port) {
        Ok(db) => db,
        Err(e) => {
            r.fail(
                "install and start SecantusDB on the host (test_support::mongo_server)",
                &e,
            );
            return;
        }
    };
    r.check(
        &format!("a SecantusDB without users listens on the host at {gateway}:{db_port}"),
        || {
            until(
                "the port opens",
                Duration::from_secs(10),
                Duration::from_millis(100),
                || ensure(port_open(&gateway, db_port), || "closed".into()),
            )
            .map(drop)
        },
    );
    let name = format!("{}-case2", s.project.name());
    let publish = format!("127.0.0.1:{case2_port}:3000");
    let url = format!("MONGODB_URL=mongodb://host.docker.internal:{db_port}/swfavorites");
    let container = s.project.one_off(&name);
    let run = [
        "run",
        "-d",
        "--rm",
        "--no-deps",
        "--name",
        container,
        "-p",
        &publish,
        "-e",
        &url,
        "favorites",
    ];
    if let Err(e) = s.project.ok(&run) {
        r.fail(
            "compose run favorites with MONGODB_URL=mongodb://host.docker.internal:...",
            &e,
        );
    }
    r.check(
        "the one-off favorites container is healthy (its readiness pings the host's database)",
        || {
            until(
                "healthy",
                Duration::from_secs(30),
                Duration::from_millis(500),
                || {
                    let h = health(&name);
                    ensure(h == "healthy", || h.clone())
                },
            )
            .map(drop)
        },
    );
    let c2 = format!("http://127.0.0.1:{case2_port}/favorites");
    let luke =
        r#"{"name":"Luke Skywalker","type":"character","url":"http://swapi:8000/api/people/1/"}"#;
    let created = s.http.post_json(&c2, luke);
    status_check(r, "POST /favorites through it: 201", &created, 201);
    let list = s.http.get(&c2);
    list_check(
        r,
        "it lists only the host database's favorite (not the compose mongodb's)",
        &list,
        &["Luke Skywalker"],
    );
    r.check("the document is in the host's database swfavorites", || {
        host_database_has(&gateway, db_port, "Luke Skywalker")
    });
    let _ = docker(&["rm", "-f", "-v", &name]);
    drop(db);
}

/// Whether `line` is in the Apache combined log format:
/// `host ident user [date] "METHOD target HTTP/x.y" status size "referer" "user-agent"`.
fn is_combined(line: &str) -> bool {
    let mut rest = line;
    for _ in 0..3 {
        match rest.split_once(' ') {
            Some((field, r)) if !field.is_empty() => rest = r,
            _ => return false,
        }
    }
    let Some((date, rest)) = rest.strip_prefix('[').and_then(|r| r.split_once("] ")) else {
        return false;
    };
    let Some((request, rest)) = rest.strip_prefix('"').and_then(|r| r.split_once("\" ")) else {
        return false;
    };
    let request: Vec<&str> = request.split(' ').collect();
    let request_ok = matches!(request.as_slice(), [method, target, proto]
        if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase())
            && !target.is_empty()
            && proto.strip_prefix("HTTP/").is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')));
    let Some((status, rest)) = rest.split_once(' ') else {
        return false;
    };
    let Some((size, rest)) = rest.split_once(' ') else {
        return false;
    };
    let quoted = rest
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|r| r.split_once("\" \""))
        .is_some_and(|(referer, agent)| !referer.contains('"') && !agent.contains('"'));
    !date.is_empty()
        && !date.contains(']')
        && request_ok
        && status.len() == 3
        && status.bytes().all(|b| b.is_ascii_digit())
        && (size == "-" || (!size.is_empty() && size.bytes().all(|b| b.is_ascii_digit())))
        && quoted
}

/// Five requests leave five lines in the logs volume. Returns the log's length in lines.
fn access_log(r: &mut Report, s: &Stack) -> usize {
    r.phase("access log: one combined-format line per request, in the logs volume");
    let mark = format!("e2e-log-{}", test_support::unique_suffix());
    let ua = Some(mark.as_str());
    let goals = s.backend("/goals");
    s.http.send("GET", &goals, None, ua);
    s.http.send("GET", &goals, None, ua);
    s.http.send("GET", &s.backend("/goals?x=1"), None, ua);
    s.http.send("POST", &goals, Some(r#"{"text":""}"#), ua);
    s.http.send("GET", &s.backend("/no-such-route"), None, ua);
    let quoted = format!("\"{mark}\"");
    let read = || {
        s.project
            .volume_read("logs", "access.log")
            .unwrap_or_default()
    };
    let mine = |log: &str| -> Vec<String> {
        log.lines()
            .filter(|l| l.contains(&quoted))
            .map(str::to_owned)
            .collect()
    };
    let log = match until(
        "5 lines",
        Duration::from_secs(5),
        Duration::from_millis(200),
        || {
            let log = read();
            let n = mine(&log).len();
            if n >= 5 {
                Ok(log)
            } else {
                Err(format!("{n} lines"))
            }
        },
    ) {
        Ok((log, _)) => log,
        Err(_) => read(),
    };
    let lines = mine(&log);
    r.check(
        &format!(
            "5 requests -> 5 lines in $LOG_DIR/access.log (read from the volume {}): {}",
            s.project.volume("logs"),
            lines.len()
        ),
        || same("lines", lines.len(), 5),
    );
    let total = log.lines().count();
    r.check(
        &format!("every line is Apache combined format ({total} lines)"),
        || {
            let odd: Vec<&str> = log.lines().filter(|l| !is_combined(l)).take(3).collect();
            ensure(total > 0 && odd.is_empty(), || {
                format!("not combined: {odd:?}")
            })
        },
    );
    r.check("the statuses are logged (200, 422, 404)", || {
        for status in ["200", "422", "404"] {
            let field = format!("\" {status} ");
            ensure(lines.iter().any(|l| l.contains(&field)), || {
                format!("no {status} line in {lines:?}")
            })?;
        }
        Ok(())
    });
    r.note(&format!(
        "sample: {}",
        lines.first().map_or("", String::as_str)
    ));
    total
}

fn persistence(r: &mut Report, s: &Stack, log_lines: usize) {
    r.phase("persistence: down + up keeps goals; down -v wipes them");
    let took = s.project.down(false);
    r.check(
        &format!("compose down (volumes kept): {} s", secs(took)),
        || same("running containers", s.project.running().as_str(), ""),
    );
    up(
        r,
        s,
        "compose up -d --wait on the kept volumes:",
        "compose up -d --wait (again)",
    );
    let goals = s.http.get(&s.backend("/goals"));
    list_check(
        r,
        "the goal survived down/up (data volume)",
        &goals,
        &["e2e persists"],
    );
    let favorites = s.http.get(&s.favorites("/favorites"));
    list_check(r, "the favorite survived too", &favorites, &["A New Hope"]);
    r.check("the access log survived (logs volume) and grows", || {
        let now = s.project.volume_read("logs", "access.log")?.lines().count();
        ensure(now > log_lines, || {
            format!("{now} lines, before down: {log_lines}")
        })
    });
    let took = s.project.down(true);
    let data = s.project.volume("data");
    r.check(
        &format!("compose down -v: {} s, volumes removed", secs(took)),
        || {
            ensure(
                !docker(&["volume", "inspect", &data]).status.success(),
                || format!("the volume {data} is still there"),
            )
        },
    );
    up(
        r,
        s,
        "compose up -d --wait on fresh volumes:",
        "compose up -d --wait (after down -v)",
    );
    let fresh = s.http.get(&s.backend("/goals"));
    list_check(r, "after down -v the goals are gone", &fresh, &[]);
}

fn images(r: &mut Report, s: &Stack) {
    r.phase("images: no password in history, non-root, size");
    for service in SERVICES {
        let c = s.container(service);
        let image = inspect(&c, "{{.Image}}");
        let name = inspect(&c, "{{.Config.Image}}");
        let history = docker_try(&[
            "history",
            "--no-trunc",
            "--format",
            "{{.CreatedBy}}",
            &image,
        ])
        .unwrap_or_default();
        r.check(&format!("{name}: docker history has no password"), || {
            ensure(!history.is_empty(), || format!("no history for {image:?}"))?;
            ensure(
                !history.contains(&s.password) && !history.contains("PASSWORD="),
                || "a password in the history".into(),
            )
        });
        let image_inspect = |format: &str| docker_try(&["image", "inspect", "-f", format, &image]);
        r.check(
            &format!("{name}: image ENV has no password variable"),
            || {
                let env = image_inspect("{{range .Config.Env}}{{println .}}{{end}}")?;
                ensure(!env.contains("PASSWORD"), || env.clone())
            },
        );
        let user = image_inspect("{{.Config.User}}").unwrap_or_default();
        r.check(&format!("{name}: runs as a non-root user ({user})"), || {
            let who = user.split(':').next().unwrap_or("");
            ensure(!who.is_empty() && who != "0" && who != "root", || {
                format!("User: {user:?}")
            })
        });
        let top = docker_try(&["top", &c, "-o", "uid,pid"]).unwrap_or_default();
        let mut uids: Vec<&str> = top
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        uids.sort_unstable();
        uids.dedup();
        r.check(
            &format!("{name}: its processes run as uid {}", uids.join(" ")),
            || ensure(!uids.is_empty() && !uids.contains(&"0"), || top.clone()),
        );
        let size: u64 = image_inspect("{{.Size}}")
            .ok()
            .and_then(|t| t.parse().ok())
            .unwrap_or(u64::MAX);
        r.check(
            &format!("{name}: image size {:.1} MB (< 50 MB)", size as f64 / 1e6),
            || ensure(size < 50_000_000, || format!("{size} bytes")),
        );
    }
    r.check(
        "the logs dir in the backend image belongs to the runtime user (65532)",
        || {
            let mount = format!("{}:/v:ro", s.project.volume("logs"));
            let owner = docker_try(&[
                "run",
                "--rm",
                "-v",
                &mount,
                "--entrypoint",
                "stat",
                HELPER_IMAGE,
                "-c",
                "%u",
                "/v",
            ])?;
            same("owner", owner.as_str(), "65532")
        },
    );
}

fn stop_times(r: &mut Report, s: &Stack) {
    r.phase("docker stop: each service stops at once on SIGTERM (< 2 s)");
    for service in SERVICES.iter().chain(&["mongodb"]) {
        let c = s.container(service);
        let t0 = Instant::now();
        let _ = docker(&["stop", &c]);
        let took = t0.elapsed();
        let code = inspect(&c, "{{.State.ExitCode}}");
        if *service == "mongodb" {
            r.note(&format!(
                "mongodb (not ours): stopped in {} s, exit {code}",
                secs(took)
            ));
        } else {
            r.check(
                &format!(
                    "{service}: docker stop took {} s, exit code {code}",
                    secs(took)
                ),
                || {
                    ensure(took < Duration::from_secs(2), || "too slow".into())?;
                    same("exit code", code.as_str(), "0")
                },
            );
        }
    }
}

fn wrong_password(r: &mut Report, s: &mut Stack) {
    r.phase("wrong password: backend stays unready, says why, does not crash");
    let wrong = format!("wrong-{}", test_support::unique_suffix());
    s.project.set_env("E2E_BACKEND_PASSWORD", &wrong);
    if let Err(e) = s.project.up_detached(&["backend"]) {
        r.fail("compose up -d backend (wrong password)", &e);
    }
    s.project.unset_env("E2E_BACKEND_PASSWORD");
    let backend = s.container("backend");
    let logs = || test_support::process::output_text(&docker(&["logs", &backend]));
    let said = until(
        "the log says authentication failed",
        Duration::from_secs(20),
        Duration::from_millis(500),
        || {
            let text = logs();
            ensure(text.contains("authentication failed"), || {
                clip(text.lines().last().unwrap_or(""), 200).to_owned()
            })
            .map(|()| text)
        },
    );
    let line = said
        .as_ref()
        .ok()
        .and_then(|(text, _)| text.lines().find(|l| l.contains("authentication failed")))
        .map(|l| clip(l, 220).to_owned());
    r.check("the backend log says: authentication failed", || {
        said.as_ref().map(drop).map_err(Clone::clone)
    });
    r.note(line.as_deref().unwrap_or(""));
    // the whole line (the note above shows its start only)
    let full = said
        .as_ref()
        .ok()
        .and_then(|(text, _)| text.lines().find(|l| l.contains("authentication failed")))
        .unwrap_or("");
    r.check(
        "and what to do: the volume keeps its first root user (docker compose down -v)",
        || {
            ensure(full.contains("docker compose down -v"), || {
                clip(full, 400).to_owned()
            })
        },
    );
    let ready = s.http.get(&s.backend("/readyz"));
    status_check(r, "GET /readyz: 503", &ready, 503);
    let live = s.http.get(&s.backend("/healthz"));
    status_check(r, "GET /healthz: 200 (the process serves)", &live, 200);
    std::thread::sleep(Duration::from_secs(3));
    let h = health(&backend);
    r.check(&format!("not healthy: {h}"), || {
        ensure(h != "healthy", || "the backend is healthy".into())
    });
    r.check("still running, RestartCount 0 (no crash loop)", || {
        same(
            "running, restarts",
            inspect(&backend, "{{.State.Running}} {{.RestartCount}}").as_str(),
            "true 0",
        )
    });
}

#[test]
fn the_generated_password_breaks_hand_made_urls_and_differs_per_run() {
    let a = generated_password();
    for c in ['@', ':', '/', '%'] {
        assert!(a.contains(c), "{a} lacks {c}");
    }
    assert_eq!(a.len(), "e2e@:/%".len() + 18);
    assert_ne!(a, generated_password());
}

#[test]
fn the_combined_format_is_recognised_and_others_are_not() {
    let good = r#"172.18.0.1 - - [29/Nov/2026:10:00:00 +0000] "GET /goals?x=1 HTTP/1.1" 200 12 "-" "e2e-log-1""#;
    assert!(is_combined(good));
    assert!(is_combined(&good.replace(" 12 ", " - ")));
    for bad in [
        good.replace("HTTP/1.1", "HTTP"),
        good.replace(" 200 ", " 20 "),
        good.replace("GET", "get"),
        good.replace(" \"-\" ", " - "),
        good.replace('[', ""),
        format!("{good} extra"),
        String::new(),
    ] {
        assert!(!is_combined(&bad), "{bad}");
    }
}

#[test]
fn the_wasm_path_is_the_first_quoted_wasm_of_the_page() {
    let html =
        r#"<link rel="preload" href="/pkg/frontend.wasm" as="fetch"><script src="/pkg/x.wasm">"#;
    assert_eq!(wasm_path(html), Some("/pkg/frontend.wasm"));
    assert_eq!(wasm_path("<p>no hydration</p>"), None);
}

/// The host port a process on the host serves its metrics on for the monitoring profile
/// (monitoring/prometheus.yml's `host.docker.internal:8089`).
const HOST_METRICS_PORT: u16 = 8089;

/// A backend binary of the checkout run on the host (case 2 for Prometheus), stopped on drop;
/// its log directory goes with it.
struct HostBackend {
    child: std::process::Child,
    _logs: TempDir,
}

impl Drop for HostBackend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prometheus' answer to an instant query: the samples' values.
fn prometheus_query(s: &Stack, port: u16, query: &str) -> Result<Vec<f64>, String> {
    let url = reqwest::Url::parse_with_params(
        &format!("http://127.0.0.1:{port}/api/v1/query"),
        [("query", query)],
    )
    .map_err(|e| e.to_string())?;
    let v: serde_json::Value = s.http.get(url.as_str()).status_is(200)?.json()?;
    Ok(v["data"]["result"]
        .as_array()
        .ok_or_else(|| format!("no result: {v}"))?
        .iter()
        .filter_map(|r| r["value"][1].as_str().and_then(|n| n.parse().ok()))
        .collect())
}

/// The monitoring profile: Prometheus (the stand-in of prom/prometheus here) scraping every
/// service by its service name and a backend run on the host through
/// host.docker.internal; its configuration and every service's /metrics pass promtool;
/// every query of the Grafana dashboard returns data; the network map gets the traffic.
fn monitoring(r: &mut Report, s: &Stack) {
    r.phase("monitoring profile: Prometheus scrapes every service (case 3) and the host (case 2)");
    let root = workspace_root();
    if !port_free(HOST_METRICS_PORT) {
        r.fail(
            &format!("port {HOST_METRICS_PORT} is free for the host's backend"),
            "something listens there: the profile's Prometheus scrapes host.docker.internal:8089",
        );
        return;
    }
    // built now (nothing to do when it is fresh): a binary of older sources would be tested
    let bin = root.join("target/debug/backend");
    {
        let built =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "-q", "-p", "backend", "--bin", "backend"])
                .current_dir(&root)
                .status();
        if !built.is_ok_and(|st| st.success()) {
            return r.fail(
                "build the backend for the host",
                "cargo build -p backend failed",
            );
        }
    }
    let logs = TempDir::new("monitoring-host-logs");
    let host = std::process::Command::new(&bin)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("PORT", HOST_METRICS_PORT.to_string())
        .env("LOG_DIR", logs.path())
        // no database: it serves /metrics and answers 503 to /goals, counted all the same
        .env("MONGODB_HOST", "127.0.0.1")
        .env("MONGODB_PORT", "1")
        .env("MONGODB_USERNAME", "")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let _host = match host {
        Ok(child) => HostBackend { child, _logs: logs },
        Err(e) => return r.fail("start the backend on the host", &e.to_string()),
    };
    let prom_port = env_port("E2E_PROMETHEUS_PORT").unwrap_or(18090);
    let mut cmd = s.project.command(&["up", "-d", "prometheus"]);
    cmd.env("PROMETHEUS_PORT", prom_port.to_string());
    let up = e2e::docker::finished(cmd.output(), "docker compose");
    if !up.status.success() {
        return r.fail(
            "compose up -d prometheus (the monitoring profile)",
            &output_text(&up),
        );
    }
    let prom = |path: &str| format!("http://127.0.0.1:{prom_port}{path}");
    let jobs = ["backend", "favorites", "frontend", "swapi", "host"];
    let all_up = until(
        "every target up",
        Duration::from_secs(90),
        Duration::from_millis(500),
        || {
            let v: serde_json::Value = s
                .http
                .get(&prom("/api/v1/targets?state=active"))
                .status_is(200)?
                .json()?;
            let targets = v["data"]["activeTargets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let down: Vec<String> = jobs
                .iter()
                .filter(|job| {
                    !targets
                        .iter()
                        .any(|t| t["labels"]["job"] == **job && t["health"] == "up")
                })
                .map(|j| j.to_string())
                .collect();
            ensure(down.is_empty(), || format!("down or missing: {down:?}"))
        },
    );
    match all_up {
        Ok(((), took)) => r.pass(&format!(
            "every target up through Prometheus' API ({}, host.docker.internal:{HOST_METRICS_PORT} the backend on the host) after {} s",
            jobs.join(", "),
            secs(took)
        )),
        Err(e) => return r.fail("every target up", &e),
    }
    r.check(
        "promtool check config: the profile's prometheus.yml",
        || {
            let out = s.project.run(&[
                "exec",
                "-T",
                "prometheus",
                "promtool",
                "check",
                "config",
                "/etc/prometheus/prometheus.yml",
            ]);
            ensure(out.status.success(), || output_text(&out))
        },
    );
    let host_url = |path: &str| format!("http://127.0.0.1:{HOST_METRICS_PORT}{path}");
    // a counter exists once a request was answered (scrapes and /metrics are not counted)
    s.http.get(&host_url("/goals"));
    for (svc, url) in [
        ("backend", s.backend("/metrics")),
        ("favorites", s.favorites("/metrics")),
        ("frontend", s.frontend("/metrics")),
        ("the backend on the host", host_url("/metrics")),
    ] {
        let text = s.http.get(&url).body;
        r.check(&format!("promtool check metrics: {svc}'s /metrics"), || {
            ensure(text.contains("http_requests_total"), || {
                format!("no http_requests_total in {}", e2e::clip(&text, 300))
            })?;
            let mut child = s
                .project
                .command(&["exec", "-T", "prometheus", "promtool", "check", "metrics"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .map_err(|e| e.to_string())?;
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .map_err(|e| e.to_string())?;
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            ensure(out.status.success(), || output_text(&out))
        });
    }
    r.check(
        "no secret in any metric (the generated MongoDB password)",
        || {
            for url in [s.backend("/metrics"), s.favorites("/metrics")] {
                let text = s.http.get(&url).body;
                ensure(!text.contains(&s.password), || {
                    format!("{url} shows the password")
                })?;
            }
            Ok(())
        },
    );

    r.phase(
        "traffic: the counters rise, the dashboard's queries have data, the map has the traffic",
    );
    let before = prometheus_query(
        s,
        prom_port,
        r#"sum(http_requests_total{job="host",route="/goals"})"#,
    )
    .ok()
    .and_then(|v| v.first().copied())
    .unwrap_or(0.0);
    let mut made = Vec::new();
    for i in 0..20 {
        let saved = s.http.post_json(
            &s.backend("/goals"),
            &format!(r#"{{"text":"monitored {i}"}}"#),
        );
        made.extend(
            serde_json::from_str::<serde_json::Value>(&saved.body)
                .ok()
                .and_then(|g| g["goal"]["id"].as_str().map(str::to_owned)),
        );
        s.http.get(&s.backend("/goals"));
        s.http.get(&s.favorites("/movies"));
        s.http.get(&s.frontend("/"));
        s.http.get(&host_url("/goals"));
    }
    // the goals of this traffic go again: the next phases count what is stored
    for id in &made {
        s.http.delete(&s.backend(&format!("/goals/{id}")));
    }
    r.check("the traffic's goals deleted again", || {
        ensure(made.len() == 20, || format!("{} of 20 saved", made.len()))
    });
    let rose = until(
        "the host's counter rising",
        Duration::from_secs(30),
        Duration::from_millis(500),
        || {
            let now = prometheus_query(
                s,
                prom_port,
                r#"sum(http_requests_total{job="host",route="/goals"})"#,
            )?
            .first()
            .copied()
            .unwrap_or(0.0);
            ensure(now >= before + 20.0, || format!("{before} -> {now}"))
        },
    );
    match rose {
        Ok(((), took)) => r.pass(&format!(
            "the backend on the host: http_requests_total{{route=\"/goals\"}} rose by 20 in Prometheus after {} s",
            secs(took)
        )),
        Err(e) => r.fail("the host's counter rises", &e),
    }
    let dashboard: serde_json::Value =
        match std::fs::read_to_string(root.join("monitoring/grafana/dashboards/stack.json"))
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(d) => d,
            Err(e) => return r.fail("read the Grafana dashboard", &e),
        };
    for panel in dashboard["panels"].as_array().cloned().unwrap_or_default() {
        let title = panel["title"].as_str().unwrap_or("?").to_owned();
        for target in panel["targets"].as_array().cloned().unwrap_or_default() {
            let expr = target["expr"].as_str().unwrap_or_default().to_owned();
            let answer = until(
                &format!("data for {title:?}"),
                Duration::from_secs(30),
                Duration::from_secs(1),
                || {
                    let v = prometheus_query(s, prom_port, &expr)?;
                    ensure(!v.is_empty(), || "no sample yet".into())
                },
            );
            match answer {
                Ok(_) => r.pass(&format!("dashboard panel {title:?}: its query has data")),
                Err(e) => r.fail(
                    &format!("dashboard panel {title:?}: its query has data"),
                    &format!("{expr}: {e}"),
                ),
            }
        }
    }
    let traffic = until(
        "the map's traffic",
        Duration::from_secs(30),
        Duration::from_secs(1),
        || {
            let view: network_map::NetworkView = s
                .http
                .get(&s.frontend("/connections"))
                .status_is(200)?
                .json()?;
            let m = view.monitoring.ok_or("no monitoring part in the view")?;
            ensure(m.prometheus.ok, || {
                format!(
                    "the frontend does not reach Prometheus: {:?}",
                    m.prometheus.error
                )
            })?;
            let on = |path: &str| {
                m.traffic
                    .iter()
                    .find(|t| t.path == path)
                    .map_or(0.0, |t| t.requests_per_s)
            };
            ensure(
                on("backend-mongodb") > 0.0 && on("browser-backend") > 0.0,
                || format!("{:?}", m.traffic),
            )?;
            Ok(m)
        },
    );
    match traffic {
        Ok((m, _)) => r.pass(&format!(
            "/connections has the monitoring part: Prometheus answers the frontend server (case {:?}), {} targets, traffic on {} paths",
            m.prometheus.case,
            m.targets.len(),
            m.traffic.iter().filter(|t| t.requests_per_s > 0.0).count()
        )),
        Err(e) => r.fail("the network map's traffic", &e),
    }
    traffic_on_the_map_in_a_browser(r, s);
    let _ = s.project.run(&["stop", "prometheus"]);
    let _ = s.project.run(&["rm", "-f", "-v", "prometheus"]);
}

/// The map in headless Chromium with the monitoring profile: readable with its paths (at
/// 1280 and 768 px), and requests sent to the backend's published port showing on the
/// browser → backend edge within 15 s (Prometheus scrapes every 5 s; the frontend server
/// asks it at most every 2 s; the page refreshes every 3 s).
fn traffic_on_the_map_in_a_browser(r: &mut Report, s: &Stack) {
    use browser_tests::{map, screenshot, ChromeDriver};
    use fantoccini::Locator;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let rps = |client: &fantoccini::Client| {
        let client = client.clone();
        async move {
            let row = client
                .find(Locator::Css("table.edges tr[data-edge='browser-backend']"))
                .await
                .ok()?;
            row.attr("data-rps").await.ok()??.parse::<f64>().ok()
        }
    };
    let outcome: Result<(f64, f64, Duration, Vec<String>), String> = runtime.block_on(async {
        let driver = ChromeDriver::start();
        let client = driver.session().await;
        client
            .goto(&s.frontend("/network"))
            .await
            .map_err(|e| e.to_string())?;
        client
            .set_window_size(1280, 1000)
            .await
            .map_err(|e| e.to_string())?;
        let mut unreadable = Vec::new();
        // the monitoring paths drawn, and readable
        let drawn = tokio::time::timeout(Duration::from_secs(15), async {
            loop {
                if client
                    .find(Locator::Css("g.edge[data-edge='prometheus-host']"))
                    .await
                    .is_ok()
                {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        })
        .await;
        if drawn.is_err() {
            return Err("no prometheus-host path on the map within 15 s".into());
        }
        for width in [1280, 768] {
            client
                .set_window_size(width, 1000)
                .await
                .map_err(|e| e.to_string())?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            unreadable.extend(
                map::unreadable(&client)
                    .await
                    .into_iter()
                    .map(|p| format!("{width} px: {p}")),
            );
            screenshot(&client, &format!("network-monitoring-{width}.png")).await;
        }
        client
            .set_window_size(1280, 1000)
            .await
            .map_err(|e| e.to_string())?;
        let before = rps(&client).await.unwrap_or(0.0);
        // about 40 requests a second to the backend's published port, until seen
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sender = {
            let (stop, url) = (stop.clone(), s.backend("/goals"));
            std::thread::spawn(move || {
                let http = Http::default();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    http.get(&url);
                    std::thread::sleep(Duration::from_millis(25));
                }
            })
        };
        let t0 = Instant::now();
        let mut seen = before;
        while t0.elapsed() < Duration::from_secs(15) {
            seen = rps(&client).await.unwrap_or(0.0);
            if seen >= before + 2.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let took = t0.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = sender.join();
        screenshot(&client, "network-monitoring-traffic.png").await;
        let _ = client.close().await;
        Ok((before, seen, took, unreadable))
    });
    match outcome {
        Err(e) => r.fail("the map in a browser with the monitoring profile", &e),
        Ok((before, seen, took, unreadable)) => {
            r.check(
                "the map with the monitoring paths is readable at 1280 and 768 px",
                || ensure(unreadable.is_empty(), || unreadable.join("; ")),
            );
            if seen >= before + 2.0 {
                r.pass(&format!(
                    "traffic sent to the backend shows on the browser → backend edge in the browser after {:.1} s ({before:.1} → {seen:.1} req/s)",
                    took.as_secs_f64()
                ));
            } else {
                r.fail(
                    "traffic sent to the backend shows on its edge within 15 s",
                    &format!(
                        "{before:.1} → {seen:.1} req/s after {:.1} s",
                        took.as_secs_f64()
                    ),
                );
            }
        }
    }
}

fn port_free(port: u16) -> bool {
    std::net::TcpListener::bind(("0.0.0.0", port)).is_ok()
}

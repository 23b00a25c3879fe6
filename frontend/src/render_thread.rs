//! Pages are rendered on a thread of their own; health and readiness are answered beside
//! it, never behind a render.
//!
//! Server-side rendering runs on one thread (a current-thread runtime: on several, Leptos'
//! `<Transition>` panics now and then, see [`crate::server`]). A render is CPU work that
//! holds its thread until the page is written, so on that thread a large page would also
//! hold `/healthz` (once up to 1.6 s, enough to fail a 1 s liveness probe). Here the
//! server's own runtime accepts connections and answers `/healthz` and `/readyz`; every
//! other request is handed to the render thread, and its answer's body is relayed back
//! chunk by chunk (a streamed page stays streamed; a client that goes away stops the
//! render's writing).

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::channel::{mpsc, oneshot};
use futures::{SinkExt, StreamExt};
use tower::ServiceExt;

/// How many chunks of a page may wait between the render thread and the connection.
const CHUNKS_IN_FLIGHT: usize = 8;

/// The render thread: a current-thread runtime on an OS thread of its own.
#[derive(Clone)]
pub struct RenderThread {
    handle: tokio::runtime::Handle,
}

impl RenderThread {
    /// Starts the thread (named `render`); it runs for the rest of the process.
    pub fn start() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name("render".into())
            .spawn(move || runtime.block_on(std::future::pending::<()>()))?;
        Ok(Self { handle })
    }

    /// `health` (answered on the caller's runtime) in front of `pages` (run on the render
    /// thread): the router the server serves.
    pub fn in_front_of(self, health: Router, pages: Router) -> Router {
        health.fallback_service(tower::service_fn(move |req: Request| {
            let (thread, pages) = (self.clone(), pages.clone());
            async move { Ok::<_, Infallible>(thread.render(pages, req).await) }
        }))
    }

    /// `req` answered by `pages` on the render thread.
    async fn render(&self, pages: Router, req: Request) -> Response {
        let (head, answered) = oneshot::channel();
        self.handle.spawn(async move {
            let res = match pages.oneshot(req).await {
                Ok(res) => res,
                Err(never) => match never {},
            };
            let (parts, body) = res.into_parts();
            let (mut chunks, relayed) =
                mpsc::channel::<Result<Bytes, axum::Error>>(CHUNKS_IN_FLIGHT);
            if head
                .send(Response::from_parts(parts, Body::from_stream(relayed)))
                .is_err()
            {
                return; // the connection is gone
            }
            let mut data = body.into_data_stream();
            while let Some(chunk) = data.next().await {
                if chunks.send(chunk).await.is_err() {
                    return; // the client went away: stop writing the page
                }
            }
        });
        answered.await.unwrap_or_else(|_| {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The page could not be rendered: the render thread is gone.",
            )
                .into_response()
        })
    }
}

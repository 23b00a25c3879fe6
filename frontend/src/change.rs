//! A change a page makes through a service (add a goal, save or remove a favorite, …)
//! as a Leptos [`Action`]: one at a time, which item it is busy with while it runs, and
//! once the service has answered, the notice bar and a new read of the list it changed.

use std::future::Future;

use leptos::prelude::*;

use crate::api::{sendable, ApiError};
use crate::widgets::Notice;

/// A change on a list, sent to a service with input `I`, answered with `T`. `Copy`, like
/// a signal: pass it to as many buttons as need it.
pub struct Change<I: 'static, T: 'static> {
    action: Action<I, Result<T, ApiError>>,
    /// The input of the request in flight (`None` when there is none).
    running: MappedSignal<Option<I>>,
    pending: Memo<bool>,
    notice: RwSignal<Option<Notice>>,
}

impl<I, T> Clone for Change<I, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, T> Copy for Change<I, T> {}

/// What a page does with a change's answer (see [`Change::new`]).
pub struct Answer<R, K> {
    /// Where the answer is shown: an error always, a success when `on_ok` says so.
    pub notice: RwSignal<Option<Notice>>,
    /// Reads the list again: after a success, and after the `stale` status.
    pub reread: R,
    /// The error status that means the page's list is out of date (409: saved meanwhile,
    /// 404: deleted meanwhile), so it is read again too; `None`: no such status.
    pub stale: Option<u16>,
    /// Runs on a success; the notice it returns (if any) is shown.
    pub on_ok: K,
}

impl<I, T> Change<I, T>
where
    I: Clone + Send + Sync + 'static,
    T: Send + Sync + 'static,
{
    /// Runs `request(base, input)` for each [`Change::run`]; its answer is handled as
    /// `answer` says, once it is in (in the browser: effects do not run on the server,
    /// and nothing is sent from there).
    pub fn new<F, Fu, R, K>(base: String, request: F, answer: Answer<R, K>) -> Self
    where
        F: Fn(String, I) -> Fu + Send + Sync + 'static,
        Fu: Future<Output = Result<T, ApiError>> + SendOnServer + 'static,
        R: Fn() + 'static,
        K: Fn(&T) -> Option<Notice> + 'static,
    {
        let action = Action::new(move |input: &I| sendable(request(base.clone(), input.clone())));
        let value = action.value();
        let Answer {
            notice,
            reread,
            stale,
            on_ok,
        } = answer;
        Effect::new(move |_| {
            value.with(|answer| match answer {
                None => {}
                Some(Ok(done)) => {
                    if let Some(shown) = on_ok(done) {
                        notice.set(Some(shown));
                    }
                    reread();
                }
                Some(Err(e)) => {
                    if matches!(e, ApiError::Status { status, .. } if Some(*status) == stale) {
                        reread();
                    }
                    notice.set(Some(Notice::Error(e.to_string())));
                }
            })
        });
        Self {
            action,
            running: action.input(),
            pending: action.pending(),
            notice,
        }
    }

    /// Sends `input`, unless a request of this change is still in flight (a double click
    /// sends once). Clears the notice of the last change.
    pub fn run(&self, input: I) {
        if self.pending.get_untracked() {
            return;
        }
        self.notice.set(None);
        self.action.dispatch(input);
    }

    /// Whether a request is in flight (tracked).
    pub fn pending(&self) -> Memo<bool> {
        self.pending
    }

    /// Whether the request in flight is for an input `is` accepts (tracked): which item
    /// shows "Saving…".
    pub fn runs_for(&self, is: impl Fn(&I) -> bool) -> bool {
        self.running.with(|input| input.as_ref().is_some_and(is))
    }
}

impl Change<String, ()> {
    /// Deletes the item whose id is given to [`Change::run`] with `request(base, id)`:
    /// no notice when it is done; the list is read again after a success and after a 404
    /// (deleted meanwhile, elsewhere).
    pub fn delete<F, Fu, R>(
        base: String,
        request: F,
        notice: RwSignal<Option<Notice>>,
        reread: R,
    ) -> Self
    where
        F: Fn(String, String) -> Fu + Send + Sync + 'static,
        Fu: Future<Output = Result<(), ApiError>> + SendOnServer + 'static,
        R: Fn() + 'static,
    {
        let answer = Answer {
            notice,
            reread,
            stale: Some(404),
            on_ok: |_: &()| None,
        };
        Self::new(base, request, answer)
    }
}

/// `Send` on the server, where futures run on a multi-threaded runtime; anything in the
/// browser, where [`sendable`] makes them so (one thread, `fetch()` futures are not `Send`).
#[cfg(not(target_arch = "wasm32"))]
pub trait SendOnServer: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<F: Send> SendOnServer for F {}

/// `Send` on the server, where futures run on a multi-threaded runtime; anything in the
/// browser, where [`sendable`] makes them so (one thread, `fetch()` futures are not `Send`).
#[cfg(target_arch = "wasm32")]
pub trait SendOnServer {}
#[cfg(target_arch = "wasm32")]
impl<F> SendOnServer for F {}

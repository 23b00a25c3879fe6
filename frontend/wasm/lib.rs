//! The wasm module the page loads (`pkg/frontend.wasm`): the frontend crate's `hydrate`
//! entry point, exported by `#[wasm_bindgen]` from there.

#[cfg(target_arch = "wasm32")]
pub use frontend::hydrate;
